// The policy gate's own figures (issue 12): its time per object over the benchmark units, cold
// (a fresh process, as synth runs it) and warm, and the time to check one object that holds a
// 1 MiB value in each place the secret scan reads (lib/policy/secret-scan.ts): an env value, a
// command argument, an annotation and a ConfigMap file. The scan is measured through the public
// gate, `checkPolicy`, as a consumer calls it; a 1 MiB object also gets the well-formed rule's
// exact size (one JSON.stringify), which is part of what a user waits for.
//
//   node -r ./scripts/ts-register.js bench/gate.ts [n]     prints one JSON line (a GateResult)
import { checkPolicy, type PolicyOptions } from 'kubestack';
import { buildOurs, objectsOurs } from './units';

export interface GateResult {
  readonly n: number;
  readonly objects: number;
  /** The first checkPolicy over the units' objects in this process: what synth pays. */
  readonly coldMs: number;
  readonly coldCpuMs: number;
  /** Median of five more runs over the same objects. */
  readonly warmMs: number;
  readonly coldUsPerObject: number;
  readonly warmUsPerObject: number;
  /** One object with a 1 MiB value: the median of five checkPolicy runs (after one untimed), by value and place. */
  readonly scan1MiB: { readonly value: string; readonly place: string; readonly ms: number }[];
}

const MiB = 1 << 20;

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** 1 MiB values that make a scanner work: plain text, near-misses of every pattern, one long word. */
function values(): { name: string; value: string }[] {
  const fill = (piece: string) => piece.repeat(Math.ceil(MiB / piece.length)).slice(0, MiB);
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const printable = Array.from({ length: MiB }, () => String.fromCharCode(32 + (random() % 95))).join('');
  return [
    { name: 'random printable ASCII', value: printable },
    { name: 'one word, no space', value: 'a'.repeat(MiB) },
    { name: 'near-miss URLs (https://user@host:…)', value: fill('https://user@host:8080/path?q=1 ') },
    { name: 'near-miss pairs (password= $(VAR), token: $(X))', value: fill('password=$(DB_PASSWORD) token: $(T) ') },
    { name: 'near-miss Bearer / PEM lines', value: fill('Bearer $(TOKEN)\n-----BEGIN CERTIFICATE-----\n') },
  ];
}

function objectsWith(value: string): { place: string; objects: unknown[] }[] {
  const meta = (name: string, annotations: Record<string, string> = {}) => ({ name, namespace: 'bench', annotations });
  const deployment = (env: Record<string, unknown>[], args: string[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('scan'),
    spec: {
      selector: { matchLabels: { app: 'scan' } },
      template: { metadata: { labels: { app: 'scan' } }, spec: { containers: [{ name: 'c', image: 'i:1.0.0', env, args }] } },
    },
  });
  return [
    { place: 'env value', objects: [deployment([{ name: 'NOTES', value }], [])] },
    { place: 'command argument', objects: [deployment([], [value])] },
    { place: 'annotation', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('scan', { 'example.com/notes': value }), data: {} }] },
    { place: 'ConfigMap file', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('scan'), data: { 'notes.txt': value } }] },
  ];
}

export function measureGate(n: number): GateResult {
  const built = buildOurs(n);
  const docs = objectsOurs(built);
  const options = built.env.policyOptions;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const first = checkPolicy(docs, options);
  const coldMs = performance.now() - t0;
  const coldCpuMs = cpuMs(process.cpuUsage(c0));
  if (first.violations.length > 0) throw new Error(`bench gate: the units fail the gate: ${first.violations[0].message}`);
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    checkPolicy(docs, options);
    warm.push(performance.now() - t);
  }
  const scanOptions: PolicyOptions = { production: false, environment: 'bench', namespace: 'bench' };
  const scan1MiB: GateResult['scan1MiB'][number][] = [];
  for (const { name, value } of values()) {
    for (const { place, objects } of objectsWith(value)) {
      checkPolicy(objects, scanOptions);
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        checkPolicy(objects, scanOptions);
        runs.push(performance.now() - t);
      }
      scan1MiB.push({ value: name, place, ms: Math.round(median(runs) * 100) / 100 });
    }
  }
  const warmMs = median(warm);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n,
    objects: docs.length,
    coldMs: round(coldMs),
    coldCpuMs: round(coldCpuMs),
    warmMs: round(warmMs),
    coldUsPerObject: round((coldMs * 1000) / docs.length),
    warmUsPerObject: round((warmMs * 1000) / docs.length),
    scan1MiB,
  };
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 1000);
  process.stdout.write(JSON.stringify(measureGate(n)) + '\n');
}

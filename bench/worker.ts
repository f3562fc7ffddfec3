// One measurement in a process of its own: `node -r ./scripts/ts-register.js bench/worker.ts
// <variant> <n>` (or `objects <n> <out.yaml>`). It prints one JSON line (a WorkerResult) on stdout.
//
// A fresh process per (variant, N, repetition) makes each figure a cold synth as CI runs it, and
// makes peak RSS (getrusage ru_maxrss, via process.resourceUsage().maxRSS) belong to that run only.
// Each variant loads only the modules it needs; module loading is outside the timed region and
// reported apart as `loadMs`.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * - `ours`: what `npm run synth` does now: build, then `writeEnvironments` (every validation, one
 *   `toJson()` per object, the gate, the YAML streamed to a file by lib/private/yaml.ts);
 * - `before`: what it did before issue 14: the same objects and gate, serialized with cdk8s's
 *   `Yaml.stringify` (the `yaml` package) to one string;
 * - `baseline`: the same objects written by hand with cdk8s-plus-28's L1 classes, `app.synthYaml()`;
 * - `floor`: `JSON.stringify` of the final objects, one document each (JSON is YAML): the
 *   serialization limit, which no YAML writer reaches. Its bytes differ from the others'.
 */
export type Variant = 'ours' | 'before' | 'baseline' | 'floor';
export const VARIANTS: readonly Variant[] = ['ours', 'before', 'baseline', 'floor'];
/** The variants that must write the same bytes (the floor writes JSON). */
export const YAML_VARIANTS: readonly Variant[] = ['ours', 'before', 'baseline'];

export interface WorkerResult {
  readonly variant: Variant | 'objects' | 'ours-warm';
  readonly n: number;
  /** Kubernetes objects synthesized. */
  readonly objects: number;
  /** Wall time of each step, in order (build, gate, synth… see `run()`). */
  readonly phases: Record<string, number>;
  /** CPU time (user + system, all threads) of each step. */
  readonly phasesCpu: Record<string, number>;
  /** Sum of the phases: the figure compared across variants. */
  readonly totalMs: number;
  /**
   * CPU time (user + system, all threads, GC helpers included) over the same region. On a loaded
   * machine wall time stretches with the wait for a core; CPU time much less so.
   */
  readonly cpuMs: number;
  /** From process start to the timed region: node start, transpile hook, module loading. */
  readonly loadMs: number;
  /** Peak resident set size of this process, in MiB, taken before anything is written. */
  readonly maxRssMiB: number;
  readonly yamlBytes: number;
  /** sha256 of the YAML: the harness checks that all variants agree at each N. */
  readonly sha256: string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
function run(variant: string, n: number, outFile: string | undefined): WorkerResult {
  const phases: Record<string, number> = {};
  const phasesCpu: Record<string, number> = {};
  let last = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let lastCpu: NodeJS.CpuUsage | undefined;
  const start = () => {
    cpu0 = lastCpu = process.cpuUsage();
    last = performance.now();
  };
  const lap = (name: string) => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    phases[name] = now - last;
    phasesCpu[name] = (cpu.user - lastCpu!.user + cpu.system - lastCpu!.system) / 1000;
    last = now;
    lastCpu = cpu;
  };
  const result = (v: WorkerResult['variant'], objects: number, loadMs: number, yaml: string): WorkerResult => {
    const cpu = cpu0 ? process.cpuUsage(cpu0) : { user: 0, system: 0 };
    return resultOf(v, n, objects, phases, phasesCpu, (cpu.user + cpu.system) / 1000, loadMs, {
      bytes: Buffer.byteLength(yaml),
      sha256: sha256(yaml),
      docs: objects,
    });
  };
  /** For a variant that wrote a file: its hash and size, read back in chunks after the peak RSS is taken. */
  const fileResult = (v: WorkerResult['variant'], file: string, loadMs: number): WorkerResult => {
    const cpu = cpu0 ? process.cpuUsage(cpu0) : { user: 0, system: 0 };
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    const { bytes, sha256: hash, docs } = hashFile(file);
    return { ...resultOf(v, n, docs, phases, phasesCpu, (cpu.user + cpu.system) / 1000, loadMs, { bytes, sha256: hash, docs }), maxRssMiB: round(maxRssMiB) };
  };

  switch (variant) {
    case 'ours':
    case 'ours-warm': {
      // What `npm run synth` does now (apps/main.ts): writeEnvironments, to a file.
      const ours = require('./units') as typeof import('./units');
      if (variant === 'ours-warm') {
        // The same in a process that has already synthesized the same N units (untimed) until
        // about 5,000 objects went through, at least 3 times: what remains once the code is
        // loaded, compiled and optimized. The difference from 'ours' at small N is the one-time
        // cost of a cold process (parsing, bytecode, the JIT's tiers), which the baseline pays too.
        const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-bench-'));
        const passes = Math.max(3, Math.ceil(5000 / Math.max(1, 15 * n)));
        for (let i = 0; i < passes; i++) ours.writeOurs(ours.buildOurs(n), warmDir);
        fs.rmSync(warmDir, { recursive: true, force: true });
      }
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-bench-'));
      const loadMs = performance.now();
      start();
      const built = ours.buildOurs(n);
      lap('build');
      const file = ours.writeOurs(built, outdir);
      lap('synth');
      const r = fileResult(variant, file, loadMs);
      fs.rmSync(outdir, { recursive: true, force: true });
      return r;
    }
    case 'before': {
      const ours = require('./units') as typeof import('./units');
      const loadMs = performance.now();
      start();
      const built = ours.buildOurs(n);
      lap('build');
      const docs = ours.objectsOurs(built);
      lap('toJson');
      ours.gateObjects(built, docs);
      lap('gate');
      const yaml = ours.yamlOf(docs);
      lap('yaml');
      return result(variant, countDocs(yaml), loadMs, yaml);
    }
    case 'baseline': {
      const { buildBaseline } = require('./baseline') as typeof import('./baseline');
      const loadMs = performance.now();
      start();
      const app = buildBaseline(n);
      lap('build');
      const yaml = app.synthYaml();
      lap('synth');
      return result(variant, countDocs(yaml), loadMs, yaml);
    }
    case 'floor': {
      // The final objects come from cdk8s's own toJson() (through the hand-written baseline, the
      // cheaper of the two builders), outside the timed region: objects read back from a JSON file
      // would not do, as V8 serializes JSON.parse output up to twice as slowly at N=2,000.
      const { floorStringify } = require('./floor') as typeof import('./floor');
      const { buildBaseline } = require('./baseline') as typeof import('./baseline');
      const docs = buildBaseline(n).charts.flatMap((chart) => chart.toJson());
      const loadMs = performance.now();
      start();
      const json = floorStringify(docs);
      lap('json');
      return result('floor', countDocs(json), loadMs, json);
    }
    case 'objects': {
      // Not a measurement: writes the YAML of N units (the input of the kustomize and helm comparisons).
      if (!outFile) throw new Error('worker objects: an output file is required');
      const ours = require('./units') as typeof import('./units');
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-bench-'));
      fs.copyFileSync(ours.writeOurs(ours.buildOurs(n), outdir), outFile);
      fs.rmSync(outdir, { recursive: true, force: true });
      return result(variant, 0, 0, '');
    }
    default:
      throw new Error(`worker: unknown variant ${JSON.stringify(variant)}; use ${VARIANTS.join(', ')}, ours-warm or objects`);
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

function resultOf(
  variant: WorkerResult['variant'],
  n: number,
  objects: number,
  phases: Record<string, number>,
  phasesCpu: Record<string, number>,
  cpuMs: number,
  loadMs: number,
  output: { bytes: number; sha256: string; docs: number },
): WorkerResult {
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  const rounded: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(phases)) {
    rounded[k] = round(v);
    total += v;
  }
  return {
    variant,
    n,
    objects,
    phases: rounded,
    phasesCpu: Object.fromEntries(Object.entries(phasesCpu).map(([k, v]) => [k, round(v)])),
    totalMs: round(total),
    cpuMs: round(cpuMs),
    loadMs: round(loadMs),
    maxRssMiB: round(maxRssMiB),
    yamlBytes: output.bytes,
    sha256: output.sha256,
  };
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Size, sha256 and document count of a file, read 1 MiB at a time. */
function hashFile(file: string): { bytes: number; sha256: string; docs: number } {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  let separators = 0;
  // The last 4 characters carry over: a 5-character separator across two chunks is counted once.
  let carry = '';
  try {
    for (let k = fs.readSync(fd, buf); k > 0; k = fs.readSync(fd, buf)) {
      hash.update(buf.subarray(0, k));
      const text = carry + buf.toString('latin1', 0, k);
      for (let i = text.indexOf('\n---\n'); i >= 0; i = text.indexOf('\n---\n', i + 1)) separators++;
      carry = text.slice(-4);
      bytes += k;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex'), docs: bytes === 0 ? 0 : separators + 1 };
}

/** Documents in a cdk8s multi-document YAML string (separated by `---` lines). */
function countDocs(yaml: string): number {
  if (yaml.length === 0) return 0;
  let count = 1;
  for (let i = yaml.indexOf('\n---\n'); i >= 0; i = yaml.indexOf('\n---\n', i + 1)) count++;
  return count;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (require.main === module) {
  const [variant, nArg, outFile] = process.argv.slice(2);
  const n = Number(nArg);
  if (!Number.isInteger(n) || n < 0) throw new Error(`worker: N must be an integer >= 0, got ${JSON.stringify(nArg)}`);
  process.stdout.write(JSON.stringify(run(variant, n, outFile)) + '\n');
}

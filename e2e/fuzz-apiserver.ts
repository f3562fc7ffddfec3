/**
 * Differential fuzzing against a real kube-apiserver (issue 12).
 *
 *   npm run test:fuzz-api                    FUZZ_APISERVER_CASES cases (default 2000), seed FUZZ_SEED (default: new, printed)
 *   npm run test:fuzz-api -- --self-test     one hand-made privileged Deployment: must report exactly 1 disagreement
 *   npm run test:fuzz-api -- --cases e2e/fuzz-findings.md   replay the ```json cases of a findings file
 *
 * fast-check draws whole apps (e2e/fuzz-generators.ts): every construct of the library, valid-looking
 * and broken props, wired with config, connect() and runsAfter(), in a dev, staging or prod
 * Environment. Each case goes through the library (`env.synthesize()`: every validation and the
 * policy gate) and then:
 * - rejected: the error must be a ValidationError whose message names the construct's path and
 *   the prop (or the Environment's EnvironmentValidationError / the gate's PolicyViolationError).
 *   Anything else (TypeError, RangeError, an error from cdk8s) is a disagreement, and so is a
 *   rejection of requests and limits that are in order when compared exactly;
 * - accepted: the case's Namespace (the Environment's own object, Pod Security "restricted"
 *   enforced) and a `default` ServiceAccount are created for real, then every object of the case,
 *   plus a bare Pod built from each pod template (so that PodSecurity enforces rather than warns),
 *   goes to the server with `kubectl apply --dry-run=server`, one kubectl call per batch of cases
 *   (a file per case, so that an error names its case). Any rejection, and any warning (PodSecurity
 *   "would violate" above all), is a disagreement. kubectl prints each distinct warning once per
 *   call, so a batch that warns is bisected until each warning is attributed to its case.
 *
 * The control plane is `kit/cluster.sh up fuzz`: etcd and a kube-apiserver started with the e2e
 * clusters' flags, on their own ports (offset 300), stopped by PID on exit, failure or a signal.
 * Ends with one line: `fuzz-apiserver: seed S, cases N, accepted A (admitted A'), rejected R,
 * disagreements D, objects O, T s`; exits 1 when D > 0. Environment: FUZZ_APISERVER_BATCH (cases
 * per kubectl call, default 100), FUZZ_KEEP_TMP=1 keeps the case files.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ConfigBundle,
  CronJob,
  Environment,
  EnvironmentValidationError,
  Job,
  PolicyViolationError,
  PostgresDb,
  Profiles,
  RedisCache,
  ValidationError,
  WebApp,
  Worker,
  defineProfile,
} from 'kubestack';
import { CaseSpec, ComponentSpec, caseArbitrary, namespaceFor } from './fuzz-generators';

const ROOT = path.join(__dirname, '..');
const SELF_TEST = process.argv.includes('--self-test');
/** `--cases <file>`: replay the cases in the ```json blocks of a Markdown file (e2e/fuzz-findings.md) instead of drawing them. */
const CASES_FILE = process.argv.includes('--cases') ? process.argv[process.argv.indexOf('--cases') + 1] : undefined;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CASES = SELF_TEST ? 1 : Number(process.env.FUZZ_APISERVER_CASES ?? 2000);
const BATCH = Number(process.env.FUZZ_APISERVER_BATCH ?? 100);
const DEBUG = process.env.FUZZ_DEBUG === '1';
const t0 = Date.now();
const say = (msg: string) => console.log(`[fuzz-apiserver ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string } };

interface Disagreement {
  readonly index: number;
  readonly what: string;
  readonly messages: string[];
}

interface CaseResult {
  readonly index: number;
  readonly spec: CaseSpec | undefined;
  readonly namespace: string;
  /** The library's objects (Namespace included) when it accepted the case. */
  readonly objects?: Obj[];
  readonly rejection?: string;
  /** Set when the library's verdict itself is wrong (wrong error type or message, wrong rejection). */
  readonly libraryProblem?: string;
}

// ------------------------------------------------------------------------------------- plumbing

const children = new Set<ChildProcess>();
let aborted = false;

interface RunResult {
  code: number;
  output: string;
}

/** Runs a command with stdout and stderr into one file (their order kept) and a timeout. */
function run(cmd: string, args: string[], what: string, timeoutSec: number, env: NodeJS.ProcessEnv = process.env, evenIfAborted = false): Promise<RunResult> {
  if (aborted && !evenIfAborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const out = path.join(os.tmpdir(), `fuzz-apiserver-${process.pid}-${Math.random().toString(36).slice(2)}.out`);
    const fd = fs.openSync(out, 'w');
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    children.add(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutSec}s: ${what}`));
    }, timeoutSec * 1000);
    const done = (code: number) => {
      clearTimeout(timer);
      children.delete(child);
      const output = fs.readFileSync(out, 'utf8');
      fs.rmSync(out, { force: true });
      resolve({ code, output });
    };
    child.on('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      fs.rmSync(out, { force: true });
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/** Shortens long strings for a readable repro: `"cccc…" (1048576 chars)`. */
function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'string' && v.length > 200) return `${v.slice(0, 24)}…(${v.length} chars of ${JSON.stringify(v.slice(0, 1))})`;
    if (typeof v === 'number' && !Number.isFinite(v)) return `${v}`;
    if (v === undefined) return '<undefined>';
    return v;
  });
}

const clip = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

// ---------------------------------------------------------------------------------- the cluster

let clusterStarted = false;
let kubeconfig = '';

async function clusterUp(): Promise<void> {
  const status = await run('bash', ['kit/cluster.sh', 'status', 'fuzz'], 'kit/cluster.sh status fuzz', 30);
  if (/^fuzz\s+(up|degraded)/m.test(status.output)) {
    throw new Error(`a fuzz control plane is already running (kit/cluster.sh status fuzz); stop it with: npm run cluster -- down fuzz`);
  }
  clusterStarted = true;
  const up = await run('bash', ['kit/cluster.sh', 'up', 'fuzz'], 'the fuzz control plane (kit/cluster.sh up fuzz)', 150, {
    ...process.env,
    KIT_CLUSTER_TIMEOUT: '120',
  });
  if (up.code !== 0) throw new Error(`kit/cluster.sh up fuzz failed:\n${up.output}`);
  kubeconfig = (await run('bash', ['kit/cluster.sh', 'kubeconfig', 'fuzz'], 'the kubeconfig path', 30)).output.trim();
  say(
    up.output
      .trim()
      .split('\n')[0]
      .replace(/^cluster: /, ''),
  );
}

async function clusterDown(): Promise<void> {
  if (!clusterStarted) return;
  clusterStarted = false;
  // Runs in the finally block or a signal handler: kit/cluster.sh kills exactly the recorded PIDs.
  const r = await run('bash', ['kit/cluster.sh', 'down', 'fuzz'], 'kit/cluster.sh down fuzz', 90, process.env, true).catch((e: Error) => ({
    code: 1,
    output: e.message,
  }));
  if (r.code !== 0) console.error(`[fuzz-apiserver] could not stop the fuzz control plane: ${r.output}`);
}

let tmp = '';
let kubeCache = '';

function kubectl(args: string[], what: string): Promise<RunResult> {
  return run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', kubeCache, '--request-timeout', '60s', ...args], what, 600);
}

// ---------------------------------------------------------------------------------- the library

const KNOWN = new Map<string, typeof WebApp | typeof Worker | typeof Job | typeof CronJob | typeof PostgresDb | typeof RedisCache | typeof ConfigBundle>();

/** Exact value of a Kubernetes quantity as a fraction, or undefined when it is not one. */
function exactQuantity(q: unknown): { n: bigint; d: bigint } | undefined {
  if (typeof q !== 'string') return undefined;
  const m = /^(\d+)?(?:\.(\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE]([+-]?\d+))?$/.exec(q);
  if (!m || (m[1] === undefined && m[2] === undefined)) return undefined;
  let n = BigInt((m[1] ?? '0') + (m[2] ?? ''));
  let d = 10n ** BigInt((m[2] ?? '').length);
  const suffix = m[3] ?? '';
  const bin: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  const dec: Record<string, number> = { m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  let exp = 0;
  if (suffix in bin) n *= 2n ** BigInt(bin[suffix]);
  else if (suffix in dec) exp = dec[suffix];
  else if (m[4] !== undefined) exp = Number(m[4]);
  if (Math.abs(exp) > 400) return undefined;
  if (exp > 0) n *= 10n ** BigInt(exp);
  if (exp < 0) d *= 10n ** BigInt(-exp);
  return { n, d };
}
const lessOrEqual = (a: { n: bigint; d: bigint }, b: { n: bigint; d: bigint }) => a.n * b.d <= b.n * a.d;

const RESOURCE_KIND: Record<string, 'web' | 'worker' | 'job' | 'postgres' | 'redis' | undefined> = {
  WebApp: 'web',
  Worker: 'worker',
  Job: 'job',
  CronJob: 'job',
  PostgresDb: 'postgres',
  RedisCache: 'redis',
};

function buildCase(spec: CaseSpec, index: number): CaseResult {
  const ns = namespaceFor(spec.namespace, index);
  const base = Profiles[spec.profile];
  const paths = new Set<string>([base.name, spec.profile]);
  const byPath = new Map<string, ComponentSpec>();
  try {
    const profile = defineProfile(base, { ...spec.profileOverrides, namespace: ns });
    const env = new Environment(new App(), spec.profile, { profile, partOf: spec.partOf as string, managedBy: spec.managedBy as string });
    paths.add(env.node.path);
    const built: unknown[] = [];
    for (const c of spec.components) {
      paths.add(`${env.node.path}/${c.id}`);
      byPath.set(`${env.node.path}/${c.id}`, c);
      const props: Record<string, unknown> = { ...c.props };
      if (c.config.length > 0) props.config = c.config.map((i) => built[i]);
      const Ctor = KNOWN.get(c.kind)!;
      const construct = new (Ctor as unknown as new (s: unknown, id: string, p: unknown) => unknown)(env, c.id, props);
      built.push(construct);
      const w = construct as { connect?: (s: unknown) => void; runsAfter?: (j: unknown) => void };
      for (const s of c.connect) w.connect!(built[s]);
      for (const j of c.runsAfter) w.runsAfter!(built[j]);
    }
    const { objects } = env.synthesize();
    return { index, spec, namespace: ns, objects: objects as Obj[] };
  } catch (e) {
    return { index, spec, namespace: ns, ...judgeRejection(e, paths, byPath, spec) };
  }
}

/** Whether the library's error is one it promises, and whether rejecting was right where we can tell exactly. */
function judgeRejection(e: unknown, paths: Set<string>, byPath: Map<string, ComponentSpec>, spec: CaseSpec): { rejection: string; libraryProblem?: string } {
  if (e instanceof ValidationError) {
    const rejection = `ValidationError ${e.message}`;
    if (!paths.has(e.path))
      return { rejection, libraryProblem: `ValidationError names path '${e.path}', which is not a construct of the case (${[...paths].join(', ')})` };
    if (!e.prop || !e.message.includes(`'${e.path}'`) || !e.message.includes(`'${e.prop}'`))
      return { rejection, libraryProblem: 'ValidationError message does not name the path and the prop' };
    // Requests above limits: the library must compare exactly ('700m' = '0.7').
    const c = byPath.get(e.path);
    const kind = c ? RESOURCE_KIND[c.kind] : undefined;
    if (c && kind && /^resources\.(cpu|memory)(Request|Limit)$/.test(e.prop) && /limit|exceed|greater|larger/i.test(e.allowed)) {
      const given = (c.props.resources ?? {}) as Record<string, unknown>;
      const r = { ...Profiles[spec.profile].resources[kind], ...given };
      const res = e.prop.startsWith('resources.cpu') ? 'cpu' : 'memory';
      const req = exactQuantity(r[`${res}Request`]);
      const lim = exactQuantity(r[`${res}Limit`]);
      if (req && lim && lessOrEqual(req, lim)) {
        return {
          rejection,
          libraryProblem: `wrongly rejected: ${res}Request ${show(r[`${res}Request`])} <= ${res}Limit ${show(r[`${res}Limit`])} when compared exactly`,
        };
      }
    }
    return { rejection };
  }
  if (e instanceof EnvironmentValidationError) {
    const rejection = `EnvironmentValidationError ${e.message}`;
    const bad = e.errors.filter((line) => !/^\[[^\]]+\] /.test(line));
    return bad.length ? { rejection, libraryProblem: `EnvironmentValidationError entries without a construct path: ${bad.join('; ')}` } : { rejection };
  }
  if (e instanceof PolicyViolationError) return { rejection: `PolicyViolationError ${e.message.split('\n').slice(0, 3).join(' / ')}` };
  const name = e instanceof Error ? `${e.constructor.name} (${e.name})` : typeof e;
  const stack = e instanceof Error ? (e.stack ?? '').split('\n').slice(0, 4).join(' | ') : String(e);
  return { rejection: `${name}: ${stack}`, libraryProblem: `threw ${name}, not a ValidationError: ${clip(stack, 800)}` };
}

// ------------------------------------------------------------------------------ the API server

/** Pod templates of an object: `spec.template` (Deployment, StatefulSet, Job, ...) or a CronJob's. */
function podTemplate(o: Obj): { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (o.kind === 'CronJob') return ((spec.jobTemplate as Record<string, unknown>)?.spec as Record<string, unknown>)?.template as never;
  return spec.template as never;
}

/**
 * A bare Pod per pod template, in the same namespace: the template's metadata and spec, plus what
 * the owning controller adds when it creates the pod (its name, `pod-template-hash`,
 * `controller-revision-hash`, `statefulset.kubernetes.io/pod-name`, `hostname`/`subdomain`, the
 * Job labels), so that a name the controller cannot build fails here too; claim templates become
 * PVC volumes.
 */
function barePods(objects: Obj[]): Obj[] {
  const pods: Obj[] = [];
  for (const o of objects) {
    const t = podTemplate(o);
    if (!t?.spec) continue;
    const spec = JSON.parse(JSON.stringify(t.spec)) as Record<string, unknown> & { volumes?: unknown[] };
    const ownerSpec = o.spec as Record<string, unknown>;
    const claims = (ownerSpec.volumeClaimTemplates ?? []) as { metadata: { name: string } }[];
    if (claims.length)
      spec.volumes = [
        ...(spec.volumes ?? []),
        ...claims.map((c) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${o.metadata.name}-0` } })),
      ];
    const meta = JSON.parse(JSON.stringify(t.metadata ?? {})) as { labels?: Record<string, string>; annotations?: Record<string, string> };
    const labels: Record<string, string> = { ...(meta.labels ?? {}) };
    const n = o.metadata.name;
    let name = `${n}-${pods.length}`;
    // ReplicaSets and Jobs name their pods with generateName, which cuts the base to 58 characters.
    const generated = (base: string) => `${base.slice(0, 58)}x7k2p`;
    const jobLabels = (job: string) => {
      Object.assign(labels, {
        'batch.kubernetes.io/job-name': job,
        'job-name': job,
        'batch.kubernetes.io/controller-uid': '8a5f2c1e-0000-4000-8000-000000000000',
        'controller-uid': '8a5f2c1e-0000-4000-8000-000000000000',
      });
      name = generated(`${job}-`);
    };
    if (o.kind === 'Deployment') {
      labels['pod-template-hash'] = '5d8f9c7b6d';
      name = generated(`${n}-5d8f9c7b6d-`);
    } else if (o.kind === 'StatefulSet') {
      Object.assign(labels, {
        'controller-revision-hash': `${n}-5d8f9c7b6d`,
        'statefulset.kubernetes.io/pod-name': `${n}-0`,
        'apps.kubernetes.io/pod-index': '0',
      });
      name = `${n}-0`;
      spec.hostname = `${n}-0`;
      if (typeof ownerSpec.serviceName === 'string' && ownerSpec.serviceName) spec.subdomain = ownerSpec.serviceName;
    } else if (o.kind === 'Job') jobLabels(n);
    else if (o.kind === 'CronJob') jobLabels(`${n}-29430720`);
    const metadata = { ...meta, labels, name, namespace: o.metadata.namespace };
    pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: metadata as Obj['metadata'], spec });
  }
  return pods;
}

/** Two objects of one kind with one name in one namespace: on a real cluster the second overwrites the first. */
function duplicates(objects: Obj[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const o of objects) {
    const key = `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : 'core'}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) dups.push(`duplicate object ${key}: a real apply would overwrite the first with the second`);
    seen.add(key);
  }
  return dups;
}

interface Parsed {
  /** Error messages per file. */
  errors: Map<string, string[]>;
  unattributed: string[];
  warnings: string[];
  successes: number;
}

/** Splits kubectl's combined output into records: results, `Warning:` lines and errors (which name their file). */
function parseKubectl(output: string, files: string[], owners: Map<string, string[]>): Parsed {
  const p: Parsed = { errors: new Map(), unattributed: [], warnings: [], successes: 0 };
  const records: string[] = [];
  for (const line of output.split('\n')) {
    if (line === '') continue;
    if (/^(Warning: |Error|error|The |\S+\/\S+ (created|configured|unchanged))/.test(line) || records.length === 0) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  for (const r of records) {
    if (/^\S+\/\S+ (created|configured|unchanged)/.test(r)) p.successes++;
    else if (r.startsWith('Warning: ')) p.warnings.push(r.slice('Warning: '.length));
    else {
      // Most errors name their file; `The <Kind> "<name>" is invalid` (client-side apply) names only the object.
      const named = /^The (\w+) "([^"]+)" is invalid/.exec(r);
      const candidates = named ? (owners.get(`${named[1]}/${named[2]}`) ?? []).filter((f) => files.includes(f)) : [];
      const file = files.find((f) => r.includes(`"${f}"`)) ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (file) p.errors.set(file, [...(p.errors.get(file) ?? []), r]);
      else p.unattributed.push(r);
    }
  }
  return p;
}

interface Verdict {
  messages: string[];
}

/**
 * Applies the files (one case each) in one kubectl call; warnings (printed once per call) are
 * attributed by bisecting. Returns the server's complaints per file.
 */
async function applyAttributed(files: string[], counts: Map<string, number>, owners: Map<string, string[]>, dryRun: boolean): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>(files.map((f) => [f, { messages: [] }]));
  if (files.length === 0) return verdicts;
  const args = ['apply', ...(dryRun ? ['--dry-run=server'] : []), ...files.flatMap((f) => ['-f', f])];
  const r = await kubectl(args, `kubectl apply of ${files.length} case files`);
  const p = parseKubectl(r.output, files, owners);
  for (const [f, errs] of p.errors) verdicts.get(f)!.messages.push(...errs);
  const expected = files.reduce((s, f) => s + counts.get(f)!, 0);
  const erred = [...p.errors.values()].reduce((s, e) => s + e.length, 0);
  const complete = p.unattributed.length === 0 && p.successes + erred >= expected;
  if ((p.warnings.length === 0 && complete) || aborted) return verdicts;
  if (files.length === 1) {
    const v = verdicts.get(files[0])!;
    v.messages.push(...p.warnings.map((w) => `Warning: ${w}`), ...p.unattributed);
    if (!complete && p.unattributed.length === 0)
      v.messages.push(
        `kubectl reported ${p.successes} results and ${erred} errors for ${expected} objects (exit ${r.code}): ${clip(
          r.output
            .split('\n')
            .filter((l) => !/ (created|configured|unchanged)( \(server dry run\))?$/.test(l))
            .join('\n'),
        )}`,
      );
    return verdicts;
  }
  if (DEBUG)
    say(
      `bisecting ${files.length} files: ${p.warnings.length} warnings, ${p.unattributed.length} unattributed, ${p.successes}+${erred} of ${expected}: ${clip([...p.warnings, ...p.unattributed].join(' / '), 300)}`,
    );
  // Bisect: each half in its own call, so that every warning is printed again and lands on one case.
  const half = Math.ceil(files.length / 2);
  for (const part of [files.slice(0, half), files.slice(half)]) {
    const sub = await applyAttributed(part, counts, owners, dryRun);
    for (const [f, v] of sub) verdicts.get(f)!.messages = v.messages;
  }
  return verdicts;
}

interface ServerOutcome {
  readonly disagreements: Disagreement[];
  readonly objects: number;
  readonly pods: number;
}

/** Sends the accepted cases of one batch to the server: Namespaces for real, everything else as a dry run. */
async function serverBatch(cases: { index: number; objects: Obj[] }[], dir: string): Promise<ServerOutcome> {
  fs.mkdirSync(dir, { recursive: true });
  const nsFiles: string[] = [];
  const objFiles: string[] = [];
  const counts = new Map<string, number>();
  const caseOf = new Map<string, number>();
  /** Files by `Kind/name` of the objects in them. */
  const owners = new Map<string, string[]>();
  const own = (file: string, items: Obj[]) => {
    for (const o of items) owners.set(`${o.kind}/${o.metadata.name}`, [...(owners.get(`${o.kind}/${o.metadata.name}`) ?? []), file]);
  };
  let objects = 0;
  let pods = 0;
  for (const c of cases) {
    const namespaces = c.objects.filter((o) => o.kind === 'Namespace');
    const rest = c.objects.filter((o) => o.kind !== 'Namespace');
    const sas = namespaces.map((n) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: n.metadata.name } }));
    const nsFile = path.join(dir, `n-${c.index}.json`);
    fs.writeFileSync(nsFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...namespaces, ...sas] }));
    nsFiles.push(nsFile);
    own(nsFile, namespaces);
    counts.set(nsFile, namespaces.length + sas.length);
    caseOf.set(nsFile, c.index);
    const bare = barePods(rest);
    const objFile = path.join(dir, `c-${c.index}.json`);
    fs.writeFileSync(objFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...rest, ...bare] }));
    objFiles.push(objFile);
    own(objFile, [...rest, ...bare]);
    counts.set(objFile, rest.length + bare.length);
    caseOf.set(objFile, c.index);
    objects += c.objects.length + bare.length;
    pods += bare.length;
  }
  const nsVerdicts = await applyAttributed(nsFiles, counts, owners, false);
  const objVerdicts = await applyAttributed(objFiles, counts, owners, true);
  const byCase = new Map<number, string[]>();
  for (const [f, v] of [...nsVerdicts, ...objVerdicts]) {
    if (v.messages.length) byCase.set(caseOf.get(f)!, [...(byCase.get(caseOf.get(f)!) ?? []), ...v.messages]);
  }
  const disagreements = [...byCase].map(([index, messages]) => ({
    index,
    what: messages.some((m) => /PodSecurity/.test(m))
      ? 'accepted by the library; PodSecurity forbids or warns'
      : 'accepted by the library; the API server rejects or warns',
    messages,
  }));
  return { disagreements, objects, pods };
}

// -------------------------------------------------------------------------------------- main

/** A Deployment that the library would never produce: privileged, as root. For --self-test. */
function selfTestObjects(ns: string): Obj[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'privileged', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'privileged' } },
        template: {
          metadata: { labels: { app: 'privileged' } },
          spec: { containers: [{ name: 'c', image: 'busybox:1.36.1', securityContext: { privileged: true } }] },
        },
      },
    },
  ];
}

/** The cases of a findings file: each ```json block is one CaseSpec; left-out fields take neutral defaults. */
function readCases(file: string): CaseSpec[] {
  const text = fs.readFileSync(path.resolve(ROOT, file), 'utf8');
  const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Partial<CaseSpec> & { components: Partial<ComponentSpec>[] });
  return blocks.map((b) => ({
    profile: b.profile ?? 'dev',
    namespace: b.namespace ?? 8,
    partOf: b.partOf,
    managedBy: b.managedBy,
    profileOverrides: b.profileOverrides ?? {},
    dirty: true,
    components: b.components.map((c, j) => ({
      kind: c.kind!,
      id: c.id ?? `${c.kind!.toLowerCase()}${j}`,
      props: expandStrings(c.props ?? {}) as Record<string, unknown>,
      config: c.config ?? [],
      connect: c.connect ?? [],
      runsAfter: c.runsAfter ?? [],
    })),
  }));
}

/** `"<'c' x 300000>"` in a findings file stands for that string. */
function expandStrings(v: unknown): unknown {
  if (typeof v === 'string') {
    const m = /^<'(.)' x (\d+)>$/.exec(v);
    return m ? m[1].repeat(Number(m[2])) : v;
  }
  if (Array.isArray(v)) return v.map(expandStrings);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expandStrings(x)]));
  return v;
}

async function main(): Promise<number> {
  for (const cls of [ConfigBundle, PostgresDb, RedisCache, Job, CronJob, WebApp, Worker]) KNOWN.set(cls.name, cls);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-apiserver-'));
  kubeCache = path.join(tmp, 'kube-cache');
  say(
    SELF_TEST
      ? 'self-test: one privileged Deployment given directly to the server side'
      : CASES_FILE
        ? `the cases of ${CASES_FILE}`
        : `seed ${SEED} (FUZZ_SEED=${SEED} to replay), ${CASES} cases, batches of ${BATCH}`,
  );
  await clusterUp();

  const disagreements: Disagreement[] = [];
  const results: CaseResult[] = [];
  let objects = 0;
  let pods = 0;
  let libraryMs = 0;

  if (SELF_TEST) {
    const objs = selfTestObjects('fuzz-self-test');
    results.push({ index: 0, spec: undefined, namespace: 'fuzz-self-test', objects: objs });
    const out = await serverBatch([{ index: 0, objects: objs }], path.join(tmp, 'self-test'));
    disagreements.push(...out.disagreements);
    objects += out.objects;
    pods += out.pods;
  } else {
    const specs = CASES_FILE ? readCases(CASES_FILE) : fc.sample(caseArbitrary(), { numRuns: CASES, seed: SEED });
    let pending: Promise<ServerOutcome> | undefined;
    const collect = async () => {
      if (!pending) return;
      const out = await pending;
      disagreements.push(...out.disagreements);
      objects += out.objects;
      pods += out.pods;
      pending = undefined;
    };
    for (let start = 0; start < specs.length; start += BATCH) {
      const l0 = Date.now();
      const batch = specs.slice(start, start + BATCH).map((s, j) => buildCase(s, start + j));
      libraryMs += Date.now() - l0;
      results.push(...batch);
      for (const r of batch)
        if (r.libraryProblem) disagreements.push({ index: r.index, what: 'rejected by the library with the wrong error', messages: [r.libraryProblem] });
      for (const r of batch) {
        const dups = r.objects ? duplicates(r.objects) : [];
        if (dups.length) disagreements.push({ index: r.index, what: 'accepted by the library with two objects of one name', messages: dups });
      }
      // The server checks this batch while the library builds the next one.
      await collect();
      const accepted = batch.filter((r) => r.objects).map((r) => ({ index: r.index, objects: r.objects! }));
      pending = serverBatch(accepted, path.join(tmp, `batch-${start / BATCH}`));
      // Only the verdicts are kept: the objects (some with 1 MiB values) are in the batch files.
      for (const r of batch) if (r.objects) (r as { objects?: Obj[] }).objects = [];
      say(
        `cases ${start + 1}-${start + batch.length}: ${accepted.length} accepted, ${batch.length - accepted.length} rejected (library ${Date.now() - l0} ms)`,
      );
      if (aborted) break;
    }
    await collect();
  }

  // ------------------------------------------------------------------------------------ report
  disagreements.sort((a, b) => a.index - b.index);
  const accepted = results.filter((r) => r.objects);
  const disagreeing = new Set(disagreements.map((d) => d.index));
  const admitted = accepted.filter((r) => !disagreeing.has(r.index)).length;
  const rejected = results.length - accepted.length;
  const reasons = new Map<string, number>();
  const examples = new Map<string, string>();
  for (const r of results) {
    if (!r.rejection) continue;
    const m = /^ValidationError [\w-]+ '[^']*': '([^']+)'/.exec(r.rejection);
    const key = m ? `ValidationError '${m[1]}'` : r.rejection.split(/[ :]/)[0];
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
    if (!examples.has(key)) examples.set(key, r.rejection);
  }
  if (DEBUG) for (const [k, e] of examples) console.log(`  e.g. ${k}: ${clip(e, 300)}`);
  console.log(
    `rejections by prop: ${[...reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  for (const d of disagreements) {
    const r = results.find((x) => x.index === d.index);
    console.log(`\nDISAGREEMENT case ${d.index}: ${d.what}`);
    if (r?.spec)
      console.log(
        `  profile ${r.spec.profile} ${show(r.spec.profileOverrides)}, namespace ${show(r.namespace)}, partOf ${show(r.spec.partOf)}, managedBy ${show(r.spec.managedBy)}`,
      );
    for (const c of r?.spec?.components ?? []) {
      console.log(
        `  ${c.kind} '${c.id}' ${show(c.props)}${c.config.length ? ` config=[${c.config}]` : ''}${c.connect.length ? ` connect=[${c.connect}]` : ''}${c.runsAfter.length ? ` runsAfter=[${c.runsAfter}]` : ''}`,
      );
    }
    if (r?.rejection) console.log(`  library: ${clip(r.rejection, 400)}`);
    for (const m of d.messages.slice(0, 6)) console.log(`  server/oracle: ${clip(m.replace(/\n/g, ' '), 700)}`);
  }
  const report = path.join(tmp, 'disagreements.json');
  fs.writeFileSync(
    report,
    JSON.stringify(
      disagreements.map((d) => ({ ...d, case: results.find((r) => r.index === d.index) })),
      (_k, v) => (typeof v === 'string' && v.length > 2000 ? show(v) : v),
      1,
    ),
  );
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`\nlibrary time ${(libraryMs / 1000).toFixed(1)} s; bare pods ${pods}; ${disagreements.length ? `details in ${report}` : ''}`);
  console.log(
    `fuzz-apiserver: seed ${SELF_TEST ? 'self-test' : CASES_FILE ? CASES_FILE : SEED}, cases ${results.length}, accepted ${accepted.length} (admitted ${admitted}), rejected ${rejected}, disagreements ${disagreeing.size}, objects ${objects}, ${secs} s`,
  );
  if (SELF_TEST) {
    const messages = disagreements.flatMap((d) => d.messages);
    const warned = messages.some((m) => /^Warning: would violate PodSecurity/.test(m));
    const forbidden = messages.some((m) => /pods "privileged-[^"]+" is forbidden: violates PodSecurity/.test(m));
    if (disagreeing.size !== 1 || !warned || !forbidden) {
      console.log(
        `self-test FAILED: the privileged Deployment must give exactly 1 disagreement (got ${disagreeing.size}), with the Deployment's PodSecurity warning (${warned}) and its bare Pod forbidden (${forbidden})`,
      );
      return 1;
    }
    console.log('self-test passed: the harness reports a privileged Deployment as a disagreement');
    return 0;
  }
  return disagreeing.size > 0 ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (aborted) return;
    console.error(`[fuzz-apiserver] ${sig}: stopping`);
    aborted = true;
    for (const c of [...children]) c.kill('SIGKILL');
    void clusterDown().finally(() => process.exit(130));
  });
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    process.exitCode = 2;
    console.error(`[fuzz-apiserver] FAILED: ${e instanceof Error ? e.stack : String(e)}`);
  })
  .finally(async () => {
    await clusterDown();
    if (tmp && process.exitCode === 0 && process.env.FUZZ_KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.log(`case files and disagreements.json kept in ${tmp}`);
  });

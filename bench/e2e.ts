// Whole-process timings: `npm run synth`, the synth process itself, and `kubectl kustomize` on
// the same YAML. Each run is a fresh process ("cold": no daemon, no warm VM; the OS file cache is
// warm after the first run, as it is on a developer's machine or a CI runner).
//
// Timing is node's own (performance.now() around spawnSync), so that the bench needs nothing but
// node from a clean clone. When hyperfine is installed, the synth commands are also timed by it,
// as a cross-check of the node timer.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Summary, summarize } from './stats';

export interface CommandTiming {
  readonly label: string;
  readonly command: string;
  readonly samplesMs: number[];
  readonly summary: Summary;
  /** Timing of the same command by hyperfine, when it was available. */
  readonly hyperfine?: { readonly medianMs: number; readonly meanMs: number; readonly minMs: number; readonly maxMs: number; readonly runs: number };
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Runs before each timed run, untimed (e.g. to empty a cache). */
  readonly before?: () => void;
}

/** Runs `cmd args` `runs` times and returns the wall times; throws when a run fails. */
export function timeCommand(label: string, cmd: string, args: string[], runs: number, opts: RunOptions): CommandTiming {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    opts.before?.();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - t0;
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${label}: \`${[cmd, ...args].join(' ')}\` exited ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
    samples.push(Math.round(ms * 10) / 10);
  }
  return { label, command: [cmd, ...args].join(' '), samplesMs: samples, summary: summarize(samples) };
}

/** The path of an executable on PATH, if any. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Times a command with hyperfine (no shell, `-N`); undefined when hyperfine fails. */
export function hyperfine(commandLine: string, runs: number, cwd: string, env: NodeJS.ProcessEnv, jsonOut: string): CommandTiming['hyperfine'] {
  const r = spawnSync('hyperfine', ['-N', '--runs', String(runs), '--style', 'none', '--export-json', jsonOut, commandLine], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) return undefined;
  const res = JSON.parse(fs.readFileSync(jsonOut, 'utf8')).results[0] as { mean: number; median: number; min: number; max: number; times: number[] };
  const ms = (s: number) => Math.round(s * 10000) / 10;
  return { medianMs: ms(res.median), meanMs: ms(res.mean), minMs: ms(res.min), maxMs: ms(res.max), runs: res.times.length };
}

/**
 * A copy of the sources that synth reads, with its own node_modules folder of symlinks to the
 * real packages, so that the transpile cache (node_modules/.cache) can be emptied before each run
 * without touching the working tree's cache: the first synth after a clean clone, and every synth
 * in a CI job that starts from a fresh checkout.
 */
export function shadowTree(root: string, dir: string): { dir: string; emptyCache: () => void } {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['lib', 'apps', 'scripts', 'package.json', 'tsconfig.json']) {
    const from = path.join(root, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, entry), { recursive: true });
  }
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(nm);
  for (const entry of fs.readdirSync(path.join(root, 'node_modules'))) {
    if (entry === '.cache') continue;
    fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(nm, entry));
  }
  const cache = path.join(nm, '.cache');
  return { dir, emptyCache: () => fs.rmSync(cache, { recursive: true, force: true }) };
}

/** A kustomization with a namespace and a label transform over `resources`. */
export function writeKustomization(dir: string, resources: string[]): void {
  fs.writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: bench-kustomize',
      'labels:',
      '  - pairs:',
      '      team: platform',
      '    includeSelectors: false',
      '    includeTemplates: true',
      'resources:',
      ...resources.map((r) => `  - ${r}`),
      '',
    ].join('\n'),
  );
}

/** `n` Deployment + Service pairs, the shape of the "kustomize renders 100 pairs" peer figure. */
export function deploymentServicePairs(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}:1.0.0
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`);
  }
  return docs.join('---\n');
}

/** True when every file under `a` exists under `b` with the same bytes, and vice versa. */
export function sameTree(a: string, b: string): boolean {
  const list = (d: string): string[] =>
    fs
      .readdirSync(d, { recursive: true, withFileTypes: false })
      .map(String)
      .filter((f) => fs.statSync(path.join(d, f)).isFile())
      .sort();
  const fa = list(a);
  const fb = list(b);
  if (fa.join('\n') !== fb.join('\n')) return false;
  return fa.every((f) => fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
}

/** The helm binary: BENCH_HELM, the one `go install` builds into ~/.cache/kubestack-bench, or helm on PATH. */
export function helmBinary(): string | undefined {
  const cached = path.join(process.env.HOME ?? '', '.cache', 'kubestack-bench', 'helm-v3.22.0', 'bin', 'helm');
  for (const candidate of [process.env.BENCH_HELM, cached]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return which('helm');
}

/**
 * A Helm chart equivalent to N benchmark units: the YAML ours writes for one unit, with the unit's
 * suffix (`0000`) replaced by `{{ $u }}` and the 15 objects ranged over `.Values.units` (N
 * suffixes), the Namespace once. `helm template` renders the same objects ours writes for N units
 * (same kinds, names, shapes and sizes; the config-hash annotations repeat unit 0's).
 */
export function writeHelmChart(dir: string, oneUnitYaml: string, n: number): void {
  const docs = oneUnitYaml.replace(/\n$/, '').split('\n---\n');
  if (docs.some((d) => d.includes('{{'))) throw new Error('helm chart: the unit YAML holds "{{", which the template would read');
  const [namespace, ...unit] = docs;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: bench\nversion: 0.1.0\n');
  const suffixes = Array.from({ length: n }, (_, i) => `  - "${String(i).padStart(4, '0')}"`);
  fs.writeFileSync(path.join(dir, 'values.yaml'), ['units:', ...suffixes, ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'templates', 'namespace.yaml'), namespace + '\n');
  const body = unit.map((d) => d.replace(/0000/g, '{{ $u }}')).join('\n---\n');
  fs.writeFileSync(path.join(dir, 'templates', 'units.yaml'), `{{- range $u := .Values.units }}\n---\n${body}\n{{- end }}\n`);
}

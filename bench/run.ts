// `npm run bench`: synthesis cost at scale, ours against hand-written cdk8s and the YAML floor.
//
//   npm run bench                      full run (about 10 minutes on 2 busy cores)
//   BENCH_QUICK=1 npm run bench        fewer repetitions (about 4 minutes)
//   BENCH_N=10,100 npm run bench       other unit counts
//   BENCH_REPS=3 npm run bench         the same repetitions at every N
//   BENCH_SKIP_E2E=1 npm run bench     no whole-process section
//
// Writes bench/results/latest.json, bench/results/synth-time.svg and bench/README-section.md.
// Every (variant, N, repetition) is a process of its own (bench/worker.ts); variants are
// interleaved and their order rotates from one repetition to the next, so that a burst of load
// from elsewhere hits all of them alike and shows up as spread.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CommandTiming,
  deploymentServicePairs,
  helmBinary,
  hyperfine,
  sameTree,
  shadowTree,
  timeCommand,
  which,
  writeHelmChart,
  writeKustomization,
} from './e2e';
import type { GateResult } from './gate';
import { renderSvg } from './plot';
import { BenchResults, MachineInfo, ScaleRow, Sample, WarmResult, renderReadmeSection } from './report';
import { checkTargets } from './targets';
import { median, round, summarize } from './stats';
import { objectCount } from './unit-spec';
import { VARIANTS, Variant, WorkerResult, YAML_VARIANTS } from './worker';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'bench', 'results');
const TMP = path.join(OUT, 'tmp');
const QUICK = process.env.BENCH_QUICK === '1';
const NS = (process.env.BENCH_N ?? '10,100,1000,2000').split(',').map((s) => Number(s.trim()));
/**
 * kustomize runs: a namespace and a label transform over N Deployment+Service pairs, and over
 * the units' own YAML. kustomize's time grows faster than its input (measured here: 200 objects
 * 0.36 s, 2,000 objects 11.5 s, about n^1.5), so the units' YAML is rendered at N=100 (1,501
 * objects, about 13 s) only: at N=1,000 (15,001 objects) one run would take several minutes.
 */
const KUSTOMIZE: readonly { input: 'pairs' | 'units'; n: number; runs: number }[] = [
  { input: 'pairs', n: 100, runs: QUICK ? 3 : 5 },
  { input: 'pairs', n: 1000, runs: QUICK ? 1 : 2 },
  { input: 'units', n: 100, runs: QUICK ? 1 : 2 },
];
const KUSTOMIZE_UNITS = KUSTOMIZE.filter((k) => k.input === 'units').map((k) => k.n);
/** helm template runs over the chart of N units (bench/e2e.ts writeHelmChart). */
const HELM: readonly { n: number; runs: number }[] = [
  { n: 100, runs: QUICK ? 3 : 5 },
  { n: 1000, runs: QUICK ? 1 : 3 },
];

/** Repetitions per N: more where runs are cheap. */
function repsFor(n: number): number {
  if (process.env.BENCH_REPS) return Number(process.env.BENCH_REPS);
  if (QUICK) return n <= 100 ? 3 : n <= 1000 ? 2 : 1;
  return n <= 100 ? 5 : n <= 1000 ? 5 : 3;
}
const E2E_RUNS = QUICK ? 3 : 10;
const E2E_COLD_RUNS = QUICK ? 2 : 5;
/** Sizes and repetitions of the warm-process measurement. */
const WARM_NS = [10, 100];
const WARM_REPS = QUICK ? 1 : 3;

const started = Date.now();
function log(msg: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}

function worker(args: string[]): WorkerResult & { processMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-r', './scripts/ts-register.js', 'bench/worker.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`worker ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as WorkerResult), processMs: round(processMs, 1) };
}

function machine(): MachineInfo {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const version = (cmd: string, args: string[]): string | undefined => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .split('\n')[0];
    } catch {
      return undefined;
    }
  };
  const pkg = (name: string, from = ROOT): string => {
    const file = require.resolve(`${name}/package.json`, { paths: [from] });
    return `${(JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version} (${path.relative(ROOT, path.dirname(file))})`;
  };
  let commit = version('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']) ?? 'unknown';
  // The bench's own output (results, README section) does not count: a previous run changed it.
  if (version('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', 'lib', 'apps', 'bench', ':!bench/results', ':!bench/README-section.md'])) {
    commit += ' (+ uncommitted changes)';
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: model,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    cdk8s: pkg('cdk8s'),
    cdk8sPlus: pkg('cdk8s-plus-28'),
    yaml: pkg('yaml', path.dirname(require.resolve('cdk8s'))),
    kubectl: which('kubectl') ? version('kubectl', ['version', '--client']) : undefined,
    hyperfine: which('hyperfine') ? version('hyperfine', ['--version']) : undefined,
    commit,
  };
}

function loadavg(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [round(a, 2), round(b, 2), round(c, 2)];
}

// ------------------------------------------------------------------------------------------------

function measureScale(): { rows: ScaleRow[]; samples: Sample[] } {
  fs.rmSync(TMP, { recursive: true, force: true });
  fs.mkdirSync(TMP, { recursive: true });
  for (const n of [...KUSTOMIZE_UNITS, 1]) {
    log(`preparing the YAML of ${n} units for kustomize and helm`);
    worker(['objects', String(n), path.join(TMP, `units-${n}.yaml`)]);
  }

  const samples: Sample[] = [];
  const maxReps = Math.max(...NS.map(repsFor));
  for (let rep = 0; rep < maxReps; rep++) {
    for (const n of NS) {
      if (rep >= repsFor(n)) continue;
      const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]);
      for (const variant of order) {
        const load1 = round(os.loadavg()[0], 2);
        const r = worker([variant, String(n)]);
        samples.push({ ...r, variant, rep, load1 });
        log(
          `rep ${rep + 1}/${repsFor(n)} N=${n} ${variant.padEnd(10)} ${r.totalMs.toFixed(0).padStart(7)} ms  rss ${r.maxRssMiB.toFixed(0)} MiB  load ${load1}`,
        );
      }
    }
  }

  const rows: ScaleRow[] = NS.map((n) => {
    const of = (v: Variant) => samples.filter((s) => s.n === n && s.variant === v);
    const yamlSamples = samples.filter((s) => s.n === n && YAML_VARIANTS.includes(s.variant));
    const hashes = new Set(yamlSamples.map((s) => s.sha256));
    const counts = new Set(samples.filter((s) => s.n === n).map((s) => s.objects));
    const variants = Object.fromEntries(
      VARIANTS.map((v) => {
        const ss = of(v);
        const phaseNames = Object.keys(ss[0]?.phases ?? {});
        return [
          v,
          {
            totalMs: summarize(ss.map((s) => s.totalMs)),
            cpuMs: summarize(ss.map((s) => s.cpuMs)),
            phasesMedianMs: Object.fromEntries(phaseNames.map((p) => [p, round(median(ss.map((s) => s.phases[p])), 1)])),
            phasesCpuMedianMs: Object.fromEntries(phaseNames.map((p) => [p, round(median(ss.map((s) => s.phasesCpu[p])), 1)])),
            loadMsMedian: round(median(ss.map((s) => s.loadMs)), 1),
            processMs: summarize(ss.map((s) => s.processMs)),
            maxRssMiB: summarize(ss.map((s) => s.maxRssMiB)),
            perObjectUs: round((median(ss.map((s) => s.totalMs)) * 1000) / objectCount(n), 1),
          },
        ];
      }),
    ) as ScaleRow['variants'];
    const paired = (a: Variant, b: Variant, metric: 'totalMs' | 'cpuMs' = 'totalMs') => {
      const ratios: number[] = [];
      for (const sa of of(a)) {
        const sb = of(b).find((s) => s.rep === sa.rep);
        if (sb) ratios.push(sa[metric] / sb[metric]);
      }
      return { ofMedians: round(variants[a][metric].median / variants[b][metric].median), paired: summarize(ratios) };
    };
    return {
      n,
      objects: objectCount(n),
      equivalent: hashes.size === 1 && counts.size === 1 && counts.has(objectCount(n)),
      sha256: [...hashes][0],
      yamlBytes: yamlSamples[0]?.yamlBytes ?? 0,
      variants,
      ratios: {
        oursOverBaseline: paired('ours', 'baseline'),
        beforeOverBaseline: paired('before', 'baseline'),
        oursOverBefore: paired('ours', 'before'),
        oursOverFloor: paired('ours', 'floor'),
        oursOverBaselineCpu: paired('ours', 'baseline', 'cpuMs'),
        beforeOverBaselineCpu: paired('before', 'baseline', 'cpuMs'),
      },
    };
  });
  return { rows, samples };
}

function measureProcesses(): BenchResults['processes'] {
  const out: CommandTiming[] = [];
  const synthOut = path.join(TMP, 'synth-out');
  const env = { ...process.env, CDK8S_OUTDIR: synthOut };
  const hf = which('hyperfine') && !QUICK;

  // Warm-up run: fills the transpile cache, and checks that synth writes exactly dist/.
  log('whole process: warm-up synth, compared with dist/');
  timeCommand('warm-up', process.execPath, ['scripts/synth.js'], 1, { cwd: ROOT, env });
  const matchesDist = sameTree(synthOut, path.join(ROOT, 'dist'));

  log(`whole process: node scripts/synth.js x${E2E_RUNS}`);
  const synth = timeCommand('synth process (node scripts/synth.js), transpile cache warm', process.execPath, ['scripts/synth.js'], E2E_RUNS, {
    cwd: ROOT,
    env,
  });
  out.push(hf ? { ...synth, hyperfine: hyperfine(`${process.execPath} scripts/synth.js`, E2E_RUNS, ROOT, env, path.join(TMP, 'hf-synth.json')) } : synth);

  log(`whole process: npm run synth x${E2E_RUNS}`);
  const npm = timeCommand('npm run synth, transpile cache warm', 'npm', ['run', 'synth'], E2E_RUNS, { cwd: ROOT, env });
  out.push(hf ? { ...npm, hyperfine: hyperfine('npm run synth', E2E_RUNS, ROOT, env, path.join(TMP, 'hf-npm.json')) } : npm);

  log(`whole process: synth with an empty transpile cache x${E2E_COLD_RUNS}`);
  // Outside the work tree, so that tsc and jest never see the copied sources.
  const shadow = shadowTree(ROOT, fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-bench-')));
  out.push(
    timeCommand('synth process, empty transpile cache (clean clone, fresh CI checkout)', process.execPath, ['scripts/synth.js'], E2E_COLD_RUNS, {
      cwd: shadow.dir,
      env: { ...process.env, CDK8S_OUTDIR: path.join(TMP, 'synth-out-shadow') },
      before: shadow.emptyCache,
    }),
  );
  fs.rmSync(shadow.dir, { recursive: true, force: true });
  log(`whole process: node on an empty script x${E2E_RUNS} (node's own start-up)`);
  out.push(timeCommand('node -e 0 (node start-up alone)', process.execPath, ['-e', '0'], E2E_RUNS, { cwd: ROOT }));
  log(`whole process: node loading cdk8s alone x${E2E_RUNS} (the floor of any cdk8s program)`);
  out.push(
    timeCommand(
      "node -e \"require('cdk8s')\" (node start-up and cdk8s's index: the floor of any cdk8s program)",
      process.execPath,
      ['-e', "require('cdk8s')"],
      E2E_RUNS,
      {
        cwd: ROOT,
      },
    ),
  );

  const kustomize: CommandTiming[] = [];
  if (which('kubectl')) {
    for (const k of KUSTOMIZE) {
      const dir = path.join(TMP, `kustomize-${k.input}-${k.n}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      if (k.input === 'units') fs.copyFileSync(path.join(TMP, `units-${k.n}.yaml`), path.join(dir, 'units.yaml'));
      else fs.writeFileSync(path.join(dir, 'pairs.yaml'), deploymentServicePairs(k.n));
      writeKustomization(dir, [`${k.input}.yaml`]);
      const what =
        k.input === 'units' ? `${k.n} units (${objectCount(k.n)} objects, the YAML ours writes)` : `${k.n} Deployment+Service pairs (${2 * k.n} objects)`;
      log(`whole process: kubectl kustomize, ${what} x${k.runs}`);
      kustomize.push(timeCommand(`kubectl kustomize: ${what}`, 'kubectl', ['kustomize', dir], k.runs, { cwd: ROOT }));
    }
  } else {
    log('kubectl not found: kustomize timings skipped');
  }

  const helm: CommandTiming[] = [];
  const helmBin = helmBinary();
  if (helmBin) {
    const oneUnit = fs.readFileSync(path.join(TMP, 'units-1.yaml'), 'utf8');
    for (const h of HELM) {
      const dir = path.join(TMP, `helm-${h.n}`);
      writeHelmChart(dir, oneUnit, h.n);
      // The chart renders as many objects as ours writes for N units.
      const rendered = spawnSync(helmBin, ['template', 'bench', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const docs = rendered.stdout.split('\n').filter((l) => l.startsWith('kind: ')).length;
      if (rendered.status !== 0 || docs !== objectCount(h.n)) {
        throw new Error(`helm template of ${h.n} units rendered ${docs} objects, not ${objectCount(h.n)}: ${rendered.stderr.slice(0, 2000)}`);
      }
      log(`whole process: helm template, ${h.n} units x${h.runs}`);
      helm.push(
        timeCommand(`helm template: a chart of ${h.n} units (${objectCount(h.n)} objects)`, helmBin, ['template', 'bench', dir], h.runs, { cwd: ROOT }),
      );
    }
  } else {
    log('helm not found (BENCH_HELM, ~/.cache/kubestack-bench/helm-v3.22.0/bin/helm or PATH): helm timings skipped');
  }
  return { synth: out, kustomize, helm, helmVersion: helmBin ? versionOf(helmBin, ['version', '--short']) : undefined, synthMatchesDist: matchesDist };
}

function versionOf(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : undefined;
}

/** Cost per object of 'ours' in a warm process (bench/worker.ts 'ours-warm'), at the small sizes where the cold process's fixed cost shows. */
function measureWarm(): WarmResult[] {
  return WARM_NS.map((n) => {
    log(`warm process: ours, N=${n} x${WARM_REPS} (after untimed syntheses of the same units in the same process)`);
    const runs = Array.from({ length: WARM_REPS }, () => worker(['ours-warm', String(n)]));
    const totalMs = median(runs.map((r) => r.totalMs));
    return { n, objects: runs[0].objects, totalMs, perObjectUs: (totalMs * 1000) / runs[0].objects };
  });
}

/** The gate's figures (bench/gate.ts), in a process of its own. */
function measureGate(): GateResult {
  log('policy gate: time per object at N=1000 and the secret scan of 1 MiB values');
  const r = spawnSync(process.execPath, ['-r', './scripts/ts-register.js', 'bench/gate.ts', '1000'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/gate.ts failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as GateResult;
}

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  // Fill the transpile cache for every module a worker loads, so that no measured worker pays for
  // loading the TypeScript compiler (it would add about 20 MiB to its peak RSS).
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('./units');
  require('./baseline');
  require('./floor');
  require('./worker');
  require('./gate');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const info = machine();
  const loadStart = loadavg();
  log(`${info.nproc} cores, ${info.cpuModel}, node ${info.node}; load ${loadStart.join(' ')}; N = ${NS.join(', ')}${QUICK ? ' (quick)' : ''}`);

  const { rows, samples } = measureScale();
  const processes = process.env.BENCH_SKIP_E2E === '1' ? undefined : measureProcesses();
  const gate = measureGate();
  const warm = measureWarm();
  const results: BenchResults = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    durationS: Math.round((Date.now() - started) / 1000),
    machine: info,
    load: { start: loadStart, end: loadavg() },
    config: {
      ns: NS,
      reps: Object.fromEntries(NS.map((n) => [String(n), repsFor(n)])),
      variants: VARIANTS,
      e2eRuns: E2E_RUNS,
      e2eColdRuns: E2E_COLD_RUNS,
      kustomize: KUSTOMIZE,
    },
    scale: rows,
    processes,
    gate,
    warm,
    targets: checkTargets(rows, processes, gate, warm),
    samples,
  };

  fs.writeFileSync(path.join(OUT, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(
    path.join(OUT, 'synth-time.svg'),
    renderSvg({
      title: 'Synthesis time against N units',
      subtitle: `${info.nproc} cores, ${info.cpuModel}, node ${info.node}; load ${results.load.start[0]}→${results.load.end[0]}; ${results.generatedAt.slice(0, 10)}`,
      linearThrough: rows.length > 1 ? { n: rows[1].n, ms: rows[1].variants.ours.totalMs.median } : undefined,
      series: [
        { label: 'ours (npm run synth now: writeEnvironments, YAML emitter)', color: '#d62728', key: 'ours' as const },
        { label: "before (the same with cdk8s's Yaml.stringify)", color: '#ff7f0e', dash: '6 3', key: 'before' as const },
        { label: 'baseline (hand-written cdk8s-plus)', color: '#1f77b4', key: 'baseline' as const },
        { label: 'floor (JSON.stringify only)', color: '#2ca02c', dash: '2 3', key: 'floor' as const },
      ].map((s) => ({
        ...s,
        points: rows.map((r) => {
          const { median: m, min, max } = r.variants[s.key].totalMs;
          return { n: r.n, median: m, min, max };
        }),
      })),
    }),
  );
  fs.writeFileSync(path.join(ROOT, 'bench', 'README-section.md'), renderReadmeSection(results));
  log(`wrote bench/results/latest.json, bench/results/synth-time.svg, bench/README-section.md in ${results.durationS} s`);

  const bad = rows.filter((r) => !r.equivalent);
  if (bad.length > 0) {
    throw new Error(`variants disagree at N=${bad.map((r) => r.n).join(', ')}: the comparison is not fair (see test/bench-equivalence.test.ts)`);
  }
  if (processes && !processes.synthMatchesDist) log('warning: synth wrote something other than the committed dist/ (a lib change without `npm run synth`?)');
  for (const t of results.targets) log(`${t.pass === null ? 'info  ' : t.pass ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`);
}

main();

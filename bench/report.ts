// Types of bench/results/latest.json and the README section rendered from it.
// `node -r ./scripts/ts-register.js bench/report.ts` re-renders bench/README-section.md (and the
// target checks in latest.json) from the last results without measuring again.
import * as fs from 'fs';
import * as path from 'path';
import type { CommandTiming } from './e2e';
import { formatMs } from './plot';
import type { Summary } from './stats';
import type { GateResult } from './gate';
import type { Variant, WorkerResult } from './worker';

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly cdk8s: string;
  readonly cdk8sPlus: string;
  /** The `yaml` module that cdk8s loads (its bundled copy), which variant `before` and the baseline serialize with. */
  readonly yaml: string;
  readonly kubectl?: string;
  readonly hyperfine?: string;
  readonly commit: string;
}

export interface Sample extends WorkerResult {
  readonly variant: Variant;
  readonly rep: number;
  /** Wall time of the whole worker process, as seen by the harness. */
  readonly processMs: number;
  /** 1-minute load average when the sample started. */
  readonly load1: number;
}

export interface VariantStats {
  readonly totalMs: Summary;
  /** CPU time (user + system) over the same region. */
  readonly cpuMs: Summary;
  readonly phasesMedianMs: Record<string, number>;
  readonly phasesCpuMedianMs: Record<string, number>;
  readonly loadMsMedian: number;
  readonly processMs: Summary;
  readonly maxRssMiB: Summary;
  /** Median total time divided by the object count, in microseconds. */
  readonly perObjectUs: number;
}

export interface Ratio {
  /** Ratio of the two medians. */
  readonly ofMedians: number;
  /** Ratios of the runs of one repetition (run next to each other): their spread. */
  readonly paired: Summary;
}

export interface ScaleRow {
  readonly n: number;
  readonly objects: number;
  /** All variants wrote the same YAML, byte for byte, with the expected object count. */
  readonly equivalent: boolean;
  readonly sha256: string;
  readonly yamlBytes: number;
  readonly variants: Record<Variant, VariantStats>;
  readonly ratios: {
    readonly oursOverBaseline: Ratio;
    readonly beforeOverBaseline: Ratio;
    readonly oursOverBefore: Ratio;
    readonly oursOverFloor: Ratio;
    readonly oursOverBaselineCpu: Ratio;
    readonly beforeOverBaselineCpu: Ratio;
  };
}

export interface TargetCheck {
  readonly id: string;
  readonly target: string;
  readonly measured: string;
  /** null: shown for information, not a target. */
  readonly pass: boolean | null;
  readonly note?: string;
}

/** 'ours' measured in a process that has synthesized the same units before, untimed, at least 3 times and about 5,000 objects (bench/worker.ts 'ours-warm'). */
export interface WarmResult {
  readonly n: number;
  readonly objects: number;
  /** Median of build + synth, ms. */
  readonly totalMs: number;
  readonly perObjectUs: number;
}

export interface BenchResults {
  readonly schema: 1;
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly durationS: number;
  readonly machine: MachineInfo;
  /** 1, 5 and 15-minute load averages at the start and at the end of the run. */
  readonly load: { readonly start: [number, number, number]; readonly end: [number, number, number] };
  readonly config: {
    readonly ns: number[];
    readonly reps: Record<string, number>;
    readonly variants: readonly Variant[];
    readonly e2eRuns: number;
    readonly e2eColdRuns: number;
    readonly kustomize: readonly { readonly input: 'pairs' | 'units'; readonly n: number; readonly runs: number }[];
  };
  readonly scale: ScaleRow[];
  readonly processes?: {
    /** synth process (warm cache), npm run synth, synth process (empty cache), node -e 0, node loading cdk8s. */
    readonly synth: CommandTiming[];
    readonly kustomize: CommandTiming[];
    /** helm template over a chart of N units, when helm was found. */
    readonly helm?: CommandTiming[];
    readonly helmVersion?: string;
    /** The synth runs wrote exactly the committed dist/. */
    readonly synthMatchesDist: boolean;
  };
  /** The policy gate's own figures (bench/gate.ts). */
  readonly gate?: GateResult;
  /** 'ours' in a warm process (after untimed syntheses of the same units in the same process), at small N. */
  readonly warm?: WarmResult[];
  readonly targets: TargetCheck[];
  readonly samples: Sample[];
}

const ms = (s: Summary) => `${formatMs(s.median)} (${formatMs(s.min)}–${formatMs(s.max)})`;
const x = (v: number) => `${v.toFixed(2)}×`;
/** Ratio of medians, with the range of the per-repetition ratios. */
const xr = (r: Ratio) => (r.paired.n > 1 ? `${x(r.ofMedians)} (${r.paired.min.toFixed(2)}–${r.paired.max.toFixed(2)})` : x(r.ofMedians));

export function renderReadmeSection(r: BenchResults): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push('## Benchmark: synthesis cost at scale');
  lines.push('');
  lines.push(
    '`npm run bench` synthesizes N units, each a WebApp with an Ingress, an HPA and a PDB, a RedisCache, a PostgresDb (its backup CronJob off) and a ConfigBundle, all wired (15 objects per unit, one Environment in the production profile, names such as `web-0042`), four ways in the same run:',
  );
  lines.push('');
  lines.push(
    "- **ours** (what `npm run synth` does now, apps/main.ts): built with this library, then `writeEnvironments`: every validation, the dependency order (`lib/private/object-order.ts`, cdk8s's order in linear time), each object's JSON (`lib/private/object-json.ts`, exactly what `toJson()` returns, without cdk8s's generic resolution), the policy gate over the objects, and each object streamed to the file by the YAML emitter (`lib/private/yaml.ts`). Read the targets off this column.",
  );
  lines.push(
    "- **before** (`npm run synth` before issue 14's emitter): the same objects (`env.manifests()`) and gate, serialized with cdk8s's `Yaml.stringify` (the `yaml` package) to one string.",
  );
  lines.push('- **baseline**: the same objects written by hand with cdk8s and the L1 classes of cdk8s-plus-28 (`bench/baseline.ts`), `app.synthYaml()`.');
  lines.push(
    "- **floor**: `JSON.stringify` of the final objects, one document each (as cdk8s's `toJson()` returns them, built outside the timed region): the serialization limit. JSON is YAML, but not the block style a review reads.",
  );
  lines.push('');
  lines.push(
    "ours, before and baseline write the same YAML, byte for byte: the harness compares their sha256 at every N, and `test/bench-equivalence.test.ts` checks object identity and deep equality (the floor, JSON, is checked to hold the same objects). Each (variant, N, repetition) runs in a process of its own, in an order that rotates between repetitions; times exclude node start-up and module loading (reported below as whole-process times), and peak RSS is the process's `ru_maxrss`.",
  );
  lines.push('');
  lines.push('![Synthesis time against N units](bench/results/synth-time.svg)');
  lines.push('');
  lines.push(
    `Last run: ${r.generatedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.quick ? 'quick mode, ' : ''}${r.durationS} s in all, commit ${m.commit}. Medians, with min–max in brackets.`,
  );
  lines.push('');
  lines.push(
    '| N | objects | ours | before | baseline | floor (JSON) | ours / baseline | before / baseline | ours / before | ours / floor | µs per object (ours) | peak RSS ours (MiB) | peak RSS before (MiB) | peak RSS baseline (MiB) |',
  );
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of r.scale) {
    const v = row.variants;
    lines.push(
      `| ${row.n.toLocaleString('en-US')} | ${row.objects.toLocaleString('en-US')} | ${ms(v.ours.totalMs)} | ${ms(v.before.totalMs)} | ${ms(v.baseline.totalMs)} | ${ms(v.floor.totalMs)} | ${xr(row.ratios.oursOverBaseline)} | ${xr(row.ratios.beforeOverBaseline)} | ${xr(row.ratios.oursOverBefore)} | ${x(row.ratios.oursOverFloor.ofMedians)} | ${v.ours.perObjectUs.toFixed(0)} | ${v.ours.maxRssMiB.median.toFixed(0)} | ${v.before.maxRssMiB.median.toFixed(0)} | ${v.baseline.maxRssMiB.median.toFixed(0)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Ratios: of the medians, with the range of the ratios within each repetition in brackets. Repetitions per N: ${Object.entries(r.config.reps)
      .map(([n, k]) => `${n}: ${k}`)
      .join(', ')}.`,
  );
  lines.push('');
  lines.push('The same in CPU time (user + system of the worker process, all threads), which a loaded machine distorts less than wall time:');
  lines.push('');
  lines.push('| N | ours | before | baseline | floor (JSON) | ours / baseline | before / baseline |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of r.scale) {
    const v = row.variants;
    lines.push(
      `| ${row.n.toLocaleString('en-US')} | ${ms(v.ours.cpuMs)} | ${ms(v.before.cpuMs)} | ${ms(v.baseline.cpuMs)} | ${ms(v.floor.cpuMs)} | ${xr(row.ratios.oursOverBaselineCpu)} | ${xr(row.ratios.beforeOverBaselineCpu)} |`,
    );
  }
  lines.push('');
  const big = r.scale[r.scale.length - 1];
  if (big) {
    const p = (v: Variant) =>
      Object.entries(big.variants[v].phasesMedianMs)
        .map(([k, t]) => `${k} ${formatMs(t)}`)
        .join(', ');
    lines.push(
      `Where the time goes at N=${big.n.toLocaleString('en-US')} (medians): ours: ${p('ours')}; before: ${p('before')}; baseline: ${p('baseline')}; floor: ${p('floor')}. ours' synth is before's toJson + gate with the emitter's write in place of yaml.`,
    );
  }
  lines.push('');
  lines.push('Microseconds per object, by step (medians of wall time; CPU time in brackets): a step whose cost per object grows with N is not linear.');
  lines.push('');
  const steps: [Variant, string][] = [
    ['ours', 'build'],
    ['ours', 'synth'],
    ['before', 'toJson'],
    ['before', 'gate'],
    ['before', 'yaml'],
    ['baseline', 'build'],
    ['baseline', 'synth'],
    ['floor', 'json'],
  ];
  lines.push(`| N | ${steps.map(([v, p]) => `${v} ${p}`).join(' | ')} |`);
  lines.push(`|---:|${steps.map(() => '---:').join('|')}|`);
  for (const row of r.scale) {
    const us = (v: Variant, p: string) => {
      const t = row.variants[v].phasesMedianMs[p];
      const c = row.variants[v].phasesCpuMedianMs?.[p];
      if (t === undefined) return '';
      return `${((t * 1000) / row.objects).toFixed(0)}${c === undefined ? '' : ` (${((c * 1000) / row.objects).toFixed(0)})`}`;
    };
    lines.push(`| ${row.n.toLocaleString('en-US')} | ${steps.map(([v, p]) => us(v, p)).join(' | ')} |`);
  }
  lines.push('');
  lines.push(
    '`ours synth` is `writeEnvironments`: validations, dependency order, `toJson()` of every object, the gate, the YAML written; `baseline synth` is `app.synthYaml()`.',
  );
  lines.push('');

  if (r.processes) {
    lines.push('Whole processes (fresh process per run; node timing around `spawnSync`):');
    lines.push('');
    lines.push('| command | runs | median | min–max |' + (r.processes.synth.some((c) => c.hyperfine) ? ' hyperfine median |' : ''));
    lines.push('|---|---:|---:|---:|' + (r.processes.synth.some((c) => c.hyperfine) ? '---:|' : ''));
    const hasHf = r.processes.synth.some((c) => c.hyperfine);
    for (const c of [...r.processes.synth, ...r.processes.kustomize, ...(r.processes.helm ?? [])]) {
      lines.push(
        `| ${c.label} | ${c.summary.n} | ${formatMs(c.summary.median)} | ${formatMs(c.summary.min)}–${formatMs(c.summary.max)} |${hasHf ? ` ${c.hyperfine ? formatMs(c.hyperfine.medianMs) : ''} |` : ''}`,
      );
    }
    for (const row of r.scale.filter((s) => s.n === 100 || s.n === 1000)) {
      lines.push(
        `| ours as a whole process (worker: node start, load, build, writeEnvironments to a file): ${row.n} units | ${row.variants.ours.processMs.n} | ${formatMs(row.variants.ours.processMs.median)} | ${formatMs(row.variants.ours.processMs.min)}–${formatMs(row.variants.ours.processMs.max)} |${hasHf ? ' |' : ''}`,
      );
    }
    lines.push('');
    lines.push(`The synth runs wrote ${r.processes.synthMatchesDist ? 'exactly the committed `dist/`' : 'something other than the committed `dist/`'}.`);
    lines.push('');
  }

  if (r.gate) {
    const g = r.gate;
    lines.push(
      `The policy gate (\`checkPolicy\`, bench/gate.ts) over the ${g.objects.toLocaleString('en-US')} objects of ${g.n.toLocaleString('en-US')} units: ${formatMs(g.coldMs)} the first time in a process, as synth runs it (${g.coldUsPerObject.toFixed(0)} µs per object; CPU ${formatMs(g.coldCpuMs)}), ${formatMs(g.warmMs)} once warm (${g.warmUsPerObject.toFixed(0)} µs per object, median of 5).`,
    );
    lines.push('');
    lines.push(
      'The secret scan (`lib/policy/secret-scan.ts`): `checkPolicy` over one object holding a 1 MiB value, median of 5 warm runs (the well-formed rule measures such an object exactly, one `JSON.stringify`, included):',
    );
    lines.push('');
    const places = [...new Set(g.scan1MiB.map((s) => s.place))];
    lines.push(`| 1 MiB value | ${places.join(' | ')} |`);
    lines.push(`|---|${places.map(() => '---:').join('|')}|`);
    for (const value of [...new Set(g.scan1MiB.map((s) => s.value))]) {
      lines.push(`| ${value} | ${places.map((p) => formatMs(g.scan1MiB.find((s) => s.value === value && s.place === p)?.ms ?? NaN)).join(' | ')} |`);
    }
    lines.push('');
  }

  lines.push('Targets:');
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|:---:|');
  for (const t of r.targets)
    lines.push(`| ${t.target} | ${t.measured}${t.note ? ` (${t.note})` : ''} | ${t.pass === null ? '–' : t.pass ? 'yes' : '**no**'} |`);
  lines.push('');

  lines.push('Machine:');
  lines.push('');
  lines.push(`- ${m.nproc} cores (nproc), ${m.cpuModel} (/proc/cpuinfo), ${m.memoryGiB} GiB, ${m.kernel}`);
  lines.push(`- node ${m.node}; cdk8s ${m.cdk8s}; cdk8s-plus-28 ${m.cdk8sPlus}; yaml ${m.yaml}`);
  if (m.kubectl) lines.push(`- ${m.kubectl}`);
  if (m.hyperfine) lines.push(`- ${m.hyperfine}`);
  if (r.processes?.helmVersion)
    lines.push(`- helm ${r.processes.helmVersion} (built with \`go install helm.sh/helm/v3/cmd/helm@v3.22.0\` into ~/.cache/kubestack-bench)`);
  lines.push(
    `- load average (1, 5, 15 min): ${r.load.start.join(', ')} at the start, ${r.load.end.join(', ')} at the end; per-sample 1-minute load is in \`bench/results/latest.json\``,
  );
  lines.push('');
  lines.push(
    'Reproduce: `npm run bench` (the full run took ' +
      `${Math.round(r.durationS / 60)} min here); \`BENCH_QUICK=1 npm run bench\` for fewer repetitions. Raw samples: \`bench/results/latest.json\`.`,
  );
  lines.push('');
  return lines.join('\n');
}

if (require.main === module) {
  // Re-checks the targets and re-renders the section from the stored figures, without measuring.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkTargets } = require('./targets') as typeof import('./targets');
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, 'bench', 'results', 'latest.json');
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
  const results: BenchResults = { ...stored, targets: checkTargets(stored.scale, stored.processes, stored.gate) };
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(root, 'bench', 'README-section.md'), renderReadmeSection(results));
}

// The targets of issue 14, checked against a run's figures (medians of wall time, and of CPU time
// where the target names it; a loaded machine stretches wall time more than CPU time).
import type { GateResult } from './gate';
import type { BenchResults, ScaleRow, TargetCheck, WarmResult } from './report';
import { round } from './stats';

export function checkTargets(
  rows: ScaleRow[],
  processes: BenchResults['processes'] | undefined,
  gate?: GateResult,
  warm?: readonly WarmResult[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at = (n: number) => rows.find((r) => r.n === n);

  const sizes = [100, 1000, 2000].map(at).filter((r): r is ScaleRow => r !== undefined);
  if (sizes.length > 0) {
    checks.push({
      id: 'ours/baseline',
      target: 'ours <= 0.33x the hand-written cdk8s-plus baseline at N = 100, 1,000 and 2,000, in wall time and in CPU time',
      measured:
        sizes.map((r) => `N=${r.n}: ${r.ratios.oursOverBaseline.ofMedians.toFixed(2)}`).join(', ') +
        `; in CPU time: ${sizes.map((r) => `${r.ratios.oursOverBaselineCpu.ofMedians.toFixed(2)}`).join(', ')}`,
      pass: sizes.every((r) => r.ratios.oursOverBaseline.ofMedians <= 0.33 && r.ratios.oursOverBaselineCpu.ofMedians <= 0.33),
    });
    checks.push({
      id: 'before/baseline',
      target: 'before (cdk8s Yaml.stringify) against the baseline, for information',
      measured: sizes.map((r) => `N=${r.n}: ${r.ratios.beforeOverBaseline.ofMedians.toFixed(2)}`).join(', '),
      pass: null,
    });
  }
  const r1000 = at(1000);
  if (r1000) {
    const p = r1000.variants.ours.processMs;
    checks.push({
      id: 'process-1000',
      target: 'the whole synth process for N = 1,000 units (node start, module load, build, writeEnvironments to a file) <= 2.5 s',
      measured: `median ${(p.median / 1000).toFixed(2)} s (${(p.min / 1000).toFixed(2)}–${(p.max / 1000).toFixed(2)} s), of which in-process ${(r1000.variants.ours.totalMs.median / 1000).toFixed(2)} s`,
      pass: p.median <= 2500,
    });
    const rss = r1000.variants.ours.maxRssMiB;
    checks.push({
      id: 'rss-ours',
      target: 'ours: peak RSS <= 200 MiB at N = 1,000',
      measured: `median ${rss.median.toFixed(0)} MiB (${rss.min.toFixed(0)}–${rss.max.toFixed(0)}); before ${r1000.variants.before.maxRssMiB.median.toFixed(0)}, baseline ${r1000.variants.baseline.maxRssMiB.median.toFixed(0)} MiB`,
      pass: rss.median <= 200,
    });
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first && last && first !== last) {
    const us = rows.map((r) => r.variants.ours.perObjectUs);
    const spread = Math.max(...us) / Math.min(...us);
    checks.push({
      id: 'linear-ours',
      target: `ours: cost per object flat from N = ${first.n} to ${last.n.toLocaleString('en-US')} (max/min within 1.2x)`,
      measured: `${rows.map((r) => `N=${r.n}: ${r.variants.ours.perObjectUs.toFixed(0)}`).join(', ')} us/object (x${round(spread, 2).toFixed(2)})`,
      pass: spread <= 1.2,
    });
    const big = rows.filter((r) => r.n >= 100).map((r) => r.variants.ours.perObjectUs);
    if (big.length > 1) {
      checks.push({
        id: 'linear-ours-100',
        target: 'the same from N = 100 up, without the fixed cost of a cold process at N = 10 (for information)',
        measured: `x${(Math.max(...big) / Math.min(...big)).toFixed(2)}`,
        pass: null,
      });
    }
  }
  if (warm?.length) {
    checks.push({
      id: 'linear-ours-warm',
      target:
        'the cost per object once the process is warm: after untimed syntheses of the same units (3 or more, about 5,000 objects) in the same process (for information)',
      measured: warm
        .map((w) => {
          const cold = at(w.n)?.variants.ours.perObjectUs;
          return `N=${w.n}: ${w.perObjectUs.toFixed(0)} us/object${cold === undefined ? '' : ` (cold ${cold.toFixed(0)})`}`;
        })
        .join(', '),
      pass: null,
    });
  }
  if (processes) {
    const [synth, npm, cold] = processes.synth;
    const cdk8sFloor = processes.synth[4];
    checks.push({
      id: 'synth-process',
      target: "the reference app's three environments, whole process (node scripts/synth.js) <= 0.2 s",
      measured:
        `median ${synth.summary.median.toFixed(0)} ms (warm transpile cache; node -e 0 alone: ${processes.synth[3]?.summary.median.toFixed(0) ?? '?'} ms` +
        (cdk8sFloor ? `, node loading cdk8s alone: ${cdk8sFloor.summary.median.toFixed(0)} ms)` : ')'),
      pass: synth.summary.median <= 200,
    });
    checks.push({
      id: 'synth-process-empty-cache',
      target: 'the same with an empty transpile cache (for information)',
      measured: `median ${cold.summary.median.toFixed(0)} ms`,
      pass: null,
    });
    checks.push({
      id: 'npm-run-synth',
      target: '`npm run synth`, npm included (for information)',
      measured: `median ${npm.summary.median.toFixed(0)} ms`,
      pass: null,
    });
  }
  if (processes?.helm?.length) {
    checks.push({
      id: 'helm',
      target: 'helm template on an equivalent chart, whole process (for information)',
      measured: processes.helm.map((h) => `${h.label.replace(/^helm template: a chart of /, '')}: ${(h.summary.median / 1000).toFixed(2)} s`).join(', '),
      pass: null,
    });
  }
  if (gate) {
    checks.push({
      id: 'gate-per-object',
      target: "the policy gate's time per object (issue 12, for information)",
      measured: `${gate.coldUsPerObject.toFixed(0)} us cold, ${gate.warmUsPerObject.toFixed(0)} us warm, over the ${gate.objects} objects of ${gate.n} units`,
      pass: null,
    });
    const worst = gate.scan1MiB.reduce((a, b) => (b.ms > a.ms ? b : a));
    checks.push({
      id: 'secret-scan-1mib',
      target: 'issue 12: a 1 MiB value is scanned for secrets in well under 50 ms (checkPolicy over one object holding it)',
      measured: `at most ${worst.ms.toFixed(1)} ms (${worst.value}, ${worst.place}); median over all values and places ${round([...gate.scan1MiB.map((x) => x.ms)].sort((a, b) => a - b)[Math.floor(gate.scan1MiB.length / 2)], 1)} ms`,
      pass: worst.ms < 50,
    });
  }
  return checks;
}

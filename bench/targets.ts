// The targets of the benchmark issue, checked against a run's figures (medians of wall time;
// CPU-time ratios are shown beside them as a cross-check on a loaded machine).
import type { BenchResults, ScaleRow, TargetCheck } from './report';
import { round } from './stats';

/** Display names: `ours` is the two-pass synth from before the profiling fix, `ours-1pass` what npm run synth does now. */
const label = (v: string): string =>
  v === 'ours' ? 'ours, 2 passes (before the fix, for information)' : v === 'ours-1pass' ? 'ours (npm run synth now, single pass)' : v;

export function checkTargets(rows: ScaleRow[], processes: BenchResults['processes'] | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const v of ['ours', 'ours-1pass'] as const) {
    const key = v === 'ours' ? 'oursOverBaseline' : 'ours1passOverBaseline';
    const worst = rows.reduce((a, r) => (r.ratios[key].ofMedians > a.ratios[key].ofMedians ? r : a), rows[0]);
    checks.push({
      id: `${v}/baseline`,
      target: `${label(v)}: ours/baseline <= 1.15 at every N`,
      measured:
        rows.map((r) => `N=${r.n}: ${r.ratios[key].ofMedians.toFixed(2)}`).join(', ') +
        `; in CPU time: ${rows.map((r) => r.ratios[v === 'ours' ? 'oursOverBaselineCpu' : 'ours1passOverBaselineCpu'].ofMedians.toFixed(2)).join(', ')}`,
      pass: v === 'ours' ? null : rows.every((r) => r.ratios[key].ofMedians <= 1.15),
      note: `worst at N=${worst.n}`,
    });
  }
  const r100 = rows.find((r) => r.n === 100);
  const r2000 = rows.find((r) => r.n === 2000);
  if (r100 && r2000) {
    for (const v of ['ours', 'ours-1pass', 'baseline'] as const) {
      const ratio = r2000.variants[v].perObjectUs / r100.variants[v].perObjectUs;
      checks.push({
        id: `linear-${v}`,
        target: `${label(v)}: cost per object at N=2,000 within 1.2x of N=100${v === 'baseline' ? ' (for information)' : ''}`,
        measured: `${r100.variants[v].perObjectUs.toFixed(0)} -> ${r2000.variants[v].perObjectUs.toFixed(0)} us/object (x${ratio.toFixed(2)})`,
        pass: v === 'baseline' || v === 'ours' ? null : ratio <= 1.2,
      });
    }
  }
  if (r100 && r2000) {
    // The steps this library adds or owns, without cdk8s's YAML serialization (in the floor too).
    const own = (r: ScaleRow, cpu: boolean) => {
      const p = cpu ? r.variants['ours-1pass'].phasesCpuMedianMs : r.variants['ours-1pass'].phasesMedianMs;
      return ((p.build + p.toJson + p.gate) * 1000) / r.objects;
    };
    const ratio = own(r2000, false) / own(r100, false);
    const cpuRatio = own(r2000, true) / own(r100, true);
    checks.push({
      id: 'linear-ours-own-steps',
      target: 'ours, single pass, build + toJson + gate only: cost per object at N=2,000 within 1.2x of N=100',
      measured: `${own(r100, false).toFixed(0)} -> ${own(r2000, false).toFixed(0)} us/object (x${ratio.toFixed(2)}); in CPU time ${own(r100, true).toFixed(0)} -> ${own(r2000, true).toFixed(0)} (x${cpuRatio.toFixed(2)})`,
      pass: ratio <= 1.2,
    });
    const floor = r2000.variants.floor.perObjectUs / r100.variants.floor.perObjectUs;
    checks.push({
      id: 'linear-floor',
      target: 'floor (cdk8s YAML serialization alone): cost per object at N=2,000 against N=100 (for information)',
      measured: `${r100.variants.floor.perObjectUs.toFixed(0)} -> ${r2000.variants.floor.perObjectUs.toFixed(0)} us/object (x${floor.toFixed(2)})`,
      pass: null,
    });
  }
  const r1000 = rows.find((r) => r.n === 1000);
  if (r1000) {
    for (const v of ['ours', 'ours-1pass', 'baseline'] as const) {
      const rss = r1000.variants[v].maxRssMiB;
      checks.push({
        id: `rss-${v}`,
        target: `${label(v)}: peak RSS <= 250 MB at N=1,000${v === 'baseline' ? ' (for information)' : ''}`,
        measured: `median ${rss.median.toFixed(0)} MiB (${round(rss.median * 1.048576, 0)} MB), range ${rss.min.toFixed(0)}-${rss.max.toFixed(0)} MiB`,
        pass: v === 'baseline' || v === 'ours' ? null : rss.median <= 250,
      });
    }
  }
  if (processes) {
    const [synth, npm, cold] = processes.synth;
    checks.push({
      id: 'synth-process',
      target: 'synth process, three environments, cold: <= 0.6 s',
      measured: `median ${synth.summary.median.toFixed(0)} ms (warm transpile cache)`,
      pass: synth.summary.median <= 600,
    });
    checks.push({
      id: 'synth-process-empty-cache',
      target: 'the same with an empty transpile cache (for information)',
      measured: `median ${cold.summary.median.toFixed(0)} ms`,
      pass: null,
    });
    checks.push({
      id: 'npm-run-synth',
      target: '`npm run synth` <= 1.0 s',
      measured: `median ${npm.summary.median.toFixed(0)} ms`,
      pass: npm.summary.median <= 1000,
    });
  }
  return checks;
}

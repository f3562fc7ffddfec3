// Small, dependency-free statistics for the benchmark report.

export interface Summary {
  /** Number of samples. */
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** 25th and 75th percentiles (linear interpolation). */
  readonly p25: number;
  readonly p75: number;
  /** (max - min) / median, in percent: how much the samples disagree. */
  readonly spreadPct: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const median = quantile(s, 0.5);
  return {
    n: s.length,
    median: round(median),
    min: round(s[0]),
    max: round(s[s.length - 1]),
    p25: round(quantile(s, 0.25)),
    p75: round(quantile(s, 0.75)),
    spreadPct: round(((s[s.length - 1] - s[0]) / median) * 100, 1),
  };
}

export function median(samples: readonly number[]): number {
  return quantile(
    [...samples].sort((a, b) => a - b),
    0.5,
  );
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

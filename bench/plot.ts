// A hand-written SVG line chart (no dependency): time against N on log-log axes, one line per
// variant through the medians, with a min–max bar at every point.

export interface PlotPoint {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface PlotSeries {
  readonly label: string;
  readonly color: string;
  /** SVG stroke-dasharray, for telling lines apart without colour. */
  readonly dash?: string;
  readonly points: readonly PlotPoint[];
}

export interface PlotOptions {
  readonly title: string;
  readonly subtitle: string;
  readonly series: readonly PlotSeries[];
  /** A thin grey line proportional to N through this point: linear growth runs parallel to it. */
  readonly linearThrough?: { readonly n: number; readonly ms: number };
}

const W = 760;
const H = 480;
const M = { left: 78, right: 24, top: 62, bottom: 56 };

export function renderSvg(opts: PlotOptions): string {
  const all = opts.series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error('plot: no points');
  const xs = all.map((p) => p.n);
  const ys = all.flatMap((p) => [p.min, p.max]).filter((v) => v > 0);
  const x0 = Math.log10(Math.min(...xs)) - 0.08;
  const x1 = Math.log10(Math.max(...xs)) + 0.08;
  const y0 = Math.floor(Math.log10(Math.min(...ys)));
  const y1 = Math.ceil(Math.log10(Math.max(...ys)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (n: number) => M.left + ((Math.log10(n) - x0) / (x1 - x0)) * pw;
  const sy = (ms: number) => M.top + ph - ((Math.log10(ms) - y0) / (y1 - y0)) * ph;
  const f = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="24" font-size="16" font-weight="bold">${esc(opts.title)}</text>`);
  out.push(`<text x="${M.left}" y="44" fill="#555">${esc(opts.subtitle)}</text>`);

  // y grid: decades, with 2x and 5x minor lines
  for (let d = y0; d <= y1; d++) {
    const v = 10 ** d;
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${f(sy(v))}" y2="${f(sy(v))}" stroke="#ccc"/>`);
    out.push(`<text x="${M.left - 8}" y="${f(sy(v) + 4)}" text-anchor="end">${esc(formatMs(v))}</text>`);
    if (d < y1) {
      for (const m of [2, 5]) {
        out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${f(sy(m * v))}" y2="${f(sy(m * v))}" stroke="#eee"/>`);
      }
    }
  }
  // x ticks at the measured N
  for (const n of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<line x1="${f(sx(n))}" x2="${f(sx(n))}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${f(sx(n))}" y="${M.top + ph + 18}" text-anchor="middle">${n.toLocaleString('en-US')}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  out.push(
    `<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">units N (log scale; a unit = 15 objects: web app + Ingress, HPA, PDB, Redis, Postgres, config)</text>`,
  );
  out.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">wall time, build + synth to YAML (log scale)</text>`);

  if (opts.linearThrough) {
    const { n, ms } = opts.linearThrough;
    const [na, nb] = [Math.min(...xs), Math.max(...xs)];
    out.push(`<clipPath id="plot-area"><rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}"/></clipPath>`);
    out.push(
      `<line clip-path="url(#plot-area)" x1="${f(sx(na))}" y1="${f(sy((ms * na) / n))}" x2="${f(sx(nb))}" y2="${f(sy((ms * nb) / n))}" stroke="#999" stroke-width="1" stroke-dasharray="1 4"/>`,
    );
  }
  opts.series.forEach((s) => {
    const pts = [...s.points].sort((a, b) => a.n - b.n);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map((p) => `${f(sx(p.n))},${f(sy(p.median))}`).join(' ')}"/>`);
    for (const p of pts) {
      const x = sx(p.n);
      out.push(`<line x1="${f(x)}" x2="${f(x)}" y1="${f(sy(p.min))}" y2="${f(sy(p.max))}" stroke="${s.color}" stroke-width="1.5"/>`);
      out.push(
        `<circle cx="${f(x)}" cy="${f(sy(p.median))}" r="3.5" fill="${s.color}"><title>${esc(`${s.label}, N=${p.n}: median ${formatMs(p.median)} (min ${formatMs(p.min)}, max ${formatMs(p.max)})`)}</title></circle>`,
      );
    }
  });
  // legend, inside the plot at the top left (the lines rise to the right)
  const lx = M.left + 12;
  const note = `dots: median; bars: min–max${opts.linearThrough ? '; grey dots: ∝ N' : ''}`;
  const boxW = 12 + Math.max(36 + Math.max(...opts.series.map((s) => s.label.length)) * 6.4, note.length * 5.8);
  out.push(`<rect x="${lx - 6}" y="${M.top + 6}" width="${f(boxW)}" height="${opts.series.length * 20 + 26}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`);
  opts.series.forEach((s, i) => {
    const ly = M.top + 20 + i * 20;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 36}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push(`<text x="${lx}" y="${M.top + 20 + opts.series.length * 20}" fill="#555" font-size="11">${esc(note)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${trim(ms / 1000)} s`;
  if (ms >= 1) return `${trim(ms)} ms`;
  return `${trim(ms * 1000)} µs`;
}

function trim(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

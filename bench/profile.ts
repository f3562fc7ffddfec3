// Profiles one benchmark run and prints where the time goes, by package and by function:
//
//   node -r ./scripts/ts-register.js bench/profile.ts ours 1000
//
// It runs bench/worker.ts under `node --cpu-prof` and summarizes the .cpuprofile (kept in
// bench/results/tmp/profiles/ for Chrome DevTools or speedscope).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Groups a script URL: our folders by name, packages by name (`cdk8s>yaml` for a nested one). */
export function groupOf(url: string): string {
  if (!url) return '(gc, native, idle)';
  const ours = /\/(lib|apps|bench)\/([^/]+(?:\/[^/]+)?)$/.exec(url);
  if (ours && !url.includes('node_modules')) return `${ours[1]}/${ours[2]}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/node_modules\/((?:@[^/]+\/)?[^/]+))?/.exec(url);
  if (m) return m[2] ? `${m[1]}>${m[2]}` : m[1];
  return url.startsWith('node:') ? 'node' : path.basename(url);
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time per group, descending. */
  readonly byGroup: [string, number][];
  /** Inclusive time per function (`name group:line`), descending. */
  readonly inclusive: [string, number][];
}

export function summarizeProfile(p: CpuProfile): ProfileSummary {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${groupOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const byGroup = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const g = groupOf(nodes.get(id)!.callFrame.url);
    byGroup.set(g, (byGroup.get(g) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(nodes.get(cur)!);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
  }
  const ms = (m: Map<string, number>) => [...m].map(([k, us]) => [k, us / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, byGroup: ms(byGroup), inclusive: ms(inclusive) };
}

function main(): void {
  const [variant = 'ours', n = '1000'] = process.argv.slice(2);
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'bench', 'results', 'tmp', 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${variant}-${n}.cpuprofile`;
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  process.stdout.write(run(['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', name, '-r', './scripts/ts-register.js', 'bench/worker.ts', variant, n]));
  const s = summarizeProfile(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as CpuProfile);
  const line = ([k, t]: [string, number]) => `${((100 * t) / s.totalMs).toFixed(1).padStart(5)}% ${t.toFixed(0).padStart(7)} ms  ${k}`;
  console.log(`\n${variant}, N=${n}: ${s.totalMs.toFixed(0)} ms sampled (profile: ${path.relative(root, path.join(dir, name))})`);
  console.log('\nself time by package:');
  for (const e of s.byGroup.slice(0, 12)) console.log(line(e));
  console.log('\ninclusive time by function (outside node internals):');
  for (const e of s.inclusive.filter(([k]) => !/ (node|loader|run_main|ts-register\.js)/.test(k)).slice(0, 40)) console.log(line(e));
}

if (require.main === module) main();

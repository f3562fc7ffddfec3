/**
 * The published package, as npm itself packs it: compiled JavaScript and declarations of lib/ only,
 * the entry points of the exports map present, and `npm publish --dry-run` without a warning.
 * (examples/ installs the same tarball into a project of its own; .ci/run runs it.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function npm(args: string[], env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** An npm user config with a placeholder token: without one, a dry run warns that nobody is logged in. */
function dryRunUserConfig(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'npmrc-')), 'npmrc');
  fs.writeFileSync(file, '//registry.npmjs.org/:_authToken=dry-run-placeholder\n');
  return file;
}

describe('the npm package', () => {
  let files: string[] = [];
  beforeAll(() => {
    // prepack builds build/ from lib/; --json lists what would be in the tarball
    const r = npm(['pack', '--dry-run', '--json']);
    expect(r.status).toBe(0);
    const [pack] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { files: { path: string }[] }[];
    files = pack.files.map((f) => f.path).sort();
  }, 300_000);

  test('holds only the compiled library, its declarations, the licence, the README and the changelog', () => {
    const stray = files.filter((f) => !/^(build\/.+\.(js|d\.ts)|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/.test(f));
    expect(stray).toEqual([]);
    // every source module of lib/ is there, compiled and declared
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    for (const src of sources('lib')) {
      const base = src.replace(/^lib\//, 'build/').replace(/\.ts$/, '');
      expect(files).toEqual(expect.arrayContaining([`${base}.js`, `${base}.d.ts`]));
    }
  });

  test('names entry points that exist in the tarball, and nothing else of build/ is importable', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.exports)).toEqual(['.', './pulumi', './package.json']);
    for (const entry of ['.', './pulumi']) {
      for (const target of Object.values(pkg.exports[entry] as Record<string, string>)) expect(files).toContain(target.replace(/^\.\//, ''));
    }
    expect(pkg.main).toBeUndefined(); // a Pulumi program at the project root would take `main` as its entry point
    expect(pkg.private).toBeUndefined();
  });

  test('declares cdk8s, cdk8s-plus-28 and constructs as peers, the Pulumi packages as optional peers, and no dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toBeUndefined();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@pulumi/kubernetes', '@pulumi/pulumi', 'cdk8s', 'cdk8s-plus-28', 'constructs']);
    expect(pkg.peerDependenciesMeta).toEqual({ '@pulumi/kubernetes': { optional: true }, '@pulumi/pulumi': { optional: true } });
    expect(JSON.stringify(pkg.peerDependencies)).not.toContain('@pulumi/docker');
  });

  test('publishes (dry run) without a warning', () => {
    const r = npm(['publish', '--dry-run', '--ignore-scripts'], { NPM_CONFIG_USERCONFIG: dryRunUserConfig() });
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /npm warn/i.test(l))).toEqual([]);
    expect(r.stdout).toContain('+ kubestack@');
  }, 120_000);
});

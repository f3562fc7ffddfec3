import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../apps/main';

const DIST = path.join(__dirname, '..', 'dist');
const HINT = 'The committed manifests are out of date: run `npm run synth` and review the diff (git diff dist/) before committing.';

/** Relative paths of every file below `dir`, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]))
    .sort();
}

/** Runs `main()` with CDK8S_OUTDIR pointing at a fresh temp dir and returns that dir. */
function synthToTemp(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-golden-'));
  const previous = process.env.CDK8S_OUTDIR;
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.env.CDK8S_OUTDIR = outdir;
  try {
    main();
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    stderr.mockRestore();
  }
  return outdir;
}

/** Differences between two trees, one line each; empty when they are byte-identical. */
function differences(expectedDir: string, actualDir: string, label: string): string[] {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  const problems: string[] = [];
  for (const f of expected.filter((x) => !actual.includes(x))) problems.push(`${label}/${f} is committed but no longer synthesized`);
  for (const f of actual.filter((x) => !expected.includes(x))) problems.push(`${label}/${f} is synthesized but not committed`);
  for (const f of expected.filter((x) => actual.includes(x))) {
    const a = fs.readFileSync(path.join(expectedDir, f));
    const b = fs.readFileSync(path.join(actualDir, f));
    if (a.equals(b)) continue;
    const aLines = a.toString('utf8').split('\n');
    const bLines = b.toString('utf8').split('\n');
    const i = aLines.findIndex((line, n) => line !== bLines[n]);
    const at = i < 0 ? aLines.length : i;
    problems.push(`${label}/${f} differs at line ${at + 1}: committed ${JSON.stringify(aLines[at])}, synthesized ${JSON.stringify(bLines[at])}`);
  }
  return problems;
}

describe('golden manifests', () => {
  let fresh: string;
  const tempDirs: string[] = [];

  beforeAll(() => {
    fresh = synthToTemp();
    tempDirs.push(fresh);
  });

  afterAll(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('main() writes one folder per environment', () => {
    expect(fs.readdirSync(fresh).sort()).toStrictEqual(['dev', 'prod', 'staging']);
    expect(listFiles(fresh)).toStrictEqual(['dev/three-tier.k8s.yaml', 'prod/three-tier.k8s.yaml', 'staging/three-tier.k8s.yaml']);
  });

  test('main() leaves CDK8S_OUTDIR as it found it', () => {
    // GIVEN
    const before = process.env.CDK8S_OUTDIR;

    // WHEN
    tempDirs.push(synthToTemp());

    // THEN
    expect(process.env.CDK8S_OUTDIR).toBe(before);
  });

  test('dist/ is byte-for-byte what a fresh synth writes', () => {
    // GIVEN / WHEN
    const problems = differences(DIST, fresh, 'dist');

    // THEN
    if (problems.length > 0) throw new Error([HINT, ...problems].join('\n'));
  });

  test('two synths are byte-identical', () => {
    // GIVEN
    const second = synthToTemp();
    tempDirs.push(second);

    // WHEN
    const problems = differences(fresh, second, 'synth');

    // THEN
    expect(problems).toStrictEqual([]);
    expect(listFiles(second).length).toBeGreaterThan(0);
  });

  test('the comparison notices a changed, a missing and an extra file', () => {
    // GIVEN
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-golden-copy-'));
    tempDirs.push(copy);
    fs.cpSync(fresh, copy, { recursive: true });
    const file = path.join(copy, 'dev', 'three-tier.k8s.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('replicas: 1', 'replicas: 2'));
    fs.rmSync(path.join(copy, 'staging', 'three-tier.k8s.yaml'));
    fs.writeFileSync(path.join(copy, 'prod', 'extra.yaml'), '');

    // WHEN
    const problems = differences(fresh, copy, 'dist');

    // THEN
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('dist/staging/three-tier.k8s.yaml is committed but no longer synthesized');
    expect(problems[1]).toBe('dist/prod/extra.yaml is synthesized but not committed');
    expect(problems[2]).toMatch(/^dist\/dev\/three-tier\.k8s\.yaml differs at line \d+: committed " {2}replicas: 1", synthesized " {2}replicas: 2"$/);
  });
});

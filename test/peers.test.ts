/**
 * Two copies of cdk8s in one project (a consumer on another cdk8s minor, an npm tree that did not
 * dedupe) made synthesis fail deep inside cdk8s with "can't render non-simple object of type
 * 'Lazy'". The first Environment now fails with a message that says how to dedupe.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Environment, Profiles } from 'kubestack';

const ROOT = path.join(__dirname, '..');

/** A second, separate copy of the cdk8s package (constructs stays shared, as npm would link it). */
function secondCdk8s(): typeof import('cdk8s') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-copy-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.cpSync(path.join(ROOT, 'node_modules', 'cdk8s'), path.join(dir, 'node_modules', 'cdk8s'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'constructs'), path.join(dir, 'node_modules', 'constructs'));
  return jest.requireActual(path.join(dir, 'node_modules', 'cdk8s'));
}

describe('two copies of cdk8s', () => {
  test('fail at the first Environment with a message that names both copies and how to dedupe', () => {
    // GIVEN an App from another copy of cdk8s than the one kubestack and cdk8s-plus-28 use
    const other = secondCdk8s();
    const app = new other.App();
    // WHEN an Environment is created in it
    // THEN it fails with the fix, not later with the Lazy error
    expect(() => new Environment(app, 'dev', { profile: Profiles.dev })).toThrow(
      /^kubestack: two copies of 'cdk8s' are loaded \(.*node_modules\/cdk8s and .*cdk8s-copy-.*\/node_modules\/cdk8s\)\. .*`npm ls cdk8s` shows the copies; .* then run `npm dedupe`\.$/,
    );
  });
});

describe("cdk8s-plus-28's generated module", () => {
  test('is the k8s namespace that the package index exports, so the L1 classes are the same classes', () => {
    // GIVEN the module the library imports and the package index
    const deep = jest.requireActual('cdk8s-plus-28/lib/imports/k8s');
    const index = jest.requireActual('cdk8s-plus-28');
    // THEN they are one module: a user's k8s.KubeDeployment is the library's
    expect(deep).toBe(index.k8s);
    expect(typeof deep.KubeDeployment).toBe('function');
  });

  test('loading the library does not load the cdk8s-plus-28 index and its L2 constructs', () => {
    // GIVEN a fresh node process that loads the library's entry point through the repo's TypeScript hook
    const { execFileSync } = jest.requireActual('child_process') as typeof import('child_process');
    const script = [
      "require('./scripts/ts-register');",
      "require('./lib/index.ts');",
      "const loaded = Object.keys(require.cache).filter((f) => f.includes('/node_modules/cdk8s-plus-28/')).map((f) => f.split('/node_modules/cdk8s-plus-28/')[1]);",
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');
    // WHEN it lists the cdk8s-plus-28 files it loaded
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as string[];
    // THEN only the generated L1 module
    expect(loaded).toEqual(['lib/imports/k8s.js']);
  });
});

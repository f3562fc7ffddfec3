/**
 * kubestack as an installed package: only its entry points can be required, and the main entry
 * point works in a project that does not install the optional @pulumi peers.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const NODE_MODULES = path.join(__dirname, '..', '..', 'node_modules');

test('a private module of kubestack cannot be required', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the subpath must fail at run time, which import() would not show synchronously
  assert.throws(() => require('kubestack/build/private/validate'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
});

test('kubestack synthesizes an Environment in a project without @pulumi/pulumi and @pulumi/kubernetes', () => {
  // GIVEN a project whose node_modules hold kubestack and its required peers only
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-no-pulumi-'));
  try {
    fs.mkdirSync(path.join(project, 'node_modules'));
    fs.cpSync(path.join(NODE_MODULES, 'kubestack'), path.join(project, 'node_modules', 'kubestack'), { recursive: true });
    for (const peer of ['cdk8s', 'cdk8s-plus-28', 'constructs']) {
      fs.symlinkSync(path.join(NODE_MODULES, peer), path.join(project, 'node_modules', peer), 'dir');
    }
    const script = `
      let pulumi = 'absent';
      try { require.resolve('@pulumi/pulumi'); pulumi = 'present'; } catch {}
      const { App } = require('cdk8s');
      const { Environment, Profiles, PostgresDb } = require('kubestack');
      const env = new Environment(new App(), 'orders', { profile: Profiles.dev });
      new PostgresDb(env, 'db');
      let deploySide;
      try { require('kubestack/pulumi'); deploySide = 'loaded'; } catch (e) { deploySide = e.code + ' ' + e.message.split('\\n')[0]; }
      console.log(JSON.stringify({ pulumi, objects: env.synthesize().objects.length, deploySide }));`;
    // WHEN it loads kubestack and synthesizes
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' })) as Record<string, unknown>;
    // THEN it works, and only kubestack/pulumi needs the Pulumi peers
    assert.equal(out.pulumi, 'absent');
    assert.ok((out.objects as number) > 1);
    assert.equal(
      out.deploySide,
      "undefined kubestack/pulumi needs the optional peer dependencies @pulumi/pulumi and @pulumi/kubernetes, and '@pulumi/pulumi' is not installed: " +
        'npm install @pulumi/pulumi@^3.248.0 @pulumi/kubernetes@^4.25.0 (the main entry point, kubestack, needs neither)',
    );
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

/**
 * The committed manifests (dist/<env>/*.yaml) as kubectl or Argo CD apply them: in file order, so
 * the migration Job must come before the Deployments that run on the migrated schema.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Yaml } from 'cdk8s';

const DIST = path.join(__dirname, '..', '..', 'dist');

interface KubeObject {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
}

/** Every object of dist/<env>/, file by file in name order, as `Kind/name`. */
function objectKeys(env: string): string[] {
  const files = fs
    .readdirSync(path.join(DIST, env))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.flatMap((f) => (Yaml.load(path.join(DIST, env, f)) as KubeObject[]).map((o) => `${o.kind}/${o.metadata.name}`));
}

for (const env of ['dev', 'prod']) {
  describe(`dist/${env}`, () => {
    test('lists the migration Job before the api and worker Deployments, which run after it', () => {
      // GIVEN the committed manifests
      const keys = objectKeys(env);
      // WHEN the Job is looked up by its base name (its name ends in the hash of its spec)
      const jobs = keys.filter((k) => /^Job\/migrate-[0-9a-f]{10}$/.test(k));
      assert.equal(jobs.length, 1, `one migration Job in dist/${env}/, got ${JSON.stringify(jobs)}`);
      const job = keys.indexOf(jobs[0]);
      // THEN it comes before both Deployments
      for (const deployment of ['Deployment/api', 'Deployment/worker']) {
        assert.notEqual(keys.indexOf(deployment), -1, `${deployment} is in dist/${env}/`);
        assert.ok(job < keys.indexOf(deployment), `${jobs[0]} comes after ${deployment}`);
      }
      // AND the stores it migrates come before it
      assert.ok(keys.indexOf('StatefulSet/db') < job);
    });
  });
}

/**
 * `runsAfter(job)`: a workload that needs a Job to finish first (a migration before the api rolls
 * out). The order holds in the YAML (the Job comes first) and in the Pulumi plan (the Deployment
 * depends on the Job, which the kubernetes provider awaits to completion).
 */
import { App } from 'cdk8s';
import { Environment, Job, PostgresDb, Profiles, WebApp, Worker } from 'kubestack';
import { environmentObjects, manifestKey, planObjects } from 'kubestack/pulumi';
import { expectValidationError, newEnv } from './util';

const IMAGE = 'registry.example.com/shop/api:1.2.3';

function shop(env: Environment) {
  const db = new PostgresDb(env, 'db');
  const migrate = new Job(env, 'migrate', { image: IMAGE, command: ['node', 'migrate.js'] });
  migrate.connect(db);
  const api = new WebApp(env, 'api', { image: IMAGE });
  api.connect(db);
  const worker = new Worker(env, 'worker', { image: IMAGE, probe: { exec: ['node', 'ping.js'] } });
  worker.connect(db);
  api.runsAfter(migrate);
  worker.runsAfter(migrate);
  return { db, migrate, api, worker };
}

describe('runsAfter', () => {
  test('puts the Job before the workloads in the YAML', () => {
    // GIVEN an api and a worker that run after a migration
    const env = newEnv(Profiles.prod, 'prod');
    shop(env);
    // WHEN the environment is synthesized
    const keys = env.synthesize().objects.map((o) => manifestKey(o as never));
    // THEN the Job comes before both Deployments
    const job = keys.findIndex((k) => k.startsWith('Job/prod/migrate-'));
    expect(job).toBeGreaterThan(-1);
    expect(job).toBeLessThan(keys.indexOf('Deployment/prod/api'));
    expect(job).toBeLessThan(keys.indexOf('Deployment/prod/worker'));
  });

  test('makes only the Deployments depend on the Job in the Pulumi plan', () => {
    // GIVEN the same app
    const env = newEnv(Profiles.prod, 'prod');
    const { migrate } = shop(env);
    // WHEN it is planned for Pulumi
    const plan = planObjects(environmentObjects(env).objects);
    const jobKey = `Job/prod/${migrate.jobName}`;
    const dependants = plan.filter((p) => p.dependsOn.includes(jobKey)).map((p) => p.key);
    // THEN both Deployments wait for the Job, and the Job is placed before them
    expect(dependants).toEqual(expect.arrayContaining(['Deployment/prod/api', 'Deployment/prod/worker']));
    expect(dependants).not.toContain('StatefulSet/prod/db');
    expect(dependants).not.toContain('Service/prod/db');
    // AND only the Deployments wait: the api's Service, Ingress, HPA and policies do not
    expect(dependants.sort()).toEqual(['Deployment/prod/api', 'Deployment/prod/worker']);
    const at = (k: string) => plan.findIndex((p) => p.key === k);
    expect(at(jobKey)).toBeLessThan(at('Deployment/prod/api'));
    // AND the Job itself waits for Postgres, which it connects to
    expect(plan.find((p) => p.key === jobKey)!.dependsOn).toEqual(expect.arrayContaining(['StatefulSet/prod/db', 'Service/prod/db']));
  });

  test('puts the Job in Argo CD sync wave 1, after what it needs, and the workloads that run after it in wave 2', () => {
    const env = newEnv(Profiles.prod, 'prod');
    shop(env);
    const wave = (kind: string, name: string) =>
      (env.synthesize().objects as { kind: string; metadata: { name: string; annotations?: Record<string, string> } }[]).find(
        (o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)),
      )?.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect([wave('StatefulSet', 'db'), wave('Job', 'migrate'), wave('Deployment', 'api'), wave('Deployment', 'worker'), wave('Service', 'api')]).toEqual([
      undefined,
      '1',
      '2',
      '2',
      undefined,
    ]);
  });

  test('fails on something that is not a Job', () => {
    const env = newEnv();
    const db = new PostgresDb(env, 'db');
    const api = new WebApp(env, 'api', { image: IMAGE });
    expectValidationError(
      () => api.runsAfter(db as never),
      "web-app 'dev/api': 'runsAfter' must be a Job (a migration or another one-off task), got PostgresDb 'dev/db'",
    );
  });

  test('fails on a Job of another Environment', () => {
    const app = new App();
    const dev = new Environment(app, 'dev', { profile: Profiles.dev });
    const staging = new Environment(app, 'staging', { profile: Profiles.staging });
    const migrate = new Job(staging, 'migrate', { image: IMAGE });
    const worker = new Worker(dev, 'worker', { image: IMAGE, probe: { exec: ['true'] } });
    expectValidationError(() => worker.runsAfter(migrate), "worker 'dev/worker': 'runsAfter' must be a Job of the same Environment, got \"staging/migrate\"");
  });

  test('fails on the same Job twice', () => {
    const env = newEnv();
    const migrate = new Job(env, 'migrate', { image: IMAGE });
    const api = new WebApp(env, 'api', { image: IMAGE });
    api.runsAfter(migrate);
    expectValidationError(() => api.runsAfter(migrate), "web-app 'dev/api': 'runsAfter' must not name the same Job twice, got \"dev/migrate\"");
  });
});

/**
 * The Pulumi program (pulumi/index.ts) under `pulumi.runtime.setMocks`, once per stack, as
 * `pulumi up` would run it: every object that `cdk8s synth` wrote to dist/<stack>/ becomes a
 * resource with the same content, the Deployments that run after the migration wait for its Job,
 * the Secrets come from secret config and stay secret, and a missing key fails with the command
 * that sets it.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type * as Pulumi from '@pulumi/pulumi';
import { Yaml } from 'cdk8s';
import { ENVIRONMENTS } from '../src/environments';

const ROOT = path.join(__dirname, '..', '..');
const PROJECT = 'orders';
const DIGEST = 'registry.example.com/orders/api@sha256:' + 'ab'.repeat(32);
/**
 * How long the mocked provider takes to create a Job: the kubernetes provider awaits a Job's
 * completion, so a resource that depends on it is registered only after that.
 */
const JOB_RUN_MS = 200;
/** Marker of a secret value in the inputs that the mocks receive (@pulumi/pulumi runtime/rpc). */
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';

type Secrets = Record<string, Record<string, string>>;

/** A fake value for every key that the workloads of a stack read. */
const SECRETS: Record<'dev' | 'prod', Secrets> = {
  dev: {
    'db-credentials': { username: 'orders', password: 'db-password-S3CRET' },
    'queue-auth': { password: 'queue-password-S3CRET' },
    payments: { 'api-key': 'payments-key-S3CRET' },
  },
  prod: {
    'db-credentials': { username: 'orders', password: 'db-password-S3CRET' },
    'queue-auth': { password: 'queue-password-S3CRET' },
    payments: { 'api-key': 'payments-key-S3CRET' },
    'api-tls': { 'tls.crt': 'cert-S3CRET', 'tls.key': 'key-S3CRET' },
  },
};

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

interface Registered {
  readonly type: string;
  readonly inputs: KubeObject;
  readonly provider?: string;
}

interface Run {
  /** In the order the mocks received them. */
  readonly resources: Registered[];
  /**
   * `start <key>` when the mocks receive a Kubernetes object, `done <key>` when its creation
   * finishes. `MockResourceArgs` (@pulumi/pulumi 3.248) has no `dependsOn`, but the SDK registers
   * a resource only once its dependencies are created, so the log shows them.
   */
  readonly events: string[];
  readonly error?: Error;
}

// Every fresh copy of @pulumi/pulumi adds a process exit listener.
process.setMaxListeners(50);

/** Runs the program for `stack` with `secrets` as the secret config `orders:secrets`, in a fresh module registry. */
async function runProgram(stack: string, secrets: Secrets): Promise<Run> {
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  // A fresh copy, as a new `pulumi up` loads it. require, not import(): with node16 resolution a
  // dynamic import() goes through the ESM loader, whose cache cannot be cleared.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof Pulumi;
  const resources: Registered[] = [];
  const events: string[] = [];
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        const inputs = args.inputs as KubeObject;
        resources.push({ type: args.type, inputs, provider: args.provider });
        const kube = args.type.startsWith('kubernetes:') && inputs.kind !== undefined;
        if (kube) events.push(`start ${keyOf(inputs)}`);
        if (args.type === 'kubernetes:batch/v1:Job') await new Promise((resolve) => setTimeout(resolve, JOB_RUN_MS));
        if (kube) events.push(`done ${keyOf(inputs)}`);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    stack,
  );
  pulumi.runtime.setAllConfig({ [`${PROJECT}:secrets`]: JSON.stringify(secrets), [`${PROJECT}:apiImage`]: DIGEST }, [`${PROJECT}:secrets`]);
  let error: Error | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../pulumi/index');
  } catch (e) {
    error = e as Error;
  }
  await pulumi.runtime.disconnect();
  return { resources, events, error };
}

const keyOf = (o: KubeObject) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');

/** A Job's name ends in the hash of its spec: `migrate-4a655dc98c`. */
const JOB_NAME = /^(.+)-[0-9a-f]{10}$/;

/**
 * `keyOf`, but a Job's name without its hash: under Pulumi the Environment is synthesized with the
 * placeholder image, so the Job's name hashes that spec and differs from the one in dist/.
 */
function identityOf(o: KubeObject): string {
  const job = o.kind === 'Job' ? JOB_NAME.exec(o.metadata.name) : null;
  return job ? `Job/${o.metadata.namespace}/${job[1]}-<hash>` : keyOf(o);
}

/** The object with a Job's name as in {@link identityOf}, for comparing content. */
function withoutJobHash(o: KubeObject): KubeObject {
  return o.kind === 'Job' ? { ...o, metadata: { ...o.metadata, name: identityOf(o).split('/')[2] } } : o;
}

/** The Kubernetes objects among the registered resources, by `Kind/namespace/name` (a Job's without its hash). */
function kubeObjects(run: Run): Map<string, Registered> {
  const objects = run.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');
  return new Map(objects.map((r) => [identityOf(r.inputs), r]));
}

/** Every object in dist/<stack>/orders.k8s.yaml. */
function distObjects(stack: string): KubeObject[] {
  return Yaml.load(path.join(ROOT, 'dist', stack, 'orders.k8s.yaml')) as KubeObject[];
}

function isSecretValue(v: unknown): boolean {
  return typeof v === 'object' && v !== null && SECRET_SIG_KEY in v;
}

/** Paths in `v` where a fake secret value occurs outside a secret. */
function plainSecrets(v: unknown, at = '$'): string[] {
  if (isSecretValue(v)) return [];
  if (typeof v === 'string') return v.includes('S3CRET') ? [at] : [];
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => plainSecrets(x, `${at}.${k}`));
}

for (const stack of ['dev', 'prod'] as const) {
  describe(`stack ${stack}`, () => {
    test(`deploys every object of dist/${stack}/ as it is written there, with the pushed image, plus the Secrets`, async () => {
      // GIVEN the secret config of every key the workloads read
      // WHEN the program runs
      const run = await runProgram(stack, SECRETS[stack]);
      assert.equal(run.error, undefined);
      const deployed = kubeObjects(run);
      // THEN each object of the YAML is a resource with the same content, only the image replaced
      // (and a Job's name: see identityOf)
      const written = distObjects(stack);
      for (const o of written) {
        const r = deployed.get(identityOf(o));
        assert.ok(r, `${keyOf(o)} is in dist/${stack}/ but was not deployed`);
        const expected = JSON.parse(JSON.stringify(o).replaceAll(JSON.stringify(ENVIRONMENTS[stack].apiImage), JSON.stringify(DIGEST))) as KubeObject;
        assert.deepEqual(withoutJobHash(withoutSecretMarkers(r.inputs)), withoutJobHash(expected), keyOf(o));
        assert.match(r.provider ?? '', /::cluster::/, `${keyOf(o)} goes through the stack's provider`);
      }
      // AND every workload is among them, each running the pushed image
      const ns = `orders-${stack}`;
      for (const key of [`Job/${ns}/migrate-<hash>`, `Deployment/${ns}/api`, `Deployment/${ns}/worker`, `CronJob/${ns}/expire-orders`]) {
        assert.ok(deployed.has(key), `${key} was not deployed`);
        assert.deepEqual(imagesOf(deployed.get(key)!.inputs), [DIGEST], `${key} runs the pushed image`);
      }
      assert.match(deployed.get(`Job/${ns}/migrate-<hash>`)!.inputs.metadata.name, JOB_NAME);
      // AND the only other resources are the Secrets that the YAML path leaves to kubectl
      const extra = [...deployed.keys()].filter((k) => !written.some((o) => identityOf(o) === k));
      assert.deepEqual(
        extra.sort(),
        Object.keys(SECRETS[stack])
          .map((name) => `Secret/orders-${stack}/${name}`)
          .sort(),
      );
    });

    test(`registers the api and worker Deployments of ${stack} only after the migration Job has completed`, async () => {
      // GIVEN a provider that takes JOB_RUN_MS to run a Job
      // WHEN the program runs
      const run = await runProgram(stack, SECRETS[stack]);
      assert.equal(run.error, undefined);
      const ns = `orders-${stack}`;
      const job = [...kubeObjects(run).values()].find((r) => r.type === 'kubernetes:batch/v1:Job')!;
      const at = (event: string) => {
        const i = run.events.indexOf(event);
        assert.notEqual(i, -1, `no '${event}' in the log`);
        return i;
      };
      const jobDone = at(`done ${keyOf(job.inputs)}`);
      // THEN both Deployments start after the Job is done: they depend on it
      assert.ok(at(`start Deployment/${ns}/api`) > jobDone, 'the api Deployment was registered before the Job completed');
      assert.ok(at(`start Deployment/${ns}/worker`) > jobDone, 'the worker Deployment was registered before the Job completed');
      // AND an object that does not depend on it starts while it runs: the order is the dependency,
      // not the order of the plan, where the CronJob comes after the Deployments
      assert.ok(at(`start CronJob/${ns}/expire-orders`) < jobDone, 'the CronJob waited for the Job');
      // AND the Job itself starts only after the Postgres it migrates
      assert.ok(at(`start ${keyOf(job.inputs)}`) > at(`done StatefulSet/${ns}/db`));
    });

    test(`keeps every Secret value of ${stack} secret`, async () => {
      const run = await runProgram(stack, SECRETS[stack]);
      assert.equal(run.error, undefined);
      const secrets = [...kubeObjects(run).values()].filter((r) => r.type === 'kubernetes:core/v1:Secret');
      assert.equal(secrets.length, Object.keys(SECRETS[stack]).length);
      // (k8s.core.v1.Secret marks its whole `stringData` secret, on top of secretsFromConfig's values)
      for (const s of secrets) {
        assert.ok(isSecretValue(s.inputs.stringData), `${keyOf(s.inputs)}: stringData is not secret`);
        assert.deepEqual(withoutSecretMarkers(s.inputs).stringData, SECRETS[stack][s.inputs.metadata.name]);
      }
      // AND no value appears in plain text in any resource
      assert.deepEqual(
        run.resources.flatMap((r) => plainSecrets(r.inputs, r.type)),
        [],
      );
    });
  });
}

test('fails on a missing secret key with the command that sets it, and deploys nothing', async () => {
  // GIVEN prod config without the queue's password
  const partial = Object.fromEntries(Object.entries(SECRETS.prod).filter(([name]) => name !== 'queue-auth'));
  // WHEN the program runs
  const run = await runProgram('prod', partial);
  // THEN it fails with the exact fix
  assert.equal(
    run.error?.message,
    "stack 'prod': config 'orders:secrets.queue-auth.password' is missing; the Secret 'queue-auth' (key 'password') is read by 'orders/queue'\n" +
      '  fix: pulumi config set --secret --path orders:secrets.queue-auth.password <value> --stack prod',
  );
  assert.equal((run.error as { __pulumiRunError?: boolean }).__pulumiRunError, true);
  assert.deepEqual(kubeObjects(run).size, 0);
});

/** The image of every container of a Deployment, Job or CronJob. */
function imagesOf(o: KubeObject): string[] {
  type Pod = { spec: { containers: { image: string }[] } };
  const spec = o.spec as { template?: Pod; jobTemplate?: { spec: { template: Pod } } };
  const pod = spec.template ?? spec.jobTemplate!.spec.template;
  return pod.spec.containers.map((c) => c.image);
}

/** The inputs with each secret unwrapped, for comparison with the YAML (which has no Secret). */
function withoutSecretMarkers(v: KubeObject): KubeObject {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (isSecretValue(x) ? (x as { value: unknown }).value : x))) as KubeObject;
}

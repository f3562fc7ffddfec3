/**
 * kubestack/pulumi under Pulumi mocks, as a user's own program would use it: ChartResources and
 * secretsFromConfig on an Environment that is not the reference app.
 */
import type * as Pulumi from '@pulumi/pulumi';
import { SECRET_SIG, SECRET_SIG_KEY } from '../stacks/harness';

type Lib = typeof import('kubestack');
type Deploy = typeof import('kubestack/pulumi');

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
  readonly seq: number;
  /** The `protect` and `retainOnDelete` resource options, as the engine receives them. */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** The `customTimeouts` resource option (create/update/delete; '' when unset). */
  readonly timeouts: { create: string; update: string; delete: string };
}

interface Run {
  readonly resources: Registered[];
  readonly error?: Error;
}

const DIGEST = 'registry.example.com/orders/api@sha256:' + 'ab'.repeat(32);

/**
 * Runs `program` under fresh mocks (a new module registry, as a new `pulumi up` would), with the
 * given config; resolves with every registration and the program's error, if any.
 */
async function run(
  program: (lib: Lib, deploy: Deploy, pulumi: typeof Pulumi) => void,
  config: Record<string, string> = {},
  secretKeys: string[] = [],
): Promise<Run> {
  jest.resetModules();
  const pulumi = await import('@pulumi/pulumi');
  const resources: Registered[] = [];
  // The mocks hand newResource() no resource options; the monitor sees the engine's request, which has them.
  const { MockMonitor } = await import('@pulumi/pulumi/runtime/mocks');
  type Timeouts = { getCreate(): string; getUpdate(): string; getDelete(): string };
  type Request = {
    getType(): string;
    getName(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getCustomtimeouts(): Timeouts | undefined;
  };
  type Options = Pick<Registered, 'protect' | 'retainOnDelete' | 'timeouts'>;
  const options = new Map<string, Options>();
  const register = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: unknown, req: Request, callback: Parameters<typeof register>[1]) {
    const t = req.getCustomtimeouts();
    options.set(`${req.getType()} ${req.getName()}`, {
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      timeouts: { create: t?.getCreate() ?? '', update: t?.getUpdate() ?? '', delete: t?.getDelete() ?? '' },
    });
    return register.call(this, req, callback);
  } as typeof register;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const o = options.get(`${args.type} ${args.name}`) ?? { protect: false, retainOnDelete: false, timeouts: { create: '', update: '', delete: '' } };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, seq: resources.length, ...o });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    'orders',
    'prod',
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  let error: Error | undefined;
  try {
    program(await import('kubestack'), await import('kubestack/pulumi'), pulumi);
  } catch (e) {
    error = e as Error;
  }
  await pulumi.runtime.disconnect();
  return { resources, error };
}

/** A small app of a user's: an api WebApp, a Postgres, and a ServiceMonitor (a CRD kind) as a raw object. */
function orders(lib: Lib, deploy: Deploy, extra?: (env: InstanceType<Lib['Environment']>) => void) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App, ApiObject } = require('cdk8s') as typeof import('cdk8s');
  const app = new App();
  const env = new lib.Environment(app, 'orders', { profile: lib.defineProfile(lib.Profiles.prod, { namespace: 'orders-prod' }) });
  const db = new lib.PostgresDb(env, 'db');
  const api = new lib.WebApp(env, 'api', { image: deploy.PLACEHOLDER_IMAGE, ingress: { hosts: ['orders.example.com'] } });
  api.connect(db);
  new ApiObject(env, 'monitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'api' },
    spec: { selector: { matchLabels: api.selector }, endpoints: [{ port: 'http' }] },
  });
  extra?.(env);
  return env;
}

const secrets = {
  'orders:secrets': JSON.stringify({
    'db-credentials': { username: 'orders', password: 'pw-S3CRET' },
    'api-tls': { 'tls.crt': 'CERT-S3CRET', 'tls.key': 'KEY-S3CRET' },
  }),
};

describe('ChartResources', () => {
  test('deploys one typed resource per object, custom resources generically, in dependency order, through the given provider', async () => {
    // GIVEN a user's Environment with a CRD kind among its objects
    const { resources, error } = await run(
      (lib, deploy) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
        const env = orders(lib, deploy);
        const provider = new k8s.Provider('cluster', { context: 'prod' });
        // WHEN it is deployed with its Secrets from config
        new deploy.ChartResources('orders', {
          environment: env,
          provider,
          images: { [deploy.PLACEHOLDER_IMAGE]: DIGEST },
          extraObjects: deploy.secretsFromConfig(env),
        });
      },
      secrets,
      ['orders:secrets'],
    );
    expect(error).toBeUndefined();
    const kube = resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');
    const byName = (type: string, name: string) => kube.find((r) => r.type === type && r.name === name)!;
    // THEN every object is a resource of its own type, the ServiceMonitor a generic custom resource
    expect(kube.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        'kubernetes:apps/v1:Deployment orders-prod/api',
        'kubernetes:apps/v1:StatefulSet orders-prod/db',
        'kubernetes:autoscaling/v2:HorizontalPodAutoscaler orders-prod/api',
        'kubernetes:batch/v1:CronJob orders-prod/db-backup',
        'kubernetes:core/v1:Namespace orders-prod',
        'kubernetes:core/v1:PersistentVolumeClaim orders-prod/db-backup',
        'kubernetes:core/v1:Secret orders-prod/api-tls',
        'kubernetes:core/v1:Secret orders-prod/db-credentials',
        'kubernetes:core/v1:Service orders-prod/api',
        'kubernetes:core/v1:Service orders-prod/db',
        'kubernetes:core/v1:Service orders-prod/db-headless',
        'kubernetes:monitoring.coreos.com/v1:ServiceMonitor orders-prod/api',
        'kubernetes:networking.k8s.io/v1:Ingress orders-prod/api',
        'kubernetes:networking.k8s.io/v1:NetworkPolicy orders-prod/api',
        'kubernetes:networking.k8s.io/v1:NetworkPolicy orders-prod/db',
        'kubernetes:networking.k8s.io/v1:NetworkPolicy orders-prod/db-backup',
        'kubernetes:policy/v1:PodDisruptionBudget orders-prod/api',
      ].sort(),
    );
    expect(byName('kubernetes:monitoring.coreos.com/v1:ServiceMonitor', 'orders-prod/api').inputs).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'api', namespace: 'orders-prod' },
    });
    // AND all of them go through the caller's provider
    expect(kube.every((r) => (r.provider ?? '').includes('cluster'))).toBe(true);
    // AND the Namespace comes first, Postgres and the Secrets before the api that uses them
    const seq = (type: string, name: string) => byName(type, name).seq;
    expect(Math.min(...kube.map((r) => r.seq))).toBe(seq('kubernetes:core/v1:Namespace', 'orders-prod'));
    const api = seq('kubernetes:apps/v1:Deployment', 'orders-prod/api');
    expect(seq('kubernetes:apps/v1:StatefulSet', 'orders-prod/db')).toBeLessThan(api);
    expect(seq('kubernetes:core/v1:Secret', 'orders-prod/db-credentials')).toBeLessThan(api);
    // AND the api runs the image in place of the placeholder
    const deployment = byName('kubernetes:apps/v1:Deployment', 'orders-prod/api').inputs as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0].image).toBe(DIGEST);
  });

  test('in a production profile, protects exactly the Namespace, the StatefulSets and the claims, and retains them on delete', async () => {
    // GIVEN a prod Environment with a Postgres (and its backup claim) and a persistent Redis
    const { resources, error } = await run(
      (lib, deploy) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
        const env = orders(lib, deploy, (e) => new lib.RedisCache(e, 'cache', { persistence: true }));
        // WHEN it is deployed
        new deploy.ChartResources('orders', {
          environment: env,
          provider: new k8s.Provider('cluster', { context: 'prod' }),
          images: { [deploy.PLACEHOLDER_IMAGE]: DIGEST },
          extraObjects: deploy.secretsFromConfig(env),
        });
      },
      secrets,
      ['orders:secrets'],
    );
    expect(error).toBeUndefined();
    // THEN exactly the Namespace, both StatefulSets and the backup claim are protected and retained on delete
    const kube = resources.filter((r) => r.type.startsWith('kubernetes:'));
    const names = (rs: Registered[]) => rs.map((r) => `${r.type} ${r.name}`).sort();
    expect(names(kube.filter((r) => r.protect))).toEqual(
      [
        'kubernetes:apps/v1:StatefulSet orders-prod/cache',
        'kubernetes:apps/v1:StatefulSet orders-prod/db',
        'kubernetes:core/v1:Namespace orders-prod',
        'kubernetes:core/v1:PersistentVolumeClaim orders-prod/db-backup',
      ].sort(),
    );
    expect(names(kube.filter((r) => r.retainOnDelete))).toEqual(names(kube.filter((r) => r.protect)));
    expect(kube.length).toBeGreaterThan(15);
  });

  test("waits for a Deployment as long as its progressDeadlineSeconds (the profile's rolloutTimeoutSeconds) plus the grace, and sets no timeout elsewhere", async () => {
    // GIVEN a prod Environment whose rollouts time out after 45 s, with a raw Deployment of 90 s
    const { resources, error } = await run(
      (lib, deploy) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { App } = require('cdk8s') as typeof import('cdk8s');
        const env = new lib.Environment(new App(), 'orders', {
          profile: lib.defineProfile(lib.Profiles.prod, { namespace: 'orders-prod', rolloutTimeoutSeconds: 45 }),
        });
        const db = new lib.PostgresDb(env, 'db');
        new lib.WebApp(env, 'api', { image: deploy.PLACEHOLDER_IMAGE, ingress: { hosts: ['orders.example.com'] } }).connect(db);
        // WHEN it is deployed
        new deploy.ChartResources('orders', {
          environment: env,
          provider: new k8s.Provider('cluster', { context: 'prod' }),
          images: { [deploy.PLACEHOLDER_IMAGE]: DIGEST },
          extraObjects: deploy.secretsFromConfig(env),
        });
      },
      secrets,
      ['orders:secrets'],
    );
    expect(error).toBeUndefined();
    // THEN the api Deployment's create and update wait 45 + 30 s, and no other resource has a timeout
    const kube = resources.filter((r) => r.type.startsWith('kubernetes:'));
    const api = kube.find((r) => r.name === 'orders-prod/api' && r.type === 'kubernetes:apps/v1:Deployment');
    expect((api?.inputs.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds).toBe(45);
    expect(api?.timeouts).toStrictEqual({ create: '75s', update: '75s', delete: '' });
    expect(kube.filter((r) => r !== api && (r.timeouts.create || r.timeouts.update || r.timeouts.delete))).toEqual([]);
  });

  test('rolloutTimeouts reads the deadline from the object: Deployments with progressDeadlineSeconds only', async () => {
    const { rolloutTimeouts, ROLLOUT_TIMEOUT_GRACE_SECONDS } = await import('kubestack/pulumi');
    const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
    expect(ROLLOUT_TIMEOUT_GRACE_SECONDS).toBe(30);
    expect(rolloutTimeouts(deployment({ progressDeadlineSeconds: 600 }))).toStrictEqual({ create: '630s', update: '630s' });
    expect(rolloutTimeouts(deployment({}))).toBeUndefined();
    expect(rolloutTimeouts({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { progressDeadlineSeconds: 60 } })).toBeUndefined();
  });

  test('in dev, protects nothing', async () => {
    // GIVEN the same app in a dev profile, with a persistent Redis
    const { resources, error } = await run((lib, deploy) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { App } = require('cdk8s') as typeof import('cdk8s');
      const env = new lib.Environment(new App(), 'orders', { profile: lib.defineProfile(lib.Profiles.dev, { namespace: 'orders-dev' }) });
      const db = new lib.PostgresDb(env, 'db', { backup: {} });
      new lib.RedisCache(env, 'cache', { persistence: true });
      new lib.WebApp(env, 'api', { image: deploy.PLACEHOLDER_IMAGE }).connect(db);
      // WHEN it is deployed
      new deploy.ChartResources('orders', { environment: env, provider: new k8s.Provider('cluster', {}), images: { [deploy.PLACEHOLDER_IMAGE]: DIGEST } });
    });
    expect(error).toBeUndefined();
    // THEN no resource is protected or retained, the backup claim included
    const kube = resources.filter((r) => r.type.startsWith('kubernetes:'));
    expect(kube.map((r) => r.name)).toContain('orders-dev/db-backup');
    expect(kube.filter((r) => r.protect || r.retainOnDelete)).toEqual([]);
  });

  test('fails on a policy violation and registers nothing, naming the object and the rule', async () => {
    // GIVEN a prod Environment with a raw privileged Pod
    const { resources, error } = await run((lib, deploy) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
      const env = orders(lib, deploy, (e) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ApiObject } = require('cdk8s') as typeof import('cdk8s');
        new ApiObject(e, 'debug', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'debug' },
          spec: { hostNetwork: true, containers: [{ name: 'sh', image: 'busybox:1.36', securityContext: { privileged: true } }] },
        });
      });
      const provider = new k8s.Provider('cluster', { context: 'prod' });
      // WHEN it is deployed
      new deploy.ChartResources('orders', { environment: env, provider, images: { [deploy.PLACEHOLDER_IMAGE]: DIGEST } });
    });
    // THEN the program fails with the gate's report
    expect((error as { __pulumiRunError?: boolean } | undefined)?.__pulumiRunError).toBe(true);
    expect(error?.message).toMatch(/^ChartResources 'orders': policy gate: \d+ violations in environment 'prod'/);
    expect(error?.message).toContain('Pod orders-prod/debug [privileged]');
    expect(error?.message).toContain('Pod orders-prod/debug [host-namespaces]');
    // AND nothing but the provider was registered: no component, no object
    expect(resources.map((r) => r.type)).toEqual(['pulumi:providers:kubernetes']);
  });

  test('fails when no container runs the placeholder image', async () => {
    const { error, resources } = await run((lib, deploy) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
      const env = orders(lib, deploy);
      new deploy.ChartResources('orders', { environment: env, provider: new k8s.Provider('cluster', {}), images: { 'other.invalid/x@sha256:1': DIGEST } });
    });
    expect(error?.message).toBe(
      "ChartResources 'orders': no container of Environment 'orders' has the image 'other.invalid/x@sha256:1'; build the Environment with that placeholder image",
    );
    expect(resources.map((r) => r.type)).toEqual(['pulumi:providers:kubernetes']);
  });

  test('fails on an argument that is not an Environment', async () => {
    const { error } = await run((_lib, deploy) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');
      const chart = new Chart(new App(), 'plain');
      new deploy.ChartResources('plain', { environment: chart as never, provider: new k8s.Provider('cluster', {}) });
    });
    expect(error?.message).toBe(
      "ChartResources 'plain': 'environment' must be a kubestack Environment (new Environment(app, 'prod', { profile })), got a Chart",
    );
  });
});

describe('secretsFromConfig', () => {
  test('reads every referenced key from secret config, as Pulumi secrets, in Secrets of the right type', async () => {
    let manifests: unknown;
    const { error } = await run(
      (lib, deploy) => {
        manifests = deploy.secretsFromConfig(orders(lib, deploy));
      },
      secrets,
      ['orders:secrets'],
    );
    expect(error).toBeUndefined();
    const list = manifests as { metadata: { name: string; namespace: string }; type: string; stringData: Record<string, unknown> }[];
    expect(list.map((s) => [s.metadata.name, s.metadata.namespace, s.type, Object.keys(s.stringData)])).toEqual([
      ['api-tls', 'orders-prod', 'kubernetes.io/tls', ['tls.crt', 'tls.key']],
      ['db-credentials', 'orders-prod', 'Opaque', ['password', 'username']],
    ]);
    // every value is an Output marked secret
    for (const s of list) for (const v of Object.values(s.stringData)) expect((v as { isSecret: Promise<boolean> }).isSecret).resolves.toBe(true);
    void SECRET_SIG;
    void SECRET_SIG_KEY;
  });

  test('fails on a missing key with the command that sets it', async () => {
    const partial = { 'orders:secrets': JSON.stringify({ 'db-credentials': { username: 'orders' }, 'api-tls': { 'tls.crt': 'C', 'tls.key': 'K' } }) };
    const { error } = await run((lib, deploy) => deploy.secretsFromConfig(orders(lib, deploy)), partial, ['orders:secrets']);
    expect((error as { __pulumiRunError?: boolean } | undefined)?.__pulumiRunError).toBe(true);
    expect(error?.message).toBe(
      "stack 'prod': config 'orders:secrets.db-credentials.password' is missing; the Secret 'db-credentials' (key 'password') is read by 'orders/db'\n" +
        '  fix: pulumi config set --secret --path orders:secrets.db-credentials.password <value> --stack prod',
    );
  });

  test('reads the namespace of the Config it is given', async () => {
    const other = { 'platform:secrets': secrets['orders:secrets'] };
    const { error } = await run((lib, deploy, pulumi) => deploy.secretsFromConfig(orders(lib, deploy), new pulumi.Config('platform')), other, [
      'platform:secrets',
    ]);
    expect(error).toBeUndefined();
  });
});

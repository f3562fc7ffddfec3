import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, EnvironmentProps, PostgresDb, Profiles, WebApp, defineProfile } from 'kubestack';
import { expectValidationError, newEnv, synthObjects } from './util';

describe('Environment', () => {
  test('defaults', () => {
    // GIVEN
    const app = Testing.app();

    // WHEN
    const env = new Environment(app, 'dev', { profile: Profiles.dev });

    // THEN
    expect(synthObjects(env)).toStrictEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'dev',
          labels: {
            'app.kubernetes.io/part-of': 'app',
            'app.kubernetes.io/managed-by': 'kubestack',
            'kubestack.io/environment': 'dev',
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      },
    ]);
    expect(env.profile).toBe(Profiles.dev);
    expect(env.namespaceName).toBe('dev');
    expect(env.partOf).toBe('app');
    expect(env.managedBy).toBe('kubestack');
    expect(env.requiredSecrets).toStrictEqual([]);
  });

  test('takes the namespace from the profile and the labels from partOf and managedBy', () => {
    // GIVEN
    const profile = defineProfile(Profiles.staging, { namespace: 'shop-staging' });

    // WHEN
    const env = new Environment(Testing.app(), 'staging', { profile, partOf: 'shop', managedBy: 'platform' });
    const [ns] = synthObjects(env);

    // THEN
    expect(ns.metadata.name).toBe('shop-staging');
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'platform',
      'kubestack.io/environment': 'staging',
    });
    expect(env.namespaceName).toBe('shop-staging');
  });

  test('puts every namespaced object it holds into its namespace and no namespace on the Namespace', () => {
    // GIVEN
    const env = newEnv(defineProfile(Profiles.dev, { namespace: 'team-a' }));

    // WHEN
    new WebApp(env, 'web', { image: 'app:1.0' });
    const objs = synthObjects(env);

    // THEN
    expect(objs[0].kind).toBe('Namespace');
    expect(objs[0].metadata.namespace).toBeUndefined();
    for (const o of objs.slice(1)) expect(o.metadata.namespace).toBe('team-a');
  });

  test('passes its namespace to the Chart, so that a raw object created in it gets the namespace', () => {
    // GIVEN
    const env = newEnv(defineProfile(Profiles.dev, { namespace: 'team-a' }));

    // WHEN
    new ApiObject(env, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw' } });

    // THEN
    expect(env.namespace).toBe('team-a');
    expect(synthObjects(env)[1]).toStrictEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raw', namespace: 'team-a' } });
  });

  test('exposes the policy gate options it checks with', () => {
    // GIVEN
    const env = newEnv(Profiles.prod, 'prod');
    new PostgresDb(env, 'postgres');

    // WHEN / THEN
    expect(env.policyOptions).toStrictEqual({
      production: true,
      requiredSecrets: env.requiredSecrets,
      environment: 'prod',
      namespace: 'prod',
    });
  });

  test('manifests() lists the objects of nested charts too, which Testing.synth(env) leaves out, after its own', () => {
    // GIVEN an Environment with a raw object and a nested chart holding another
    const env = newEnv();
    new ApiObject(env, 'own', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own' } });
    const nested = new Chart(env, 'nested', { namespace: env.namespaceName });
    new ApiObject(nested, 'inner', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inner' } });

    // WHEN
    const manifests = env.manifests();

    // THEN they are the objects of every chart, the Environment's first
    expect(manifests).toStrictEqual([...synthObjects(env), ...Testing.synth(nested)]);
    expect(synthObjects(env).map((o) => o.metadata.name)).toEqual(['dev', 'own']);
    expect(env.allApiObjects().map((o) => o.node.path)).toEqual(['dev/Namespace', 'dev/own', 'dev/nested/inner']);
  });

  test('Environment.of finds the closest Environment above a construct', () => {
    // GIVEN
    const env = newEnv();
    const group = new Construct(env, 'group');
    const inner = new Construct(group, 'inner');

    // WHEN / THEN
    expect(Environment.of(inner)).toBe(env);
    expect(Environment.of(env)).toBe(env);
  });

  test('instanceof Environment is false for a plain Chart', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    const env = new Environment(app, 'dev', { profile: Profiles.dev });

    // WHEN / THEN
    expect(chart instanceof Environment).toBe(false);
    expect(env instanceof Environment).toBe(true);
    expect(env instanceof Chart).toBe(true);
  });

  test('fails when a construct is not inside an Environment', () => {
    // GIVEN
    const chart = new Chart(Testing.app(), 'plain');

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(chart, 'web', { image: 'app:1.0' }),
      "web-app 'plain/web': 'scope' must be inside an Environment (new Environment(app, 'dev', { profile: Profiles.dev })), got \"plain/web\"",
    );
    expectValidationError(
      () => Environment.of(new Construct(chart, 'thing')),
      "construct 'plain/thing': 'scope' must be inside an Environment (new Environment(app, 'dev', { profile: Profiles.dev })), got \"plain/thing\"",
    );
  });

  test('a construct in a plain Chart nested in an Environment still finds the Environment', () => {
    // GIVEN
    const env = newEnv();
    const nested = new Chart(env, 'nested');

    // WHEN
    const web = new WebApp(nested, 'web', { image: 'app:1.0' });

    // THEN
    expect(Environment.of(web)).toBe(env);
    expect(web.replicas).toBe(1);
  });

  test('fails without a profile', () => {
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', {} as EnvironmentProps),
      "environment 'dev': 'profile' must be an EnvironmentProfile, got undefined",
    );
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', undefined as unknown as EnvironmentProps),
      "environment 'dev': 'profile' must be an EnvironmentProfile, got undefined",
    );
  });

  test('fails on a malformed profile', () => {
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', { profile: { ...Profiles.dev, replicas: -1 } }),
      "environment-profile 'dev': 'replicas' must be an integer >= 1, got -1",
    );
  });

  test('fails on a partOf or managedBy that is not a DNS-1123 label', () => {
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', { profile: Profiles.dev, partOf: 'Three Tier' }),
      "environment 'dev': 'partOf' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"Three Tier\"",
    );
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', { profile: Profiles.dev, managedBy: 42 as unknown as string }),
      "environment 'dev': 'managedBy' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got 42",
    );
  });

  test('two environments of one app may use different namespaces', () => {
    // GIVEN
    const app = new App();

    // WHEN
    new Environment(app, 'dev', { profile: Profiles.dev });
    new Environment(app, 'staging', { profile: Profiles.staging });

    // THEN
    expect(app.charts).toHaveLength(2);
  });

  test('fails when two environments of one app share a namespace', () => {
    // GIVEN
    const app = new App();
    new Environment(app, 'blue', { profile: Profiles.dev });

    // WHEN / THEN
    expectValidationError(
      () => new Environment(app, 'green', { profile: defineProfile(Profiles.dev, { name: 'green' }) }),
      "environment 'green': 'profile.namespace' must be unique per app: Environment 'blue' already uses it, got \"dev\"",
    );
  });
});

describe('Environment.claimName', () => {
  test('lets one owner claim a name once per kind, and different kinds share a name', () => {
    // GIVEN
    const env = newEnv();
    const owner = { kind: 'web-app', path: 'dev/web' };

    // WHEN / THEN
    expect(() => {
      env.claimName(owner, 'name', 'Deployment', 'web');
      env.claimName(owner, 'name', 'Deployment', 'web');
      env.claimName({ kind: 'x', path: 'dev/x' }, 'name', 'Service', 'web2');
      env.claimName({ kind: 'x', path: 'dev/y' }, 'name', 'ConfigMap', 'web');
    }).not.toThrow();
  });

  test('fails when a second construct claims the same kind and name', () => {
    // GIVEN
    const env = newEnv();
    env.claimName({ kind: 'web-app', path: 'dev/a' }, 'name', 'Service', 'web');

    // WHEN / THEN
    expectValidationError(
      () => env.claimName({ kind: 'redis-cache', path: 'dev/b' }, 'name', 'Service', 'web'),
      "redis-cache 'dev/b': 'name' must be unique per kind in namespace 'dev': Service 'web' is already created by 'dev/a', got \"web\"",
    );
  });
});

describe('Environment.requiredSecrets', () => {
  test('lists each Secret once, sorted by name, with its keys sorted and its first user', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    env.requireSecret({ kind: 'x', path: 'dev/z' }, 'zeta', 'b');
    env.requireSecret({ kind: 'x', path: 'dev/a' }, 'alpha', 'token');
    env.requireSecret({ kind: 'x', path: 'dev/z2' }, 'zeta', 'a');
    env.requireSecret({ kind: 'x', path: 'dev/z' }, 'zeta', 'b');
    env.requireSecret({ kind: 'x', path: 'dev/u' }, 'url', 'password', { inUrl: true });
    env.requireSecret({ kind: 'x', path: 'dev/u' }, 'url', 'user');

    // THEN
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'alpha', keys: ['token'], requiredBy: 'dev/a' },
      { secretName: 'url', keys: ['password', 'user'], requiredBy: 'dev/u', urlKeys: ['password'] },
      { secretName: 'zeta', keys: ['a', 'b'], requiredBy: 'dev/z' },
    ]);
  });

  test('returns a copy', () => {
    // GIVEN
    const env = newEnv();
    new PostgresDb(env, 'postgres');

    // WHEN
    const secrets = env.requiredSecrets;
    (secrets[0].keys as string[]).push('extra');
    secrets.pop();

    // THEN
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'postgres-credentials', keys: ['password', 'username'], requiredBy: 'dev/postgres', urlKeys: ['password', 'username'] },
    ]);
  });
});

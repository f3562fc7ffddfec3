/**
 * Property tests with random props, for JavaScript users without types as much as for
 * TypeScript ones:
 * - invalid prop sets must throw our ValidationError naming the construct, the prop and the
 *   value (never a TypeError, never a half-built manifest);
 * - valid prop sets must synthesize in an Environment and pass the policy gate.
 * Runs per construct and kind: FUZZ_RUNS (default 1000). Seed: FUZZ_SEED (default: random,
 * printed so that a failure can be replayed).
 */
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ConfigBundle,
  ConfigBundleProps,
  Environment,
  EnvironmentProfile,
  PostgresDb,
  PostgresDbProps,
  Profiles,
  RedisCache,
  RedisCacheProps,
  ValidationError,
  WebApp,
  WebAppProps,
  checkPolicy,
  isSecretName,
} from 'kubestack';
import { formatValue } from '../lib/private/validate';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const PROFILES: EnvironmentProfile[] = [Profiles.dev, Profiles.staging, Profiles.prod];

/** Counts per construct and kind, printed in afterAll so that CI logs show them. */
const counts: { name: string; tried: number; passed: number; failed: number; ms: number }[] = [];

afterAll(() => {
  const lines = counts.map((c) => `  ${c.name.padEnd(28)} tried ${c.tried}, passed ${c.passed}, failed ${c.failed} (${c.ms} ms)`);
  const total = counts.reduce((a, c) => ({ tried: a.tried + c.tried, passed: a.passed + c.passed, failed: a.failed + c.failed, ms: a.ms + c.ms }), {
    tried: 0,
    passed: 0,
    failed: 0,
    ms: 0,
  });
  process.stdout.write(
    [
      `fuzz (seed ${SEED}, FUZZ_SEED=${SEED} to replay):`,
      ...lines,
      `  total: tried ${total.tried}, passed ${total.passed}, failed ${total.failed} in ${total.ms} ms`,
      '',
    ].join('\n'),
  );
});

/** Runs `check` on every sample, records the counts, and fails with the first failures. */
function runAll<T>(name: string, arb: fc.Arbitrary<T>, check: (value: T) => string | undefined): void {
  const start = Date.now();
  const samples = fc.sample(arb, { numRuns: RUNS, seed: SEED });
  const failures: string[] = [];
  for (const s of samples) {
    let problem: string | undefined;
    try {
      problem = check(s);
    } catch (e) {
      problem = `check threw ${(e as Error)?.stack ?? String(e)}`;
    }
    if (problem !== undefined) failures.push(`${problem}\n    input: ${formatValue(s)}`);
  }
  counts.push({ name, tried: samples.length, passed: samples.length - failures.length, failed: failures.length, ms: Date.now() - start });
  expect(samples.length).toBeGreaterThanOrEqual(RUNS);
  if (failures.length > 0) throw new Error(`${failures.length} of ${samples.length} failed (seed ${SEED}); first:\n${failures.slice(0, 5).join('\n')}`);
}

function envFor(profile: EnvironmentProfile): Environment {
  return new Environment(new App(), profile.name, { profile });
}

// --- valid values ------------------------------------------------------------------------------

const lower = 'abcdefghijklmnopqrstuvwxyz'.split('');
const alnum = [...lower, ...'0123456789'.split('')];
const label = (max: number) =>
  fc
    .tuple(fc.constantFrom(...lower), fc.string({ unit: fc.constantFrom(...alnum, '-'), maxLength: max - 2 }), fc.constantFrom(...alnum))
    .map(([a, b, c]) => `${a}${b}${c}`);
const subdomain = fc.array(label(20), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const hostname = fc.array(label(20), { minLength: 2, maxLength: 4 }).map((p) => p.join('.'));
const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(50)).map(([a, b, c]) => `${a}.${b}.${c}`);
const digest = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 });
const image = fc.oneof(
  fc.tuple(fc.constantFrom('registry.example.com/', 'localhost:5000/', ''), label(12), version).map(([r, n, v]) => `${r}${n}:${v}`),
  fc.tuple(label(12), digest).map(([n, d]) => `${n}@sha256:${d}`),
  fc.tuple(label(12), fc.integer({ min: 1, max: 30 })).map(([n, m]) => `${n}:${m}-alpine`),
);
const envName = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'.split('')),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('')), maxLength: 15 }),
  )
  .map(([a, b]) => a + b)
  .filter((n) => !isSecretName(n) && n !== '__proto__');
const plainValue = fc.string({ maxLength: 40 }).filter((v) => !v.includes('@'));
const configKey = fc
  .string({ unit: fc.constantFrom(...alnum, '-', '_', '.'), minLength: 1, maxLength: 30 })
  .filter((k) => !isSecretName(k) && k !== '__proto__' && k !== 'constructor');
const httpPath = fc.array(label(10), { maxLength: 3 }).map((p) => '/' + p.join('/'));
const uid = fc.integer({ min: 1, max: 2147483647 });

/** Requests no larger than limits: millicores and MiB. */
const resources = (minMemoryMi = 1) =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 4000 }),
      fc.integer({ min: 1, max: 4000 }),
      fc.integer({ min: minMemoryMi, max: 8192 }),
      fc.integer({ min: minMemoryMi, max: 8192 }),
    )
    .map(([c1, c2, m1, m2]) => ({
      cpuRequest: `${Math.min(c1, c2)}m`,
      cpuLimit: Math.max(c1, c2) % 1000 === 0 ? String(Math.max(c1, c2) / 1000) : `${Math.max(c1, c2)}m`,
      memoryRequest: `${Math.min(m1, m2)}Mi`,
      memoryLimit: `${Math.max(m1, m2)}Mi`,
    }));

/** One arbitrary per profile, built once (building arbitraries inside `chain` is slow). */
function perProfile<P>(build: (p: EnvironmentProfile) => fc.Arbitrary<P>): fc.Arbitrary<{ profile: EnvironmentProfile; props: P }> {
  return fc.oneof(...PROFILES.map((p) => build(p).map((props) => ({ profile: p, props }))));
}

const validWebApp = perProfile((p) =>
  fc
    .record(
      {
        name: label(54),
        image,
        port: fc.integer({ min: 1, max: 65535 }),
        servicePort: fc.integer({ min: 1, max: 65535 }),
        serviceType: fc.constantFrom('ClusterIP' as const, 'NodePort' as const, 'LoadBalancer' as const),
        command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        env: fc.dictionary(envName, plainValue, { maxKeys: 4 }),
        replicas: fc.integer({ min: p.production ? 2 : 1, max: 10 }),
        autoscaling: fc.oneof(
          fc.constant(false as const),
          fc
            .tuple(fc.integer({ min: p.production ? 2 : 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 100 }))
            .map(([min, extra, t]) => ({ minReplicas: min, maxReplicas: min + extra, targetCpuPercent: t })),
        ),
        resources: resources(),
        livenessPath: httpPath,
        readinessPath: httpPath,
        startupPath: httpPath,
        ingress: fc.record(
          {
            hosts: fc.uniqueArray(hostname, { minLength: 1, maxLength: 3 }),
            paths: fc.uniqueArray(httpPath, { minLength: 1, maxLength: 3 }),
            ingressClassName: subdomain,
            tlsSecretName: subdomain,
            annotations: fc.dictionary(
              fc.tuple(subdomain, label(20)).map(([a, b]) => `${a}/${b}`),
              plainValue,
              { maxKeys: 2 },
            ),
          },
          { requiredKeys: p.production ? ['tlsSecretName'] : [] },
        ),
        podDisruptionBudget: p.production ? fc.constant(true) : fc.boolean(),
        topologySpread: p.production ? fc.constant(true) : fc.boolean(),
        zoneSpread: fc.boolean(),
        imagePullSecrets: fc.uniqueArray(subdomain, { maxLength: 2 }),
        runAsUser: uid,
        writablePaths: fc.uniqueArray(
          httpPath.filter((x) => x !== '/'),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['image'] },
    )
    // replicas only where no HPA owns them (the profile's HPA applies when autoscaling is left out)
    .map(({ replicas, ...props }) => {
      const hpa = props.autoscaling === undefined ? p.autoscaling !== undefined : props.autoscaling !== false;
      return (hpa ? props : { ...props, replicas }) as WebAppProps;
    }),
);

const validPostgres = perProfile(() =>
  fc
    .record(
      {
        name: label(54),
        image,
        database: fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/),
        storage: fc.integer({ min: 1, max: 500 }).map((n) => `${n}Gi`),
        storageClassName: subdomain,
        credentialsSecret: subdomain,
        resources: resources(),
        runAsUser: uid,
      },
      { requiredKeys: [] },
    )
    .map((props) => props as PostgresDbProps),
);

const validRedis = perProfile(() =>
  fc
    .record(
      {
        name: label(54),
        image,
        maxmemory: fc.integer({ min: 1, max: 64 }).map((n) => `${n}mb`),
        maxmemoryPolicy: fc.constantFrom('noeviction' as const, 'allkeys-lru' as const, 'allkeys-lfu' as const, 'volatile-ttl' as const),
        passwordSecret: fc.record({ secretName: subdomain, key: configKey }),
        persistence: fc.boolean(),
        storage: fc.integer({ min: 1, max: 100 }).map((n) => `${n}Gi`),
        resources: resources(128),
        runAsUser: uid,
      },
      { requiredKeys: ['maxmemory'] },
    )
    .map((props) => props as RedisCacheProps),
);

const validConfig = perProfile(() =>
  fc
    .tuple(fc.uniqueArray(envName, { maxLength: 6 }), fc.nat(6))
    .chain(([keys, split]) =>
      fc.record(
        {
          name: label(57),
          settings: fc.tuple(...keys.slice(0, split).map(() => plainValue)).map((vals) => Object.fromEntries(keys.slice(0, split).map((k, i) => [k, vals[i]]))),
          secrets: fc
            .tuple(...keys.slice(split).map(() => fc.record({ secretName: subdomain, key: configKey })))
            .map((refs) => Object.fromEntries(keys.slice(split).map((k, i) => [k, refs[i]]))),
          files: fc.dictionary(
            configKey,
            fc.string({ maxLength: 60 }).filter((v) => !v.includes('@')),
            { maxKeys: 3 },
          ),
          mountPath: fc
            .array(label(10), { minLength: 1, maxLength: 3 })
            .map((s) => '/' + s.join('/'))
            .filter((x) => x !== '/tmp'),
        },
        { requiredKeys: [] },
      ),
    )
    .map((props) => props as ConfigBundleProps),
);

/** Synthesizes the environment and returns the gate's violations, one line each. */
function gate(env: Environment): string | undefined {
  const report = checkPolicy(env.toJson(), { production: env.profile.production, requiredSecrets: env.requiredSecrets, environment: env.profile.name });
  return report.violations.length ? report.violations.map((v) => `${v.rule}: ${v.object.kind}/${v.object.name}: ${v.message}`).join('; ') : undefined;
}

describe('valid props', () => {
  test(`synthesize ${RUNS} random WebApps that pass the policy gate`, () => {
    runAll('WebApp valid', validWebApp, ({ profile: p, props }) => {
      const env = envFor(p);
      // a consumer of a ConfigBundle, wired to a database, as a real app would be
      const bundle = new ConfigBundle(env, 'cfg', {
        settings: { MODE: 'x' },
        secrets: { API_SECRET: { secretName: 'api', key: 'secret' } },
        files: { 'a.conf': 'x' },
      });
      const app = new WebApp(env, 'web', { ...props, config: [bundle] });
      // the database must not take a name the random app already has (Service 'db', 'db-headless')
      const dbName = app.name === 'db' || app.name === 'db-headless' ? 'database' : 'db';
      app.connect(new PostgresDb(env, dbName, p.production ? { image: 'postgres:16.4' } : {}));
      return gate(env);
    });
  });

  test(`synthesize ${RUNS} random PostgresDbs that pass the policy gate`, () => {
    runAll('PostgresDb valid', validPostgres, ({ profile: p, props }) => {
      const env = envFor(p);
      new PostgresDb(env, 'db', props);
      return gate(env);
    });
  });

  test(`synthesize ${RUNS} random RedisCaches that pass the policy gate`, () => {
    runAll('RedisCache valid', validRedis, ({ profile: p, props }) => {
      const env = envFor(p);
      new RedisCache(env, 'cache', props);
      return gate(env);
    });
  });

  test(`synthesize ${RUNS} random ConfigBundles, consumed by a WebApp, that pass the policy gate`, () => {
    runAll('ConfigBundle valid', validConfig, ({ profile: p, props }) => {
      const env = envFor(p);
      const bundle = new ConfigBundle(env, 'cfg', props);
      new WebApp(env, 'web', { image: 'web:1.0.0', config: [bundle], ingress: p.production ? {} : undefined });
      return gate(env);
    });
  });
});

// --- invalid values ----------------------------------------------------------------------------

/** Values of the wrong type for any prop. `null` and `undefined` are left out: they mean "default". */
const wrongType = fc.constantFrom<unknown>(0, -1, 1.5, NaN, Infinity, true, false, 'x', '', [], ['x'], {}, { a: 1 }, () => 1, Symbol('s'), 10n, new Date(0));
const badLabel = fc.constantFrom<unknown>('', 'UPPER', '-x', 'x-', 'a_b', 'a.b', 'a b', 'é', ' x', 'x'.repeat(64), 'a\nb', '__proto__');
const badImage = fc.constantFrom<unknown>('', 'UPPER/Case:1', 'a b:1', ':1.0', 'x@sha256:zz', 'img:tag:tag', 'http://img:1', 'x'.repeat(600), 'a//b:1');
const badQuantity = fc.constantFrom<unknown>('', '10GB', '-1', '1.5.5', 'abc', '1 Gi', '1gi', 'Mi', 5, '1e', '0x10');
const badPort = fc.constantFrom<unknown>(0, -1, 65536, 1.5, NaN, Infinity, '80', '', 1e10);
const badUid = fc.constantFrom<unknown>(0, -1, 1.5, NaN, '1000', 2 ** 31, Infinity, 1e20);
const badPath = fc.constantFrom<unknown>('', 'healthz', 'a/b', '/a b', '/é', 5, '/\n');
const badHost = fc.constantFrom<unknown>('UPPER.com', 'nodot', '*.example.com', 'a.com:80', 'http://a.com', '', 'a..com', '-a.com', 5, `${'a'.repeat(64)}.com`);
const badSubdomain = fc.constantFrom<unknown>('', 'UPPER', 'a_b', '-a', 'a-', 'a..b', 'x'.repeat(254), 5);
const badEnvName = fc.constantFrom<unknown>('', '1ABC', 'A B', 'A=B', 'é');
const badConfigKey = fc.constantFrom<unknown>('', 'a/b', 'a b', 'é', 'x'.repeat(254));
const badBool = fc.constantFrom<unknown>('yes', 'true', 1, 0, [], {});

function oneOf<T>(...arbs: fc.Arbitrary<T>[]): fc.Arbitrary<T> {
  return fc.oneof(...arbs);
}

/** A corruption: a prop to replace, the bad value, and the props the error may blame. */
interface Corruption {
  /** Returns the props to pass: usually a copy of `props` with one prop replaced. */
  readonly apply: (props: Record<string, unknown>, env: Environment) => unknown;
  readonly blame: readonly string[];
  readonly value: unknown;
}

function set(prop: string, value: fc.Arbitrary<unknown>, blame: readonly string[] = [prop]): fc.Arbitrary<Corruption> {
  return value.map((v) => ({ apply: (props) => ({ ...props, [prop]: v }), blame, value: v }));
}

/** Sets a nested field: `ingress.hosts` → props.ingress.hosts (creating the object). */
function setIn(path: string, value: fc.Arbitrary<unknown>, blame: readonly string[] = [path]): fc.Arbitrary<Corruption> {
  const [outer, inner] = path.split('.');
  return value.map((v) => ({
    apply: (props) => ({ ...props, [outer]: { ...((props[outer] as object | undefined) ?? {}), [inner]: v } }),
    blame,
    value: v,
  }));
}

const resourceCorruptions = (extra: readonly string[] = []) => [
  set(
    'resources',
    fc.constantFrom<unknown>(5, 'x', [], true, () => 1, Symbol('r')),
    ['resources'],
  ),
  ...(['cpuRequest', 'memoryRequest', 'cpuLimit', 'memoryLimit'] as const).map((f) =>
    setIn(`resources.${f}`, oneOf(badQuantity, wrongType), [`resources.${f}`, 'resources.cpuRequest', 'resources.memoryRequest', ...extra]),
  ),
  set('resources', fc.constant<unknown>({ cpuRequest: '2', cpuLimit: '1' }), ['resources.cpuRequest']),
  set('resources', fc.constant<unknown>({ memoryRequest: '2Gi', memoryLimit: '1Gi' }), ['resources.memoryRequest', ...extra]),
];

/** Bad names and images, as PostgresDb and RedisCache validate them alike. */
const serverNameAndImageCorruptions = (): fc.Arbitrary<Corruption>[] => [
  set(
    'name',
    oneOf(
      badLabel,
      wrongType.filter((v) => typeof v !== 'string'),
    ),
  ),
  set(
    'image',
    oneOf(
      badImage,
      wrongType.filter((v) => v !== 'x'),
    ),
  ),
];

const webCorruptions: fc.Arbitrary<Corruption> = oneOf(
  set(
    'name',
    oneOf(
      badLabel,
      wrongType.filter((v) => v !== '' && typeof v !== 'string'),
    ),
  ),
  set(
    'image',
    oneOf(
      badImage,
      wrongType.filter((v) => v !== 'x'),
      fc.constant<unknown>(null),
    ),
  ),
  set('port', oneOf(badPort, wrongType)),
  set('servicePort', oneOf(badPort, wrongType)),
  set('serviceType', oneOf(fc.constantFrom<unknown>('clusterip', 'ExternalName', ''), wrongType)),
  set('command', fc.constantFrom<unknown>('ls', [1], [null], {}, 5, [{}])),
  set('args', fc.constantFrom<unknown>('ls', [1], [null], {}, 5, [Symbol('a')])),
  set(
    'env',
    fc.constantFrom<unknown>([], 'x', 5, true, () => 1, null),
  ),
  set(
    'env',
    badEnvName.map((k) => ({ [String(k)]: 'v' })),
    ['env'],
  ),
  set(
    'env',
    oneOf(
      wrongType.filter((v) => typeof v !== 'string'),
      fc.constant<unknown>(null),
    ).map((v) => ({ OK: v })),
    ['env.OK'],
  ),
  set('config', fc.constantFrom<unknown>('x', {}, 5, [{}], [5], [null]), ['config']),
  fc.constant<Corruption>({
    apply: (props, env) => ({ ...props, writablePaths: ['/tmp'], config: [new ConfigBundle(env, 'cfg', { files: { a: 'x' }, mountPath: '/tmp' })] }),
    blame: ['config'],
    value: '/tmp',
  }),
  fc.constant<Corruption>({
    apply: (props, env) => ({ ...props, config: [new ConfigBundle(new Environment(new App(), 'other', { profile: env.profile }), 'cfg')] }),
    blame: ['config'],
    value: 'other/cfg',
  }),
  set(
    'replicas',
    oneOf(
      fc.constantFrom<unknown>(0, -1, 1.5, 1001, '2', NaN),
      wrongType.filter((v) => typeof v !== 'number' || !Number.isInteger(v) || (v as number) < 1),
    ),
  ),
  set(
    'autoscaling',
    fc.constantFrom<unknown>('x', 5, true, [], () => 1),
    ['autoscaling'],
  ),
  set('autoscaling', fc.constantFrom<unknown>({ minReplicas: 3, maxReplicas: 2, targetCpuPercent: 50 }), ['autoscaling.minReplicas']),
  set(
    'autoscaling',
    fc.constantFrom<unknown>({ minReplicas: 0, maxReplicas: 2, targetCpuPercent: 50 }, { minReplicas: '2', maxReplicas: 3, targetCpuPercent: 50 }),
    ['autoscaling.minReplicas'],
  ),
  set(
    'autoscaling',
    fc.constantFrom<unknown>({ minReplicas: 2, maxReplicas: 0, targetCpuPercent: 50 }, { minReplicas: 2, maxReplicas: NaN, targetCpuPercent: 50 }),
    ['autoscaling.maxReplicas'],
  ),
  set(
    'autoscaling',
    fc.constantFrom<unknown>(0, 101, 1.5, '50', null).map((t) => ({ minReplicas: 2, maxReplicas: 3, targetCpuPercent: t })),
    ['autoscaling.targetCpuPercent'],
  ),
  ...resourceCorruptions(),
  set('livenessPath', badPath),
  set('readinessPath', badPath),
  set('startupPath', badPath),
  set('ingress', fc.constantFrom<unknown>('x', 5, [], true, null), ['ingress']),
  setIn('ingress.hosts', fc.constantFrom<unknown>([], 'a.com', 5, {}), ['ingress.hosts']),
  setIn(
    'ingress.hosts',
    badHost.map((h) => [h]),
    ['ingress.hosts'],
  ),
  setIn('ingress.hosts', fc.constant<unknown>(['a.example.com', 'a.example.com']), ['ingress.hosts']),
  setIn('ingress.paths', fc.constantFrom<unknown>([], '/', ['x'], ['/a', '/a'], [5]), ['ingress.paths']),
  setIn('ingress.ingressClassName', badSubdomain, ['ingress.ingressClassName']),
  setIn('ingress.tlsSecretName', badSubdomain, ['ingress.tlsSecretName']),
  setIn('ingress.annotations', fc.constantFrom<unknown>('x', 5, [], { 'bad key!': 'v' }, { '/x': 'v' }, { ['constructor']: 'v' }), ['ingress.annotations']),
  setIn(
    'ingress.annotations',
    wrongType.filter((v) => typeof v !== 'string').map((v) => ({ 'example.com/a': v })),
    ['ingress.annotations.example.com/a'],
  ),
  set('podDisruptionBudget', badBool),
  set('topologySpread', badBool),
  set('zoneSpread', badBool),
  set('imagePullSecrets', fc.constantFrom<unknown>('x', [5], {}, 5), ['imagePullSecrets']),
  set(
    'imagePullSecrets',
    badSubdomain.map((s) => [s]),
    ['imagePullSecrets'],
  ),
  set('runAsUser', badUid),
  set('writablePaths', fc.constantFrom<unknown>('tmp', ['tmp'], ['/a', '/a'], [5], 5, {}, ['']), ['writablePaths']),
);

/** Builds one construct with a valid base plus one corruption; returns what went wrong, if anything. */
function expectRejected(kind: string, build: (env: Environment, props: unknown) => unknown) {
  return ({ profile: p, props, corruption }: { profile: EnvironmentProfile; props: object; corruption: Corruption }): string | undefined => {
    const env = envFor(p);
    const bad = corruption.apply({ ...props } as Record<string, unknown>, env);
    let error: unknown;
    try {
      build(env, bad);
    } catch (e) {
      error = e;
    }
    if (error === undefined) return `accepted ${formatValue(corruption.value)} for ${corruption.blame.join('|')}`;
    if (!(error instanceof ValidationError)) return `threw ${(error as Error)?.name}: ${(error as Error)?.message} (not a ValidationError)`;
    if (error.construct !== kind) return `blamed construct '${error.construct}', not '${kind}': ${error.message}`;
    if (!corruption.blame.includes(error.prop)) return `blamed '${error.prop}', expected one of ${corruption.blame.join(', ')}: ${error.message}`;
    if (!error.message.startsWith(`${kind} '${error.path}': '${error.prop}' `)) return `message does not name construct and prop: ${error.message}`;
    if (!error.message.endsWith(`, got ${formatValue(error.value)}`)) return `message does not end with the value: ${error.message}`;
    if (
      /undefined|NaN|\[object Object\]/.test(error.message.replace(/, got .*$/, '')) &&
      !/undefined|NaN|\[object Object\]/.test(formatValue(corruption.value))
    ) {
      return `message leaks undefined/NaN/[object Object]: ${error.message}`;
    }
    return undefined;
  };
}

const withCorruption = <P>(valid: fc.Arbitrary<{ profile: EnvironmentProfile; props: P }>, corruptions: fc.Arbitrary<Corruption>) =>
  fc.tuple(valid, corruptions).map(([v, corruption]) => ({ ...v, props: v.props as object, corruption }));

const productionCorruptions = (kind: 'web' | 'server'): fc.Arbitrary<Corruption> =>
  fc.constantFrom<Corruption>(
    { apply: (props) => ({ ...props, image: 'registry.example.com/app' }), blame: ['image'], value: 'registry.example.com/app' },
    { apply: (props) => ({ ...props, image: 'app:latest' }), blame: ['image'], value: 'app:latest' },
    ...(kind === 'web'
      ? [
          { apply: (props: Record<string, unknown>) => ({ ...props, autoscaling: false, replicas: 1 }), blame: ['replicas'], value: 1 },
          { apply: (props: Record<string, unknown>) => ({ ...props, podDisruptionBudget: false }), blame: ['podDisruptionBudget'], value: false },
          { apply: (props: Record<string, unknown>) => ({ ...props, topologySpread: false }), blame: ['topologySpread'], value: false },
        ]
      : []),
  );

describe('invalid props', () => {
  test(`fail ${RUNS} random invalid WebApp prop sets with a ValidationError`, () => {
    const arb = fc.oneof(
      { weight: 9, arbitrary: withCorruption(validWebApp, webCorruptions) },
      {
        weight: 1,
        arbitrary: withCorruption(
          validWebApp.filter((v) => v.profile.production),
          productionCorruptions('web'),
        ),
      },
      {
        weight: 1,
        arbitrary: withCorruption(
          validWebApp,
          fc.constantFrom<unknown>(undefined, null, 'x', 5).map((v) => ({ apply: () => v, blame: ['props', 'image'], value: v })),
        ),
      },
    );
    runAll(
      'WebApp invalid',
      arb,
      expectRejected('web-app', (env, props) => new WebApp(env, 'web', props as WebAppProps)),
    );
  });

  test(`fail ${RUNS} random invalid PostgresDb prop sets with a ValidationError`, () => {
    const corruptions = oneOf(
      ...serverNameAndImageCorruptions(),
      set(
        'database',
        oneOf(
          fc.constantFrom<unknown>('App', '1abc', '', 'a'.repeat(64), 'a-b', 'a b'),
          wrongType.filter((v) => v !== 'x'),
        ),
      ),
      set('storage', oneOf(badQuantity, wrongType, fc.constantFrom<unknown>('0', '0Gi'))),
      set('storageClassName', badSubdomain),
      set('credentialsSecret', badSubdomain),
      ...resourceCorruptions(),
      set('runAsUser', badUid),
    );
    const arb = fc.oneof(
      { weight: 9, arbitrary: withCorruption(validPostgres, corruptions) },
      {
        weight: 1,
        arbitrary: withCorruption(
          validPostgres.filter((v) => v.profile.production),
          productionCorruptions('server'),
        ),
      },
      {
        weight: 1,
        arbitrary: withCorruption(
          validPostgres,
          fc.constantFrom<unknown>(null, 'x', 5, []).map((v) => ({ apply: () => v, blame: ['props'], value: v })),
        ),
      },
    );
    runAll(
      'PostgresDb invalid',
      arb,
      expectRejected('postgres-db', (env, props) => new PostgresDb(env, 'db', props as PostgresDbProps)),
    );
  });

  test(`fail ${RUNS} random invalid RedisCache prop sets with a ValidationError`, () => {
    const corruptions = oneOf(
      ...serverNameAndImageCorruptions(),
      set('maxmemory', oneOf(fc.constantFrom<unknown>('', '0mb', '1tb', '256 mb', '-1mb', 'mb', '1.5gb'), wrongType)),
      set('maxmemory', fc.constantFrom<unknown>('100gb', '999999mb'), ['maxmemory']),
      set('maxmemoryPolicy', oneOf(fc.constantFrom<unknown>('lru', 'ALLKEYS-LRU', ''), wrongType)),
      set('passwordSecret', fc.constantFrom<unknown>('x', 5, [], true, null), ['passwordSecret']),
      set(
        'passwordSecret',
        badSubdomain.map((s) => ({ secretName: s, key: 'password' })),
        ['passwordSecret.secretName'],
      ),
      set(
        'passwordSecret',
        badConfigKey.map((k) => ({ secretName: 'redis', key: k })),
        ['passwordSecret.key'],
      ),
      set('persistence', badBool),
      set('storage', oneOf(badQuantity, wrongType, fc.constantFrom<unknown>('0', '0Gi'))),
      ...resourceCorruptions(['maxmemory']),
      set('runAsUser', badUid),
    );
    const arb = fc.oneof(
      { weight: 9, arbitrary: withCorruption(validRedis, corruptions) },
      {
        weight: 1,
        arbitrary: withCorruption(
          validRedis.filter((v) => v.profile.production),
          productionCorruptions('server'),
        ),
      },
    );
    runAll(
      'RedisCache invalid',
      arb,
      expectRejected('redis-cache', (env, props) => new RedisCache(env, 'cache', props as RedisCacheProps)),
    );
  });

  test(`fail ${RUNS} random invalid ConfigBundle prop sets with a ValidationError`, () => {
    const corruptions = oneOf(
      set(
        'name',
        oneOf(
          badLabel,
          fc.constant<unknown>('x'.repeat(58)),
          wrongType.filter((v) => typeof v !== 'string'),
        ),
      ),
      set(
        'settings',
        fc.constantFrom<unknown>('x', [], 5, true, () => 1, null),
        ['settings'],
      ),
      set(
        'settings',
        oneOf(badEnvName, fc.constantFrom('__proto__', 'constructor')).map((k) => ({ [String(k)]: 'v' })),
        ['settings'],
      ),
      set(
        'settings',
        oneOf(
          wrongType.filter((v) => typeof v !== 'string'),
          fc.constant<unknown>(null),
        ).map((v) => ({ OK: v })),
        ['settings.OK'],
      ),
      set('secrets', fc.constantFrom<unknown>('x', [], 5, null), ['secrets']),
      set(
        'secrets',
        oneOf(badEnvName, fc.constantFrom('__proto__', 'constructor')).map((k) => ({ [String(k)]: { secretName: 's', key: 'k' } })),
        ['secrets'],
      ),
      set(
        'secrets',
        fc.constantFrom<unknown>('x', 5, null, []).map((v) => ({ OK: v })),
        ['secrets.OK'],
      ),
      set(
        'secrets',
        badSubdomain.map((s) => ({ OK: { secretName: s, key: 'k' } })),
        ['secrets.OK.secretName'],
      ),
      set(
        'secrets',
        badConfigKey.map((k) => ({ OK: { secretName: 's', key: k } })),
        ['secrets.OK.key'],
      ),
      set('files', fc.constantFrom<unknown>('x', [], 5, null), ['files']),
      set(
        'files',
        oneOf(badConfigKey, fc.constantFrom('__proto__', 'constructor')).map((k) => ({ [String(k)]: 'content' })),
        ['files'],
      ),
      set(
        'files',
        wrongType.filter((v) => typeof v !== 'string').map((v) => ({ 'a.conf': v })),
        ['files.a.conf'],
      ),
      set(
        'mountPath',
        oneOf(
          fc.constantFrom<unknown>('relative', '', 'a/b'),
          wrongType.filter((v) => typeof v !== 'string' || !v.startsWith('/')),
        ),
      ),
      // the same key as a setting and as a secret
      fc.constant<Corruption>({
        apply: (props) => ({ ...props, settings: { DUP: 'x' }, secrets: { DUP: { secretName: 's', key: 'k' } } }),
        blame: ['secrets'],
        value: 'DUP',
      }),
    );
    runAll(
      'ConfigBundle invalid',
      withCorruption(validConfig, corruptions),
      expectRejected('config-bundle', (env, props) => new ConfigBundle(env, 'cfg', props as ConfigBundleProps)),
    );
  });
});

/**
 * Property tests with random props, for JavaScript users without types as much as for
 * TypeScript ones:
 * - invalid prop sets must throw our ValidationError naming the construct, the prop and the
 *   value (never a TypeError, never a half-built manifest);
 * - valid prop sets must synthesize in an Environment and pass the policy gate; for the
 *   workloads (Worker, Job, CronJob, runsAfter) every object is also well-formed and every
 *   Secret, ConfigMap and `$(VAR)` reference of their pods resolves.
 * Runs per construct and kind: FUZZ_RUNS (default 1000); the runsAfter graphs, whose shapes are
 * few and whose environments are the slowest to synthesize, a quarter of it. Seed: FUZZ_SEED
 * (default: random, printed so that a failure can be replayed).
 */
import { App, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ConfigBundle,
  ConfigBundleProps,
  CronJob,
  CronJobProps,
  Environment,
  EnvironmentProfile,
  Job,
  JobProps,
  PostgresDb,
  PostgresDbProps,
  Profiles,
  RedisCache,
  RedisCacheProps,
  ValidationError,
  WebApp,
  WebAppProps,
  Worker,
  WorkerProps,
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
function runAll<T>(name: string, arb: fc.Arbitrary<T>, check: (value: T) => string | undefined, runs = RUNS): void {
  const start = Date.now();
  const samples = fc.sample(arb, { numRuns: runs, seed: SEED });
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
  expect(samples.length).toBeGreaterThanOrEqual(runs);
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
  fc.tuple(label(12), fc.integer({ min: 1, max: 30 }), fc.nat(20)).map(([n, m, p]) => `${n}:${m}.${p}-alpine`),
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
  // '.' and keys starting with '..' are not ConfigMap or Secret keys (IsConfigMapKey)
  .filter((k) => !isSecretName(k) && k !== '__proto__' && k !== 'constructor' && k !== '.' && !k.startsWith('..'));
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
        name: label(52), // a StatefulSet: controller-revision-hash is <name>-<10-character hash>
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
        name: label(52), // a StatefulSet with persistence
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

const validConfig = perProfile((p) =>
  fc
    .tuple(fc.uniqueArray(envName, { maxLength: 6 }), fc.nat(6))
    .chain(([keys, split]) =>
      fc.record(
        {
          name: label(Math.min(57, 62 - p.name.length)), // app.kubernetes.io/instance '<name>-<env>' fits in 63
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
  /** Text the message must contain, e.g. the schedule field that is out of range. */
  readonly mentions?: string;
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
    if (corruption.mentions !== undefined && !error.message.includes(corruption.mentions))
      return `message does not mention '${corruption.mentions}': ${error.message}`;
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

// --- workloads: Worker, Job, CronJob and runsAfter ---------------------------------------------

/** Names of the servers a workload is wired to; a random workload name must not take them. */
const SERVER_NAMES = new Set(['db', 'db-headless', 'cache', 'cache-headless']);
const workloadName = (max: number) => label(max).filter((n) => !SERVER_NAMES.has(n));
/** Plain env names that `connect()` does not set. */
const workloadEnv = fc.dictionary(
  envName.filter((n) => !/^(DB_|DATABASE_|REDIS)/.test(n)),
  plainValue,
  { maxKeys: 4 },
);
const INT32_MAX = 2147483647;
/** Small values mostly, and the int32 edges. */
const int32From = (min: number) => fc.oneof(fc.integer({ min, max: min + 20 }), fc.integer({ min, max: INT32_MAX }), fc.constantFrom(min, INT32_MAX));

/** Replicas or an HPA, PDB and spread, as the profile allows; `replicas` only where no HPA owns them. */
function scalingProps(p: EnvironmentProfile) {
  return {
    replicas: fc.integer({ min: p.production ? 2 : 1, max: 10 }),
    autoscaling: fc.oneof(
      fc.constant(false as const),
      fc
        .tuple(fc.integer({ min: p.production ? 2 : 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 100 }))
        .map(([min, extra, t]) => ({ minReplicas: min, maxReplicas: min + extra, targetCpuPercent: t })),
    ),
    podDisruptionBudget: p.production ? fc.constant(true) : fc.boolean(),
    topologySpread: p.production ? fc.constant(true) : fc.boolean(),
    zoneSpread: fc.boolean(),
  };
}
function dropOwnedReplicas<P extends { replicas?: number; autoscaling?: unknown }>(p: EnvironmentProfile, props: P): P {
  const hpa = props.autoscaling === undefined ? p.autoscaling !== undefined : props.autoscaling !== false;
  if (!hpa) return props;
  const rest = { ...props };
  delete rest.replicas;
  return rest;
}

const writablePaths = fc.uniqueArray(
  httpPath.filter((x) => x !== '/'),
  { maxLength: 3 },
);

/** How a workload is wired: to Postgres, to Redis (with or without a password), to some of three ConfigBundles. */
interface Wiring {
  readonly postgres: boolean;
  readonly redis: 'none' | 'open' | 'password';
  /** Indexes into BUNDLES, in the order they are added. */
  readonly bundles: number[];
  /** Bundles through the `config` prop, or through `addConfig()` after the constructor. */
  readonly viaProp: boolean;
}
const wiring: fc.Arbitrary<Wiring> = fc.record({
  postgres: fc.boolean(),
  redis: fc.constantFrom('none' as const, 'open' as const, 'password' as const),
  bundles: fc.shuffledSubarray([0, 1, 2]),
  viaProp: fc.boolean(),
});
/** Settings, secret references and files; keys and paths that random props cannot generate (`.`, a 14-character segment). */
const BUNDLES: ConfigBundleProps[] = [
  { settings: { 'fuzz.mode': 'x' } },
  { secrets: { 'fuzz.api': { secretName: 'fuzz-api', key: 'token' } } },
  { files: { 'a.conf': 'x' }, mountPath: '/kubestack-fuzz/config' },
];

/** The servers and bundles of `w`, created in `env`; returns what the workload gets. */
function wire(env: Environment, w: Wiring): { servers: (PostgresDb | RedisCache)[]; bundles: ConfigBundle[] } {
  const servers: (PostgresDb | RedisCache)[] = [];
  if (w.postgres) servers.push(new PostgresDb(env, 'db', { image: 'postgres:16.4' }));
  if (w.redis !== 'none') {
    servers.push(
      new RedisCache(env, 'cache', {
        image: 'redis:7.2.5',
        ...(w.redis === 'password' ? { passwordSecret: { secretName: 'cache-auth', key: 'password' } } : {}),
      }),
    );
  }
  return { servers, bundles: w.bundles.map((i) => new ConfigBundle(env, `cfg${i}`, BUNDLES[i])) };
}

/** Builds a workload with its wiring: bundles through `config` or `addConfig()`, then `connect()` to each server. */
function buildWired<W extends { addConfig(b: ConfigBundle): void; connect(s: PostgresDb | RedisCache): void }>(
  env: Environment,
  w: Wiring,
  create: (config: ConfigBundle[] | undefined) => W,
): W {
  const { servers, bundles } = wire(env, w);
  const workload = create(w.viaProp ? bundles : undefined);
  if (!w.viaProp) for (const b of bundles) workload.addConfig(b);
  for (const s of servers) workload.connect(s);
  return workload;
}

const workerProbe = fc.oneof(
  fc.record({ probe: fc.record({ exec: fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 }) }) }),
  fc.record({ probe: fc.record({ httpPort: fc.integer({ min: 1, max: 65535 }), path: httpPath }, { requiredKeys: ['httpPort'] }) }),
  fc.record({
    probe: fc.constant(false as const),
    noProbeReason: fc.string({ minLength: 1, maxLength: 60 }).filter((r) => r.trim() !== ''),
  }),
);

const validWorker = perProfile((p) =>
  fc
    .tuple(
      fc.record(
        {
          name: workloadName(54),
          image,
          command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
          args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
          env: workloadEnv,
          ...scalingProps(p),
          resources: resources(),
          imagePullSecrets: fc.uniqueArray(subdomain, { maxLength: 2 }),
          runAsUser: uid,
          writablePaths,
        },
        { requiredKeys: ['image'] },
      ),
      workerProbe,
    )
    .map(([props, probe]) => dropOwnedReplicas(p, { ...props, ...probe }) as WorkerProps),
);

/** The props a Job and a CronJob share. */
const batchProps = () => ({
  image,
  command: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  args: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  env: workloadEnv,
  resources: resources(),
  runAsUser: uid,
  writablePaths,
  imagePullSecrets: fc.uniqueArray(subdomain, { maxLength: 2 }),
  backoffLimit: int32From(0),
  activeDeadlineSeconds: int32From(1),
});

const validJob = perProfile(() =>
  fc.record({ name: workloadName(52), ...batchProps(), ttlSecondsAfterFinished: int32From(0) }, { requiredKeys: ['image'] }).map((props) => props as JobProps),
);

// A schedule from the grammar Kubernetes accepts (robfig/cron ParseStandard), written here
// independently of lib/private/schedule.ts so that the two check each other.
interface CronFieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}
const CRON_FIELDS: readonly CronFieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** One value of a field: a number (sometimes zero-padded) or, in month and day-of-week, a name in any case. */
const cronValue = (f: CronFieldSpec) =>
  fc
    .tuple(fc.integer({ min: f.min, max: f.max }), fc.constantFrom('number', 'padded', 'name'), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }))
    .map(([n, style, lowerCase]) => {
      if (style === 'name' && f.names) return { n, text: [...f.names[n - f.min]].map((c, i) => (lowerCase[i] ? c.toLowerCase() : c)).join('') };
      return { n, text: style === 'padded' && n < 10 ? `0${n}` : String(n) };
    });
const cronStep = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1000 }));
const cronItem = (f: CronFieldSpec) =>
  fc.oneof(
    fc.constant('*'),
    cronStep.map((s) => `*/${s}`),
    cronValue(f).map((v) => v.text),
    fc.tuple(cronValue(f), cronStep).map(([v, s]) => `${v.text}/${s}`),
    fc
      .tuple(cronValue(f), cronValue(f), fc.option(cronStep, { nil: undefined }))
      .map(([a, b, s]) => `${a.n <= b.n ? a.text : b.text}-${a.n <= b.n ? b.text : a.text}${s === undefined ? '' : `/${s}`}`),
  );
const cronField = (f: CronFieldSpec) => fc.array(cronItem(f), { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
const cronFields = fc.tuple(...CRON_FIELDS.map(cronField));
const cronSeparator = fc.constantFrom(' ', ' ', ' ', '  ', '\t');
const validSchedule = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(cronFields, cronSeparator).map(([fields, sep]) => fields.join(sep)) },
  { weight: 1, arbitrary: fc.constantFrom(...MACROS) },
);
const TIME_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Etc/GMT+5'];

const validCronJob = perProfile(() =>
  fc
    .record(
      {
        name: workloadName(52),
        ...batchProps(),
        schedule: validSchedule,
        timeZone: fc.constantFrom(...TIME_ZONES),
        concurrencyPolicy: fc.constantFrom('Allow' as const, 'Forbid' as const, 'Replace' as const),
        startingDeadlineSeconds: int32From(10),
        successfulJobsHistoryLimit: int32From(0),
        failedJobsHistoryLimit: int32From(0),
        suspend: fc.boolean(),
      },
      { requiredKeys: ['image', 'schedule'] },
    )
    .map((props) => props as CronJobProps),
);

// --- checks of synthesized objects -------------------------------------------------------------

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names are DNS labels; a CronJob's at most 52 characters (Kubernetes appends 11 to its Jobs' names). */
const LABEL_NAMED: Record<string, number> = { Deployment: 63, StatefulSet: 63, Service: 63, Job: 63, CronJob: 52, Namespace: 63 };

/**
 * What is wrong with the objects, one line each: a missing apiVersion/kind, a bad name or
 * namespace, a label value Kubernetes rejects, or a value JSON/YAML would show as `undefined`,
 * `NaN` or `[object Object]`.
 */
function malformed(env: Environment, objs: Obj[]): string[] {
  const problems: string[] = [];
  for (const o of objs) {
    const where = `${o.kind}/${o.metadata?.name}`;
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '' || typeof o.kind !== 'string' || o.kind === '')
      problems.push(`${where}: no apiVersion or kind`);
    const name: unknown = o.metadata?.name;
    const max = LABEL_NAMED[o.kind];
    const nameOk =
      typeof name === 'string' && (max !== undefined ? name.length <= max && DNS_LABEL.test(name) : name.length <= 253 && DNS_SUBDOMAIN.test(name));
    if (!nameOk) problems.push(`${where}: name is not a valid ${o.kind} name`);
    if (o.kind !== 'Namespace' && o.metadata?.namespace !== env.namespaceName) problems.push(`${where}: namespace ${o.metadata?.namespace}`);
    const walk = (v: unknown, path: string, labels: boolean): void => {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') problems.push(`${where}: ${path} is ${String(v)}`);
      else if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`${where}: ${path} is ${v}`);
      else if (typeof v === 'string' && (v.includes('[object Object]') || v === 'undefined' || v === 'NaN')) problems.push(`${where}: ${path} is '${v}'`);
      else if (typeof v === 'string' && labels && (v.length > 63 || !LABEL_VALUE.test(v))) problems.push(`${where}: label ${path} = '${v}'`);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, false));
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`, k === 'labels' || k === 'matchLabels' || (labels && typeof x !== 'string'));
      }
    };
    walk(o, '', false);
  }
  return problems;
}

/** The pod spec of every workload kind, with where it is. */
function podSpecs(objs: Obj[]): { where: string; spec: Obj; claims: string[] }[] {
  return objs.flatMap((o) => {
    const where = `${o.kind}/${o.metadata.name}`;
    const claims = (o.spec?.volumeClaimTemplates ?? []).map((t: Obj) => t.metadata.name as string);
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job') return [{ where, spec: o.spec.template.spec, claims }];
    if (o.kind === 'CronJob') return [{ where, spec: o.spec.jobTemplate.spec.template.spec, claims }];
    return [];
  });
}

/**
 * Every Secret or ConfigMap reference of every pod (env, envFrom, volumes, imagePullSecrets) that
 * resolves neither to an object nor to a required Secret with that key, and every `$(VAR)` in an
 * env value that names no variable defined before it (Kubernetes would leave it unexpanded).
 */
function unresolved(env: Environment, objs: Obj[]): string[] {
  const required = env.requiredSecrets;
  const object = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
  const secretKnown = (name: string, key?: string) => {
    const obj = object('Secret', name);
    if (obj) return key === undefined || key in { ...obj.data, ...obj.stringData };
    const req = required.find((r) => r.secretName === name);
    return req !== undefined && (key === undefined || req.keys.includes(key));
  };
  const configKnown = (name: string, key?: string) => {
    const obj = object('ConfigMap', name);
    return obj !== undefined && (key === undefined || key in (obj.data ?? {}));
  };
  const problems: string[] = [];
  for (const { where, spec, claims } of podSpecs(objs)) {
    for (const s of spec.imagePullSecrets ?? []) if (!secretKnown(s.name, '.dockerconfigjson')) problems.push(`${where}: imagePullSecret ${s.name}`);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const defined = new Set<string>();
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !secretKnown(s.name, s.key)) problems.push(`${where}: env ${e.name} -> Secret ${s.name}[${s.key}]`);
        const m = e.valueFrom?.configMapKeyRef;
        if (m && !configKnown(m.name, m.key)) problems.push(`${where}: env ${e.name} -> ConfigMap ${m.name}[${m.key}]`);
        for (const [, ref] of String(e.value ?? '').matchAll(/(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g)) {
          if (!defined.has(ref)) problems.push(`${where}: env ${e.name} refers to $(${ref}), not defined before it`);
        }
        defined.add(e.name);
      }
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef && !configKnown(f.configMapRef.name)) problems.push(`${where}: envFrom -> ConfigMap ${f.configMapRef.name}`);
        if (f.secretRef && !secretKnown(f.secretRef.name)) problems.push(`${where}: envFrom -> Secret ${f.secretRef.name}`);
      }
      const volumes = new Set([...(spec.volumes ?? []).map((v: Obj) => v.name), ...claims]);
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) problems.push(`${where}: mounts unknown volume ${m.name}`);
    }
    for (const v of spec.volumes ?? []) {
      if (v.configMap && !configKnown(v.configMap.name)) problems.push(`${where}: volume ${v.name} -> ConfigMap ${v.configMap.name}`);
      if (v.secret && !secretKnown(v.secret.secretName)) problems.push(`${where}: volume ${v.name} -> Secret ${v.secret.secretName}`);
    }
  }
  return problems;
}

/** Runs `fn` without the waiver lines that every synthesis prints to stderr (a `probes` waiver per unprobed Worker). */
function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = () => true;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

/** Synthesizes with Testing.synth (which runs the policy gate) and checks the objects; returns them and the problems. */
function synthChecked(env: Environment): { objs: Obj[]; problem?: string } {
  const objs = quietly(() => Testing.synth(env) as Obj[]);
  const problems = [...malformed(env, objs), ...unresolved(env, objs)];
  return { objs, problem: problems.length ? problems.join('; ') : undefined };
}

const withWiring = <P>(valid: fc.Arbitrary<{ profile: EnvironmentProfile; props: P }>) => fc.tuple(valid, wiring).map(([v, w]) => ({ ...v, wiring: w }));

function buildJob(profile: EnvironmentProfile, props: JobProps, w: Wiring): { env: Environment; job: Job } {
  const env = envFor(profile);
  const job = buildWired(env, w, (config) => new Job(env, 'job', { ...props, ...(config ? { config } : {}) }));
  return { env, job };
}

describe('valid workload props', () => {
  test(`synthesize ${RUNS} random Workers, wired to Postgres, Redis and ConfigBundles, that pass the policy gate`, () => {
    runAll('Worker valid', withWiring(validWorker), ({ profile: p, props, wiring: w }) => {
      const env = envFor(p);
      buildWired(env, w, (config) => new Worker(env, 'worker', { ...props, ...(config ? { config } : {}) }));
      return synthChecked(env).problem;
    });
  });

  test(`synthesize ${RUNS} random Jobs, wired to Postgres, Redis and ConfigBundles, named <name>-<10 hex> and stably`, () => {
    runAll('Job valid', withWiring(validJob), ({ profile: p, props, wiring: w }) => {
      const { env, job } = buildJob(p, props, w);
      const { objs, problem } = synthChecked(env);
      if (problem) return problem;
      const jobs = objs.filter((o) => o.kind === 'Job').map((o) => o.metadata.name as string);
      const base = props.name ?? 'job';
      if (jobs.length !== 1 || !new RegExp(`^${base}-[0-9a-f]{10}$`).test(jobs[0])) return `Job names ${jobs.join(', ')}, expected ${base}-<10 hex>`;
      if (job.jobName !== jobs[0]) return `jobName ${job.jobName} is not the manifest's ${jobs[0]}`;
      // jobName is what the manifest gets (checked above), so a second build need not synthesize
      const again = buildJob(p, props, w).job.jobName;
      return again === jobs[0] ? undefined : `identical props named the Job ${jobs[0]} and then ${again}`;
    });
  });

  test(`synthesize ${RUNS} random CronJobs, wired to Postgres, Redis and ConfigBundles, that pass the policy gate`, () => {
    runAll('CronJob valid', withWiring(validCronJob), ({ profile: p, props, wiring: w }) => {
      const env = envFor(p);
      buildWired(env, w, (config) => new CronJob(env, 'cron', { ...props, ...(config ? { config } : {}) }));
      const { objs, problem } = synthChecked(env);
      if (problem) return problem;
      const cron = objs.find((o) => o.kind === 'CronJob' && o.metadata.name === (props.name ?? 'cron'));
      return cron?.spec.schedule === props.schedule && cron?.spec.timeZone === props.timeZone ? undefined : `schedule/timeZone not rendered as given`;
    });
  });

  /** Jobs, and WebApps and Workers that each run after some of them, all wired to Postgres or not. */
  const runsAfterGraph = fc.record({
    profile: fc.constantFrom(...PROFILES),
    names: fc.uniqueArray(workloadName(20), { minLength: 6, maxLength: 6 }),
    jobs: fc.integer({ min: 1, max: 3 }),
    dependants: fc.array(
      fc.record({
        kind: fc.constantFrom('web' as const, 'worker' as const),
        after: fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 3 }),
        early: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    postgres: fc.boolean(),
  });

  const GRAPH_RUNS = Math.ceil(RUNS / 4);
  test(`synthesize ${GRAPH_RUNS} random runsAfter graphs with every Job before its dependants`, () => {
    runAll(
      'runsAfter order',
      runsAfterGraph,
      ({ profile: p, names, jobs: nJobs, dependants, postgres }) => {
        const env = envFor(p);
        const db = postgres ? new PostgresDb(env, 'db', { image: 'postgres:16.4' }) : undefined;
        const img = 'registry.example.com/shop/api:1.2.3';
        const create = (i: number) => {
          const d = dependants[i];
          const name = names[3 + i];
          const w =
            d.kind === 'web'
              ? new WebApp(env, name, { image: img, ingress: p.production ? {} : undefined })
              : new Worker(env, name, { image: img, probe: { exec: ['true'] } });
          if (db) w.connect(db);
          return w;
        };
        // a dependant created before its Jobs must still come after them
        const early = new Map(dependants.map((d, i) => [i, d.early ? create(i) : undefined]));
        const jobs = names.slice(0, nJobs).map((n) => {
          const j = new Job(env, n, { image: img });
          if (db) j.connect(db);
          return j;
        });
        const deps = dependants.map((d, i) => {
          const w = early.get(i) ?? create(i);
          const after = [...new Set(d.after.map((a) => a % nJobs))];
          for (const a of after) w.runsAfter(jobs[a]);
          return { name: names[3 + i], after };
        });
        const { objs, problem } = synthChecked(env);
        if (problem) return problem;
        const at = (kind: string, name: string) => objs.findIndex((o) => o.kind === kind && o.metadata.name === name);
        const wave = (kind: string, name: string) => objs[at(kind, name)]?.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
        for (const d of deps) {
          const deployment = at('Deployment', d.name);
          if (deployment < 0) return `no Deployment/${d.name}`;
          if (wave('Deployment', d.name) !== '2') return `Deployment/${d.name} in sync wave ${wave('Deployment', d.name)}, not 2`;
          for (const a of d.after) {
            const job = at('Job', jobs[a].jobName);
            if (job < 0 || job > deployment) return `Job/${jobs[a].jobName} at ${job}, not before Deployment/${d.name} at ${deployment}`;
          }
        }
        for (const j of jobs) {
          if (wave('Job', j.jobName) !== '1') return `Job/${j.jobName} in sync wave ${wave('Job', j.jobName)}, not 1`;
          if (db && at('StatefulSet', 'db') > at('Job', j.jobName)) return `Job/${j.jobName} before the StatefulSet it connects to`;
        }
        return undefined;
      },
      GRAPH_RUNS,
    );
  });
});

// --- invalid workload props --------------------------------------------------------------------

/** Not an integer, or below `min` or above int32; `valid` values of `wrongType` are left out. */
const badInt32 = (min: number) =>
  oneOf(
    fc.constantFrom<unknown>(min - 1, -1, 1.5, NaN, Infinity, 2 ** 31, 1e20, String(min + 1)),
    wrongType.filter((v) => !(typeof v === 'number' && Number.isInteger(v) && v >= min)),
  );

/** Unpinned images, rejected in every environment for the new workloads. */
const unpinnedImage = set('image', fc.constantFrom<unknown>('registry.example.com/app', 'app:latest', 'localhost:5000/app'), ['image']);

/** Corruptions of what every workload shares: image, command, args, env, config, resources, pod security. */
const podCorruptions = (): fc.Arbitrary<Corruption>[] => [
  set(
    'image',
    oneOf(
      badImage,
      wrongType.filter((v) => v !== 'x'),
      fc.constant<unknown>(null),
    ),
  ),
  unpinnedImage,
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
    apply: (props, env) => ({ ...props, config: [new ConfigBundle(new Environment(new App(), 'other', { profile: env.profile }), 'cfg')] }),
    blame: ['config'],
    value: 'other/cfg',
  }),
  ...resourceCorruptions(),
  set('imagePullSecrets', fc.constantFrom<unknown>('x', [5], {}, 5), ['imagePullSecrets']),
  set(
    'imagePullSecrets',
    badSubdomain.map((s) => [s]),
    ['imagePullSecrets'],
  ),
  set('runAsUser', badUid),
  set('writablePaths', fc.constantFrom<unknown>('tmp', ['tmp'], ['/a', '/a'], [5], 5, {}, ['']), ['writablePaths']),
];

/** Replaces the probe and drops `noProbeReason`, so that only the probe is wrong. */
function setProbe(value: fc.Arbitrary<unknown>, blame: readonly string[]): fc.Arbitrary<Corruption> {
  return value.map((v) => ({
    apply: (props) => {
      const rest: Record<string, unknown> = { ...props, probe: v };
      delete rest.noProbeReason;
      return rest;
    },
    blame,
    value: v,
  }));
}

const workerPropCorruptions: fc.Arbitrary<Corruption> = oneOf(
  set(
    'name',
    oneOf(
      badLabel,
      fc.constant<unknown>('x'.repeat(55)),
      wrongType.filter((v) => typeof v !== 'string'),
    ),
  ),
  ...podCorruptions(),
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
  set(
    'autoscaling',
    fc.constantFrom<unknown>({ minReplicas: 3, maxReplicas: 2, targetCpuPercent: 50 }, { minReplicas: 0, maxReplicas: 2, targetCpuPercent: 50 }),
    ['autoscaling.minReplicas'],
  ),
  set(
    'autoscaling',
    fc.constantFrom<unknown>(0, 101, 1.5, '50', null).map((t) => ({ minReplicas: 2, maxReplicas: 3, targetCpuPercent: t })),
    ['autoscaling.targetCpuPercent'],
  ),
  set('podDisruptionBudget', badBool),
  set('topologySpread', badBool),
  set('zoneSpread', badBool),
);

/** The three probe shapes, each broken, and `noProbeReason` without `probe: false` or blank with it. */
const probeCorruptions: fc.Arbitrary<Corruption> = oneOf(
  setProbe(
    fc.constantFrom<unknown>(undefined, null, true, 'celery ping', 5, [], ['x'], () => 1),
    ['probe'],
  ),
  setProbe(fc.constantFrom<unknown>({}, { exec: ['x'], httpPort: 8081 }, { path: '/healthz' }), ['probe']),
  setProbe(
    fc.constantFrom<unknown>([], 'celery ping', [5], [null], {}).map((exec) => ({ exec })),
    ['probe.exec'],
  ),
  setProbe(fc.constant<unknown>({ exec: ['x'], path: '/healthz' }), ['probe.path']),
  setProbe(
    oneOf(badPort, wrongType).map((httpPort) => ({ httpPort })),
    ['probe.httpPort'],
  ),
  setProbe(
    badPath.map((path) => ({ httpPort: 8081, path })),
    ['probe.path'],
  ),
  set('noProbeReason', fc.constantFrom<unknown>(undefined, null, '', '   ', '\t\n', 5, true, {}), ['noProbeReason']).map((c) => ({
    ...c,
    apply: (props: Record<string, unknown>, env: Environment) => ({ ...(c.apply(props, env) as object), probe: false }),
  })),
  fc.constant<Corruption>({
    apply: (props) => ({ ...props, probe: { exec: ['true'] }, noProbeReason: 'no health check' }),
    blame: ['noProbeReason'],
    value: 'no health check',
  }),
);

/** Corruptions of what a Job and a CronJob share. */
const batchCorruptions = (): fc.Arbitrary<Corruption>[] => [
  set(
    'name',
    oneOf(
      badLabel,
      fc.constant<unknown>('x'.repeat(53)),
      wrongType.filter((v) => typeof v !== 'string'),
    ),
  ),
  ...podCorruptions(),
  set('backoffLimit', badInt32(0)),
  set('activeDeadlineSeconds', badInt32(1)),
];

/** A valid five-field schedule with one field replaced by a value out of its range (half of them just past it); names the field. */
const mutatedSchedule: fc.Arbitrary<Corruption> = fc
  .tuple(cronFields, fc.nat(4), fc.nat(), fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 })), fc.nat(7))
  .map(([fields, i, pick, over, kind]) => {
    const f = CRON_FIELDS[i];
    const out = f.max + over;
    const low = f.min > 0 ? f.min - 1 : f.max + over;
    const [a, b] = [f.min + (pick % (f.max - f.min)), f.max - (pick % (f.max - f.min - 1 || 1))].sort((x, y) => x - y);
    const wrongNames = i === 3 ? ['MON', 'JANUARY', 'JA'] : i === 4 ? ['JAN', 'SUNDAY', 'SU'] : ['JAN', 'MON', 'X'];
    const bad = [
      String(out),
      `${f.min}-${out}`,
      `${out}/5`,
      `${fields[i]},${out}`,
      String(low),
      a < b ? `${b}-${a}` : `${out}-${f.min}`,
      pick % 2 ? '*/0' : `${f.min}-${f.max}/0`,
      [...wrongNames, 'L', '1#2', '5W', '*/', '1-2-3', '1/2/3', '*/x'][pick % (wrongNames.length + 7)],
    ][kind];
    const schedule = fields.map((x, j) => (j === i ? bad : x)).join(' ');
    return { apply: (props) => ({ ...props, schedule }), blame: ['schedule'], value: schedule, mentions: `field ${i + 1} (` };
  });

const cronPropCorruptions: fc.Arbitrary<Corruption> = oneOf(
  ...batchCorruptions(),
  // the shape: a field too few or too many, an unknown macro, a TZ= prefix, not a string
  fc.tuple(cronFields, fc.boolean()).map(([fields, fewer]) => {
    const schedule = (fewer ? fields.slice(1) : [...fields, '*']).join(' ');
    return { apply: (props: Record<string, unknown>) => ({ ...props, schedule }), blame: ['schedule'], value: schedule };
  }),
  set('schedule', fc.constantFrom<unknown>('', ' ', '@reboot', '@DAILY', '@', 'daily', '* * * *'), ['schedule']),
  fc.tuple(fc.constantFrom('TZ=UTC ', 'CRON_TZ=Europe/Berlin ', 'tz=UTC '), validSchedule).map(([prefix, s]) => ({
    apply: (props: Record<string, unknown>) => ({ ...props, schedule: prefix + s }),
    blame: ['schedule'],
    value: prefix + s,
  })),
  set(
    'schedule',
    oneOf(
      wrongType.filter((v) => typeof v !== 'string'),
      fc.constant<unknown>(null),
    ),
  ),
  set(
    'timeZone',
    oneOf(
      fc.constantFrom<unknown>(
        'Mars/Olympus_Mons',
        'Local',
        'local',
        'TZ=UTC',
        '',
        'Europe/',
        'Europe Berlin',
        'x'.repeat(65),
        'europe/berlin',
        'utc',
        'EUROPE/BERLIN',
      ),
      wrongType,
    ),
  ),
  set('schedule', fc.constantFrom<unknown>('*/99999999999999999999 * * * *', '0 */99999999999999999999 * * *')),
  set('concurrencyPolicy', oneOf(fc.constantFrom<unknown>('allow', 'FORBID', '', 'Skip'), wrongType)),
  set('startingDeadlineSeconds', badInt32(10)),
  set('successfulJobsHistoryLimit', badInt32(0)),
  set('failedJobsHistoryLimit', badInt32(0)),
  set('suspend', badBool),
);

/** Half of them a schedule with one field out of range. */
const cronCorruptions = fc.oneof(cronPropCorruptions, mutatedSchedule);

describe('invalid workload props', () => {
  test(`fail ${RUNS} random invalid Worker prop sets with a ValidationError`, () => {
    const arb = fc.oneof(
      { weight: 6, arbitrary: withCorruption(validWorker, workerPropCorruptions) },
      { weight: 3, arbitrary: withCorruption(validWorker, probeCorruptions) },
      {
        weight: 1,
        arbitrary: withCorruption(
          validWorker.filter((v) => v.profile.production),
          productionCorruptions('web'),
        ),
      },
      {
        weight: 1,
        arbitrary: withCorruption(
          validWorker,
          fc.constantFrom<unknown>(undefined, null, 'x', 5).map((v) => ({ apply: () => v, blame: ['props', 'image'], value: v })),
        ),
      },
    );
    runAll(
      'Worker invalid',
      arb,
      expectRejected('worker', (env, props) => new Worker(env, 'worker', props as WorkerProps)),
    );
  });

  test(`fail ${RUNS} random invalid Job prop sets with a ValidationError`, () => {
    const corruptions = oneOf(...batchCorruptions(), set('ttlSecondsAfterFinished', badInt32(0)));
    runAll(
      'Job invalid',
      withCorruption(validJob, corruptions),
      expectRejected('job', (env, props) => new Job(env, 'job', props as JobProps)),
    );
  });

  test(`fail ${RUNS} random invalid CronJob prop sets, half with one schedule field out of range, with a ValidationError`, () => {
    runAll(
      'CronJob invalid',
      withCorruption(validCronJob, cronCorruptions),
      expectRejected('cron-job', (env, props) => new CronJob(env, 'cron', props as CronJobProps)),
    );
  });
});

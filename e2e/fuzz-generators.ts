/**
 * fast-check generators of whole apps for the differential fuzzer (e2e/fuzz-apiserver.ts).
 *
 * A case is plain data: a profile, a namespace, and components (every construct of the library)
 * with their props, the ConfigBundles they consume, the servers they `connect()` to and the Jobs
 * they run after. Half the cases are "clean": every prop drawn from values that look valid,
 * boundaries included (63-character names, '700m' beside '0.7', wildcard hosts, 1 MiB files); the
 * others are "dirty": each prop is replaced, with a small probability, by an edge value that may or
 * may not be valid (64-character names, '1.0000000000000001', negative and fractional numbers,
 * unicode, hosts with ports, paths with '//' or '..', ConfigMap keys with '/', ...). Nothing here
 * knows what the library accepts: the API server is the oracle.
 */
import * as fc from 'fast-check';

export type ComponentKind = 'ConfigBundle' | 'PostgresDb' | 'RedisCache' | 'Job' | 'CronJob' | 'WebApp' | 'Worker';

export interface ComponentSpec {
  readonly kind: ComponentKind;
  /** Construct id, unique in the case. */
  readonly id: string;
  readonly props: Record<string, unknown>;
  /** Indexes (into the case's components) of the ConfigBundles passed as `config`. */
  readonly config: number[];
  /** Indexes of the PostgresDb/RedisCache components to `connect()` to. */
  readonly connect: number[];
  /** Indexes of the Job components to `runsAfter()` (WebApp and Worker only). */
  readonly runsAfter: number[];
}

export interface CaseSpec {
  readonly profile: 'dev' | 'staging' | 'prod';
  /** The profile's namespace (defineProfile override): a length for {@link namespaceFor}, or an edge value. */
  readonly namespace: number | string;
  readonly partOf?: unknown;
  readonly managedBy?: unknown;
  /** defineProfile overrides besides the namespace (domain, storage sizes, tls, replicas). */
  readonly profileOverrides: Record<string, unknown>;
  readonly dirty: boolean;
  readonly components: ComponentSpec[];
}

// ------------------------------------------------------------------------------------ helpers

const lower = 'abcdefghijklmnopqrstuvwxyz'.split('');
const alnum = [...lower, ...'0123456789'.split('')];
const rep = (n: number, c = 'a') => c.repeat(n);

/** A DNS label of exactly `n` characters (n >= 1), random letters. */
const labelOfLength = (n: number) =>
  fc
    .tuple(
      fc.constantFrom(...lower),
      fc.string({ unit: fc.constantFrom(...alnum, '-'), minLength: Math.max(0, n - 2), maxLength: Math.max(0, n - 2) }),
      fc.constantFrom(...alnum),
    )
    .map(([a, b, c]) => (n === 1 ? a : `${a}${b}${c}`));

/** A DNS label, mostly short, sometimes at the lengths where composed names and labels hit 63. */
const label = (boundaries: number[] = [52, 53, 54, 55, 57, 58, 62, 63]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }).chain(labelOfLength) },
    { weight: 1, arbitrary: fc.constantFrom(...boundaries).chain(labelOfLength) },
  );

const subdomain = fc.oneof(
  { weight: 5, arbitrary: fc.array(label([20, 40]), { minLength: 1, maxLength: 3 }).map((p) => p.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom(rep(253), `${rep(63)}.${rep(63)}.${rep(63)}.${rep(61)}`, 'a.b', 'x1.y2') },
);

/** With `dirty`, the valid arbitrary is replaced by one of `edges` about one time in `odds`. */
function prop(dirty: boolean, valid: fc.Arbitrary<unknown>, edges: readonly unknown[] | fc.Arbitrary<unknown>, odds = 8): fc.Arbitrary<unknown> {
  if (!dirty) return valid;
  const edge = Array.isArray(edges) ? fc.constantFrom(...(edges as unknown[])) : (edges as fc.Arbitrary<unknown>);
  return fc.oneof({ weight: odds - 1, arbitrary: valid }, { weight: 1, arbitrary: edge });
}

/** A record whose optional keys are present about half the time (fc.record with requiredKeys). */
function props(shape: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(shape, { requiredKeys: required as never[] }) as fc.Arbitrary<Record<string, unknown>>;
}

// ----------------------------------------------------------------------------- shared values

const nameEdges = [
  rep(54),
  rep(55),
  rep(57),
  rep(58),
  rep(62),
  rep(63),
  rep(64),
  'Web',
  'wéb',
  '',
  '-web',
  'web-',
  '1web',
  'a.b',
  'a_b',
  ' web',
  '__proto__',
  'constructor',
  5,
  null,
];

const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(50)).map(([a, b, c]) => `${a}.${b}.${c}`);
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 });
const image = fc.oneof(
  fc.tuple(fc.constantFrom('registry.example.com/', 'localhost:5000/', '', 'ghcr.io/team/'), label([30]), version).map(([r, n, v]) => `${r}${n}:${v}`),
  fc.tuple(label([30]), hex64).map(([n, d]) => `registry.example.com/${n}@sha256:${d}`),
  fc.tuple(label([30]), fc.integer({ min: 1, max: 30 }), fc.nat(20)).map(([n, m, p]) => `${n}:${m}.${p}-alpine`),
);
const imageEdges = [
  'web',
  'web:latest',
  'web:1',
  'web:stable',
  `web:${rep(128, '1')}`,
  `web:${rep(129, '1')}`,
  'Web:1.0.0',
  'a//b:1.0.0',
  'web:1.0.0@sha256:' + rep(64, 'a'),
  'wéb:1.0.0',
  ' web:1.0.0',
  'web:1.0.0 ',
  '',
  'localhost:99999/web:1.0.0',
  `${rep(255)}:1.0.0`,
  'registry.example.com:5000/a/b/c:1.2.3',
  5,
];

const envName = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'.split('')),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('')), maxLength: 12 }),
  )
  .map(([a, b]) => a + b)
  .filter((n) => !/PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH/.test(n));
const envNameEdges = [
  '..X',
  '..data',
  '',
  '1ABC',
  'A B',
  'A=B',
  'é',
  'a.b',
  '-x',
  '.x',
  'DB_USER',
  'DB_PASS',
  'REDIS_URL',
  'DATABASE_URL',
  rep(300, 'A'),
  'A\nB',
  '__proto__',
];
const plainValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 30 }).filter((v) => !/[@:]/.test(v)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'ünïcödé ✓', '$(HOME)', '$$(X)', 'a\nb', '🙂', '\u0000', rep(5000, 'v')) },
);
const valueEdges = ['', '\u0000', '\ud800', rep(300_000, 'v'), 5, true, null, {}, ['x']];

const strings = fc.array(
  fc.oneof(
    fc.string({ maxLength: 10 }).filter((v) => !/[@:=]/.test(v)),
    fc.constantFrom('', 'ünï', '$(X)', '--flag'),
  ),
  { maxLength: 3 },
);
const stringsEdges = [[], [''], 'ls', [5], [null], ['\u0000'], [rep(100_000, 'a')]];

const httpPath = fc.oneof(
  { weight: 6, arbitrary: fc.array(label([20]), { maxLength: 3 }).map((p) => '/' + p.join('/')) },
  { weight: 1, arbitrary: fc.constantFrom('/', '/a/b/', '/healthz?x=1', '/a%20b', '/~user', '/a:b', '/a@b', '/a;b', "/a'b") },
);
const pathEdges = [
  '',
  'healthz',
  '//healthz',
  '/a//b',
  '/a/../b',
  '/..',
  '/.',
  '/a/./b',
  '/%2fa',
  '/%zz',
  '/a b',
  '/é',
  '/\n',
  `/${rep(4000)}`,
  '/*',
  '/a#b',
  5,
];

const port = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(80, 443, 8080, 1, 65535, 10250));
const portEdges = [0, -1, 65536, 1.5, NaN, Infinity, '80', 2 ** 31, 1e20];

const count = (min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.constant(min));
const intEdges = [0, -1, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e20, NaN, Infinity, -0, '3', 1e9];
const boolEdges = ['yes', 'true', 1, 0, null];

// ------------------------------------------------------------------------------- quantities

/** cpu in millicores rendered in several notations; the same value may come out as '700m' or '0.7'. */
function renderCpu(milli: number, form: number): string {
  switch (form % 6) {
    case 0:
      return `${milli}m`;
    case 1:
      return milli % 1000 === 0 ? String(milli / 1000) : String(milli / 1000).replace(/^0\./, '0.');
    case 2:
      return `${milli}e-3`;
    case 3:
      return milli % 1000 === 0 ? `${milli / 1000}e0` : `${milli}m`;
    case 4:
      return milli % 1000 === 0 ? `${milli / 1000000}k`.replace(/^0\./, '0.') : `${milli}m`;
    default:
      return `${(milli / 1000).toFixed(3)}`;
  }
}

/** memory in bytes rendered in several notations ('512Mi', '536870912', '0.5Gi', '5.36870912e8'). */
function renderMemory(mi: number, form: number): string {
  const bytes = mi * 1024 * 1024;
  switch (form % 6) {
    case 0:
      return `${mi}Mi`;
    case 1:
      return String(bytes);
    case 2:
      return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi * 1024}Ki`;
    case 3:
      return `${bytes / 1e6}M`;
    case 4:
      return `${bytes}e0`;
    default:
      return mi % 512 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
  }
}

const cpuEdges = [
  '1.0000000000000001',
  '0.7',
  '700m',
  '1e3',
  '1E3',
  '1e-3',
  '1e-4',
  '0.0001',
  '.5',
  '5.',
  '1Ki',
  '1.5Gi',
  '0',
  '0m',
  '-1',
  '1 m',
  '1M',
  '99999999999999999999',
  '9223372036854775807',
  '8Ei',
  '1e18',
  'Inf',
  '',
  5,
];
const memoryEdges = [
  '1.5',
  '1m',
  '0.1Ki',
  '1.5Mi',
  '0.5Ki',
  '1e3',
  '1E3',
  '1e-3',
  '1Ki',
  '1000Mi',
  '1G',
  '1Gi',
  '1024Mi',
  '0',
  '1',
  '128Mi ',
  '128MB',
  '128mi',
  '99999999999999999999Ei',
  '8Ei',
  '1Ei',
  '8Pi',
  '9Pi',
  '1e18',
  '',
  5,
];

/**
 * Requests and limits: mostly request <= limit in mixed notations; in dirty cases sometimes only
 * one field, or an edge value on any field.
 */
function resources(dirty: boolean, minMi = 16): fc.Arbitrary<Record<string, unknown>> {
  const pair = fc
    .tuple(
      fc.integer({ min: 1, max: 4000 }),
      fc.integer({ min: 1, max: 4000 }),
      fc.integer({ min: minMi, max: 4096 }),
      fc.integer({ min: minMi, max: 4096 }),
      fc.nat(),
      fc.nat(),
      fc.nat(),
      fc.nat(),
    )
    .map(([c1, c2, m1, m2, f1, f2, f3, f4]) => ({
      cpuRequest: renderCpu(Math.min(c1, c2), f1),
      cpuLimit: renderCpu(Math.max(c1, c2), f2),
      memoryRequest: renderMemory(Math.min(m1, m2), f3),
      memoryLimit: renderMemory(Math.max(m1, m2), f4),
    }));
  if (!dirty) return pair;
  return fc
    .tuple(
      pair,
      fc.nat(9),
      fc.constantFrom(...cpuEdges),
      fc.constantFrom(...memoryEdges),
      fc.subarray(['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit']),
    )
    .map(([r, mode, cpu, mem, keep]) => {
      if (mode < 5) return r;
      if (mode === 5) return Object.fromEntries(Object.entries(r).filter(([k]) => keep.includes(k)));
      if (mode === 6) return { ...r, cpuRequest: cpu };
      if (mode === 7) return { ...r, cpuLimit: cpu };
      if (mode === 8) return { ...r, memoryRequest: mem };
      return { ...r, memoryLimit: mem };
    });
}

// --------------------------------------------------------------------------------- workloads

function workloadShape(dirty: boolean): Record<string, fc.Arbitrary<unknown>> {
  return {
    image: prop(dirty, image, imageEdges, 10),
    command: prop(dirty, strings, stringsEdges),
    args: prop(dirty, strings, stringsEdges),
    env: prop(
      dirty,
      fc.dictionary(envName, plainValue, { maxKeys: 3 }),
      fc.tuple(fc.constantFrom(...envNameEdges), fc.oneof(plainValue, fc.constantFrom(...valueEdges))).map(([k, v]) => ({ [String(k)]: v })),
      5,
    ),
    resources: resources(dirty),
    runAsUser: prop(dirty, fc.oneof(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(1000, 1, 2 ** 31 - 1, 65534)), [
      0,
      -1,
      1.5,
      2 ** 31,
      2 ** 32,
      '1000',
      NaN,
    ]),
    writablePaths: prop(
      dirty,
      fc.uniqueArray(
        httpPath.filter((p) => p !== '/' && !p.includes('?') && !p.endsWith('/')),
        { maxLength: 3 },
      ),
      [
        ['/'],
        ['/etc/app'],
        ['/config'],
        ['/tmp', '/tmp'],
        ['/tmp', '/tmp/'],
        ['tmp'],
        ['//tmp'],
        ['/a/../b'],
        ['/app/config'],
        ['/a:b'],
        [''],
        [`/${rep(300)}`],
        ['/proc'],
        ['/tmp/x', '/tmp'],
      ],
    ),
    imagePullSecrets: prop(dirty, fc.uniqueArray(subdomain, { maxLength: 2 }), [[''], ['A'], [rep(254)], ['a', 'a'], 'x']),
  };
}

function scalingShape(dirty: boolean, production: boolean): Record<string, fc.Arbitrary<unknown>> {
  const min = production ? 2 : 1;
  return {
    replicas: prop(dirty, count(min, 10), [...intEdges, 1001, 2 ** 31 - 1]),
    autoscaling: prop(
      dirty,
      fc.oneof(
        fc.constant(false),
        fc
          .tuple(count(min, 5), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 100 }))
          .map(([m, extra, t]) => ({ minReplicas: m, maxReplicas: m + extra, targetCpuPercent: t })),
      ),
      fc
        .tuple(fc.constantFrom(0, 1, 3, 2 ** 31, -1, 1.5), fc.constantFrom(0, 1, 2, 2 ** 31 - 1, 2 ** 31), fc.constantFrom(0, 1, 100, 101, 1000, 1.5, -1))
        .map(([m, x, t]) => ({
          minReplicas: m,
          maxReplicas: x,
          targetCpuPercent: t,
        })),
    ),
    podDisruptionBudget: prop(dirty, production ? fc.constant(true) : fc.boolean(), boolEdges),
    topologySpread: prop(dirty, production ? fc.constant(true) : fc.boolean(), boolEdges),
    zoneSpread: prop(dirty, fc.boolean(), boolEdges),
  };
}

/** In a case, `replicas` only where no HPA owns them, so that clean cases are not rejected for that alone. */
function fixReplicas(p: Record<string, unknown>, profileHasHpa: boolean, dirty: boolean): Record<string, unknown> {
  if (dirty) return p;
  const hpa = p.autoscaling === undefined ? profileHasHpa : p.autoscaling !== false;
  if (!hpa) return p;
  const rest = { ...p };
  delete rest.replicas;
  return rest;
}

const hostEdges = [
  '*.example.com',
  '*.a.example.com',
  'a.*.com',
  '*',
  'a.example.com:80',
  'a.example.com:8443',
  '1.2.3.4',
  '[::1]',
  '10.0.0.1',
  'localhost',
  'UPPER.example.com',
  'a..example.com',
  '-a.example.com',
  'a-.example.com',
  'a.example.com.',
  'xn--bcher-kva.example',
  'bücher.example',
  `${rep(63)}.example.com`,
  `${rep(64)}.example.com`,
  `${rep(63)}.${rep(63)}.${rep(63)}.${rep(61)}`,
  `${rep(63)}.${rep(63)}.${rep(63)}.${rep(62)}`,
  'http://a.example.com',
  'a.example.com/path',
  'a_b.example.com',
  '',
];
const hostname = fc.oneof(
  { weight: 8, arbitrary: fc.array(label([30]), { minLength: 2, maxLength: 4 }).map((p) => p.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom('*.example.com', `${rep(63)}.example.com`, 'a1.b2.c3.example.com', '1a.example.com') },
);

function ingress(dirty: boolean, production: boolean): fc.Arbitrary<unknown> {
  const annotationKey = fc.oneof(
    fc.tuple(subdomain, label([20])).map(([a, b]) => `${a}/${b}`),
    label([20, 63]),
    fc.constantFrom('nginx.ingress.kubernetes.io/rewrite-target', 'kubernetes.io/ingress.class'),
  );
  const shape = {
    hosts: prop(
      dirty,
      fc.uniqueArray(hostname, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...hostEdges).map((h) => [h]),
      4,
    ),
    paths: prop(
      dirty,
      fc.uniqueArray(httpPath, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(...pathEdges).map((p) => [p]),
      4,
    ),
    ingressClassName: prop(dirty, subdomain, ['', 'Nginx', rep(254), 'a_b', 'nginx.']),
    tlsSecretName: prop(dirty, subdomain, ['', 'TLS', rep(254), 'a_b', 'tls.']),
    annotations: prop(dirty, fc.dictionary(annotationKey, plainValue, { maxKeys: 2 }), [
      { 'a/b/c': 'x' },
      { 'UPPER.com/x': 'x' },
      { [rep(64)]: 'x' },
      { [`${rep(254)}/x`]: 'x' },
      { '/x': 'x' },
      { 'x/': 'x' },
      { 'a.com/b': rep(300_000, 'v') },
      { 'a.com/b': 5 },
      { 'kubernetes.io/ingress.class': '' },
    ]),
  };
  return props(shape, production ? ['tlsSecretName'] : []);
}

function webApp(dirty: boolean, production: boolean, profileHasHpa: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props(
    {
      name: prop(dirty, label(), nameEdges),
      ...workloadShape(dirty),
      ...scalingShape(dirty, production),
      port: prop(dirty, port, portEdges),
      servicePort: prop(dirty, port, portEdges),
      serviceType: prop(dirty, fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'), ['clusterip', 'ExternalName', '', 'Headless']),
      livenessPath: prop(dirty, httpPath, pathEdges),
      readinessPath: prop(dirty, httpPath, pathEdges),
      startupPath: prop(dirty, httpPath, pathEdges),
      ingress: fc.oneof(ingress(dirty, production), fc.constant(undefined)),
    },
    ['image', ...(production ? ['ingress'] : [])],
  ).map((p) => fixReplicas(p, profileHasHpa, dirty));
}

const probe = (dirty: boolean) =>
  fc.oneof(
    prop(
      dirty,
      fc.array(fc.constantFrom('true', 'celery', 'inspect', 'ping', '--timeout=5', 'ünï'), { minLength: 1, maxLength: 3 }).map((exec) => ({ exec })),
      [{ exec: [] }, { exec: [''] }, { exec: 'true' }, {}, { exec: ['true'], httpPort: 8081 }],
    ),
    fc.record({ httpPort: prop(dirty, port, portEdges), path: prop(dirty, httpPath, pathEdges) }, { requiredKeys: ['httpPort'] }),
  );

function worker(dirty: boolean, production: boolean, profileHasHpa: boolean): fc.Arbitrary<Record<string, unknown>> {
  const common = props({ name: prop(dirty, label(), nameEdges), ...workloadShape(dirty), ...scalingShape(dirty, production) }, ['image']).map((p) =>
    fixReplicas(p, profileHasHpa, dirty),
  );
  return fc
    .tuple(
      common,
      fc.oneof({ weight: 4, arbitrary: probe(dirty) }, { weight: 1, arbitrary: fc.constant(false) }),
      fc.constantFrom('queue consumer, no endpoint', '', '   ', 'x'),
    )
    .map(([p, pr, reason]) => (pr === false ? { ...p, probe: false, noProbeReason: dirty ? reason : 'queue consumer, no endpoint' } : { ...p, probe: pr }));
}

function batchShape(dirty: boolean, nameBoundaries: number[]): Record<string, fc.Arbitrary<unknown>> {
  return {
    name: prop(dirty, label(nameBoundaries), nameEdges),
    ...workloadShape(dirty),
    backoffLimit: prop(dirty, fc.integer({ min: 0, max: 10 }), [...intEdges, 2 ** 31 - 1]),
    activeDeadlineSeconds: prop(dirty, fc.integer({ min: 1, max: 86_400 }), [...intEdges, 2 ** 53 - 1]),
  };
}

function job(dirty: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props(
    { ...batchShape(dirty, [40, 46, 47, 48, 52, 53]), ttlSecondsAfterFinished: prop(dirty, fc.integer({ min: 0, max: 86_400 }), [...intEdges, 2 ** 31 - 1]) },
    ['image'],
  );
}

const cronField = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.integer({ min: 1, max: Math.max(1, max) }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${a},${b}`),
  );
const schedule = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(cronField(0, 59), cronField(0, 23), cronField(1, 31), cronField(1, 12), cronField(0, 6)).map((f) => f.join(' ')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '@daily',
      '@hourly',
      '@weekly',
      '@monthly',
      '@yearly',
      '@annually',
      '@midnight',
      '0 0 * * SUN',
      '0 0 1 JAN *',
      '0 0 * * 7',
      '0 0 31 2 *',
      '*/5 * * * *',
    ),
  },
);
const scheduleEdges = [
  '@every 5m',
  '@reboot',
  '60 * * * *',
  '* 24 * * *',
  '* * 0 * *',
  '* * * 13 *',
  '* * * * 8',
  '*/0 * * * *',
  'TZ=UTC 0 * * * *',
  'CRON_TZ=UTC 0 * * * *',
  '0 0 * * * *',
  '* * * *',
  '',
  ' ',
  '0-59/ * * * *',
  '1-0 * * * *',
  '? * * * *',
  '0 0 ? * *',
  '0 0 L * *',
  '0 0 * * 1#2',
  '0 0 * * MON-FRI',
  '0 0 * jan-mar *',
  `${rep(1000, '1')} * * * *`,
];
const timeZones = [
  'UTC',
  'Etc/UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Argentina/Buenos_Aires',
  'Etc/GMT+5',
  'Etc/GMT-14',
];
const timeZoneEdges = [
  'Local',
  'local',
  'utc',
  'EST',
  'EST5EDT',
  'GMT0',
  'Asia/Rangoon',
  'US/Pacific-New',
  'SystemV/PST8',
  'Canada/East-Saskatchewan',
  'ROC',
  'CST6CDT',
  'WET',
  'Etc/GMT+0',
  'America/Nuuk',
  'Pacific/Kanton',
  'Europe/Kyiv',
  'America/Ciudad_Juarez',
  'Mars/Olympus',
  'Europe/',
  '',
  ' UTC',
  'UTC ',
  'Etc/GMT+15',
  'Factory',
  'posixrules',
  'Asia/Calcutta',
  'Europe/Berlin\n',
];

function cronJob(dirty: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props(
    {
      ...batchShape(dirty, [40, 46, 47, 52, 53]),
      schedule: prop(dirty, schedule, scheduleEdges, 4),
      timeZone: prop(dirty, fc.constantFrom(...timeZones), timeZoneEdges, 4),
      concurrencyPolicy: prop(dirty, fc.constantFrom('Allow', 'Forbid', 'Replace'), ['allow', 'FORBID', '', 'Skip']),
      startingDeadlineSeconds: prop(dirty, fc.integer({ min: 10, max: 3600 }), [...intEdges, 9, 2 ** 53 - 1]),
      successfulJobsHistoryLimit: prop(dirty, fc.integer({ min: 0, max: 10 }), [...intEdges, 2 ** 31 - 1]),
      failedJobsHistoryLimit: prop(dirty, fc.integer({ min: 0, max: 10 }), [...intEdges, 2 ** 31 - 1]),
      suspend: prop(dirty, fc.boolean(), boolEdges),
    },
    ['image', 'schedule'],
  );
}

const storage = fc.oneof(
  fc.integer({ min: 1, max: 500 }).map((n) => `${n}Gi`),
  fc.constantFrom('512Mi', '1Ti', '10G', '1.5Gi', '100000000000', '1e10'),
);
const storageEdges = ['8Pi', '9Pi', '0', '0Gi', '1', '1m', '1.5', '1e3', '-1Gi', '10GB', '10gi', '1Ei', '99999999999999999999Ei', '0.1Ki', '', ' 10Gi', 5];

function postgres(dirty: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props({
    name: prop(dirty, label([46, 47, 48, 50, 52, 53]), nameEdges),
    image: prop(dirty, fc.oneof(fc.constantFrom('postgres:16.6-alpine', 'postgres:17.2'), image), imageEdges),
    database: prop(dirty, fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/), ['', 'App', '1db', 'a-b', rep(63, 'd'), rep(64, 'd'), 'ünï', "a'b", 'postgres']),
    storage: prop(dirty, storage, storageEdges),
    storageClassName: prop(dirty, subdomain, ['', 'Fast', rep(254), 'a_b']),
    credentialsSecret: prop(dirty, subdomain, ['', 'Creds', rep(254), 'a_b', 'a..b']),
    resources: resources(dirty, 64),
    runAsUser: prop(dirty, fc.constantFrom(70, 999, 1000, 2 ** 31 - 1), [0, -1, 2 ** 31]),
  });
}

function redis(dirty: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props({
    name: prop(dirty, label([46, 47, 48, 50, 52, 53]), nameEdges),
    image: prop(dirty, fc.oneof(fc.constantFrom('redis:7.4.2-alpine', 'redis:7.2'), image), imageEdges),
    maxmemory: prop(
      dirty,
      fc.integer({ min: 1, max: 64 }).map((n) => `${n}mb`),
      ['0', '0mb', '1.5mb', '1gb', '100', '256MB', '256Mi', '1tb', '-1mb', '', 'x'],
    ),
    maxmemoryPolicy: prop(dirty, fc.constantFrom('noeviction', 'allkeys-lru', 'allkeys-lfu', 'volatile-ttl', 'volatile-lru', 'allkeys-random'), [
      'LRU',
      '',
      'none',
    ]),
    passwordSecret: prop(dirty, fc.record({ secretName: subdomain, key: fc.constantFrom('password', 'redis-password', 'a.b', 'A_B') }), [
      { secretName: '', key: 'p' },
      { secretName: 's', key: '' },
      { secretName: 's', key: 'a/b' },
      { secretName: 's', key: '..p' },
      { secretName: 's', key: '.' },
      { secretName: 'S', key: 'p' },
      { secretName: 's', key: rep(254) },
      { secretName: 's' },
    ]),
    persistence: prop(dirty, fc.boolean(), boolEdges),
    storage: prop(dirty, storage, storageEdges),
    resources: resources(dirty, 128),
    runAsUser: prop(dirty, fc.constantFrom(999, 1000), [0, -1, 2 ** 31]),
  });
}

const configKey = fc
  .string({ unit: fc.constantFrom(...alnum, '-', '_', '.'), minLength: 1, maxLength: 30 })
  .filter((k) => !/pass|secret|token|key|cred|auth/i.test(k) && k !== '__proto__' && k !== 'constructor');
const fileKeyEdges = [
  'a/b',
  '..',
  '.',
  '..a',
  '..data',
  '...',
  'a/..',
  'a..b',
  '.hidden',
  rep(253),
  rep(254),
  '',
  'a b',
  'é',
  'app.properties',
  'a\\b',
  '-a',
  '_a',
];
const fileContent = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 60 }).filter((v) => !/[@:=]/.test(v)) },
  { weight: 1, arbitrary: fc.constantFrom(rep(200_000, 'c'), rep(600_000, 'c'), 'ünïcödé\n', '\u0000binary') },
);
const fileContentEdges = [rep(1024 * 1024, 'c'), rep(1024 * 1024 - 200, 'c'), rep(1024 * 1024 + 1, 'c'), '', 5, null];

function configBundle(dirty: boolean): fc.Arbitrary<Record<string, unknown>> {
  return props({
    name: prop(dirty, label([50, 53, 54, 56, 57, 58, 63]), nameEdges),
    settings: prop(
      dirty,
      fc.dictionary(envName, plainValue, { maxKeys: 4 }),
      fc.tuple(fc.constantFrom(...envNameEdges), fc.oneof(plainValue, fc.constantFrom(...valueEdges))).map(([k, v]) => ({ [String(k)]: v })),
      5,
    ),
    secrets: prop(
      dirty,
      fc.dictionary(
        envName.map((n) => `${n}_SECRET`),
        fc.record({ secretName: subdomain, key: configKey }),
        { maxKeys: 2 },
      ),
      [
        { X_SECRET: { secretName: 's', key: '..' } },
        { X_SECRET: { secretName: 's', key: '.' } },
        { X_SECRET: { secretName: 's.', key: 'k' } },
        { X_SECRET: { secretName: 's', key: 'a/b' } },
        { X_SECRET: { secretName: 'S', key: 'k' } },
        { X_SECRET: { secretName: 's', key: rep(254) } },
        { 'A B': { secretName: 's', key: 'k' } },
        { X_SECRET: 's' },
      ],
    ),
    files: prop(
      dirty,
      fc.dictionary(configKey, fileContent, { maxKeys: 3 }),
      fc.tuple(fc.constantFrom(...fileKeyEdges), fc.oneof(fileContent, fc.constantFrom(...fileContentEdges))).map(([k, v]) => ({ [k]: v })),
      4,
    ),
    mountPath: prop(dirty, fc.constantFrom('/app/config', '/etc/app', '/config', '/srv/app/conf.d'), [
      '/tmp',
      '/',
      '//x',
      'relative',
      '/a:b',
      '/a/../b',
      '/etc',
      '',
      `/${rep(300)}`,
    ]),
  });
}

// ------------------------------------------------------------------------------------- cases

const namespaceEdges = ['default', 'kube-system', 'kube-fuzz', 'Fuzz', 'fuzz_ns', '-fuzz', 'fuzz.ns', ''];

/** The namespace: a length (63 and 64 included) that `namespaceFor` fills with the case's index, sometimes an edge value. */
function namespace(dirty: boolean): fc.Arbitrary<number | string> {
  const length = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(62, 63, 64) });
  return dirty ? fc.oneof({ weight: 12, arbitrary: length }, { weight: 1, arbitrary: fc.constantFrom(...namespaceEdges) }) : length;
}

/** A namespace unique to case `index` (`f<index>-nnn…` of the drawn length), or the drawn edge value. */
export function namespaceFor(drawn: number | string, index: number): string {
  if (typeof drawn === 'string') return drawn;
  const prefix = `f${index}-`;
  return prefix + 'n'.repeat(Math.max(1, drawn - prefix.length));
}

const HPA_PROFILES = new Set(['staging', 'prod']);

/** Profile overrides: a domain (long ones make `<name>.<domain>` Ingress hosts long), volume sizes, TLS, replicas. */
function profileOverrides(dirty: boolean, production: boolean): fc.Arbitrary<Record<string, unknown>> {
  const longDomain = `${rep(63, 'd')}.${rep(63, 'd')}.${rep(63, 'd')}.com`;
  return props({
    domain: prop(dirty, fc.oneof(fc.constantFrom('example.com', 'apps.internal.example.org', longDomain), hostname), [
      `${rep(63, 'd')}.${rep(63, 'd')}.${rep(63, 'd')}.${rep(50, 'd')}`,
      '*.example.com',
      'example.com:443',
      'localhost',
      '',
    ]),
    postgresStorage: prop(dirty, storage, storageEdges),
    redisStorage: prop(dirty, storage, storageEdges),
    tls: prop(dirty, production ? fc.constant(true) : fc.boolean(), boolEdges),
    replicas: prop(dirty, count(production ? 2 : 1, 5), [0, -1, 1.5, 2 ** 31]),
  });
}

/** Object names that other constructs derive: `<db>-headless`, `<db>-backup`, `<bundle>-files`. */
const DERIVED_SUFFIXES = ['-headless', '-backup', '-files', ''];

function variant(profile: 'dev' | 'staging' | 'prod', dirty: boolean) {
  const production = profile === 'prod';
  const hpa = HPA_PROFILES.has(profile);
  const kinds: Record<ComponentKind, fc.Arbitrary<Record<string, unknown>>> = {
    ConfigBundle: configBundle(dirty),
    PostgresDb: postgres(dirty),
    RedisCache: redis(dirty),
    Job: job(dirty),
    CronJob: cronJob(dirty),
    WebApp: webApp(dirty, production, hpa),
    Worker: worker(dirty, production, hpa),
  };
  const component = fc.oneof(...(Object.keys(kinds) as ComponentKind[]).map((kind) => kinds[kind].map((p) => ({ kind, props: p }))));
  return fc.record({
    profile: fc.constant(profile),
    dirty: fc.constant(dirty),
    namespace: namespace(dirty),
    partOf: prop(dirty, fc.oneof(fc.constant(undefined), label()), [rep(63), rep(64), 'Shop', '', 'a.b']),
    managedBy: prop(dirty, fc.constant(undefined), [rep(63), rep(64), 'Helm', '']),
    profileOverrides: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: profileOverrides(dirty, production) }),
    parts: fc.array(component, { minLength: 1, maxLength: 4 }),
    wiring: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 4, maxLength: 4 }),
  });
}

/** One whole app: a few components of random kinds, wired at random. */
export function caseArbitrary(): fc.Arbitrary<CaseSpec> {
  // One arbitrary per profile and cleanliness, built once: building arbitraries inside `chain` is slow.
  const variants = (['dev', 'staging', 'prod'] as const).flatMap((profile) => [false, true].map((dirty) => variant(profile, dirty)));
  return fc.oneof(...variants).map(({ profile, dirty, namespace: ns, partOf, managedBy, profileOverrides: overrides, parts, wiring }) => {
    // Construction order: bundles, servers, Jobs, then the rest, so that every reference points back.
    const order: ComponentKind[] = ['ConfigBundle', 'PostgresDb', 'RedisCache', 'Job', 'CronJob', 'WebApp', 'Worker'];
    const sorted = [...parts].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    const idx = (k: ComponentKind[]) => sorted.map((c, i) => (k.includes(c.kind) ? i : -1)).filter((i) => i >= 0);
    const bundles = idx(['ConfigBundle']);
    const servers = idx(['PostgresDb', 'RedisCache']);
    const jobs = idx(['Job']);
    const pick = (from: number[], seed: number) => from.filter((_, j) => (seed >> j) & 1);
    const names: string[] = [];
    const components: ComponentSpec[] = sorted.map((c, i) => {
      const w = wiring[i % wiring.length];
      // Now and then a name that collides with an object another construct derives from its name.
      let p = c.props;
      if (i > 0 && w[0] % 6 === 0 && typeof names[w[1] % i] === 'string')
        p = { ...p, name: names[w[1] % i] + DERIVED_SUFFIXES[w[2] % DERIVED_SUFFIXES.length] };
      names.push(typeof p.name === 'string' ? p.name : `${c.kind.toLowerCase()}${i}`);
      const workload = ['Job', 'CronJob', 'WebApp', 'Worker'].includes(c.kind);
      return {
        kind: c.kind,
        id: `${c.kind.toLowerCase()}${i}`,
        props: p,
        config: workload ? pick(bundles, w[0]) : [],
        connect: workload ? pick(servers, w[1]) : [],
        runsAfter: c.kind === 'WebApp' || c.kind === 'Worker' ? pick(jobs, w[2]) : [],
      };
    });
    return { profile, namespace: ns, partOf, managedBy, profileOverrides: overrides, dirty, components };
  });
}

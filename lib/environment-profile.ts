import { AUTOSCALING_FIELDS, RESOURCE_FIELDS, fieldsOf, validateAutoscaling, validateResources } from './private/resources';
import {
  Subject,
  assertValid,
  checkBoolean,
  checkByteQuantity,
  checkDnsLabel,
  checkHostname,
  checkInt32Max,
  checkInteger,
  checkNamespaceName,
  checkRecord,
  fail,
} from './private/validate';

/** CPU and memory requests and limits of one container. */
export interface ResourceSpec {
  /** CPU request, e.g. `100m`. */
  readonly cpuRequest: string;
  /** Memory request, e.g. `128Mi`. */
  readonly memoryRequest: string;
  /** CPU limit, e.g. `500m`. */
  readonly cpuLimit: string;
  /** Memory limit, e.g. `256Mi`. */
  readonly memoryLimit: string;
}

/** Horizontal Pod Autoscaler settings. */
export interface AutoscalingSpec {
  /** Fewest replicas the HPA keeps. */
  readonly minReplicas: number;
  /** Most replicas the HPA may run. */
  readonly maxReplicas: number;
  /** Average CPU utilisation, in percent of the request, that the HPA aims for. */
  readonly targetCpuPercent: number;
}

/**
 * The defaults of one environment. Constructs created inside an `Environment` read their
 * defaults from its profile; every one of them can still be overridden per construct.
 */
export interface EnvironmentProfile {
  /** Short name of the environment: `dev`, `staging`, `prod` or your own. */
  readonly name: string;
  /** Namespace that every object of the environment lives in; not `default` and no `kube-*` namespace. */
  readonly namespace: string;
  /**
   * Production rules: at least two web replicas, a PDB and topology spread, pinned images,
   * resource limits and TLS on every Ingress. Breaking one fails synthesis.
   */
  readonly production: boolean;
  /** Web replicas when no HPA owns them. */
  readonly replicas: number;
  /**
   * HPA for web workloads; `undefined` turns autoscaling off.
   * @default - no HPA: web workloads run `replicas` pods
   */
  readonly autoscaling?: AutoscalingSpec;
  /** Default resources per workload kind. */
  readonly resources: {
    /** Requests and limits of a `WebApp` container. */
    readonly web: ResourceSpec;
    /** Requests and limits of a `PostgresDb` container. */
    readonly postgres: ResourceSpec;
    /** Requests and limits of a `RedisCache` container. */
    readonly redis: ResourceSpec;
    /** Requests and limits of a `Worker` container. */
    readonly worker: ResourceSpec;
    /** Requests and limits of a `Job` or `CronJob` container. */
    readonly job: ResourceSpec;
  };
  /** Default size of the Postgres volume. */
  readonly postgresStorage: string;
  /** Default size of the Redis volume when persistence is on. */
  readonly redisStorage: string;
  /** Spread web pods across zones as well as nodes. */
  readonly zoneSpread: boolean;
  /** DNS domain that Ingress hosts are built from, e.g. `dev.example.com`. */
  readonly domain: string;
  /** Terminate TLS on every Ingress. */
  readonly tls: boolean;
  /**
   * How long a rollout of a web Deployment may go without progress before it counts as failed, in
   * seconds. It is rendered as the Deployment's `spec.progressDeadlineSeconds`, so `kubectl rollout
   * status` fails and Argo CD marks the app Degraded when new pods do not become Ready in time
   * (the old ones keep serving: maxUnavailable is 0), and `ChartResources` sets the same bound
   * (plus a grace for the controller's verdict to arrive) as the Pulumi resource's
   * `customTimeouts`, so a `pulumi up` of a broken release fails instead of waiting 10 minutes.
   * Keep it above the web pods' startup allowance (60 s with a startup probe). The built-in
   * profiles set dev 120, staging 300 and prod 600.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
   * @default 600 (Kubernetes' own default)
   */
  readonly rolloutTimeoutSeconds?: number;
}

const small: ResourceSpec = { cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '128Mi' };

/**
 * The built-in profiles. Derive your own with `defineProfile`. They are deeply frozen: an
 * assignment such as `Profiles.prod.production = false` throws (in strict mode) instead of
 * silently turning off the production rules of every later `prod` Environment.
 */
export const Profiles: {
  /** One web replica, no HPA, no TLS, domain `dev.example.com`, rollouts fail after 120 s without progress. */
  readonly dev: EnvironmentProfile;
  /** HPA from 2 to 5 replicas at 60% CPU, TLS, domain `staging.example.com`, rollouts fail after 300 s without progress. */
  readonly staging: EnvironmentProfile;
  /** Production rules, HPA from 3 to 10 replicas at 50% CPU, zone spread, TLS, domain `example.com`, rollouts fail after 600 s without progress. */
  readonly prod: EnvironmentProfile;
} = frozenCopy({
  dev: {
    name: 'dev',
    namespace: 'dev',
    production: false,
    replicas: 1,
    autoscaling: undefined,
    resources: {
      web: small,
      postgres: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' },
      redis: { cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '320Mi' },
      worker: small,
      job: { cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '500m', memoryLimit: '256Mi' },
    },
    postgresStorage: '10Gi',
    redisStorage: '1Gi',
    zoneSpread: false,
    domain: 'dev.example.com',
    tls: false,
    // One pod: twice its 60 s startup allowance is enough to tell a broken release quickly.
    rolloutTimeoutSeconds: 120,
  },
  staging: {
    name: 'staging',
    namespace: 'staging',
    production: false,
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuPercent: 60 },
    resources: {
      web: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' },
      postgres: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '1', memoryLimit: '512Mi' },
      redis: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '250m', memoryLimit: '320Mi' },
      worker: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' },
      job: { cpuRequest: '100m', memoryRequest: '128Mi', cpuLimit: '1', memoryLimit: '512Mi' },
    },
    postgresStorage: '10Gi',
    redisStorage: '2Gi',
    zoneSpread: false,
    domain: 'staging.example.com',
    tls: true,
    rolloutTimeoutSeconds: 300,
  },
  prod: {
    name: 'prod',
    namespace: 'prod',
    production: true,
    replicas: 3,
    autoscaling: { minReplicas: 3, maxReplicas: 10, targetCpuPercent: 50 },
    resources: {
      web: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '1', memoryLimit: '512Mi' },
      postgres: { cpuRequest: '500m', memoryRequest: '1Gi', cpuLimit: '2', memoryLimit: '2Gi' },
      redis: { cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '500m', memoryLimit: '384Mi' },
      worker: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '1', memoryLimit: '512Mi' },
      job: { cpuRequest: '250m', memoryRequest: '256Mi', cpuLimit: '1', memoryLimit: '1Gi' },
    },
    postgresStorage: '10Gi',
    redisStorage: '5Gi',
    zoneSpread: true,
    domain: 'example.com',
    tls: true,
    // Kubernetes' default: pods on fresh nodes (autoscaler, image pulls) may take minutes.
    rolloutTimeoutSeconds: 600,
  },
});

/** Overrides accepted by `defineProfile`; nested resources may be given in part. */
export type ProfileOverrides = Partial<Omit<EnvironmentProfile, 'resources'>> & {
  /**
   * Resources per workload kind; a kind given replaces that kind's `ResourceSpec`, the others keep the base's.
   * @default - the base profile's `resources`
   */
  readonly resources?: Partial<EnvironmentProfile['resources']>;
};

/**
 * Derives a profile from a base profile, validating the result. Resources are merged per workload
 * kind; `autoscaling: undefined` turns autoscaling off. A key that is not a profile field fails
 * (with the nearest field as a suggestion) rather than being ignored. The result is a deeply
 * frozen copy: neither the base nor the objects passed in `overrides` are shared or frozen.
 *
 * @example defineProfile(Profiles.prod, { name: 'prod-eu', namespace: 'shop-prod-eu', domain: 'eu.example.com' })
 */
export function defineProfile(base: EnvironmentProfile, overrides: ProfileOverrides = {}): EnvironmentProfile {
  const baseSubject: Subject = { kind: KIND, path: nameOf(base) };
  assertValid(baseSubject, 'base', base, isRecord(base) ? undefined : 'must be an EnvironmentProfile such as Profiles.dev');
  assertValid(baseSubject, 'overrides', overrides, isRecord(overrides) ? undefined : 'must be an object of profile fields such as { replicas: 2 }');
  const resources =
    overrides.resources === undefined
      ? base.resources
      : isRecord(base.resources) && isRecord(overrides.resources)
        ? { ...base.resources, ...overrides.resources }
        : overrides.resources;
  const profile = { ...base, ...overrides, resources } as EnvironmentProfile;
  validateProfile(profile);
  // Validation has checked every key and value, so the copy holds only our own objects.
  return frozenCopy(profile);
}

/** Throws a ValidationError naming the profile field when a profile is malformed or has a key it does not know. */
export function validateProfile(profile: EnvironmentProfile): void {
  const subject: Subject = { kind: KIND, path: nameOf(profile) };
  assertValid(subject, 'profile', profile, checkRecord(profile));
  assertKnownKeys(subject, '', profile, PROFILE_FIELDS, 'a profile field', 'fields');
  assertValid(subject, 'name', profile.name, checkDnsLabel(profile.name));
  assertValid(subject, 'namespace', profile.namespace, checkNamespaceName(profile.namespace));
  assertValid(subject, 'production', profile.production, checkBoolean(profile.production));
  assertValid(subject, 'replicas', profile.replicas, checkInteger(profile.replicas, 1) ?? checkInt32Max(profile.replicas));
  assertValid(subject, 'zoneSpread', profile.zoneSpread, checkBoolean(profile.zoneSpread));
  assertValid(subject, 'tls', profile.tls, checkBoolean(profile.tls));
  assertValid(subject, 'domain', profile.domain, checkHostname(profile.domain));
  assertValid(subject, 'postgresStorage', profile.postgresStorage, checkByteQuantity(profile.postgresStorage));
  assertValid(subject, 'redisStorage', profile.redisStorage, checkByteQuantity(profile.redisStorage));
  if (profile.rolloutTimeoutSeconds !== undefined) {
    const t = profile.rolloutTimeoutSeconds;
    assertValid(subject, 'rolloutTimeoutSeconds', t, checkInteger(t, 1) ?? checkInt32Max(t));
  }
  assertValid(subject, 'resources', profile.resources, checkRecord(profile.resources));
  assertKnownKeys(subject, 'resources.', profile.resources, WORKLOAD_KINDS, 'a workload kind', 'kinds');
  for (const kind of WORKLOAD_KINDS) {
    assertKnownKeys(subject, `resources.${kind}.`, profile.resources[kind], RESOURCE_FIELDS, 'a ResourceSpec field', 'fields');
    validateResources(subject, `resources.${kind}`, profile.resources[kind]);
  }
  if (profile.autoscaling !== undefined) {
    assertKnownKeys(subject, 'autoscaling.', profile.autoscaling, AUTOSCALING_FIELDS, 'an AutoscalingSpec field', 'fields');
    validateAutoscaling(subject, 'autoscaling', profile.autoscaling);
  }
}

// --- private helpers ---------------------------------------------------------------------------

const KIND = 'environment-profile';

const PROFILE_FIELDS = fieldsOf<EnvironmentProfile>({
  name: true,
  namespace: true,
  production: true,
  replicas: true,
  autoscaling: true,
  resources: true,
  postgresStorage: true,
  redisStorage: true,
  zoneSpread: true,
  domain: true,
  tls: true,
  rolloutTimeoutSeconds: true,
});

const WORKLOAD_KINDS = fieldsOf<EnvironmentProfile['resources']>({ web: true, postgres: true, redis: true, worker: true, job: true });

/** The profile's name for error messages, or `<unnamed>` when it has none to show. */
function nameOf(profile: unknown): string {
  return isRecord(profile) && typeof profile.name === 'string' ? profile.name : '<unnamed>';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return checkRecord(value) === undefined;
}

/**
 * Fails on the first own key of `value` that is not in `known`, suggesting the nearest known key
 * when it is close enough to be a typo and listing all of them otherwise. Non-objects are left
 * for the caller's own check.
 */
function assertKnownKeys(subject: Subject, prefix: string, value: unknown, known: readonly string[], what: string, plural: string): void {
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    const hint = near === undefined ? `the ${plural} are ${known.map((k) => `'${k}'`).join(', ')}` : `did you mean '${near}'?`;
    fail(subject, `${prefix}${key}`, value[key], `is not ${what} (${hint})`);
  }
}

/**
 * The candidate with the smallest edit distance to `key`, ignoring case, when that distance is at
 * most 2 (or a third of the key's length for long keys): close enough to be a typo. Ties go to the
 * first candidate.
 */
function nearest(key: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * A copy of `value` in which every plain object is a new, frozen object, recursively. Applied to
 * validated profiles only, which are trees of records and primitives.
 */
function frozenCopy<T>(value: T): T {
  if (!isRecord(value)) return value;
  return Object.freeze(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, frozenCopy(v)]))) as T;
}

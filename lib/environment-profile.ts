import {
  Subject,
  assertValid,
  checkBoolean,
  checkDnsLabel,
  checkHostname,
  checkInteger,
  checkQuantity,
  checkRecord,
  fail,
  quantityValue,
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
  /** Namespace that every object of the environment lives in. */
  readonly namespace: string;
  /**
   * Production rules: at least two web replicas, a PDB and topology spread, pinned images,
   * resource limits and TLS on every Ingress. Breaking one fails synthesis.
   */
  readonly production: boolean;
  /** Web replicas when no HPA owns them. */
  readonly replicas: number;
  /** HPA for web workloads; `undefined` turns autoscaling off. */
  readonly autoscaling?: AutoscalingSpec;
  /** Default resources per workload kind. */
  readonly resources: {
    readonly web: ResourceSpec;
    readonly postgres: ResourceSpec;
    readonly redis: ResourceSpec;
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
}

const small: ResourceSpec = { cpuRequest: '50m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '128Mi' };

/** The built-in profiles. Derive your own with `defineProfile`. */
export const Profiles: { readonly dev: EnvironmentProfile; readonly staging: EnvironmentProfile; readonly prod: EnvironmentProfile } = {
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
    },
    postgresStorage: '10Gi',
    redisStorage: '1Gi',
    zoneSpread: false,
    domain: 'dev.example.com',
    tls: false,
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
    },
    postgresStorage: '10Gi',
    redisStorage: '2Gi',
    zoneSpread: false,
    domain: 'staging.example.com',
    tls: true,
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
    },
    postgresStorage: '10Gi',
    redisStorage: '5Gi',
    zoneSpread: true,
    domain: 'example.com',
    tls: true,
  },
};

/** Overrides accepted by `defineProfile`; nested resources may be given in part. */
export type ProfileOverrides = Partial<Omit<EnvironmentProfile, 'resources'>> & {
  readonly resources?: Partial<EnvironmentProfile['resources']>;
};

/**
 * Derives a profile from a base profile, validating the result.
 *
 * @example defineProfile(Profiles.prod, { name: 'prod-eu', namespace: 'shop-prod-eu', domain: 'eu.example.com' })
 */
export function defineProfile(base: EnvironmentProfile, overrides: ProfileOverrides = {}): EnvironmentProfile {
  const profile: EnvironmentProfile = {
    ...base,
    ...overrides,
    resources: { ...base.resources, ...(overrides.resources ?? {}) },
  };
  validateProfile(profile);
  return profile;
}

/** Throws a ValidationError naming the profile field when a profile is malformed. */
export function validateProfile(profile: EnvironmentProfile): void {
  const subject: Subject = { kind: 'environment-profile', path: String(profile?.name) };
  assertValid(subject, 'profile', profile, checkRecord(profile));
  assertValid(subject, 'name', profile.name, checkDnsLabel(profile.name));
  assertValid(subject, 'namespace', profile.namespace, checkDnsLabel(profile.namespace));
  assertValid(subject, 'production', profile.production, checkBoolean(profile.production));
  assertValid(subject, 'replicas', profile.replicas, checkInteger(profile.replicas, 1));
  assertValid(subject, 'zoneSpread', profile.zoneSpread, checkBoolean(profile.zoneSpread));
  assertValid(subject, 'tls', profile.tls, checkBoolean(profile.tls));
  assertValid(subject, 'domain', profile.domain, checkHostname(profile.domain));
  assertValid(subject, 'postgresStorage', profile.postgresStorage, checkQuantity(profile.postgresStorage));
  assertValid(subject, 'redisStorage', profile.redisStorage, checkQuantity(profile.redisStorage));
  assertValid(subject, 'resources', profile.resources, checkRecord(profile.resources));
  for (const kind of ['web', 'postgres', 'redis'] as const) {
    validateResources(subject, `resources.${kind}`, profile.resources[kind]);
  }
  if (profile.autoscaling !== undefined) validateAutoscaling(subject, 'autoscaling', profile.autoscaling);
}

/** Validates a ResourceSpec: four quantities, with each request no larger than its limit. */
export function validateResources(subject: Subject, prop: string, spec: ResourceSpec): void {
  assertValid(subject, prop, spec, checkRecord(spec));
  for (const field of ['cpuRequest', 'memoryRequest', 'cpuLimit', 'memoryLimit'] as const) {
    assertValid(subject, `${prop}.${field}`, spec[field], checkQuantity(spec[field]));
  }
  if (quantityValue(spec.cpuRequest) > quantityValue(spec.cpuLimit)) {
    fail(subject, `${prop}.cpuRequest`, spec.cpuRequest, `must not exceed cpuLimit ${spec.cpuLimit}`);
  }
  if (quantityValue(spec.memoryRequest) > quantityValue(spec.memoryLimit)) {
    fail(subject, `${prop}.memoryRequest`, spec.memoryRequest, `must not exceed memoryLimit ${spec.memoryLimit}`);
  }
}

/** Validates HPA settings: 1 <= min <= max and a CPU target from 1 to 100 percent. */
export function validateAutoscaling(subject: Subject, prop: string, spec: AutoscalingSpec): void {
  assertValid(subject, prop, spec, checkRecord(spec));
  assertValid(subject, `${prop}.minReplicas`, spec.minReplicas, checkInteger(spec.minReplicas, 1));
  assertValid(subject, `${prop}.maxReplicas`, spec.maxReplicas, checkInteger(spec.maxReplicas, 1));
  if (spec.minReplicas > spec.maxReplicas) {
    fail(subject, `${prop}.minReplicas`, spec.minReplicas, `must not exceed maxReplicas (${spec.maxReplicas})`);
  }
  assertValid(subject, `${prop}.targetCpuPercent`, spec.targetCpuPercent, checkInteger(spec.targetCpuPercent, 1, 100));
}

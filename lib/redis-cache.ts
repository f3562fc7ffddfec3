import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClientWorkload, Connectable } from './connection';
import { SecretKeyReference } from './config-bundle';
import { Environment } from './environment';
import { ResourceSpec } from './environment-profile';
import { validateResources } from './private/resources';
import { objectMeta } from './private/meta';
import { LintCheck, lintWaivers, workloadLintChecks } from './private/lint';
import { HardenedPod, WritablePath } from './private/pod';
import { orUndefined, protectedAnnotations, protectedClaimAnnotations } from './private/protect';
import { ServerEndpoints, claimServer, execProbe, hostPortEnv, secretKeyEnv, tcpProbe } from './private/server';
import {
  Subject,
  assertValid,
  checkBoolean,
  checkConfigKey,
  checkDnsLabel,
  checkDnsSubdomain,
  checkByteQuantity,
  checkImage,
  checkInstanceLabel,
  checkOneOf,
  checkPinnedImage,
  checkRecord,
  checkServiceName,
  checkStatefulSetName,
  checkUid,
  fail,
  quantityValue,
} from './private/validate';

/** Eviction policies accepted by `--maxmemory-policy`. */
export type RedisEvictionPolicy =
  'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl';

const EVICTION_POLICIES: readonly RedisEvictionPolicy[] = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
];

/** Props of a {@link RedisCache}. */
export interface RedisCacheProps {
  /**
   * Name of the workload and of its Service: a DNS-1035 label of at most 54 characters, 52 with
   * `persistence` (a StatefulSet's controller labels each pod `controller-revision-hash: <name>-<hash>`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Container image. Redis 7 on Alpine, whose `redis` user is UID 999.
   * @default 'redis:7.4.2-alpine'
   */
  readonly image?: string;
  /**
   * Memory limit of the data set, passed as `--maxmemory` (Redis units: `256mb`, `1gb`).
   * @default '256mb'
   * @see https://redis.io/docs/latest/develop/reference/eviction/
   */
  readonly maxmemory?: string;
  /**
   * Eviction policy, passed as `--maxmemory-policy`.
   * @default 'allkeys-lru'
   */
  readonly maxmemoryPolicy?: RedisEvictionPolicy;
  /**
   * Secret key holding the password; when set, Redis starts with `--requirepass` and clients get
   * it through REDIS_PASSWORD.
   * @default - no password (the NetworkPolicy still admits only wired clients)
   */
  readonly passwordSecret?: SecretKeyReference;
  /**
   * Keep data across restarts: `--appendonly yes` on a volume claim, in a StatefulSet.
   * @default false
   */
  readonly persistence?: boolean;
  /**
   * Size of the volume when `persistence` is on.
   * @default - the profile's `redisStorage`
   */
  readonly storage?: string;
  /**
   * Requests and limits; fields left out come from the profile.
   * @default - the profile's `resources.redis`
   */
  readonly resources?: Partial<ResourceSpec>;
  /**
   * UID and GID the server runs as.
   * @default 999
   */
  readonly runAsUser?: number;
  /**
   * With `persistence`, protect the data from an accidental delete: the StatefulSet carries
   * `kubestack.io/protect: "true"`, which `kubestack/pulumi` deploys with `protect` and
   * `retainOnDelete` (and the Namespace with it), and its claim template carries Argo CD's
   * `argocd.argoproj.io/sync-options: Prune=false,Delete=false`. Without persistence there is no
   * data to protect, and it has no effect.
   * @default - true in production profiles, false otherwise
   */
  readonly protectData?: boolean;
}

/**
 * Redis as a cache: a Deployment (a StatefulSet with a claim when persistence is on) and a
 * Service on 6379, started with `--maxmemory` and `--maxmemory-policy`. Ingress is denied except
 * from workloads wired with `WebApp.connect()`.
 */
export class RedisCache extends Construct implements Connectable {
  /** Port the server and its Service listen on. */
  public static readonly PORT = 6379;

  /** Name of the workload and of its Service. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** Memory limit of the data set (`--maxmemory`). */
  public readonly maxmemory: string;
  /** Eviction policy (`--maxmemory-policy`). */
  public readonly maxmemoryPolicy: RedisEvictionPolicy;
  /** Secret key holding the password; `undefined` when Redis runs without one. */
  public readonly passwordSecret?: SecretKeyReference;
  /** Whether data is kept on a volume claim across restarts. */
  public readonly persistence: boolean;
  /** Size of the volume claim; used only when `persistence` is on. */
  public readonly storage: string;
  /** Requests and limits of the container: the props' fields over the profile's `resources.redis`. */
  public readonly resources: ResourceSpec;
  /** UID and GID the server runs as. */
  public readonly runAsUser: number;
  /** Host name of the Service. */
  public readonly host: string;
  /** Port of the Service: {@link RedisCache.PORT}. */
  public readonly port = RedisCache.PORT;
  /** Labels that select the server's pod. */
  public readonly selector: Record<string, string>;
  /** The Deployment, or the StatefulSet when persistence is on. */
  public readonly workload: k8s.KubeDeployment | k8s.KubeStatefulSet;
  /** The Service (ClusterIP) that `host` names. */
  public readonly service: k8s.KubeService;
  /** Whether the StatefulSet and its claim are marked protected (only ever with `persistence`). */
  public readonly protectData: boolean;

  private readonly endpoints: ServerEndpoints;

  /**
   * Validates the props against the Environment's profile and creates the server's objects.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the server's settings, all optional
   * @throws ValidationError when a prop is not allowed, e.g. a `maxmemory` not below the memory limit
   */
  constructor(scope: Construct, id: string, props: RedisCacheProps = {}) {
    super(scope, id);
    const subject: Subject = { kind: 'redis-cache', path: this.node.path };
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);

    this.name = props.name ?? id;
    this.image = props.image ?? 'redis:7.4.2-alpine';
    this.maxmemory = props.maxmemory ?? '256mb';
    this.maxmemoryPolicy = props.maxmemoryPolicy ?? 'allkeys-lru';
    this.passwordSecret = props.passwordSecret;
    this.persistence = props.persistence ?? false;
    this.storage = props.storage ?? env.profile.redisStorage;
    this.runAsUser = props.runAsUser ?? 999;
    this.resources = { ...env.profile.resources.redis, ...(props.resources ?? {}) };
    const protectData = props.protectData ?? env.profile.production;

    assertValid(subject, 'name', this.name, checkDnsLabel(this.name, 54));
    assertValid(subject, 'name', this.name, checkServiceName(this.name));
    if (this.persistence === true) assertValid(subject, 'name', this.name, checkStatefulSetName(this.name));
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, env.profile.name));
    assertValid(subject, 'image', this.image, checkImage(this.image));
    assertValid(subject, 'image', this.image, checkPinnedImage(this.image, env.profile.production));
    assertValid(
      subject,
      'maxmemory',
      this.maxmemory,
      typeof this.maxmemory === 'string' && /^[1-9][0-9]*(b|kb|mb|gb|k|m|g)?$/i.test(this.maxmemory)
        ? undefined
        : "must be a Redis memory size such as '256mb' or '1gb'",
    );
    assertValid(subject, 'maxmemoryPolicy', this.maxmemoryPolicy, checkOneOf(this.maxmemoryPolicy, EVICTION_POLICIES));
    assertValid(subject, 'persistence', this.persistence, checkBoolean(this.persistence));
    assertValid(subject, 'protectData', protectData, checkBoolean(protectData));
    this.protectData = this.persistence && protectData;
    assertValid(subject, 'storage', this.storage, checkByteQuantity(this.storage));
    if (quantityValue(this.storage) <= 0) fail(subject, 'storage', this.storage, 'must be larger than zero');
    assertValid(subject, 'runAsUser', this.runAsUser, checkUid(this.runAsUser));
    if (props.resources !== undefined) assertValid(subject, 'resources', props.resources, checkRecord(props.resources));
    validateResources(subject, 'resources', this.resources);
    if (redisBytes(this.maxmemory) >= quantityValue(this.resources.memoryLimit)) {
      fail(
        subject,
        'maxmemory',
        this.maxmemory,
        `must be below the container memory limit (${this.resources.memoryLimit}), or Redis is OOM-killed before it evicts`,
      );
    }
    if (this.passwordSecret !== undefined) {
      assertValid(subject, 'passwordSecret', this.passwordSecret, checkRecord(this.passwordSecret));
      assertValid(subject, 'passwordSecret.secretName', this.passwordSecret.secretName, checkDnsSubdomain(this.passwordSecret.secretName));
      assertValid(subject, 'passwordSecret.key', this.passwordSecret.key, checkConfigKey(this.passwordSecret.key));
      // REDIS_URL carries it as $(REDIS_PASSWORD)
      env.requireSecret(subject, this.passwordSecret.secretName, this.passwordSecret.key, { inUrl: true });
    }

    // A StatefulSet is governed by a headless Service, as in PostgresDb.
    const server = claimServer(env, subject, {
      name: this.name,
      component: 'cache',
      workloadKind: this.persistence ? 'StatefulSet' : 'Deployment',
      portName: 'redis',
      port: this.port,
      headless: this.persistence,
    });
    this.host = server.host;
    this.selector = server.selector;

    const args = ['--maxmemory', this.maxmemory, '--maxmemory-policy', this.maxmemoryPolicy, '--appendonly', this.persistence ? 'yes' : 'no'];
    if (!this.persistence) args.push('--save', '');
    const containerEnv: k8s.EnvVar[] = [];
    if (this.passwordSecret) {
      containerEnv.push(secretKeyEnv('REDIS_PASSWORD', this.passwordSecret.secretName, this.passwordSecret.key));
      // redis-cli reads the password from REDISCLI_AUTH, keeping it off the probe's command line.
      containerEnv.push({ name: 'REDISCLI_AUTH', value: '$(REDIS_PASSWORD)' });
      args.push('--requirepass', '$(REDIS_PASSWORD)');
    }
    const ping = 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG';
    // /data is the claim with persistence on, a bounded scratch directory without it.
    const tmp: WritablePath = { name: 'tmp', mountPath: '/tmp', sizeLimit: '16Mi' };
    const writable = this.persistence ? [tmp] : [{ name: 'data', mountPath: '/data', sizeLimit: '64Mi' }, tmp];
    const pod = new HardenedPod(this, subject, env, writable);
    const template = pod.template({
      labels: server.labels,
      runAsUser: this.runAsUser,
      fsGroup: this.persistence ? this.runAsUser : undefined,
      container: {
        name: 'redis',
        image: this.image,
        command: ['redis-server'],
        args,
        env: containerEnv,
        ports: [{ name: 'redis', containerPort: this.port, protocol: 'TCP' }],
        resources: this.resources,
        readinessProbe: execProbe(ping, 5, 3, 2),
        // Liveness only asks whether the server accepts connections; readiness asks for a PONG.
        livenessProbe: tcpProbe('redis', 15, 4, 10),
        volumeMounts: this.persistence ? [{ name: 'data', mountPath: '/data' }] : [],
      },
    });
    const lintChecks: LintCheck[] = workloadLintChecks(this.runAsUser);
    if (!this.persistence) lintChecks.push('deployment-replicas');
    const metadata = objectMeta(env, this.name, server.labels, orUndefined({ ...lintWaivers(lintChecks), ...protectedAnnotations(this.protectData) }));
    const selector = { matchLabels: { ...this.selector } };
    this.workload = this.persistence
      ? new k8s.KubeStatefulSet(this, 'Resource', {
          metadata,
          spec: {
            serviceName: server.headlessServiceName,
            replicas: 1,
            selector,
            // The claim outlives the StatefulSet: deleting or scaling it down never deletes data.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
            template,
            volumeClaimTemplates: [
              {
                metadata: { name: 'data', labels: { ...this.selector }, annotations: orUndefined(protectedClaimAnnotations(this.protectData)) },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString(this.storage) } } },
              },
            ],
          },
        })
      : new k8s.KubeDeployment(this, 'Resource', {
          metadata,
          spec: {
            replicas: 1,
            selector,
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
            template,
          },
        });
    this.endpoints = new ServerEndpoints(this, env, server);
    this.service = this.endpoints.service;
  }

  /** The `redis://` URL clients use; the password, if any, is a `$(REDIS_PASSWORD)` reference. */
  public get url(): string {
    return this.passwordSecret ? `redis://:$(REDIS_PASSWORD)@${this.host}:${this.port}` : `redis://${this.host}:${this.port}`;
  }

  /** REDIS_HOST, REDIS_PORT, REDIS_PASSWORD (when a password is set) and REDIS_URL. */
  public connectionEnv(): k8s.EnvVar[] {
    const env = hostPortEnv('REDIS', this);
    if (this.passwordSecret) env.push(secretKeyEnv('REDIS_PASSWORD', this.passwordSecret.secretName, this.passwordSecret.key));
    env.push({ name: 'REDIS_URL', value: this.url });
    return env;
  }

  public allowFrom(client: ClientWorkload): void {
    this.endpoints.allow(client);
  }

  /** The workloads allowed to connect, in the order they were wired. */
  public get clients(): readonly ClientWorkload[] {
    return this.endpoints.allowed;
  }
}

/** Bytes of a Redis memory size: `kb`/`mb`/`gb` are powers of 1024, `k`/`m`/`g` of 1000. */
export function redisBytes(size: string): number {
  const m = /^([0-9]+)([a-z]*)$/i.exec(size);
  if (!m) return NaN;
  const units: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return parseInt(m[1], 10) * (units[m[2].toLowerCase()] ?? NaN);
}

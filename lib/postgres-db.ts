import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClientWorkload, Connectable } from './connection';
import { Environment } from './environment';
import { ResourceSpec } from './environment-profile';
import { validateResources } from './private/resources';
import { objectMeta } from './private/meta';
import { lintWaivers, workloadLintChecks } from './private/lint';
import { HardenedPod } from './private/pod';
import { orUndefined, protectedAnnotations, protectedClaimAnnotations } from './private/protect';
import { PostgresBackup, PostgresBackupProps } from './postgres-backup';
import { ServerEndpoints, claimServer, execProbe, hostPortEnv, secretKeyEnv, tcpProbe } from './private/server';
import {
  Subject,
  assertValid,
  checkDnsLabel,
  checkDnsSubdomain,
  checkBoolean,
  checkByteQuantity,
  checkImage,
  checkInstanceLabel,
  checkPinnedImage,
  checkRecord,
  checkServiceName,
  checkStatefulSetName,
  checkUid,
  fail,
  quantityValue,
} from './private/validate';

/** Props of a {@link PostgresDb}. */
export interface PostgresDbProps {
  /**
   * Name of the StatefulSet and of the client Service (the host clients connect to): a DNS-1035
   * label of at most 52 characters, since the StatefulSet controller labels each pod
   * `controller-revision-hash: <name>-<hash>`, which must fit in 63.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Container image. Postgres 16 on Alpine, whose `postgres` user is UID 70.
   * @default 'postgres:16.6-alpine'
   */
  readonly image?: string;
  /**
   * Name of the database created on first start.
   * @default 'app'
   */
  readonly database?: string;
  /**
   * Size of the data volume.
   * @default - the profile's `postgresStorage` (10Gi in the built-in profiles)
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#capacity
   */
  readonly storage?: string;
  /**
   * StorageClass of the data volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Secret holding the credentials, with keys `username` and `password`. The construct only
   * references it; create it with `kubectl create secret generic <name> --from-literal=username=…
   * --from-literal=password=…`, or let the Pulumi stack create it from encrypted config.
   * @default - '<name>-credentials'
   */
  readonly credentialsSecret?: string;
  /**
   * Requests and limits; fields left out come from the profile.
   * @default - the profile's `resources.postgres`
   */
  readonly resources?: Partial<ResourceSpec>;
  /**
   * UID and GID the server runs as; must own the image's data directory.
   * @default 70
   */
  readonly runAsUser?: number;
  /**
   * Protect the data from an accidental delete. On, the StatefulSet carries
   * `kubestack.io/protect: "true"`, which `kubestack/pulumi` deploys with `protect` and
   * `retainOnDelete` (and the Namespace with it), and the claims (the StatefulSet's
   * `volumeClaimTemplates` and the backup claim) carry Argo CD's
   * `argocd.argoproj.io/sync-options: Prune=false,Delete=false`. The StatefulSet retains its
   * claims when deleted or scaled down in any case (`persistentVolumeClaimRetentionPolicy`).
   * @default - true in production profiles, false otherwise
   */
  readonly protectData?: boolean;
  /**
   * Nightly `pg_dump --format=custom` to a claim of its own, keeping the newest dumps (see
   * {@link PostgresBackup}); `false` turns it off.
   * @default - on with the {@link PostgresBackupProps} defaults in production profiles, off otherwise
   */
  readonly backup?: PostgresBackupProps | false;
}

/**
 * PostgreSQL as a single-replica StatefulSet with a ReadWriteOnce volume claim template, a
 * headless Service for the pod and a client Service on 5432. Credentials come from a Secret
 * that the manifests only reference. Ingress is denied except from workloads wired with
 * `WebApp.connect()`.
 */
export class PostgresDb extends Construct implements Connectable {
  /** Port the server and both Services listen on. */
  public static readonly PORT = 5432;

  /** Name of the StatefulSet and of the client Service. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** Name of the database created on first start. */
  public readonly database: string;
  /** Size of the data volume. */
  public readonly storage: string;
  /** StorageClass of the data volume; `undefined` uses the cluster's default. */
  public readonly storageClassName?: string;
  /** Name of the Secret holding the credentials. */
  public readonly credentialsSecret: string;
  /** Requests and limits of the container: the props' fields over the profile's `resources.postgres`. */
  public readonly resources: ResourceSpec;
  /** UID and GID the server runs as. */
  public readonly runAsUser: number;
  /** Host name of the client Service. */
  public readonly host: string;
  /** Port of both Services: {@link PostgresDb.PORT}. */
  public readonly port = PostgresDb.PORT;
  /** Name of the headless Service that governs the StatefulSet. */
  public readonly headlessServiceName: string;
  /** Key of the user name in the credentials Secret. */
  public readonly usernameKey = 'username';
  /** Key of the password in the credentials Secret. */
  public readonly passwordKey = 'password';
  /** Labels that select the server's pod. */
  public readonly selector: Record<string, string>;
  /** The StatefulSet (construct id `Resource`). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The client Service (ClusterIP) that `host` names. */
  public readonly service: k8s.KubeService;
  /** Whether the StatefulSet and the claims are marked protected. */
  public readonly protectData: boolean;
  /** The backup CronJob and its claim; `undefined` when backups are off. */
  public readonly backup?: PostgresBackup;

  private readonly endpoints: ServerEndpoints;

  /**
   * Validates the props against the Environment's profile and creates the server's objects.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the server's settings, all optional
   * @throws ValidationError when a prop is not allowed
   */
  constructor(scope: Construct, id: string, props: PostgresDbProps = {}) {
    super(scope, id);
    const subject: Subject = { kind: 'postgres-db', path: this.node.path };
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);

    this.name = props.name ?? id;
    // Validated first: the default Secret and Service names are built from it.
    assertValid(subject, 'name', this.name, checkDnsLabel(this.name, 54));
    assertValid(subject, 'name', this.name, checkServiceName(this.name));
    assertValid(subject, 'name', this.name, checkStatefulSetName(this.name));
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, env.profile.name));
    this.image = props.image ?? 'postgres:16.6-alpine';
    this.database = props.database ?? 'app';
    this.storage = props.storage ?? env.profile.postgresStorage;
    this.storageClassName = props.storageClassName;
    this.credentialsSecret = props.credentialsSecret ?? `${this.name}-credentials`;
    this.runAsUser = props.runAsUser ?? 70;
    this.resources = { ...env.profile.resources.postgres, ...(props.resources ?? {}) };
    this.protectData = props.protectData ?? env.profile.production;
    const backup = props.backup ?? (env.profile.production ? {} : false);

    assertValid(subject, 'image', this.image, checkImage(this.image));
    assertValid(subject, 'image', this.image, checkPinnedImage(this.image, env.profile.production));
    assertValid(
      subject,
      'database',
      this.database,
      /^[a-z_][a-z0-9_]{0,62}$/.test(String(this.database)) && typeof this.database === 'string'
        ? undefined
        : 'must be a lowercase SQL identifier (letters, digits and _, at most 63 characters)',
    );
    assertValid(subject, 'storage', this.storage, checkByteQuantity(this.storage));
    if (quantityValue(this.storage) <= 0) fail(subject, 'storage', this.storage, 'must be larger than zero');
    if (this.storageClassName !== undefined) assertValid(subject, 'storageClassName', this.storageClassName, checkDnsSubdomain(this.storageClassName));
    assertValid(subject, 'credentialsSecret', this.credentialsSecret, checkDnsSubdomain(this.credentialsSecret));
    assertValid(subject, 'runAsUser', this.runAsUser, checkUid(this.runAsUser));
    if (props.resources !== undefined) assertValid(subject, 'resources', props.resources, checkRecord(props.resources));
    validateResources(subject, 'resources', this.resources);
    assertValid(subject, 'protectData', this.protectData, checkBoolean(this.protectData));
    if (backup !== false) assertValid(subject, 'backup', backup, checkRecord(backup) && 'must be PostgresBackupProps or false');

    const server = claimServer(env, subject, {
      name: this.name,
      component: 'database',
      workloadKind: 'StatefulSet',
      portName: 'postgres',
      port: this.port,
      headless: true,
    });
    // both go into DATABASE_URL (connectionEnv) as $(DB_USER):$(DB_PASS)
    env.requireSecret(subject, this.credentialsSecret, this.usernameKey, { inUrl: true });
    env.requireSecret(subject, this.credentialsSecret, this.passwordKey, { inUrl: true });
    this.host = server.host;
    this.headlessServiceName = server.headlessServiceName;
    this.selector = server.selector;

    const dataDir = '/var/lib/postgresql/data';
    const ready = 'pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER" -d "$POSTGRES_DB"';
    const pod = new HardenedPod(this, subject, env, [
      { name: 'run', mountPath: '/var/run/postgresql', sizeLimit: '16Mi' },
      { name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' },
    ]);

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: objectMeta(
        env,
        this.name,
        server.labels,
        orUndefined({ ...lintWaivers(workloadLintChecks(this.runAsUser)), ...protectedAnnotations(this.protectData) }),
      ),
      spec: {
        serviceName: this.headlessServiceName,
        replicas: 1,
        selector: { matchLabels: { ...this.selector } },
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: pod.template({
          labels: server.labels,
          runAsUser: this.runAsUser,
          fsGroup: this.runAsUser,
          terminationGracePeriodSeconds: 60,
          container: {
            name: 'postgres',
            image: this.image,
            ports: [{ name: 'postgres', containerPort: this.port, protocol: 'TCP' }],
            env: [
              secretKeyEnv('POSTGRES_USER', this.credentialsSecret, this.usernameKey),
              secretKeyEnv('POSTGRES_PASSWORD', this.credentialsSecret, this.passwordKey),
              { name: 'POSTGRES_DB', value: this.database },
              { name: 'PGDATA', value: `${dataDir}/pgdata` },
            ],
            resources: this.resources,
            readinessProbe: execProbe(ready, 10, 3, 5),
            // Liveness only asks whether the server accepts connections: a server that is up
            // but not ready (crash recovery, overload) must not be restarted.
            livenessProbe: tcpProbe('postgres', 20, 6, 30),
            volumeMounts: [{ name: 'data', mountPath: dataDir }],
          },
        }),
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: { ...this.selector }, annotations: orUndefined(protectedClaimAnnotations(this.protectData)) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: this.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(this.storage) } },
            },
          },
        ],
      },
    });
    this.endpoints = new ServerEndpoints(this, env, server);
    this.service = this.endpoints.service;
    if (backup !== false) this.backup = new PostgresBackup(this, 'Backup', backup);
  }

  /**
   * DB_USER and DB_PASS from the credentials Secret, DB_HOST, DB_PORT, DB_NAME, and
   * DATABASE_URL composed from them with `$(VAR)` interpolation, as in the Kubernetes guide.
   * The password never appears in the manifests.
   */
  public connectionEnv(): k8s.EnvVar[] {
    return [
      secretKeyEnv('DB_USER', this.credentialsSecret, this.usernameKey),
      secretKeyEnv('DB_PASS', this.credentialsSecret, this.passwordKey),
      ...hostPortEnv('DB', this),
      { name: 'DB_NAME', value: this.database },
      { name: 'DATABASE_URL', value: `postgres://$(DB_USER):$(DB_PASS)@${this.host}:${this.port}/${this.database}` },
    ];
  }

  public allowFrom(client: ClientWorkload): void {
    this.endpoints.allow(client);
  }

  /** The workloads allowed to connect, in the order they were wired. */
  public get clients(): readonly ClientWorkload[] {
    return this.endpoints.allowed;
  }
}

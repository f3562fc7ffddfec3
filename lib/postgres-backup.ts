import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Environment } from './environment';
import { ResourceSpec } from './environment-profile';
import type { PostgresDb } from './postgres-db';
import { BatchPod, CRON_DEFAULTS, checkInt32, cronJobSpec } from './private/batch';
import { objectMeta } from './private/meta';
import { orUndefined, protectedAnnotations, protectedClaimAnnotations } from './private/protect';
import { checkSchedule, checkTimeZone } from './private/schedule';
import { secretKeyEnv } from './private/server';
import { Subject, assertValid, checkDnsLabel, checkDnsSubdomain, checkQuantity, checkRecord, fail, quantityValue } from './private/validate';

/** Props of a {@link PostgresBackup}: the `backup` prop of a {@link PostgresDb}. */
export interface PostgresBackupProps {
  /**
   * When to dump, as a CronJob schedule (five fields or `@daily`…).
   * @default '0 3 * * *'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: string;
  /**
   * IANA time zone of the schedule.
   * @default 'Etc/UTC'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;
  /**
   * Dumps to keep: after a successful dump, all but the newest `keep` dumps of the database are
   * deleted. A failed dump deletes nothing.
   * @default 7
   */
  readonly keep?: number;
  /**
   * Size of the backup claim, which holds `keep` dumps (custom format, compressed).
   * @default - the database's `storage`
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#capacity
   */
  readonly storage?: string;
  /**
   * StorageClass of the backup claim. Put backups on other disks than the data where you can.
   * @default - the database's `storageClassName` (the cluster's default StorageClass when unset)
   */
  readonly storageClassName?: string;
  /**
   * Requests and limits of the backup container; fields left out come from the profile.
   * @default - the profile's `resources.job`
   */
  readonly resources?: Partial<ResourceSpec>;
  /**
   * Seconds a run may take, retries included.
   * @default 3600
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
   */
  readonly activeDeadlineSeconds?: number;
}

/** Where the backup claim is mounted in the backup pod (`BACKUP_DIR`). */
const BACKUP_DIR = '/backups';

/**
 * The backup container's script (`sh -c`). Connection settings come from libpq's environment
 * (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD); BACKUP_DIR and BACKUP_KEEP say where and how
 * many. The dump is written under a temporary name and renamed only when pg_dump succeeded, and
 * only then are the old dumps of this database deleted, so a failed run never costs a good dump.
 */
const BACKUP_SCRIPT = [
  'set -eu',
  'cd "$BACKUP_DIR"',
  'rm -f ./.partial-*',
  'name="$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"',
  'if [ -e "$name" ]; then echo "backup: $BACKUP_DIR/$name exists already" >&2; exit 1; fi',
  'trap \'rm -f ".partial-$name"\' EXIT',
  'pg_dump --format=custom --file=".partial-$name"',
  'mv ".partial-$name" "$name"',
  'echo "backup: wrote $BACKUP_DIR/$name ($(wc -c < "$name") bytes)"',
  'ls -1 | grep -E "^$PGDATABASE-[0-9]{8}T[0-9]{6}Z[.]dump$" | sort -r | tail -n +$((BACKUP_KEEP + 1)) | while read -r old; do rm -f -- "$old"; echo "backup: removed $old"; done',
  'echo "backup: $(ls -1 | grep -c -E "^$PGDATABASE-[0-9]{8}T[0-9]{6}Z[.]dump$") dumps kept in $BACKUP_DIR"',
].join('\n');

/**
 * Nightly `pg_dump` of a {@link PostgresDb} to a claim of its own: a CronJob whose pods run the
 * database's image (so pg_dump matches the server's major version) in the hardened pod of every
 * workload, with the credentials from the database's Secret, a PersistentVolumeClaim that keeps
 * the newest `keep` dumps, a NetworkPolicy that admits no ingress to the backup pods, and an entry
 * in the database's NetworkPolicy that admits them. `PostgresDb` creates it (construct id
 * `Backup`) when its `backup` prop is set, and in production profiles by default.
 *
 * Objects: CronJob, PersistentVolumeClaim and NetworkPolicy, all named `<database name>-backup`.
 * The claim is protected like the database's (`protectData`).
 */
export class PostgresBackup extends Construct {
  /** Name of the CronJob, its claim and its NetworkPolicy: `<database name>-backup`. */
  public readonly name: string;
  /** The schedule. */
  public readonly schedule: string;
  /** IANA time zone of the schedule. */
  public readonly timeZone: string;
  /** Dumps kept. */
  public readonly keep: number;
  /** Size of the backup claim. */
  public readonly storage: string;
  /** StorageClass of the backup claim; `undefined` uses the cluster's default. */
  public readonly storageClassName?: string;
  /** Seconds a run may take. */
  public readonly activeDeadlineSeconds: number;
  /** Requests and limits of the backup container. */
  public readonly resources: ResourceSpec;
  /** Where the claim is mounted in the backup pod. */
  public readonly mountPath = BACKUP_DIR;
  /** Whether the claim is protected (the database's `protectData`). */
  public readonly protectData: boolean;
  /** Labels that select the backup pods (admitted by the database's NetworkPolicy). */
  public readonly selector: Record<string, string>;
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The claim the dumps are written to. */
  public readonly claim: k8s.KubePersistentVolumeClaim;
  /** The NetworkPolicy that admits no ingress to the backup pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  /**
   * Validates the props and creates the CronJob, its claim and its NetworkPolicy.
   * @param db the database to dump (also the scope)
   * @param id construct id
   * @param props schedule, retention and claim; all optional
   * @throws ValidationError when a prop is not allowed
   */
  constructor(db: PostgresDb, id: string, props: PostgresBackupProps = {}) {
    super(db, id);
    const subject: Subject = { kind: 'postgres-backup', path: this.node.path };
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);

    this.name = `${db.name}-backup`;
    this.schedule = props.schedule ?? '0 3 * * *';
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    this.keep = props.keep ?? 7;
    this.storage = props.storage ?? db.storage;
    this.storageClassName = props.storageClassName ?? db.storageClassName;
    this.activeDeadlineSeconds = props.activeDeadlineSeconds ?? 3600;
    this.protectData = db.protectData;

    const nameProblem = checkDnsLabel(this.name, 52);
    if (nameProblem) {
      fail(
        { kind: 'postgres-db', path: db.node.path },
        'name',
        db.name,
        `must be at most 45 characters with backups on (it has ${db.name.length}; 'backup: false' turns them off): the backup CronJob is named <name>-backup, and Kubernetes appends 11 characters to the name of each Job it creates`,
      );
    }
    assertValid(subject, 'schedule', this.schedule, checkSchedule(this.schedule));
    assertValid(subject, 'timeZone', this.timeZone, checkTimeZone(this.timeZone));
    assertValid(subject, 'keep', this.keep, checkInt32(this.keep, 1) && 'must be an integer of at least 1');
    assertValid(subject, 'storage', this.storage, checkQuantity(this.storage));
    if (quantityValue(this.storage) <= 0) fail(subject, 'storage', this.storage, 'must be larger than zero');
    if (this.storageClassName !== undefined) assertValid(subject, 'storageClassName', this.storageClassName, checkDnsSubdomain(this.storageClassName));

    const batch = new BatchPod(this, subject, env, this.name, {
      image: db.image,
      command: ['sh', '-c'],
      args: [BACKUP_SCRIPT],
      resources: props.resources,
      runAsUser: db.runAsUser,
      activeDeadlineSeconds: this.activeDeadlineSeconds,
    });
    this.resources = batch.settings.resources;
    this.selector = batch.selector;

    env.claimName(subject, 'name', 'CronJob', this.name);
    env.claimName(subject, 'name', 'PersistentVolumeClaim', this.name);
    env.claimName(subject, 'name', 'NetworkPolicy', this.name);

    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: objectMeta(
        env,
        this.name,
        batch.labels,
        orUndefined({ ...protectedAnnotations(this.protectData), ...protectedClaimAnnotations(this.protectData) }),
      ),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: this.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(this.storage) } },
      },
    });
    this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
      metadata: objectMeta(env, this.name, batch.labels, batch.lintAnnotations()),
      // A dump never overlaps the previous one; a missed run starts within 5 minutes or is skipped.
      spec: cronJobSpec(
        { schedule: this.schedule, timeZone: this.timeZone, ...CRON_DEFAULTS },
        batch.labels,
        batch.jobSpec({
          fsGroup: db.runAsUser,
          env: [
            secretKeyEnv('PGUSER', db.credentialsSecret, db.usernameKey),
            secretKeyEnv('PGPASSWORD', db.credentialsSecret, db.passwordKey),
            { name: 'PGHOST', value: db.host },
            { name: 'PGPORT', value: String(db.port) },
            { name: 'PGDATABASE', value: db.database },
            { name: 'BACKUP_DIR', value: BACKUP_DIR },
            { name: 'BACKUP_KEEP', value: String(this.keep) },
          ],
          volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: this.name } }],
          volumeMounts: [{ name: 'backups', mountPath: BACKUP_DIR }],
        }),
      ),
    });
    this.networkPolicy = batch.denyIngress(this, this.name);
    db.allowFrom({ path: this.node.path, name: this.name, selector: this.selector });
  }
}

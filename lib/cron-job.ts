import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigBundle } from './config-bundle';
import { Connectable } from './connection';
import { Environment } from './environment';
import { ResourceSpec } from './environment-profile';
import type { BatchWorkloadProps } from './job';
import { BatchPod, CRON_DEFAULTS, checkInt32, cronJobSpec } from './private/batch';
import { objectMeta } from './private/meta';
import { checkSchedule, checkTimeZone } from './private/schedule';
import { Subject, assertValid, checkBoolean, checkDnsLabel, checkInstanceLabel, checkOneOf, checkRecord } from './private/validate';

/** What the CronJob controller does when a run is due while the previous one still runs. */
export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

/** Props of a {@link CronJob}. */
export interface CronJobProps extends BatchWorkloadProps {
  /**
   * Name of the CronJob and its NetworkPolicy, at most 52 characters: Kubernetes appends an
   * 11-character suffix to the name of each Job it creates.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * When to run: five fields, `minute hour day-of-month month day-of-week` (each `*`, a number, a
   * range `a-b` or a list `a,b`, with an optional step `/n` after `*`, a range or a number, e.g.
   * `0-59/15`; `JAN`–`DEC` and `SUN`–`SAT` in any case), or one of `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. No
   * `TZ=` prefix: set `timeZone`.
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Berlin`.
   * @default - the kube-controller-manager's time zone
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs: start another (`Allow`), skip
   * this one (`Forbid`), or stop the running one and start this one (`Replace`). `Forbid` keeps
   * a task that must not overlap with itself (a report, a cleanup) from doing so.
   * @default 'Forbid'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after its scheduled time that a missed run may still start (after a controller
   * restart, or while `Forbid` held it back); later, it is skipped. At least 10: the controller
   * checks every 10 seconds. Also bounds the catch-up: without a deadline, a controller that
   * missed more than 100 runs stops scheduling the CronJob.
   * @default 300
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful Jobs to keep (with their pods and logs).
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs to keep (with their pods and logs).
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Stop scheduling new runs (a running one goes on). Rendered explicitly, so that re-applying
   * the manifests resumes a CronJob that someone suspended by hand.
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-suspension
   */
  readonly suspend?: boolean;
}

/**
 * A scheduled task: a Kubernetes CronJob whose Jobs run the hardened pod of every workload, a
 * NetworkPolicy that admits no ingress to their pods, and the same `connect()`, `addEnv()` and
 * `addConfig()` wiring as a WebApp. Unlike a {@link Job}, its name is stable: a CronJob's job
 * template may change, and the change applies from the next run.
 */
export class CronJob extends Construct {
  /** Name of the CronJob and its NetworkPolicy. */
  public readonly name: string;
  /** The schedule, as given. */
  public readonly schedule: string;
  /** IANA time zone of the schedule; `undefined` is the kube-controller-manager's. */
  public readonly timeZone?: string;
  /** What happens when a run is due while the previous one still runs. */
  public readonly concurrencyPolicy: ConcurrencyPolicy;
  /** Seconds after its scheduled time that a missed run may still start. */
  public readonly startingDeadlineSeconds: number;
  /** Finished successful Jobs kept. */
  public readonly successfulJobsHistoryLimit: number;
  /** Failed Jobs kept. */
  public readonly failedJobsHistoryLimit: number;
  /** True when no new runs are scheduled. */
  public readonly suspend: boolean;
  /** Container image. */
  public readonly image: string;
  /** Requests and limits of the container (the profile's `resources.job` merged with the prop). */
  public readonly resources: ResourceSpec;
  /** UID and GID of the container. */
  public readonly runAsUser: number;
  /** Retries of a run after a failed pod. */
  public readonly backoffLimit: number;
  /** Seconds a run may take, retries included. */
  public readonly activeDeadlineSeconds: number;
  /** Labels that select the pods of every run. */
  public readonly selector: Record<string, string>;
  /** The CronJob. */
  public readonly resource: k8s.KubeCronJob;
  /** The NetworkPolicy that admits no ingress to the pods of its runs. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly subject: Subject;
  private readonly batch: BatchPod;

  /**
   * Validates the props against the Environment's profile and creates the CronJob and its NetworkPolicy.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the task's settings; `image` and `schedule` are required
   * @throws ValidationError when a prop, or the combination with the profile, is not allowed
   */
  constructor(scope: Construct, id: string, props: CronJobProps) {
    super(scope, id);
    this.subject = { kind: 'cron-job', path: this.node.path };
    const subject = this.subject;
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);

    this.name = props.name ?? id;
    this.schedule = props.schedule;
    this.timeZone = props.timeZone;
    this.concurrencyPolicy = props.concurrencyPolicy ?? CRON_DEFAULTS.concurrencyPolicy;
    this.startingDeadlineSeconds = props.startingDeadlineSeconds ?? CRON_DEFAULTS.startingDeadlineSeconds;
    this.successfulJobsHistoryLimit = props.successfulJobsHistoryLimit ?? CRON_DEFAULTS.successfulJobsHistoryLimit;
    this.failedJobsHistoryLimit = props.failedJobsHistoryLimit ?? CRON_DEFAULTS.failedJobsHistoryLimit;
    this.suspend = props.suspend ?? CRON_DEFAULTS.suspend;

    const nameProblem = checkDnsLabel(this.name, 52);
    assertValid(
      subject,
      'name',
      this.name,
      nameProblem && `${nameProblem}, since Kubernetes appends an 11-character suffix to the name of each Job it creates`,
    );
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, env.profile.name));
    assertValid(subject, 'schedule', this.schedule, checkSchedule(this.schedule));
    if (this.timeZone !== undefined) assertValid(subject, 'timeZone', this.timeZone, checkTimeZone(this.timeZone));
    assertValid(subject, 'concurrencyPolicy', this.concurrencyPolicy, checkOneOf(this.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'] as const));
    assertValid(
      subject,
      'startingDeadlineSeconds',
      this.startingDeadlineSeconds,
      checkInt32(this.startingDeadlineSeconds, 10) && 'must be an integer of at least 10 (the CronJob controller checks every 10 seconds)',
    );
    assertValid(subject, 'successfulJobsHistoryLimit', this.successfulJobsHistoryLimit, checkInt32(this.successfulJobsHistoryLimit, 0));
    assertValid(subject, 'failedJobsHistoryLimit', this.failedJobsHistoryLimit, checkInt32(this.failedJobsHistoryLimit, 0));
    assertValid(subject, 'suspend', this.suspend, checkBoolean(this.suspend));
    this.batch = new BatchPod(this, subject, env, this.name, props);

    const s = this.batch.settings;
    this.image = s.image;
    this.resources = s.resources;
    this.runAsUser = s.runAsUser;
    this.backoffLimit = s.backoffLimit;
    this.activeDeadlineSeconds = s.activeDeadlineSeconds;
    this.selector = this.batch.selector;

    env.claimName(subject, 'name', 'CronJob', this.name);
    env.claimName(subject, 'name', 'NetworkPolicy', this.name);
    this.batch.requireSecrets();

    this.resource = new k8s.KubeCronJob(this, 'Resource', {
      metadata: objectMeta(env, this.name, this.batch.labels, this.batch.lintAnnotations()),
      spec: cronJobSpec(this, this.batch.labels, this.batch.jobSpec()),
    });
    this.networkPolicy = this.batch.denyIngress(this, this.name);
    this.batch.wireProps();
  }

  /** Adds a plain environment variable. A name that is already set throws. */
  public addEnv(name: string, value: string): void {
    this.batch.pod.addEnv(name, value);
  }

  /**
   * Consumes a ConfigBundle: its settings through `envFrom`, its secret references as
   * `secretKeyRef` variables and its files mounted read-only at its `mountPath`. The job template
   * carries the bundle's content hash, so the next run after a change sees it.
   */
  public addConfig(bundle: ConfigBundle): void {
    this.batch.pod.addConfig(bundle);
  }

  /**
   * Wires the task to a server: injects its connection environment, lets the pods of its runs
   * through the server's NetworkPolicy, and records the dependency so that the server's objects
   * come first in the manifests and in Pulumi.
   */
  public connect(server: Connectable & Construct): void {
    this.batch.pod.connect(server, this);
  }

  /** Servers this task is wired to, in wiring order. */
  public get connections(): readonly Construct[] {
    return this.batch.pod.connections;
  }

  /** A copy of the container's environment. */
  public get envVars(): k8s.EnvVar[] {
    return this.batch.pod.envVars;
  }
}

import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Environment } from '../environment';
import { ResourceSpec } from '../environment-profile';
import type { BatchWorkloadProps } from '../job';
import { LintCheck, lintWaivers, workloadLintChecks } from './lint';
import { objectMeta, workloadLabels } from './meta';
import { HardenedPod } from './pod';
import { validateResources } from './resources';
import { Subject, assertValid, checkImage, checkInteger, checkPinnedImage, checkRecord, checkStringList, checkUid, fail } from './validate';

/**
 * What Job and CronJob share: the pod and Job-spec props of {@link BatchWorkloadProps}, their
 * defaults, their validation, the hardened pod with its env/config/connect wiring, the Job spec and
 * the deny-ingress NetworkPolicy. Each construct adds its own object around the Job spec.
 */

/** Largest value of a Kubernetes int32 field. */
const INT32_MAX = 2147483647;

/** The defaults of the shared props, in one place for the JSDoc, the constructors and the tests. */
export const BATCH_DEFAULTS = {
  backoffLimit: 2,
  activeDeadlineSeconds: 600,
  runAsUser: 1000,
  writablePaths: ['/tmp'],
} as const;

/** What a batch workload of the library's own (the Postgres backup) adds to the pod: a claim, fixed env, an fsGroup. */
export interface BatchPodExtras {
  readonly ttlSecondsAfterFinished?: number;
  /** fsGroup, so that the container's UID can write a claim. */
  readonly fsGroup?: number;
  /** Fixed environment, before anything added with `addEnv`, `addConfig` or `connect`. */
  readonly env?: k8s.EnvVar[];
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** The resolved shared props. */
export interface BatchSettings {
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly resources: ResourceSpec;
  readonly runAsUser: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  readonly imagePullSecrets: readonly string[];
}

/** An integer Kubernetes stores in an int32, from `min` up. */
export function checkInt32(value: unknown, min: number): string | undefined {
  return checkInteger(value, min, INT32_MAX);
}

/**
 * The pod of a Job or CronJob and what goes around it. The constructor resolves the shared props
 * (defaults from the profile), validates them in prop order and creates the hardened pod; the
 * owner then claims its names, creates its object with {@link jobSpec} and the NetworkPolicy with
 * {@link denyIngress}, and finally calls {@link wireProps} for `env` and `config`.
 */
export class BatchPod {
  public readonly settings: BatchSettings;
  public readonly pod: HardenedPod;
  public readonly labels: Record<string, string>;
  public readonly selector: Record<string, string>;

  constructor(
    owner: Construct,
    private readonly subject: Subject,
    private readonly env: Environment,
    name: string,
    private readonly props: BatchWorkloadProps,
  ) {
    const profile = env.profile;
    const image = props.image;
    const resources: ResourceSpec = { ...profile.resources.job, ...(props.resources ?? {}) };
    const runAsUser = props.runAsUser ?? BATCH_DEFAULTS.runAsUser;
    const backoffLimit = props.backoffLimit ?? BATCH_DEFAULTS.backoffLimit;
    const activeDeadlineSeconds = props.activeDeadlineSeconds ?? BATCH_DEFAULTS.activeDeadlineSeconds;
    const imagePullSecrets = props.imagePullSecrets ?? [];
    const writablePaths = props.writablePaths ?? BATCH_DEFAULTS.writablePaths;

    assertValid(subject, 'image', image, checkImage(image));
    assertValid(subject, 'image', image, checkPinnedImage(image, profile.production));
    if (props.command !== undefined) assertValid(subject, 'command', props.command, checkStringList(props.command));
    if (props.args !== undefined) assertValid(subject, 'args', props.args, checkStringList(props.args));
    if (props.env !== undefined) assertValid(subject, 'env', props.env, checkRecord(props.env));
    if (props.config !== undefined && !Array.isArray(props.config)) fail(subject, 'config', props.config, 'must be an array of ConfigBundle');
    if (props.resources !== undefined) assertValid(subject, 'resources', props.resources, checkRecord(props.resources));
    validateResources(subject, 'resources', resources);
    assertValid(subject, 'runAsUser', runAsUser, checkUid(runAsUser));
    const writable = HardenedPod.writablePaths(subject, writablePaths);
    HardenedPod.imagePullSecrets(subject, imagePullSecrets);
    assertValid(subject, 'backoffLimit', backoffLimit, checkInt32(backoffLimit, 0));
    assertValid(subject, 'activeDeadlineSeconds', activeDeadlineSeconds, checkInt32(activeDeadlineSeconds, 1));

    this.settings = {
      image,
      command: props.command ? [...props.command] : undefined,
      args: props.args ? [...props.args] : undefined,
      resources,
      runAsUser,
      backoffLimit,
      activeDeadlineSeconds,
      imagePullSecrets: [...imagePullSecrets],
    };
    const { labels, selector } = workloadLabels(env, name, 'job');
    this.labels = labels;
    this.selector = selector;
    this.pod = new HardenedPod(owner, subject, env, writable);
  }

  /** Records the image pull Secrets as required Secrets (after the owner claimed its names). */
  public requireSecrets(): void {
    for (const s of this.settings.imagePullSecrets) this.env.requireSecret(this.subject, s, '.dockerconfigjson');
  }

  /** The kube-score waivers of a batch workload, as the `kube-score/ignore` annotation. */
  public lintAnnotations(): Record<string, string> {
    const checks: LintCheck[] = [...workloadLintChecks(this.settings.runAsUser), 'pod-networkpolicy'];
    return lintWaivers(checks) ?? {};
  }

  /**
   * The Job spec: one pod that is not restarted in place (`restartPolicy: Never`, so each retry is
   * a new pod whose logs stay), retried `backoffLimit` times, stopped after `activeDeadlineSeconds`.
   */
  public jobSpec(extra: BatchPodExtras = {}): k8s.JobSpec {
    const s = this.settings;
    return {
      backoffLimit: s.backoffLimit,
      activeDeadlineSeconds: s.activeDeadlineSeconds,
      ttlSecondsAfterFinished: extra.ttlSecondsAfterFinished,
      template: this.pod.template({
        labels: this.labels,
        runAsUser: s.runAsUser,
        fsGroup: extra.fsGroup,
        imagePullSecrets: s.imagePullSecrets,
        restartPolicy: 'Never',
        volumes: extra.volumes,
        container: {
          name: 'app',
          image: s.image,
          command: s.command,
          args: s.args,
          env: extra.env,
          resources: s.resources,
          volumeMounts: extra.volumeMounts,
        },
      }),
    };
  }

  /**
   * A NetworkPolicy that selects the pods and admits no ingress: nothing calls a batch pod. Egress
   * is left open, as for the other app workloads (DNS, its servers, external APIs).
   */
  public denyIngress(scope: Construct, name: string, annotations?: Record<string, string>): k8s.KubeNetworkPolicy {
    return new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
      metadata: objectMeta(this.env, name, this.labels, annotations),
      spec: { podSelector: { matchLabels: { ...this.selector } }, policyTypes: ['Ingress'] },
    });
  }

  /** Applies the `env` and `config` props through the same path as `addEnv` and `addConfig`. */
  public wireProps(): void {
    for (const [key, value] of Object.entries(this.props.env ?? {})) this.pod.addEnv(key, value);
    for (const bundle of this.props.config ?? []) this.pod.addConfig(bundle);
  }
}

/** The run settings of a CronJob around its job template: what `CronJob` resolves from its props. */
export interface CronRunSettings {
  readonly schedule: string;
  readonly timeZone?: string;
  readonly concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  readonly startingDeadlineSeconds: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  readonly suspend: boolean;
}

/**
 * The defaults of every CronJob the library renders (`CronJob`, the Postgres backup): no run
 * overlaps the previous one, a missed run starts within 5 minutes or is skipped, the last 3
 * successful and the last failed Job are kept, and it runs.
 */
export const CRON_DEFAULTS = {
  concurrencyPolicy: 'Forbid',
  startingDeadlineSeconds: 300,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
  suspend: false,
} as const;

/** A CronJob's spec: its run settings and a job template labelled like its pods. */
export function cronJobSpec(run: CronRunSettings, labels: Record<string, string>, jobSpec: k8s.JobSpec): k8s.CronJobSpec {
  return {
    schedule: run.schedule,
    timeZone: run.timeZone,
    concurrencyPolicy: run.concurrencyPolicy,
    startingDeadlineSeconds: run.startingDeadlineSeconds,
    successfulJobsHistoryLimit: run.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: run.failedJobsHistoryLimit,
    suspend: run.suspend,
    jobTemplate: { metadata: { labels: { ...labels } }, spec: jobSpec },
  };
}

import { Lazy, resolve } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigBundle } from './config-bundle';
import { Connectable } from './connection';
import { kubeLinterWaivers } from './private/lint';
import { Environment } from './environment';
import { WorkloadProps } from './workload-props';
import { ResourceSpec } from './environment-profile';
import { BatchPod, checkInt32 } from './private/batch';
import { contentHash } from './private/hash';
import { objectMeta } from './private/meta';
import { Subject, assertValid, checkDnsLabel, checkInstanceLabel, checkRecord } from './private/validate';

const JOB = Symbol.for('kubestack.Job');

/** Hex characters of the content hash in a Job's name. */
const HASH_LENGTH = 10;

/** The Argo CD annotation that orders a sync. */
const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The pod and Job settings that a {@link Job} and a {@link CronJob} share. */
export interface BatchWorkloadProps extends WorkloadProps {
  /**
   * Retries after a failed pod (each retry is a new pod, `restartPolicy: Never`, so the logs of
   * every attempt stay); 0 runs the task once.
   * @default 2
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy
   */
  readonly backoffLimit?: number;
  /**
   * Seconds a run may take, retries included, before Kubernetes stops it and marks it failed:
   * ten minutes, sized for a migration; raise it for longer tasks.
   * @default 600
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
   */
  readonly activeDeadlineSeconds?: number;
}

/** Props of a {@link Job}. */
export interface JobProps extends BatchWorkloadProps {
  /**
   * Base name of the Job, at most 52 characters: the Job is named `<name>-<10-character content
   * hash>`, which must fit in 63. The NetworkPolicy is named `<name>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Seconds after which Kubernetes deletes the finished Job and its pods. Off by default, because a
   * deleted Job is missing from the cluster but still in the manifests: the next `kubectl apply` or
   * Argo CD sync (self-heal re-syncs at once) creates it again and the task runs again. A finished
   * Job is kept until a release changes it: its new name supersedes it, and the old one is pruned
   * by Argo CD (`prune`), `kubectl apply --prune`, or Pulumi, which deletes superseded Jobs itself.
   * Set it only where nothing re-applies the manifests.
   * @default - no TTL: the finished Job and its pods (with their logs) are kept
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
   */
  readonly ttlSecondsAfterFinished?: number;
}

/**
 * A one-off task such as a database migration: a Kubernetes Job with the hardened pod of every
 * workload, a NetworkPolicy that admits no ingress to its pods, and the same `connect()`,
 * `addEnv()` and `addConfig()` wiring as a WebApp.
 *
 * **Content-named.** A Job's pod template is immutable, so re-applying a changed Job fails in a
 * cluster. The Job is named `<name>-<hash>`, where the hash (10 hex characters) covers its whole
 * spec as synthesized: image, command, args, env (also what `connect()` adds), the content hash of
 * every ConfigBundle, resources, runAsUser, writable paths, backoffLimit, deadlines. A release that
 * changes any of it creates a new Job, which runs; an unchanged release keeps the name, and the
 * finished Job is left alone. The name is produced at synthesis, so wiring added after the
 * constructor counts; {@link jobName} reads it.
 *
 * **Ordering.** Workloads that must run after the task call their `runsAfter(job)`, a construct
 * dependency: the YAML lists the Job before them and Pulumi creates it first (and waits for it to
 * complete). For Argo CD the Job and its NetworkPolicy carry `argocd.argoproj.io/sync-wave: "1"`,
 * after everything in the default wave 0 (the Namespace, the servers it connects to, its
 * ConfigBundles' ConfigMaps), and `runsAfter` puts the dependants' Deployments in wave 2: Argo CD
 * applies a wave only when the one before it is healthy, so the Job runs once its servers are up,
 * and the workloads roll out once it has completed. A wave and not a `PreSync` hook: a hook runs
 * on every sync, even when nothing changed, while a content-named Job in a wave runs once per
 * change, and an unchanged one is already in sync.
 */
export class Job extends Construct {
  /** True when `x` is a Job of this library (also across copies of it, by a global symbol). */
  public static isJob(x: unknown): x is Job {
    return typeof x === 'object' && x !== null && JOB in x;
  }

  /** Base name of the Job (the NetworkPolicy's name); the Job itself is named {@link jobName}. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** Requests and limits of the container (the profile's `resources.job` merged with the prop). */
  public readonly resources: ResourceSpec;
  /** UID and GID of the container. */
  public readonly runAsUser: number;
  /** Retries after a failed pod. */
  public readonly backoffLimit: number;
  /** Seconds a run may take, retries included. */
  public readonly activeDeadlineSeconds: number;
  /** Seconds after which Kubernetes deletes the finished Job; `undefined` keeps it. */
  public readonly ttlSecondsAfterFinished?: number;
  /** Labels that select the Job's pods (stable across releases, unlike the Job's name). */
  public readonly selector: Record<string, string>;
  /** The annotation that orders objects for Argo CD. */
  public static readonly SYNC_WAVE_ANNOTATION = SYNC_WAVE_ANNOTATION;

  /**
   * The Argo CD sync wave of the Job and its NetworkPolicy, `1`: after the default wave 0, where
   * the objects it needs are; the workloads that run after it are in wave `syncWave + 1`.
   */
  public readonly syncWave: number = 1;
  /** The Job. Its `metadata.name` is produced at synthesis. */
  public readonly resource: k8s.KubeJob;
  /** The NetworkPolicy that admits no ingress to the Job's pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly subject: Subject;
  private readonly batch: BatchPod;
  private readonly spec: k8s.JobSpec;

  /**
   * Validates the props against the Environment's profile and creates the Job and its NetworkPolicy.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the task's settings; only `image` is required
   * @throws ValidationError when a prop, or the combination with the profile, is not allowed
   */
  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id);
    Object.defineProperty(this, JOB, { value: true });
    this.subject = { kind: 'job', path: this.node.path };
    const subject = this.subject;
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);

    this.name = props.name ?? id;
    const nameProblem = checkDnsLabel(this.name, 63 - HASH_LENGTH - 1);
    assertValid(
      subject,
      'name',
      this.name,
      nameProblem && `${nameProblem}, so that the Job's name '<name>-<${HASH_LENGTH}-character content hash>' fits in 63`,
    );
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, env.profile.name));
    this.batch = new BatchPod(this, subject, env, this.name, props);
    const s = this.batch.settings;
    this.image = s.image;
    this.resources = s.resources;
    this.runAsUser = s.runAsUser;
    this.backoffLimit = s.backoffLimit;
    this.activeDeadlineSeconds = s.activeDeadlineSeconds;
    this.ttlSecondsAfterFinished = props.ttlSecondsAfterFinished;
    if (this.ttlSecondsAfterFinished !== undefined) {
      assertValid(subject, 'ttlSecondsAfterFinished', this.ttlSecondsAfterFinished, checkInt32(this.ttlSecondsAfterFinished, 0));
    }
    this.selector = this.batch.selector;

    env.claimName(subject, 'name', 'Job', this.name);
    env.claimName(subject, 'name', 'NetworkPolicy', this.name);
    this.batch.requireSecrets();

    const wave = { [SYNC_WAVE_ANNOTATION]: String(this.syncWave) };
    this.spec = this.batch.jobSpec({ ttlSecondsAfterFinished: this.ttlSecondsAfterFinished });
    this.resource = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        ...objectMeta(env, this.name, this.batch.labels, {
          ...this.batch.lintAnnotations(),
          ...(this.ttlSecondsAfterFinished === undefined ? kubeLinterWaivers(['job-ttl-seconds-after-finished']) : {}),
          ...wave,
        }),
        // cdk8s types a name as a string; a Lazy resolves to one at synthesis.
        name: Lazy.any({ produce: () => this.jobName }) as unknown as string,
      },
      spec: this.spec,
    });
    this.networkPolicy = this.batch.denyIngress(this, this.name, wave);
    this.batch.wireProps();
  }

  /**
   * The Job's name, `<name>-<content hash>`, computed from the spec as it is now. The manifest
   * computes it the same way at synthesis, so read it after the last `connect()`, `addEnv()` or
   * `addConfig()` (e.g. to `kubectl wait --for=condition=complete job/<jobName>`), or inside a
   * `Lazy.any` to put it in another object.
   */
  public get jobName(): string {
    const spec = k8s.toJson_JobSpec(resolve(['spec'], this.spec, this.resource));
    return `${this.name}-${contentHash(spec).slice(0, HASH_LENGTH)}`;
  }

  /** Adds a plain environment variable. A name that is already set throws. */
  public addEnv(name: string, value: string): void {
    this.batch.pod.addEnv(name, value);
  }

  /**
   * Consumes a ConfigBundle: its settings through `envFrom`, its secret references as
   * `secretKeyRef` variables and its files mounted read-only at its `mountPath`. The pod template
   * carries the bundle's content hash, so any change to the bundle renames the Job, which runs again.
   */
  public addConfig(bundle: ConfigBundle): void {
    this.batch.pod.addConfig(bundle);
  }

  /**
   * Wires the task to a server: injects its connection environment (for Postgres, DATABASE_URL
   * from the credentials Secret), lets the Job's pods through the server's NetworkPolicy, and
   * records the dependency so that the server's objects come first in the manifests and in Pulumi.
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

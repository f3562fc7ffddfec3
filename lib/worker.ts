import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigBundle } from './config-bundle';
import { Connectable } from './connection';
import { Environment } from './environment';
import { ScalingProps, WorkloadProps } from './workload-props';
import { Job } from './job';
import { AutoscalingSpec, ResourceSpec } from './environment-profile';
import { waiverAnnotation } from './policy';
import { LintCheck, lintWaivers, workloadLintChecks } from './private/lint';
import { objectMeta, workloadLabels } from './private/meta';
import { HardenedPod } from './private/pod';
import { validateResources } from './private/resources';
import { addScalingObjects, checkProductionScaling, resolveScaling, scalingLintChecks, topologySpreadConstraints } from './private/scaling';
import {
  Subject,
  assertValid,
  checkAnnotationsSize,
  checkDnsLabel,
  checkHttpPath,
  checkImage,
  checkInstanceLabel,
  checkPinnedImage,
  checkPort,
  checkRecord,
  checkStringList,
  checkUid,
  fail,
} from './private/validate';

/**
 * A health check that runs a command in the worker's container; exit code 0 is healthy. It is
 * both the readiness and the liveness probe.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-liveness-command
 */
export interface WorkerExecProbe {
  /** The command and its arguments, run without a shell, e.g. `['celery', 'inspect', 'ping']`. */
  readonly exec: string[];
}

/**
 * A health check over HTTP: the worker serves a health endpoint on a port of its own, declared as
 * the container port named `health`. It is both the readiness and the liveness probe.
 */
export interface WorkerHttpProbe {
  /** Port of the health endpoint (1 to 65535). */
  readonly httpPort: number;
  /**
   * Path of the health endpoint.
   * @default '/healthz'
   */
  readonly path?: string;
}

/** How the kubelet checks a worker: a command ({@link WorkerExecProbe}) or an HTTP endpoint ({@link WorkerHttpProbe}). */
export type WorkerProbe = WorkerExecProbe | WorkerHttpProbe;

/** The props of a {@link Worker} other than its probe. */
export interface WorkerCommonProps extends WorkloadProps, ScalingProps {
  /**
   * Name of the Deployment and of the worker's other objects.
   * @default - the construct id
   */
  readonly name?: string;
}

/** Props of a {@link Worker} with a health check. */
export interface WorkerProbedProps extends WorkerCommonProps {
  /**
   * The health check, used as readiness probe (every 10 s) and liveness probe (every 30 s after
   * 10 s), each with a 5 s timeout and 3 failures allowed.
   */
  readonly probe: WorkerProbe;
}

/** Props of a {@link Worker} without a health check: the opt-out says why. */
export interface WorkerUnprobedProps extends WorkerCommonProps {
  /** No health check: the Deployment waives the policy gate's `probes` rule. */
  readonly probe: false;
  /**
   * Why the worker has no health check. It becomes the waiver annotation
   * `policy.kubestack.io/waive.probes` of the Deployment, which the policy gate prints on every synth.
   */
  readonly noProbeReason: string;
}

/**
 * Props of a {@link Worker}. `probe` is required: a health check, or `false` together with a
 * `noProbeReason`.
 */
export type WorkerProps = WorkerProbedProps | WorkerUnprobedProps;

/** Probe timing: a worker's health check may be slower than an HTTP handler (an exec spawns a process). */
const READINESS = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
const LIVENESS = { initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };

const PROBE_FIX =
  "must be set: a command ({ exec: ['celery', 'inspect', 'ping'] }), an HTTP health port ({ httpPort: 8081, path: '/healthz' }), or false with a 'noProbeReason' that says why the worker has no health check";

/**
 * A queue worker: a Deployment with rolling updates (maxSurge 1, maxUnavailable 0) and no
 * Service or Ingress, a NetworkPolicy that denies all ingress, and optionally an HPA and a
 * PodDisruptionBudget, with Pod Security "restricted" defaults. Replicas, autoscaling, the budget
 * and topology spread follow the profile as for a {@link WebApp}. `connect()` wires it to a
 * PostgresDb or a RedisCache.
 */
export class Worker extends Construct {
  /** Name of the Deployment and the worker's other objects. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** Entrypoint override; `undefined` keeps the image's. */
  public readonly command?: readonly string[];
  /** Arguments; `undefined` keeps the image's. */
  public readonly args?: readonly string[];
  /** Replicas in the Deployment; `undefined` when an HPA owns them. */
  public readonly replicas?: number;
  /** Settings of the HPA; `undefined` when autoscaling is off. */
  public readonly autoscaling?: AutoscalingSpec;
  /** Whether a PodDisruptionBudget is created when more than one replica can run. */
  public readonly podDisruptionBudget: boolean;
  /** Whether pods are spread across nodes. */
  public readonly topologySpread: boolean;
  /** Whether pods are also spread across zones. */
  public readonly zoneSpread: boolean;
  /** Requests and limits of the container: the props' fields over the profile's `resources.worker`. */
  public readonly resources: ResourceSpec;
  /** The health check (an HTTP probe with its path resolved), or `false` when opted out. */
  public readonly probe: WorkerExecProbe | Required<WorkerHttpProbe> | false;
  /** Why there is no health check; `undefined` when there is one. */
  public readonly noProbeReason?: string;
  /** Secrets used to pull the image. */
  public readonly imagePullSecrets: readonly string[];
  /** UID and GID the container runs as. */
  public readonly runAsUser: number;
  /** Paths the worker may write to, each an emptyDir. */
  public readonly writablePaths: readonly string[];
  /** Labels that select the worker's pods (`app.kubernetes.io/name` and `app.kubernetes.io/instance`). */
  public readonly selector: Record<string, string>;
  /** The Deployment (construct id `Resource`). */
  public readonly deployment: k8s.KubeDeployment;
  /** The NetworkPolicy that denies all ingress to the worker's pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The HorizontalPodAutoscaler; `undefined` when autoscaling is off. */
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget; `undefined` when `podDisruptionBudget` is off or at most one replica can run. */
  public readonly pdb?: k8s.KubePodDisruptionBudget;

  private readonly subject: Subject;
  private readonly pod: HardenedPod;

  /**
   * Validates the props against the Environment's profile and creates the worker's objects.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the worker's settings; `image` and `probe` are required
   * @throws ValidationError when a prop, or the combination with the profile, is not allowed
   */
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    this.subject = { kind: 'worker', path: this.node.path };
    const subject = this.subject;
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);
    const profile = env.profile;

    this.name = props.name ?? id;
    this.image = props.image;
    this.resources = { ...profile.resources.worker, ...(props.resources ?? {}) };
    this.runAsUser = props.runAsUser ?? 1000;
    const imagePullSecrets = props.imagePullSecrets ?? [];
    const writablePaths = props.writablePaths ?? ['/tmp'];

    // --- validation, eager and in prop order -------------------------------------------------
    assertValid(subject, 'name', this.name, checkDnsLabel(this.name, 54));
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, profile.name));
    assertValid(subject, 'image', this.image, checkImage(this.image));
    assertValid(subject, 'image', this.image, checkPinnedImage(this.image, profile.production));
    if (props.command !== undefined) assertValid(subject, 'command', props.command, checkStringList(props.command));
    if (props.args !== undefined) assertValid(subject, 'args', props.args, checkStringList(props.args));
    this.command = props.command ? [...props.command] : undefined;
    this.args = props.args ? [...props.args] : undefined;
    const scaling = resolveScaling(subject, profile, props);
    this.replicas = scaling.replicas;
    this.autoscaling = scaling.autoscaling;
    this.podDisruptionBudget = scaling.podDisruptionBudget;
    this.topologySpread = scaling.topologySpread;
    this.zoneSpread = scaling.zoneSpread;
    if (props.resources !== undefined) assertValid(subject, 'resources', props.resources, checkRecord(props.resources));
    validateResources(subject, 'resources', this.resources);
    this.probe = resolveProbe(subject, props);
    this.noProbeReason = this.probe === false ? (props as WorkerUnprobedProps).noProbeReason : undefined;
    this.imagePullSecrets = HardenedPod.imagePullSecrets(subject, imagePullSecrets);
    assertValid(subject, 'runAsUser', this.runAsUser, checkUid(this.runAsUser));
    const writable = HardenedPod.writablePaths(subject, writablePaths);
    this.writablePaths = [...writablePaths];
    if (props.env !== undefined) assertValid(subject, 'env', props.env, checkRecord(props.env));
    if (props.config !== undefined && !Array.isArray(props.config)) fail(subject, 'config', props.config, 'must be an array of ConfigBundle');
    if (profile.production) checkProductionScaling(subject, scaling);

    env.claimName(subject, 'name', 'Deployment', this.name);
    for (const s of this.imagePullSecrets) env.requireSecret(subject, s, '.dockerconfigjson');
    env.claimName(subject, 'name', 'NetworkPolicy', this.name);

    // --- objects ---------------------------------------------------------------------------------
    const { labels, selector } = workloadLabels(env, this.name, 'worker');
    this.selector = selector;

    this.pod = new HardenedPod(this, subject, env, writable);
    for (const [key, value] of Object.entries(props.env ?? {})) this.addEnv(key, value);

    const probe = this.probe;
    const handler: Pick<k8s.Probe, 'exec' | 'httpGet'> | undefined =
      probe === false
        ? undefined
        : 'exec' in probe
          ? { exec: { command: [...probe.exec] } }
          : { httpGet: { path: probe.path, port: k8s.IntOrString.fromString('health'), scheme: 'HTTP' } };

    const lintChecks: LintCheck[] = [...workloadLintChecks(this.runAsUser), 'pod-networkpolicy', ...scalingLintChecks(scaling)];
    if (this.probe !== false) lintChecks.push('pod-probes-identical');
    const annotations = { ...lintWaivers(lintChecks), ...(this.noProbeReason !== undefined ? { [waiverAnnotation('probes')]: this.noProbeReason } : {}) };
    // The reason is an annotation value: the Deployment's annotations must stay within 256 KiB.
    if (this.noProbeReason !== undefined) assertValid(subject, 'noProbeReason', this.noProbeReason, checkAnnotationsSize(annotations));
    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: objectMeta(env, this.name, labels, Object.keys(annotations).length ? annotations : undefined),
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...selector } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: this.pod.template({
          labels,
          runAsUser: this.runAsUser,
          imagePullSecrets: this.imagePullSecrets,
          topologySpreadConstraints: topologySpreadConstraints(scaling, selector),
          container: {
            name: 'app',
            image: this.image,
            command: this.command,
            args: this.args,
            ports: probe !== false && 'httpPort' in probe ? [{ name: 'health', containerPort: probe.httpPort, protocol: 'TCP' }] : undefined,
            resources: this.resources,
            readinessProbe: handler && { ...handler, ...READINESS },
            livenessProbe: handler && { ...handler, ...LIVENESS },
          },
        }),
      },
    });

    // A worker pulls its work from a queue: nothing connects to it.
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: objectMeta(env, this.name, labels),
      spec: { podSelector: { matchLabels: { ...selector } }, policyTypes: ['Ingress'] },
    });

    // --- autoscaling and disruption budget ---------------------------------------------------------
    const { hpa, pdb } = addScalingObjects(this, env, subject, { name: this.name, labels, selector }, scaling);
    this.hpa = hpa;
    this.pdb = pdb;

    for (const bundle of props.config ?? []) this.addConfig(bundle);
  }

  /** Adds a plain environment variable. A name that is already set throws. */
  public addEnv(name: string, value: string): void {
    this.pod.addEnv(name, value);
  }

  /**
   * Consumes a ConfigBundle: its settings through `envFrom`, its secret references as
   * `secretKeyRef` variables and its files mounted read-only at its `mountPath`. The pods carry
   * the bundle's content hash, so any change to it rolls them.
   */
  public addConfig(bundle: ConfigBundle): void {
    this.pod.addConfig(bundle);
  }

  /**
   * Wires this worker to a server: injects its connection environment (for Postgres,
   * DATABASE_URL built with `$(DB_USER)`/`$(DB_PASS)` from the credentials Secret; for Redis,
   * REDIS_URL), lets this worker's pods through the server's NetworkPolicy, and records the
   * dependency so the server's objects come first in the manifests and in Pulumi.
   */
  public connect(server: Connectable & Construct): void {
    this.pod.connect(server, this);
  }

  /**
   * Runs this worker after a Job, typically a database migration: the Job comes first in the YAML
   * (and, for Argo CD, in an earlier sync wave), and under Pulumi this worker's Deployment is
   * updated only after the Job has completed; a failed Job stops the rollout.
   */
  public runsAfter(job: Job): void {
    this.pod.runsAfter(job, Job.isJob(job), this.deployment);
    const wave = Math.max(...this.pod.jobsBefore.map((j) => (j as Job).syncWave)) + 1;
    this.deployment.metadata.addAnnotation(Job.SYNC_WAVE_ANNOTATION, String(wave));
  }

  /** Servers this worker is wired to, in wiring order. */
  public get connections(): readonly Construct[] {
    return this.pod.connections;
  }

  /** A copy of the container's environment. */
  public get envVars(): k8s.EnvVar[] {
    return this.pod.envVars;
  }
}

/** Validates `probe` and `noProbeReason` together and resolves the HTTP probe's path. */
function resolveProbe(subject: Subject, props: WorkerProps): WorkerExecProbe | Required<WorkerHttpProbe> | false {
  const probe: unknown = props.probe;
  const reason: unknown = (props as Partial<WorkerUnprobedProps>).noProbeReason;
  if (probe === false) {
    if (typeof reason !== 'string' || reason.trim() === '') {
      fail(
        subject,
        'noProbeReason',
        reason,
        "must say why the worker has no health check when 'probe' is false (it becomes the waiver policy.kubestack.io/waive.probes)",
      );
    }
    return false;
  }
  if (probe === undefined) fail(subject, 'probe', probe, PROBE_FIX);
  if (reason !== undefined) fail(subject, 'noProbeReason', reason, "must be left out when 'probe' is set (it only explains 'probe: false')");
  if (checkRecord(probe) !== undefined) fail(subject, 'probe', probe, 'must be { exec: [...] }, { httpPort, path? } or false');
  const p = probe as Partial<WorkerExecProbe & WorkerHttpProbe>;
  if ((p.exec === undefined) === (p.httpPort === undefined)) fail(subject, 'probe', probe, "must have exactly one of 'exec' and 'httpPort'");
  if (p.exec !== undefined) {
    const ok = Array.isArray(p.exec) && p.exec.length > 0 && checkStringList(p.exec) === undefined;
    assertValid(subject, 'probe.exec', p.exec, ok ? undefined : 'must be a non-empty array of strings');
    if (p.path !== undefined) fail(subject, 'probe.path', p.path, "must be left out of an exec probe (it is the path of an 'httpPort' probe)");
    return { exec: [...p.exec] };
  }
  assertValid(subject, 'probe.httpPort', p.httpPort, checkPort(p.httpPort));
  const path = p.path ?? '/healthz';
  assertValid(subject, 'probe.path', path, checkHttpPath(path));
  return { httpPort: p.httpPort!, path };
}

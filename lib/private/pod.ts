import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigBundle } from '../config-bundle';
import { Connectable } from '../connection';
import { Environment } from '../environment';
import { ResourceSpec } from '../environment-profile';
import { containerSecurityContext, podSecurityContext, resourceRequirements, scratchVolume } from './meta';
import { Subject, assertValid, checkDnsSubdomain, checkEnvName, checkString, checkStringList, fail, firstDuplicate, ValidationError } from './validate';
import { envLiteralSecret } from '../policy/secret-scan';

/** The one container of a hardened pod. */
export interface HardenedContainer {
  /** Container name (`app`, `postgres`, …). */
  readonly name: string;
  /** Container image. */
  readonly image: string;
  /** Entrypoint override; `undefined` keeps the image's. */
  readonly command?: readonly string[];
  /** Arguments; `undefined` keeps the image's. */
  readonly args?: readonly string[];
  /** Named container ports. */
  readonly ports?: k8s.ContainerPort[];
  /** Fixed environment, before anything added with `addEnv`, `addConfig` or `connect`. */
  readonly env?: k8s.EnvVar[];
  /** Requests and limits. */
  readonly resources: ResourceSpec;
  /** Probes; a batch pod has none. */
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  /** Mounts of volumes the caller adds (a claim template), before the scratch and config mounts. */
  readonly volumeMounts?: k8s.VolumeMount[];
}

/** What a hardened pod template is made of, beyond the container. */
export interface HardenedPodOptions {
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  /** UID and GID of the container. */
  readonly runAsUser: number;
  /** fsGroup for volumes the image must own (a database's claim). */
  readonly fsGroup?: number;
  readonly container: HardenedContainer;
  readonly imagePullSecrets?: readonly string[];
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /** `Never` or `OnFailure` for Jobs; the default (`Always`) for long-running pods. */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  readonly terminationGracePeriodSeconds?: number;
  /** Volumes the caller adds (a standalone claim), before the scratch and config volumes; mount them with `container.volumeMounts`. */
  readonly volumes?: k8s.Volume[];
}

/** A writable path of a read-only root filesystem, backed by an emptyDir with a size limit. */
export interface WritablePath {
  readonly name: string;
  readonly mountPath: string;
  readonly sizeLimit?: string;
}

/**
 * The one hardened pod of every workload construct: non-root UID and GID, seccomp RuntimeDefault,
 * ALL capabilities dropped, no privilege escalation, a read-only root filesystem with emptyDir
 * mounts for the paths the image writes, no service-account token, no service links, requests
 * and limits. It also owns the wiring that app workloads share: plain env, ConfigBundles (as env
 * and files, with their content hash on the pod template), and `connect()` to a server.
 */
export class HardenedPod {
  private readonly containerEnv: k8s.EnvVar[] = [];
  private readonly envFrom: k8s.EnvFromSource[] = [];
  private readonly volumes: k8s.Volume[] = [];
  private readonly mounts: k8s.VolumeMount[] = [];
  private readonly bundles: ConfigBundle[] = [];
  private readonly connected: Construct[] = [];
  private readonly after: Construct[] = [];

  /**
   * @param owner the workload construct (dependencies are recorded on it)
   * @param subject the owner in error messages
   * @param env the owner's Environment
   * @param writable the writable paths of the read-only root filesystem
   */
  constructor(
    private readonly owner: Construct,
    private readonly subject: Subject,
    private readonly env: Environment,
    writable: readonly WritablePath[],
  ) {
    for (const w of writable) {
      const v = scratchVolume(w.name, w.mountPath, w.sizeLimit);
      this.volumes.push(v.volume);
      this.mounts.push(v.mount);
    }
  }

  /** The `writablePaths` prop of an app workload: validated, `/tmp` first as volume `tmp`. */
  public static writablePaths(subject: Subject, paths: readonly string[]): WritablePath[] {
    assertValid(subject, 'writablePaths', paths, checkStringList(paths));
    for (const p of paths) assertValid(subject, 'writablePaths', p, /^\/[^\0]*$/.test(p) ? undefined : 'must be absolute paths');
    const dup = firstDuplicate(paths);
    if (dup !== undefined) fail(subject, 'writablePaths', dup, 'must not repeat a path');
    return paths.map((mountPath, i) => ({ name: i === 0 && mountPath === '/tmp' ? 'tmp' : `writable-${i}`, mountPath }));
  }

  /** The `imagePullSecrets` prop of a workload: Secret names, each once (the API server warns on a repeat and keeps both). */
  public static imagePullSecrets(subject: Subject, names: readonly string[]): string[] {
    assertValid(subject, 'imagePullSecrets', names, checkStringList(names));
    for (const s of names) assertValid(subject, 'imagePullSecrets', s, checkDnsSubdomain(s));
    const dup = firstDuplicate(names);
    if (dup !== undefined) fail(subject, 'imagePullSecrets', dup, 'must not repeat a Secret name');
    return [...names];
  }

  /** Adds a plain environment variable. A name that is already set throws. */
  public addEnv(name: string, value: string): void {
    assertValid(this.subject, 'env', name, checkEnvName(name));
    assertValid(this.subject, `env.${name}`, value, checkString(value));
    // the gate's secret-literal rule asks the same question at synthesis
    const secret = envLiteralSecret(name, value);
    if (secret !== undefined) {
      throw new ValidationError(
        this.subject.kind,
        this.subject.path,
        `env.${name}`,
        '<redacted>',
        `must not hold a secret: it is ${secret}; read it from a Secret (a ConfigBundle 'secrets' entry) or compose it from $(VAR) references`,
      );
    }
    this.pushEnv('env', [{ name, value }]);
  }

  /**
   * Consumes a ConfigBundle: settings through `envFrom`, secret references as `secretKeyRef`
   * variables, files mounted read-only at its `mountPath`; the bundle's content hash goes on the
   * pod template, so any change rolls the pods (or, for a Job, renames it).
   */
  public addConfig(bundle: ConfigBundle): void {
    if (!(bundle instanceof ConfigBundle)) fail(this.subject, 'config', bundle, 'must be a ConfigBundle');
    if (this.bundles.includes(bundle)) fail(this.subject, 'config', bundle.node.path, 'must not add the same ConfigBundle twice');
    if (Environment.of(bundle) !== this.env) fail(this.subject, 'config', bundle.node.path, 'must be a ConfigBundle of the same Environment');
    if (bundle.hasFiles && this.mounts.some((m) => m.mountPath === bundle.mountPath)) {
      fail(this.subject, 'config', bundle.mountPath, 'must not mount files at a path that is already mounted (a writable path or another bundle)');
    }
    this.bundles.push(bundle);
    this.envFrom.push(...bundle.envFrom());
    this.pushEnv('config', bundle.secretEnv());
    if (bundle.hasFiles) {
      const volumeName = `config-${this.bundles.length}`;
      this.volumes.push({ name: volumeName, configMap: { name: bundle.filesName } });
      this.mounts.push({ name: volumeName, mountPath: bundle.mountPath, readOnly: true });
    }
    this.owner.node.addDependency(bundle);
  }

  /**
   * Wires the workload to a server: its connection environment, the server's NetworkPolicy
   * admitting `client`, and a dependency so that the server's objects come first.
   */
  public connect(server: Connectable & Construct, client: { readonly name: string; readonly selector: Record<string, string> }): void {
    if (!server || typeof (server as Partial<Connectable>).connectionEnv !== 'function') {
      fail(this.subject, 'connect', server, 'must be a PostgresDb, a RedisCache or another Connectable construct');
    }
    if (this.connected.includes(server)) fail(this.subject, 'connect', server.node.path, 'must not connect the same server twice');
    if (Environment.of(server) !== this.env) fail(this.subject, 'connect', server.node.path, 'must be a server in the same Environment');
    this.pushEnv('connect', server.connectionEnv());
    server.allowFrom({ path: this.owner.node.path, name: client.name, selector: client.selector });
    this.connected.push(server);
    this.owner.node.addDependency(server);
  }

  /**
   * Orders the workload after a Job (a migration): the Job comes first in the YAML, and under
   * Pulumi the workload is updated only once the Job has completed (the provider awaits it), so
   * a failed Job stops the rollout.
   * Only `dependant` (the workload's Deployment) waits: its Service, Ingress, HPA and policies
   * do not depend on the Job.
   * @param job the Job
   * @param isJob whether `job` is one (`Job.isJob`, which this module cannot import)
   * @param dependant the object that must wait for the Job
   */
  public runsAfter(job: Construct, isJob: boolean, dependant: Construct): void {
    if (!isJob) fail(this.subject, 'runsAfter', job, 'must be a Job (a migration or another one-off task)');
    if (Environment.of(job) !== this.env) fail(this.subject, 'runsAfter', job.node.path, 'must be a Job of the same Environment');
    if (this.after.includes(job)) fail(this.subject, 'runsAfter', job.node.path, 'must not name the same Job twice');
    this.after.push(job);
    dependant.node.addDependency(job);
  }

  /** The Jobs the workload runs after, in order. */
  public get jobsBefore(): readonly Construct[] {
    return [...this.after];
  }

  /** Servers the workload is wired to, in wiring order. */
  public get connections(): readonly Construct[] {
    return [...this.connected];
  }

  /** A copy of the environment added so far (not the container's fixed `env`). */
  public get envVars(): k8s.EnvVar[] {
    return this.containerEnv.map((e) => ({ ...e }));
  }

  /**
   * What the pods run, as plain data, for a content hash: the env, envFrom and volumes added so
   * far and the content hash of every ConfigBundle.
   */
  public fingerprint(): unknown {
    return { env: this.containerEnv, envFrom: this.envFrom, volumes: this.volumes, bundles: this.bundles.map((b) => [b.name, b.contentHash]) };
  }

  /** The pod template; env, envFrom, volumes and annotations are produced at synthesis. */
  public template(o: HardenedPodOptions): k8s.PodTemplateSpec {
    const c = o.container;
    const fixedEnv = c.env ?? [];
    return {
      metadata: {
        labels: { ...o.labels },
        annotations: Lazy.any({ produce: () => this.podAnnotations() }),
      },
      spec: {
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: o.restartPolicy,
        terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
        securityContext: podSecurityContext(o.runAsUser, o.fsGroup),
        imagePullSecrets: o.imagePullSecrets?.length ? o.imagePullSecrets.map((name) => ({ name })) : undefined,
        topologySpreadConstraints: o.topologySpreadConstraints?.length ? o.topologySpreadConstraints : undefined,
        containers: [
          {
            name: c.name,
            image: c.image,
            imagePullPolicy: 'IfNotPresent',
            command: c.command ? [...c.command] : undefined,
            args: c.args ? [...c.args] : undefined,
            ports: c.ports,
            env: Lazy.any({ produce: () => (fixedEnv.length + this.containerEnv.length ? [...fixedEnv, ...this.containerEnv] : undefined) }),
            envFrom: Lazy.any({ produce: () => (this.envFrom.length ? this.envFrom : undefined) }),
            resources: resourceRequirements(c.resources),
            securityContext: containerSecurityContext(o.runAsUser),
            readinessProbe: c.readinessProbe,
            livenessProbe: c.livenessProbe,
            startupProbe: c.startupProbe,
            volumeMounts: Lazy.any({ produce: () => [...(c.volumeMounts ?? []), ...this.mounts] }),
          },
        ],
        // The array itself, not a copy: addConfig() after template() adds the config volumes to it.
        volumes: o.volumes?.length ? Lazy.any({ produce: () => [...o.volumes!, ...this.volumes] }) : this.volumes,
      },
    };
  }

  private pushEnv(prop: string, vars: k8s.EnvVar[]): void {
    for (const v of vars) {
      if (this.containerEnv.some((e) => e.name === v.name)) {
        fail(this.subject, prop, v.name, 'must not set an environment variable that is already set');
      }
    }
    this.containerEnv.push(...vars);
  }

  private podAnnotations(): Record<string, string> | undefined {
    if (this.bundles.length === 0) return undefined;
    const out: Record<string, string> = {};
    for (const b of this.bundles) out[`config.kubestack.io/${b.name}`] = b.contentHash;
    return out;
  }
}

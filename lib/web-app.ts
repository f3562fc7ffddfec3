import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigBundle } from './config-bundle';
import { Connectable } from './connection';
import { Environment } from './environment';
import { ScalingProps, WorkloadProps } from './workload-props';
import { Job } from './job';
import { AutoscalingSpec, ResourceSpec } from './environment-profile';
import { validateResources } from './private/resources';
import { addScalingObjects, checkProductionScaling, resolveScaling, scalingLintChecks, topologySpreadConstraints } from './private/scaling';
import { objectMeta, workloadLabels } from './private/meta';
import { HardenedPod } from './private/pod';
import { LintCheck, lintWaivers, workloadLintChecks } from './private/lint';
import {
  Subject,
  assertValid,
  checkAnnotationKey,
  checkAnnotationsSize,
  checkDnsLabel,
  checkDnsSubdomain,
  checkHostname,
  checkHttpPath,
  checkImage,
  checkIngressPath,
  checkInstanceLabel,
  checkOneOf,
  checkPinnedImage,
  checkPort,
  checkRecord,
  checkServiceName,
  checkUid,
  checkString,
  checkStringList,
  fail,
  firstDuplicate,
} from './private/validate';

/** How the Service is exposed. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Ingress in front of a {@link WebApp}. */
export interface WebAppIngress {
  /**
   * Host names the Ingress answers for.
   * @default - ['<name>.<profile domain>']
   */
  readonly hosts?: string[];
  /**
   * Path prefixes routed to the app (pathType Prefix): absolute, without `//`, `/./`, `/../` or
   * `%2f` and not ending in `/.` or `/..`; with the `nginx` class only letters, digits and `-._~/`.
   * @default ['/']
   */
  readonly paths?: string[];
  /**
   * IngressClass that serves it.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * Secret holding the TLS certificate for all hosts.
   * @default - '<name>-tls' when the profile has `tls: true`, otherwise no TLS
   */
  readonly tlsSecretName?: string;
  /**
   * Annotations, e.g. for cert-manager or the nginx controller.
   * @default {}
   */
  readonly annotations?: Record<string, string>;
}

/** Props of a {@link WebApp}. */
export interface WebAppProps extends WorkloadProps, ScalingProps {
  /**
   * Name of the Deployment, the Service and every other object of the app: a DNS-1035 label (it
   * starts with a letter, as a Service name must) of at most 54 characters.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port the container listens on (named `http`).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Port of the Service.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Service type.
   * @default 'ClusterIP'
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
   */
  readonly serviceType?: ServiceType;
  /**
   * Path of the liveness probe.
   * @default '/healthz'
   */
  readonly livenessPath?: string;
  /**
   * Path of the readiness probe.
   * @default '/ready'
   */
  readonly readinessPath?: string;
  /**
   * Path of a startup probe that gives a slow start up to 60 s before liveness applies.
   * @default - no startup probe
   */
  readonly startupPath?: string;
  /**
   * Ingress; `undefined` creates none.
   * @default - no Ingress
   */
  readonly ingress?: WebAppIngress;
}

/**
 * A stateless HTTP service: a Deployment with rolling updates (maxSurge 1, maxUnavailable 0),
 * a Service, and optionally an Ingress, an HPA and a PodDisruptionBudget, with Pod Security
 * "restricted" defaults. `connect()` wires it to a PostgresDb or a RedisCache.
 */
export class WebApp extends Construct {
  /** Name of the Deployment, the Service and the app's other objects. */
  public readonly name: string;
  /** Container image. */
  public readonly image: string;
  /** Port the container listens on (named `http`). */
  public readonly port: number;
  /** Port of the Service. */
  public readonly servicePort: number;
  /** Type of the Service. */
  public readonly serviceType: ServiceType;
  /** Replicas in the Deployment; `undefined` when an HPA owns them. */
  public readonly replicas?: number;
  /** Settings of the HPA; `undefined` when autoscaling is off. */
  public readonly autoscaling?: AutoscalingSpec;
  /** Requests and limits of the container: the props' fields over the profile's `resources.web`. */
  public readonly resources: ResourceSpec;
  /** Path of the liveness probe. */
  public readonly livenessPath: string;
  /** Path of the readiness probe. */
  public readonly readinessPath: string;
  /** UID and GID the container runs as. */
  public readonly runAsUser: number;
  /** Labels that select the app's pods (`app.kubernetes.io/name` and `app.kubernetes.io/instance`). */
  public readonly selector: Record<string, string>;
  /** Service DNS name inside the namespace. */
  public readonly host: string;
  /** Host names of the Ingress (empty without one). */
  public readonly ingressHosts: readonly string[];
  /** TLS secret of the Ingress, if any. */
  public readonly tlsSecretName?: string;
  /** The Deployment (construct id `Resource`). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service in front of the pods. */
  public readonly service: k8s.KubeService;
  /** The Ingress; `undefined` unless the `ingress` prop is set. */
  public readonly ingress?: k8s.KubeIngress;
  /** The HorizontalPodAutoscaler; `undefined` when autoscaling is off. */
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget; `undefined` when `podDisruptionBudget` is off or at most one replica can run. */
  public readonly pdb?: k8s.KubePodDisruptionBudget;

  private readonly subject: Subject;
  private readonly pod: HardenedPod;

  /**
   * Validates the props against the Environment's profile and creates the app's objects.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the app's settings; only `image` is required
   * @throws ValidationError when a prop, or the combination with the profile, is not allowed
   */
  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    this.subject = { kind: 'web-app', path: this.node.path };
    const subject = this.subject;
    assertValid(subject, 'props', props, checkRecord(props));
    const env = Environment.of(this, subject);
    const profile = env.profile;

    this.name = props.name ?? id;
    this.image = props.image;
    this.port = props.port ?? 8080;
    this.servicePort = props.servicePort ?? 80;
    this.serviceType = props.serviceType ?? 'ClusterIP';
    this.resources = { ...profile.resources.web, ...(props.resources ?? {}) };
    this.livenessPath = props.livenessPath ?? '/healthz';
    this.readinessPath = props.readinessPath ?? '/ready';
    this.runAsUser = props.runAsUser ?? 1000;
    const imagePullSecrets = props.imagePullSecrets ?? [];
    const writablePaths = props.writablePaths ?? ['/tmp'];
    this.host = this.name;

    // --- validation, eager and in prop order -------------------------------------------------
    assertValid(subject, 'name', this.name, checkDnsLabel(this.name, 54));
    assertValid(subject, 'name', this.name, checkServiceName(this.name));
    assertValid(subject, 'name', this.name, checkInstanceLabel(this.name, profile.name));
    assertValid(subject, 'image', this.image, checkImage(this.image));
    assertValid(subject, 'image', this.image, checkPinnedImage(this.image, profile.production));
    assertValid(subject, 'port', this.port, checkPort(this.port));
    assertValid(subject, 'servicePort', this.servicePort, checkPort(this.servicePort));
    assertValid(subject, 'serviceType', this.serviceType, checkOneOf(this.serviceType, ['ClusterIP', 'NodePort', 'LoadBalancer'] as const));
    if (props.command !== undefined) assertValid(subject, 'command', props.command, checkStringList(props.command));
    if (props.args !== undefined) assertValid(subject, 'args', props.args, checkStringList(props.args));
    // replicas, autoscaling (from the props or the profile), podDisruptionBudget, topologySpread, zoneSpread
    const scaling = resolveScaling(subject, profile, props);
    this.autoscaling = scaling.autoscaling;
    this.replicas = scaling.replicas;
    if (props.resources !== undefined) assertValid(subject, 'resources', props.resources, checkRecord(props.resources));
    validateResources(subject, 'resources', this.resources);
    assertValid(subject, 'livenessPath', this.livenessPath, checkHttpPath(this.livenessPath));
    assertValid(subject, 'readinessPath', this.readinessPath, checkHttpPath(this.readinessPath));
    if (props.startupPath !== undefined) assertValid(subject, 'startupPath', props.startupPath, checkHttpPath(props.startupPath));
    HardenedPod.imagePullSecrets(subject, imagePullSecrets);
    assertValid(subject, 'runAsUser', this.runAsUser, checkUid(this.runAsUser));
    const writable = HardenedPod.writablePaths(subject, writablePaths);
    if (props.env !== undefined) assertValid(subject, 'env', props.env, checkRecord(props.env));
    if (props.config !== undefined && !Array.isArray(props.config)) fail(subject, 'config', props.config, 'must be an array of ConfigBundle');

    if (profile.production) checkProductionScaling(subject, scaling);

    env.claimName(subject, 'name', 'Deployment', this.name);
    for (const s of imagePullSecrets) env.requireSecret(subject, s, '.dockerconfigjson');
    env.claimName(subject, 'name', 'Service', this.name);
    env.claimName(subject, 'name', 'NetworkPolicy', this.name);

    // --- objects ---------------------------------------------------------------------------------
    const { labels, selector } = workloadLabels(env, this.name, 'web');
    this.selector = selector;

    this.pod = new HardenedPod(this, subject, env, writable);
    for (const [key, value] of Object.entries(props.env ?? {})) this.addEnv(key, value);

    const httpProbe = (path: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
      periodSeconds,
      timeoutSeconds: 2,
      failureThreshold,
    });
    const lintChecks: LintCheck[] = [...workloadLintChecks(this.runAsUser), 'pod-networkpolicy', ...scalingLintChecks(scaling)];
    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: objectMeta(env, this.name, labels, lintWaivers(lintChecks)),
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: profile.rolloutTimeoutSeconds ?? 600,
        selector: { matchLabels: { ...selector } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: this.pod.template({
          labels,
          runAsUser: this.runAsUser,
          imagePullSecrets,
          topologySpreadConstraints: topologySpreadConstraints(scaling, selector),
          container: {
            name: 'app',
            image: this.image,
            command: props.command,
            args: props.args,
            ports: [{ name: 'http', containerPort: this.port, protocol: 'TCP' }],
            resources: this.resources,
            readinessProbe: httpProbe(this.readinessPath, 5, 3),
            livenessProbe: { ...httpProbe(this.livenessPath, 10, 3), initialDelaySeconds: props.startupPath ? undefined : 10 },
            startupProbe: props.startupPath ? httpProbe(props.startupPath, 2, 30) : undefined,
          },
        }),
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: objectMeta(env, this.name, labels),
      spec: {
        type: this.serviceType,
        selector: { ...selector },
        ports: [{ name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    // Ingress controllers run in another namespace, so the web pods accept their port from any
    // source; nothing else is open.
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: objectMeta(env, this.name, labels),
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.port) }] }],
      },
    });

    // --- ingress ---------------------------------------------------------------------------------
    const ingress = props.ingress;
    if (ingress !== undefined) {
      assertValid(subject, 'ingress', ingress, checkRecord(ingress));
      const hosts = ingress.hosts ?? [`${this.name}.${profile.domain}`];
      const paths = ingress.paths ?? ['/'];
      const ingressClassName = ingress.ingressClassName ?? 'nginx';
      const tlsSecretName = ingress.tlsSecretName ?? (profile.tls ? `${this.name}-tls` : undefined);
      const annotations = ingress.annotations ?? {};
      assertValid(subject, 'ingress.hosts', hosts, Array.isArray(hosts) && hosts.length > 0 ? undefined : 'must be a non-empty array of host names');
      for (const h of hosts) assertValid(subject, 'ingress.hosts', h, checkHostname(h));
      const dupHost = firstDuplicate(hosts);
      if (dupHost !== undefined) fail(subject, 'ingress.hosts', dupHost, 'must not repeat a host');
      assertValid(subject, 'ingress.paths', paths, Array.isArray(paths) && paths.length > 0 ? undefined : 'must be a non-empty array of paths');
      for (const p of paths) assertValid(subject, 'ingress.paths', p, checkIngressPath(p, ingressClassName === 'nginx'));
      const dupPathI = firstDuplicate(paths);
      if (dupPathI !== undefined) fail(subject, 'ingress.paths', dupPathI, 'must not repeat a path');
      assertValid(subject, 'ingress.ingressClassName', ingressClassName, checkDnsSubdomain(ingressClassName));
      if (tlsSecretName !== undefined) assertValid(subject, 'ingress.tlsSecretName', tlsSecretName, checkDnsSubdomain(tlsSecretName));
      if (profile.production && tlsSecretName === undefined) {
        fail(subject, 'ingress.tlsSecretName', tlsSecretName, 'must be set in a production environment (TLS on every Ingress)');
      }
      assertValid(subject, 'ingress.annotations', annotations, checkRecord(annotations));
      for (const [k, v] of Object.entries(annotations)) {
        assertValid(subject, 'ingress.annotations', k, checkAnnotationKey(k));
        // the API server rejects the deprecated class annotation unless it equals spec.ingressClassName
        if (k === 'kubernetes.io/ingress.class')
          fail(subject, 'ingress.annotations', k, "must not set 'kubernetes.io/ingress.class' (deprecated): the class is 'ingress.ingressClassName'");
        assertValid(subject, `ingress.annotations.${k}`, v, checkString(v));
      }
      assertValid(subject, 'ingress.annotations', annotations, checkAnnotationsSize(annotations));
      env.claimName(subject, 'name', 'Ingress', this.name);
      // The certificate Secret is referenced, not created: list it with the other required Secrets.
      if (tlsSecretName !== undefined) {
        env.requireSecret(subject, tlsSecretName, 'tls.crt');
        env.requireSecret(subject, tlsSecretName, 'tls.key');
      }
      this.ingressHosts = [...hosts];
      this.tlsSecretName = tlsSecretName;
      this.ingress = new k8s.KubeIngress(this, 'Ingress', {
        metadata: objectMeta(env, this.name, labels, Object.keys(annotations).length ? { ...annotations } : undefined),
        spec: {
          ingressClassName,
          tls: tlsSecretName ? [{ hosts: [...hosts], secretName: tlsSecretName }] : undefined,
          rules: hosts.map((host) => ({
            host,
            http: {
              paths: paths.map((path) => ({
                path,
                pathType: 'Prefix',
                backend: { service: { name: this.name, port: { number: this.servicePort } } },
              })),
            },
          })),
        },
      });
    } else {
      this.ingressHosts = [];
    }

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
   * Wires this app to a server: injects its connection environment (for Postgres, DATABASE_URL
   * built with `$(DB_USER)`/`$(DB_PASS)` from the credentials Secret; for Redis, REDIS_URL),
   * lets this app's pods through the server's NetworkPolicy, and records the dependency so the
   * server's objects come first in the manifests and in Pulumi.
   */
  public connect(server: Connectable & Construct): void {
    this.pod.connect(server, this);
  }

  /**
   * Runs this app after a Job, typically a database migration: the Job comes first in the YAML
   * (and, for Argo CD, in an earlier sync wave), and under Pulumi this app's Deployment is
   * updated only after the Job has completed; a failed Job stops the rollout.
   */
  public runsAfter(job: Job): void {
    this.pod.runsAfter(job, Job.isJob(job), this.deployment);
    const wave = Math.max(...this.pod.jobsBefore.map((j) => (j as Job).syncWave)) + 1;
    this.deployment.metadata.addAnnotation(Job.SYNC_WAVE_ANNOTATION, String(wave));
  }

  /** Servers this app is wired to, in wiring order. */
  public get connections(): readonly Construct[] {
    return this.pod.connections;
  }

  /** A copy of the container's environment. */
  public get envVars(): k8s.EnvVar[] {
    return this.pod.envVars;
  }
}

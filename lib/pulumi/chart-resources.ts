import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Environment, EnvironmentValidationError } from '../environment';
import { PolicyViolationError, PolicyWaiver, formatWaivers } from '../policy';
import { ValidationError } from '../private/validate';
import { ChartObject, KubeManifest, PlanError, PlannedObject, environmentObjects, planObjects, withImages } from './plan';

/** Props of a {@link ChartResources}. */
export interface ChartResourcesArgs {
  /** The Environment to deploy: its objects and those of every chart nested in it. */
  readonly environment: Environment;
  /** Kubernetes provider of the target cluster; every object is deployed through it. */
  readonly provider: k8s.Provider;
  /**
   * Placeholder image -> the image to run instead, typically a `docker.Image`'s `repoDigest`.
   * Every placeholder must be the image of at least one container.
   * @default - no substitution
   */
  readonly images?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Objects that the Environment references but does not contain, such as the Secrets of
   * {@link secretsFromConfig}. They are deployed, and ordered, like the Environment's own objects;
   * the policy gate does not see them (a Secret with data would break its `secret-data` rule).
   * @default []
   */
  readonly extraObjects?: readonly KubeManifest[];
}

type Factory = (name: string, manifest: KubeManifest, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// The args of each resource class mirror the Kubernetes object, which the synthesized JSON is.
function args<T>(manifest: KubeManifest): T {
  return manifest as unknown as T;
}

/**
 * apiVersion/kind -> the typed `@pulumi/kubernetes` class that deploys it. Any other kind (a
 * ServiceMonitor, an ExternalSecret, …) is deployed as a generic `apiextensions.CustomResource`.
 */
const KINDS: Readonly<Record<string, Factory>> = {
  'v1/Namespace': (n, m, o) => new k8s.core.v1.Namespace(n, args(m), o),
  'v1/ConfigMap': (n, m, o) => new k8s.core.v1.ConfigMap(n, args(m), o),
  'v1/Secret': (n, m, o) => new k8s.core.v1.Secret(n, args(m), o),
  'v1/Service': (n, m, o) => new k8s.core.v1.Service(n, args(m), o),
  'v1/ServiceAccount': (n, m, o) => new k8s.core.v1.ServiceAccount(n, args(m), o),
  'v1/PersistentVolumeClaim': (n, m, o) => new k8s.core.v1.PersistentVolumeClaim(n, args(m), o),
  'v1/Pod': (n, m, o) => new k8s.core.v1.Pod(n, args(m), o),
  'apps/v1/Deployment': (n, m, o) => new k8s.apps.v1.Deployment(n, args(m), o),
  'apps/v1/StatefulSet': (n, m, o) => new k8s.apps.v1.StatefulSet(n, args(m), o),
  'apps/v1/DaemonSet': (n, m, o) => new k8s.apps.v1.DaemonSet(n, args(m), o),
  'batch/v1/Job': (n, m, o) => new k8s.batch.v1.Job(n, args(m), o),
  'batch/v1/CronJob': (n, m, o) => new k8s.batch.v1.CronJob(n, args(m), o),
  'networking.k8s.io/v1/Ingress': (n, m, o) => new k8s.networking.v1.Ingress(n, args(m), o),
  'networking.k8s.io/v1/NetworkPolicy': (n, m, o) => new k8s.networking.v1.NetworkPolicy(n, args(m), o),
  'autoscaling/v2/HorizontalPodAutoscaler': (n, m, o) => new k8s.autoscaling.v2.HorizontalPodAutoscaler(n, args(m), o),
  'policy/v1/PodDisruptionBudget': (n, m, o) => new k8s.policy.v1.PodDisruptionBudget(n, args(m), o),
  'rbac.authorization.k8s.io/v1/Role': (n, m, o) => new k8s.rbac.v1.Role(n, args(m), o),
  'rbac.authorization.k8s.io/v1/RoleBinding': (n, m, o) => new k8s.rbac.v1.RoleBinding(n, args(m), o),
};

/**
 * Seconds that `ChartResources` waits for a Deployment beyond its `progressDeadlineSeconds`. The
 * Deployment controller measures the deadline from the rollout's last progress and then marks it
 * `Progressing=False` (`ProgressDeadlineExceeded`); the provider measures its timeout from the start
 * of its wait and does not stop on that condition. The grace lets the controller's verdict reach
 * the provider first, so that the failed `pulumi up` says why, not only that it timed out.
 */
export const ROLLOUT_TIMEOUT_GRACE_SECONDS = 30;

/**
 * The `customTimeouts` of an object's resource: for a Deployment with `spec.progressDeadlineSeconds`
 * (a `WebApp`'s comes from the profile's `rolloutTimeoutSeconds`), create and update wait that long
 * plus {@link ROLLOUT_TIMEOUT_GRACE_SECONDS}, instead of the provider's 10 minutes; otherwise none.
 * Read from the object alone, so Deployments a user adds get the same bound.
 */
export function rolloutTimeouts(manifest: KubeManifest): pulumi.CustomTimeouts | undefined {
  if (manifest.apiVersion !== 'apps/v1' || manifest.kind !== 'Deployment') return undefined;
  const deadline = (manifest as { spec?: { progressDeadlineSeconds?: unknown } }).spec?.progressDeadlineSeconds;
  if (typeof deadline !== 'number' || !Number.isInteger(deadline) || deadline < 1) return undefined;
  const timeout = `${deadline + ROLLOUT_TIMEOUT_GRACE_SECONDS}s`;
  return { create: timeout, update: timeout };
}

const customResource: Factory = (n, m, o) => new k8s.apiextensions.CustomResource(n, args(m), o);

/** The kinds deployed with a typed class, as `apiVersion/kind`; every other kind is a generic custom resource. */
export const TYPED_KINDS: readonly string[] = Object.keys(KINDS);

/** The Pulumi type token of the component (unchanged since 0.1, so that existing stacks keep their URNs). */
export const CHART_RESOURCES_TYPE = 'kubestack:bridge:ChartResources';

/**
 * An Environment deployed by Pulumi: one resource per Kubernetes object (so preview and diffs are
 * per object), each through the given provider and after the objects it depends on.
 *
 * It synthesizes the Environment exactly as the YAML path does, policy gate included, before it
 * registers anything: on a violation the program fails with the gate's report and no resource,
 * not even this component, is registered. Waivers are logged.
 *
 * @example
 *   const chart = new ChartResources('shop', {
 *     environment: env,
 *     provider: new k8s.Provider('cluster', { context: 'prod' }),
 *     images: { [PLACEHOLDER_IMAGE]: image.repoDigest },
 *     extraObjects: secretsFromConfig(env),
 *   });
 */
export class ChartResources extends pulumi.ComponentResource {
  /** The objects in deployment order, with their dependencies. */
  public readonly plan: readonly PlannedObject[];
  /** Resource of each object, by `Kind/namespace/name` (`Kind/name` when cluster-scoped). */
  public readonly resources: ReadonlyMap<string, pulumi.CustomResource>;
  /** The policy waivers in effect for the Environment. */
  public readonly waivers: readonly PolicyWaiver[];

  /**
   * Synthesizes, gates and plans the Environment, then registers one resource per object.
   * @param name Pulumi name of the component
   * @param args the Environment, the provider and what to substitute or add
   * @param opts options of the component itself; the objects get the component as parent and `args.provider`
   * @throws pulumi.RunError, before anything is registered, when the args are wrong or the Environment fails validation, the policy gate or planning
   */
  constructor(name: string, args: ChartResourcesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Everything that can fail runs before super(): a failure registers nothing.
    const prepared = prepare(name, args);
    super(CHART_RESOURCES_TYPE, name, {}, opts);
    for (const line of formatWaivers(prepared.waivers, args.environment.profile.name)) pulumi.log.info(line, this);
    this.plan = prepared.plan;
    this.waivers = prepared.waivers;
    const resources = new Map<string, pulumi.CustomResource>();
    for (const p of this.plan) {
      const factory = KINDS[`${p.manifest.apiVersion}/${p.manifest.kind}`] ?? customResource;
      const customTimeouts = rolloutTimeouts(p.manifest);
      resources.set(
        p.key,
        factory(p.resourceName, p.manifest, {
          parent: this,
          provider: args.provider,
          dependsOn: p.dependsOn.map((d) => resources.get(d)!),
          // Data a command must not delete by accident: `pulumi destroy` fails on it, naming it, and
          // once unprotected deliberately, a destroy leaves it in the cluster (README, "Protected state").
          ...(p.protect ? { protect: true, retainOnDelete: true } : {}),
          // A release whose pods never become Ready fails the update in bounded time (README, "Failed releases").
          ...(customTimeouts ? { customTimeouts } : {}),
        }),
      );
    }
    this.resources = resources;
    this.registerOutputs({ objects: this.plan.map((p) => p.key) });
  }
}

/** Synthesizes, gates and plans; every failure is a RunError, which Pulumi prints without a stack trace. */
function prepare(name: string, args: ChartResourcesArgs): { plan: PlannedObject[]; waivers: PolicyWaiver[] } {
  const where = `ChartResources '${name}'`;
  if (!(args?.environment instanceof Environment)) {
    throw new pulumi.RunError(
      `${where}: 'environment' must be a kubestack Environment (new Environment(app, 'prod', { profile })), got ${describe(args?.environment)}`,
    );
  }
  if (!(args.provider instanceof k8s.Provider)) {
    throw new pulumi.RunError(`${where}: 'provider' must be a k8s.Provider for the target cluster, got ${describe(args.provider)}`);
  }
  try {
    const env = args.environment;
    const { objects, waivers } = environmentObjects(env);
    const images = args.images ?? {};
    const used = new Set<string>();
    const deployed: ChartObject[] = objects.map((o) => {
      const { manifest, replaced } = withImages(o.manifest, images);
      replaced.forEach((r) => used.add(r));
      return { manifest, dependsOn: o.dependsOn };
    });
    const unused = Object.keys(images).filter((p) => !used.has(p));
    if (unused.length > 0) {
      throw new PlanError(`no container of Environment '${env.node.path}' has the image '${unused[0]}'; build the Environment with that placeholder image`);
    }
    for (const manifest of args.extraObjects ?? []) deployed.push({ manifest, dependsOn: [] });
    return { plan: planObjects(deployed), waivers };
  } catch (e) {
    if (e instanceof PolicyViolationError || e instanceof ValidationError || e instanceof EnvironmentValidationError || e instanceof PlanError)
      throw new pulumi.RunError(`${where}: ${e.message}`);
    throw e;
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  return typeof v;
}

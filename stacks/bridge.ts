/**
 * The bridge: turns a cdk8s chart into Pulumi resources, one per Kubernetes object.
 *
 * The chart is synthesized in memory with `chart.toJson()`, the same call that `cdk8s synth`
 * makes to write dist/, and every object becomes the `@pulumi/kubernetes` resource of its
 * apiVersion and kind with the synthesized object as its args. Nothing is re-described, so the
 * two outputs cannot drift; the only value that differs is the app image, which is a placeholder
 * in the chart and the pushed digest (an Output) in the resource args.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';

/**
 * An image reference that no registry serves (`.invalid` is reserved, RFC 2606). Build the chart
 * with it, and pass the real image in `ChartResourcesArgs.images`: the chart is then complete
 * before the image digest is known, so that preview shows every object.
 */
// Pinned by a (zero) digest so that the policy gate's pinning rules hold for the chart as built:
// the real reference that replaces it is always pinned too (a pushed repoDigest, or a configured
// image that stacks/config.ts only accepts with a digest).
export const PLACEHOLDER_IMAGE = `placeholder.invalid/kubestack/pending@sha256:${'0'.repeat(64)}`;

/** A Kubernetes object: synthesized JSON, where any value may also be a Pulumi Input. */
export interface KubeManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** An object to deploy and the objects (by {@link objectKey}) it must come after. */
export interface ChartObject {
  readonly manifest: KubeManifest;
  readonly dependsOn: readonly string[];
}

/** An object in deployment order, with every dependency the bridge found. */
export interface PlannedObject extends ChartObject {
  /** Identity of the object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
  readonly key: string;
  /** Name of the Pulumi resource: `namespace/name`, or `name` when cluster-scoped. */
  readonly resourceName: string;
}

type Factory = (name: string, manifest: KubeManifest, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// The args of each resource class mirror the Kubernetes object, which the synthesized JSON is.
function args<T>(manifest: KubeManifest): T {
  return manifest as unknown as T;
}

/**
 * apiVersion/kind -> the `@pulumi/kubernetes` class that deploys it. A kind that is not here fails
 * with a clear message instead of falling back to a generic resource without a schema.
 */
const KINDS: Readonly<Record<string, Factory>> = {
  'v1/Namespace': (n, m, o) => new k8s.core.v1.Namespace(n, args(m), o),
  'v1/ConfigMap': (n, m, o) => new k8s.core.v1.ConfigMap(n, args(m), o),
  'v1/Secret': (n, m, o) => new k8s.core.v1.Secret(n, args(m), o),
  'v1/Service': (n, m, o) => new k8s.core.v1.Service(n, args(m), o),
  'v1/ServiceAccount': (n, m, o) => new k8s.core.v1.ServiceAccount(n, args(m), o),
  'v1/PersistentVolumeClaim': (n, m, o) => new k8s.core.v1.PersistentVolumeClaim(n, args(m), o),
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

/** The kinds the bridge deploys, as `apiVersion/kind`. */
export const SUPPORTED_KINDS: readonly string[] = Object.keys(KINDS);

/** Kinds that pod specs reference, which come before the workloads that use them. */
type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** Identity of an object: kind, namespace and name. */
export function objectKey(m: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}

/**
 * Synthesizes `chart` in memory, exactly as `cdk8s synth` writes it, and pairs each object with the
 * objects it depends on in the construct tree (`node.addDependency`, e.g. `WebApp.connect()`).
 */
export function chartObjects(chart: Chart): ChartObject[] {
  const manifests = chart.toJson() as KubeManifest[]; // resolves dependencies and runs validations, as synth does
  const apiObjects = new DependencyGraph(chart.node).topology().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
  const keyOf = (o: ApiObject) => objectKey({ kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } });
  const dependencies = new Map<string, string[]>();
  for (const o of apiObjects) {
    const deps = o.node.dependencies.filter((d): d is ApiObject => ApiObject.isApiObject(d) && Chart.of(d) === chart).map(keyOf);
    dependencies.set(keyOf(o), [...new Set(deps)]);
  }
  return manifests.map((manifest) => ({ manifest, dependsOn: dependencies.get(objectKey(manifest)) ?? [] }));
}

/**
 * Replaces placeholder images in the pod template's containers with the real ones (which may be
 * Outputs). Fails when a placeholder appears anywhere else in the object, e.g. in an environment
 * variable, where it could not be replaced and would reach the cluster.
 */
export function withImages(manifest: KubeManifest, images: Readonly<Record<string, pulumi.Input<string>>>): { manifest: KubeManifest; replaced: string[] } {
  const placeholders = Object.keys(images);
  if (placeholders.length === 0) return { manifest, replaced: [] };
  const copy = JSON.parse(JSON.stringify(manifest)) as KubeManifest;
  const slots: { container: Record<string, unknown>; image: string }[] = [];
  const pod = podSpecOf(copy);
  for (const list of [pod?.containers, pod?.initContainers]) {
    for (const container of Array.isArray(list) ? (list as Record<string, unknown>[]) : []) {
      if (typeof container.image === 'string' && placeholders.includes(container.image)) {
        slots.push({ container, image: container.image });
        container.image = '';
      }
    }
  }
  const text = JSON.stringify(copy);
  const leaked = placeholders.find((p) => text.includes(p));
  if (leaked !== undefined) {
    throw new Error(`bridge: ${objectKey(manifest)} contains the placeholder image '${leaked}' outside a container's 'image', where it cannot be replaced`);
  }
  for (const s of slots) s.container.image = images[s.image];
  return { manifest: copy, replaced: slots.map((s) => s.image) };
}

/**
 * Orders objects for deployment and adds the dependencies the cluster needs: every namespaced
 * object after its Namespace, and every workload after the ConfigMaps, Secrets, claims and
 * ServiceAccount its pods use. Dependencies on objects that are not deployed here (a TLS Secret
 * issued by cert-manager) are left out. Fails on an unsupported kind, a repeated identity or a cycle.
 */
export function planObjects(objects: readonly ChartObject[]): PlannedObject[] {
  const byKey = new Map<string, ChartObject>();
  for (const o of objects) {
    const m = o.manifest;
    const where = typeof m?.metadata?.name === 'string' ? objectKey(m) : JSON.stringify(m?.metadata ?? m).slice(0, 80);
    if (typeof m?.metadata?.name !== 'string' || m.metadata.name.length === 0) throw new Error(`bridge: object ${where} has no metadata.name`);
    if (!(`${m.apiVersion}/${m.kind}` in KINDS)) {
      throw new Error(
        `bridge: ${where} has apiVersion/kind '${m.apiVersion}/${m.kind}', which the bridge does not deploy; supported: ${SUPPORTED_KINDS.join(', ')}`,
      );
    }
    if (byKey.has(objectKey(m))) throw new Error(`bridge: ${objectKey(m)} is defined twice; kind, namespace and name must identify one object`);
    byKey.set(objectKey(m), o);
  }

  const deps = new Map<string, string[]>();
  for (const [key, o] of byKey) {
    const m = o.manifest;
    const found = new Set<string>();
    for (const d of o.dependsOn) if (byKey.has(d) && d !== key) found.add(d);
    if (m.metadata.namespace && byKey.has(`Namespace/${m.metadata.namespace}`)) found.add(`Namespace/${m.metadata.namespace}`);
    for (const ref of podReferences(m)) if (byKey.has(ref)) found.add(ref);
    deps.set(key, [...found]);
  }

  // Kahn's algorithm; ties keep the input (synthesis) order, so the plan is stable.
  const order = [...byKey.keys()];
  const placed = new Set<string>();
  const out: PlannedObject[] = [];
  while (out.length < order.length) {
    const next = order.find((k) => !placed.has(k) && deps.get(k)!.every((d) => placed.has(d)));
    if (next === undefined) {
      const stuck = order.filter((k) => !placed.has(k));
      throw new Error(`bridge: objects depend on each other in a cycle: ${stuck.join(', ')}`);
    }
    placed.add(next);
    const m = byKey.get(next)!.manifest;
    out.push({
      key: next,
      resourceName: m.metadata.namespace ? `${m.metadata.namespace}/${m.metadata.name}` : m.metadata.name,
      manifest: m,
      dependsOn: deps.get(next)!,
    });
  }
  return out;
}

/** Props of a {@link ChartResources}. */
export interface ChartResourcesArgs {
  /** The chart to deploy, synthesized in memory exactly as `cdk8s synth` writes it. */
  readonly chart: Chart;
  /** Kubernetes provider of the target cluster; every object is deployed through it. */
  readonly provider: k8s.Provider;
  /**
   * Placeholder image -> the image to run instead, typically a `docker.Image`'s `repoDigest`.
   * Every placeholder must be the image of at least one container.
   * @default - no substitution
   */
  readonly images?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Objects that the chart references but does not contain, such as the Secrets whose values come
   * from secret config. They are deployed, and ordered, like the chart's own objects.
   * @default []
   */
  readonly extraObjects?: readonly KubeManifest[];
}

/**
 * A cdk8s chart deployed by Pulumi: one resource per Kubernetes object (so preview and diffs are
 * per object), each through the given provider and after the objects it depends on.
 */
export class ChartResources extends pulumi.ComponentResource {
  /** The objects in deployment order, with their dependencies. */
  public readonly plan: readonly PlannedObject[];
  /** Resource of each object, by {@link objectKey}. */
  public readonly resources: ReadonlyMap<string, pulumi.CustomResource>;

  constructor(name: string, args: ChartResourcesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kubestack:bridge:ChartResources', name, {}, opts);
    const images = args.images ?? {};
    const used = new Set<string>();
    const objects: ChartObject[] = chartObjects(args.chart).map((o) => {
      const { manifest, replaced } = withImages(o.manifest, images);
      replaced.forEach((r) => used.add(r));
      return { manifest, dependsOn: o.dependsOn };
    });
    const unused = Object.keys(images).filter((p) => !used.has(p));
    if (unused.length > 0) {
      throw new Error(`bridge: chart '${args.chart.node.path}' has no container with the image '${unused[0]}'; build the chart with the placeholder image`);
    }
    for (const manifest of args.extraObjects ?? []) objects.push({ manifest, dependsOn: [] });

    this.plan = planObjects(objects);
    const resources = new Map<string, pulumi.CustomResource>();
    for (const p of this.plan) {
      const factory = KINDS[`${p.manifest.apiVersion}/${p.manifest.kind}`];
      resources.set(
        p.key,
        factory(p.resourceName, p.manifest, { parent: this, provider: args.provider, dependsOn: p.dependsOn.map((d) => resources.get(d)!) }),
      );
    }
    this.resources = resources;
    this.registerOutputs({ objects: this.plan.map((p) => p.key) });
  }
}

// --- pod spec helpers --------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Json)[p] : undefined;
  return cur;
}

function list(o: unknown): Json[] {
  return Array.isArray(o) ? (o.filter((x) => typeof x === 'object' && x !== null) as Json[]) : [];
}

/** The pod spec of a workload (or Pod), if the object has one. */
function podSpecOf(m: KubeManifest): Json | undefined {
  const spec =
    m.kind === 'Pod'
      ? field(m, 'spec')
      : m.kind === 'CronJob'
        ? field(m, 'spec', 'jobTemplate', 'spec', 'template', 'spec')
        : field(m, 'spec', 'template', 'spec');
  return typeof spec === 'object' && spec !== null ? (spec as Json) : undefined;
}

/** Keys of the ConfigMaps, Secrets, claims and ServiceAccount that a workload's pods use. */
function podReferences(m: KubeManifest): string[] {
  const pod = podSpecOf(m);
  const ns = m.metadata.namespace;
  if (!pod || !ns) return [];
  const refs: [ReferencedKind, unknown][] = [];
  for (const c of [...list(pod.containers), ...list(pod.initContainers)]) {
    for (const e of list(c.env)) {
      refs.push(['ConfigMap', field(e, 'valueFrom', 'configMapKeyRef', 'name')], ['Secret', field(e, 'valueFrom', 'secretKeyRef', 'name')]);
    }
    for (const e of list(c.envFrom)) refs.push(['ConfigMap', field(e, 'configMapRef', 'name')], ['Secret', field(e, 'secretRef', 'name')]);
  }
  for (const v of list(pod.volumes)) {
    refs.push(
      ['ConfigMap', field(v, 'configMap', 'name')],
      ['Secret', field(v, 'secret', 'secretName')],
      ['PersistentVolumeClaim', field(v, 'persistentVolumeClaim', 'claimName')],
    );
    for (const s of list(field(v, 'projected', 'sources'))) refs.push(['ConfigMap', field(s, 'configMap', 'name')], ['Secret', field(s, 'secret', 'name')]);
  }
  for (const s of list(pod.imagePullSecrets)) refs.push(['Secret', s.name]);
  refs.push(['ServiceAccount', pod.serviceAccountName]);
  return [...new Set(refs.filter(([, name]) => typeof name === 'string' && name.length > 0).map(([kind, name]) => `${kind}/${ns}/${name}`))];
}

/**
 * Pure planning for the Pulumi side: which objects to deploy, in which order, with which images.
 * No Pulumi import except types, so every rule is tested without mocks.
 */
import { ApiObject } from 'cdk8s';
import type { Input } from '@pulumi/pulumi';
import { Environment } from '../environment';
import { PolicyWaiver } from '../policy';
import { CLUSTER_SCOPED_KINDS, field, list, objectKey, podSpecOf, records, str } from '../private/object';
import { PROTECT_ANNOTATION } from '../private/protect';

/**
 * An image reference that no registry serves (`.invalid` is reserved, RFC 2606), pinned by a zero
 * digest so that the policy gate's pinning rules hold for the chart as built. Build the
 * Environment with it and pass the real image in `ChartResourcesArgs.images`: the chart is then
 * complete before the image digest is known, so that preview shows every object.
 */
export const PLACEHOLDER_IMAGE = `placeholder.invalid/kubestack/pending@sha256:${'0'.repeat(64)}`;

/** An object set that cannot be deployed: no name, a repeated identity, a cycle, a stray placeholder. */
export class PlanError extends Error {
  /**
   * An error with the given message.
   * @param message what cannot be deployed, naming the object by its key
   */
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** A Kubernetes object: synthesized JSON, where any value may also be a Pulumi Input. */
export interface KubeManifest {
  /** API group and version, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind of the object, e.g. `Deployment`. */
  readonly kind: string;
  /** Metadata of the object; fields other than `name` and `namespace` are passed through. */
  readonly metadata: {
    /** Name of the object. */
    readonly name: string;
    /**
     * Namespace of the object.
     * @default - no namespace, as for a cluster-scoped kind
     */
    readonly namespace?: string;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** An object to deploy and the objects (by {@link manifestKey}) it must come after. */
export interface ChartObject {
  /** The object as synthesized. */
  readonly manifest: KubeManifest;
  /** Keys ({@link manifestKey}) of the objects it must be deployed after. */
  readonly dependsOn: readonly string[];
}

/** An object in deployment order, with every dependency the plan found. */
export interface PlannedObject extends ChartObject {
  /** Identity of the object: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
  readonly key: string;
  /** Name of the Pulumi resource: `namespace/name`, or `name` when cluster-scoped. */
  readonly resourceName: string;
  /**
   * Deploy with the `protect` and `retainOnDelete` resource options: the object carries
   * `kubestack.io/protect: "true"` (a StatefulSet or claim of a construct with `protectData`), or
   * it is the Namespace of such an object (deleting a Namespace deletes everything in it).
   */
  readonly protect: boolean;
}

/** Whether a manifest carries `kubestack.io/protect: "true"`. */
export function isProtected(m: KubeManifest): boolean {
  return field(m, 'metadata', 'annotations', PROTECT_ANNOTATION) === 'true';
}

/** Identity of a manifest: `Kind/namespace/name`, or `Kind/name` for a cluster-scoped kind. */
export function manifestKey(m: { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }): string {
  return objectKey(CLUSTER_SCOPED_KINDS.has(m.kind) ? { kind: m.kind, metadata: { name: m.metadata.name } } : m);
}

/**
 * Synthesizes an Environment exactly as the YAML path writes it (`env.synthesize()`: every
 * validation, the policy gate included, nested charts included) and pairs each object with the
 * objects it depends on in the construct tree (`node.addDependency`, e.g. `WebApp.connect()`).
 * Throws the gate's `PolicyViolationError` on a violation, before anything is deployed.
 */
export function environmentObjects(env: Environment): {
  /** Every object, in synthesis order, with the objects it depends on. */
  objects: ChartObject[];
  /** The policy waivers in effect. */
  waivers: PolicyWaiver[];
} {
  const { objects, waivers } = env.synthesize();
  // allApiObjects() lists the objects in the order synthesize() returns them, and has resolved the
  // construct dependencies into object dependencies, as cdk8s does. Keys come from the synthesized
  // JSON, since a name may be produced at synthesis (a Job's content-hash suffix).
  const apiObjects = env.allApiObjects();
  const manifests = objects as unknown as KubeManifest[];
  const keys = new Map<ApiObject, string>(apiObjects.map((o, i) => [o, manifestKey(manifests[i])]));
  return {
    objects: manifests.map((manifest, i) => ({
      manifest,
      dependsOn: [...new Set(apiObjects[i].node.dependencies.map((d) => keys.get(d as ApiObject)).filter((k): k is string => k !== undefined))],
    })),
    waivers,
  };
}

/**
 * Replaces placeholder images in the pod template's containers with the real ones (which may be
 * Outputs). Fails when a placeholder appears anywhere else in the object, e.g. in an environment
 * variable, where it could not be replaced and would reach the cluster.
 */
export function withImages(
  manifest: KubeManifest,
  images: Readonly<Record<string, Input<string>>>,
): {
  /** A copy with the images replaced; the input itself when `images` is empty. */
  manifest: KubeManifest;
  /** The placeholder of each container whose image was replaced, one entry per container. */
  replaced: string[];
} {
  const placeholders = Object.keys(images);
  if (placeholders.length === 0) return { manifest, replaced: [] };
  const copy = JSON.parse(JSON.stringify(manifest)) as KubeManifest;
  const slots: { container: Record<string, unknown>; image: string }[] = [];
  const pod = podSpecOf(copy);
  for (const container of [...records(pod?.containers), ...records(pod?.initContainers)]) {
    if (typeof container.image === 'string' && placeholders.includes(container.image)) {
      slots.push({ container, image: container.image });
      container.image = '';
    }
  }
  const text = JSON.stringify(copy);
  const leaked = placeholders.find((p) => text.includes(p));
  if (leaked !== undefined) {
    throw new PlanError(`${manifestKey(manifest)} contains the placeholder image '${leaked}' outside a container's 'image', where it cannot be replaced`);
  }
  for (const s of slots) s.container.image = images[s.image];
  return { manifest: copy, replaced: slots.map((s) => s.image) };
}

/**
 * Orders objects for deployment and adds the dependencies the cluster needs: every namespaced
 * object after its Namespace, and every workload after the ConfigMaps, Secrets, claims and
 * ServiceAccount its pods use. Dependencies on objects that are not deployed here (a TLS Secret
 * issued by cert-manager) are left out. Fails on an object without a name, a repeated identity or
 * a cycle. Every kind is accepted: `ChartResources` deploys kinds it has no class for as generic
 * custom resources.
 */
export function planObjects(objects: readonly ChartObject[]): PlannedObject[] {
  const byKey = new Map<string, ChartObject>();
  for (const o of objects) {
    const m = o.manifest;
    if (typeof m?.metadata?.name !== 'string' || m.metadata.name.length === 0) {
      throw new PlanError(`object ${JSON.stringify(m?.metadata ?? m).slice(0, 80)} has no metadata.name`);
    }
    if (typeof m.apiVersion !== 'string' || typeof m.kind !== 'string') throw new PlanError(`object '${m.metadata.name}' has no apiVersion or kind`);
    const key = manifestKey(m);
    if (byKey.has(key)) throw new PlanError(`${key} is defined twice; kind, namespace and name must identify one object`);
    byKey.set(key, o);
  }

  const deps = new Map<string, string[]>();
  for (const [key, o] of byKey) {
    const m = o.manifest;
    const found = new Set<string>();
    for (const d of o.dependsOn) if (byKey.has(d) && d !== key) found.add(d);
    const ns = CLUSTER_SCOPED_KINDS.has(m.kind) ? undefined : m.metadata.namespace;
    if (ns && byKey.has(`Namespace/${ns}`)) found.add(`Namespace/${ns}`);
    for (const ref of podReferences(m)) if (byKey.has(ref) && ref !== key) found.add(ref);
    deps.set(key, [...found]);
  }

  // A Namespace is protected when it holds a protected object.
  const protectedKeys = new Set<string>();
  for (const [key, o] of byKey) {
    if (!isProtected(o.manifest)) continue;
    protectedKeys.add(key);
    const ns = CLUSTER_SCOPED_KINDS.has(o.manifest.kind) ? undefined : o.manifest.metadata.namespace;
    if (ns && byKey.has(`Namespace/${ns}`)) protectedKeys.add(`Namespace/${ns}`);
  }

  // Kahn's algorithm; ties keep the input (synthesis) order, so the plan is stable.
  const order = [...byKey.keys()];
  const placed = new Set<string>();
  const out: PlannedObject[] = [];
  while (out.length < order.length) {
    const next = order.find((k) => !placed.has(k) && deps.get(k)!.every((d) => placed.has(d)));
    if (next === undefined) {
      throw new PlanError(`objects depend on each other in a cycle: ${order.filter((k) => !placed.has(k)).join(', ')}`);
    }
    placed.add(next);
    const m = byKey.get(next)!.manifest;
    const ns = CLUSTER_SCOPED_KINDS.has(m.kind) ? undefined : m.metadata.namespace;
    out.push({
      key: next,
      resourceName: ns ? `${ns}/${m.metadata.name}` : m.metadata.name,
      manifest: m,
      dependsOn: deps.get(next)!,
      protect: protectedKeys.has(next),
    });
  }
  return out;
}

/** Keys of the ConfigMaps, Secrets, claims and ServiceAccount that a workload's pods use. */
function podReferences(m: KubeManifest): string[] {
  const pod = podSpecOf(m);
  const ns = m.metadata.namespace;
  if (!pod || !ns) return [];
  const refs: [string, unknown][] = [];
  for (const c of [...records(pod.containers), ...records(pod.initContainers)]) {
    for (const e of records(c.env)) {
      refs.push(['ConfigMap', field(e, 'valueFrom', 'configMapKeyRef', 'name')], ['Secret', field(e, 'valueFrom', 'secretKeyRef', 'name')]);
    }
    for (const e of records(c.envFrom)) refs.push(['ConfigMap', field(e, 'configMapRef', 'name')], ['Secret', field(e, 'secretRef', 'name')]);
  }
  for (const v of records(pod.volumes)) {
    refs.push(
      ['ConfigMap', field(v, 'configMap', 'name')],
      ['Secret', field(v, 'secret', 'secretName')],
      ['PersistentVolumeClaim', field(v, 'persistentVolumeClaim', 'claimName')],
    );
    for (const s of records(field(v, 'projected', 'sources'))) refs.push(['ConfigMap', field(s, 'configMap', 'name')], ['Secret', field(s, 'secret', 'name')]);
  }
  for (const s of list(pod.imagePullSecrets)) refs.push(['Secret', field(s, 'name')]);
  refs.push(['ServiceAccount', pod.serviceAccountName]);
  return [...new Set(refs.filter(([, name]) => (str(name) ?? '').length > 0).map(([kind, name]) => `${kind}/${ns}/${name}`))];
}

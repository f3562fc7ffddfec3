/**
 * Plain-object helpers for synthesized Kubernetes objects (JSON in, JSON out). The one home of
 * record checks, list access, pod-template lookup, object identity and Secret-type inference: the
 * policy gate, the Pulumi bridge and the YAML helpers all import them from here.
 */

/** A JSON object. */
export type Json = Record<string, unknown>;

/** True for a plain JSON object: not an array, not null. */
export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` when it is a JSON object, otherwise an empty one. */
export function rec(v: unknown): Json {
  return isRecord(v) ? v : {};
}

/** `v` when it is an array, otherwise an empty one. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The JSON objects of a list (other entries are skipped). */
export function records(v: unknown): Json[] {
  return list(v).filter(isRecord);
}

/** `v` when it is a string. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The value at `path` below `o`, or `undefined` when a step is missing or not an object. */
export function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/** Kinds whose objects carry a pod template (or are a Pod). */
export const POD_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);

/**
 * The pod template of a workload (`metadata` + `spec`): the object itself for a Pod, the job
 * template's pod template for a CronJob, `spec.template` otherwise. `undefined` for other kinds.
 */
export function podTemplateOf(o: unknown): { metadata: Json; spec: Json } | undefined {
  const kind = str(field(o, 'kind'));
  if (kind === undefined || !POD_KINDS.has(kind)) return undefined;
  const template = kind === 'Pod' ? o : kind === 'CronJob' ? field(o, 'spec', 'jobTemplate', 'spec', 'template') : field(o, 'spec', 'template');
  return { metadata: rec(field(template, 'metadata')), spec: rec(field(template, 'spec')) };
}

/** The pod spec of a workload, if the object has one. */
export function podSpecOf(o: unknown): Json | undefined {
  return podTemplateOf(o)?.spec;
}

/** Identity of an object: `Kind/namespace/name`, or `Kind/name` when it has no namespace. */
export function objectKey(m: { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } }): string {
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}

/**
 * Kinds of the built-in API groups that are cluster-scoped (`kubectl api-resources
 * --namespaced=false`). Every other kind, custom resources included, is treated as namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** The Secret type that its keys imply: an Ingress certificate, registry credentials, or Opaque. */
export function secretTypeFor(keys: readonly string[]): 'kubernetes.io/tls' | 'kubernetes.io/dockerconfigjson' | 'Opaque' {
  if (keys.length === 1 && keys[0] === '.dockerconfigjson') return 'kubernetes.io/dockerconfigjson';
  if (keys.length === 2 && keys.includes('tls.crt') && keys.includes('tls.key')) return 'kubernetes.io/tls';
  return 'Opaque';
}

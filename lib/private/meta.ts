import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Environment } from '../environment';
import { ResourceSpec } from '../environment-profile';

/** The recommended labels of one workload, and the stable subset its selectors use. */
export interface WorkloadLabels {
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

export function workloadLabels(env: Environment, name: string, component: string): WorkloadLabels {
  const selector = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': `${name}-${env.profile.name}`,
  };
  return {
    selector,
    labels: {
      ...selector,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': env.partOf,
      'app.kubernetes.io/managed-by': env.managedBy,
    },
  };
}

export function objectMeta(env: Environment, name: string, labels: Record<string, string>, annotations?: Record<string, string>): k8s.ObjectMeta {
  return { name, namespace: env.namespaceName, labels: { ...labels }, annotations };
}

export function resourceRequirements(spec: ResourceSpec): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(spec.cpuRequest), memory: k8s.Quantity.fromString(spec.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(spec.cpuLimit), memory: k8s.Quantity.fromString(spec.memoryLimit) },
  };
}

/** Pod-level security context that satisfies Pod Security "restricted". */
export function podSecurityContext(uid: number, fsGroup?: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup,
    fsGroupChangePolicy: fsGroup === undefined ? undefined : 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context that satisfies Pod Security "restricted". */
export function containerSecurityContext(uid: number): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** A memory-backed-free emptyDir volume and its mount, for paths the image must write. */
export function scratchVolume(name: string, mountPath: string, sizeLimit = '64Mi'): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } },
    mount: { name, mountPath },
  };
}

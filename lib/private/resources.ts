import type { AutoscalingSpec, ResourceSpec } from '../environment-profile';
import { Subject, assertValid, checkByteQuantity, checkCpuQuantity, checkInt32Max, checkInteger, checkRecord, compareQuantities, fail } from './validate';

/**
 * Checks of the specs that a profile holds and constructs accept: container resources and HPA
 * settings. They take the private `Subject`, so they are not part of the public API.
 */

/**
 * The fields of `T` in the order messages list them. Typed as `Record<keyof T, true>`, the
 * argument cannot miss a field of `T` or add one, so the list follows the interface.
 */
export function fieldsOf<T>(fields: Record<keyof T, true>): readonly (keyof T & string)[] {
  return Object.keys(fields) as (keyof T & string)[];
}

export const RESOURCE_FIELDS = fieldsOf<ResourceSpec>({ cpuRequest: true, memoryRequest: true, cpuLimit: true, memoryLimit: true });

export const AUTOSCALING_FIELDS = fieldsOf<AutoscalingSpec>({ minReplicas: true, maxReplicas: true, targetCpuPercent: true });

/**
 * Validates a ResourceSpec: four quantities (CPU in whole millicores, memory in whole bytes), with
 * each request no larger than its limit.
 */
export function validateResources(subject: Subject, prop: string, spec: ResourceSpec): void {
  assertValid(subject, prop, spec, checkRecord(spec));
  for (const field of RESOURCE_FIELDS) {
    const check = field.startsWith('cpu') ? checkCpuQuantity : checkByteQuantity;
    assertValid(subject, `${prop}.${field}`, spec[field], check(spec[field]));
  }
  if (compareQuantities(spec.cpuRequest, spec.cpuLimit) > 0) {
    fail(subject, `${prop}.cpuRequest`, spec.cpuRequest, `must not exceed cpuLimit ${spec.cpuLimit}`);
  }
  if (compareQuantities(spec.memoryRequest, spec.memoryLimit) > 0) {
    fail(subject, `${prop}.memoryRequest`, spec.memoryRequest, `must not exceed memoryLimit ${spec.memoryLimit}`);
  }
}

/** Validates HPA settings: 1 <= min <= max <= 2147483647 (int32 fields) and a CPU target from 1 to 100 percent. */
export function validateAutoscaling(subject: Subject, prop: string, spec: AutoscalingSpec): void {
  assertValid(subject, prop, spec, checkRecord(spec));
  assertValid(subject, `${prop}.minReplicas`, spec.minReplicas, checkInteger(spec.minReplicas, 1) ?? checkInt32Max(spec.minReplicas));
  assertValid(subject, `${prop}.maxReplicas`, spec.maxReplicas, checkInteger(spec.maxReplicas, 1) ?? checkInt32Max(spec.maxReplicas));
  if (spec.minReplicas > spec.maxReplicas) {
    fail(subject, `${prop}.minReplicas`, spec.minReplicas, `must not exceed maxReplicas (${spec.maxReplicas})`);
  }
  assertValid(subject, `${prop}.targetCpuPercent`, spec.targetCpuPercent, checkInteger(spec.targetCpuPercent, 1, 100));
}

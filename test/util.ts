import { Testing } from 'cdk8s';
import { Environment, EnvironmentProfile, Profiles, ValidationError } from 'kubestack';
import { POD_KINDS, podSpecOf } from '../lib/private/object';

/** A synthesized Kubernetes object, as plain JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

/** A fresh app holding one Environment with the given profile (dev by default). */
export function newEnv(profile: EnvironmentProfile = Profiles.dev, id = 'dev'): Environment {
  return new Environment(Testing.app(), id, { profile });
}

/** Every object of the environment's chart, in output order. */
export function synthObjects(env: Environment): K8sObject[] {
  return Testing.synth(env);
}

/** The object `kind/name`; fails the test with the list of objects when it is missing. */
export function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const found = objs.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}/${name}, found ${found.length} among: ${ids(objs).join(', ')}`);
  }
  return found[0];
}

/** Every object of one kind. */
export function ofKind(objs: K8sObject[], kind: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind);
}

/** `Kind/name` of each object, in order. */
export function ids(objs: K8sObject[]): string[] {
  return objs.map((o) => `${o.kind}/${o.metadata?.name}`);
}

/** Every object with a pod template: Deployments, StatefulSets, Jobs, CronJobs… */
export function workloads(objs: K8sObject[]): K8sObject[] {
  return objs.filter((o) => POD_KINDS.has(o.kind));
}

/** The pod spec of a workload (a CronJob's is in its job template). */
export function podSpec(workload: K8sObject): K8sObject {
  const spec = podSpecOf(workload);
  if (!spec) throw new Error(`${workload.kind}/${workload.metadata?.name} has no pod template`);
  return spec;
}

/** The only container of a workload. */
export function container(workload: K8sObject): K8sObject {
  const containers = podSpec(workload).containers;
  if (containers.length !== 1) throw new Error(`expected one container, got ${containers.length}`);
  return containers[0];
}

/** Value of a plain environment variable of a container (`undefined` when absent). */
export function envValue(c: K8sObject, name: string): string | undefined {
  return (c.env ?? []).find((e: K8sObject) => e.name === name)?.value;
}

/** Runs `fn` and returns what it threw; fails when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw, but it returned normally');
}

/** Asserts that `fn` throws a ValidationError (not a TypeError) with exactly `message`. */
export function expectValidationError(fn: () => unknown, message: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toBe(message);
}

/**
 * Every Secret and ConfigMap reference in the pod specs (secretKeyRef, configMapKeyRef,
 * envFrom configMapRef/secretRef, configMap and secret volumes) that resolves neither to an
 * object in `objs` nor to an entry of `env.requiredSecrets`. Empty when everything resolves.
 */
export function unresolvedReferences(env: Environment, objs: K8sObject[]): string[] {
  const required = env.requiredSecrets;
  const configMap = (name: string) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  const secret = (name: string) => objs.find((o) => o.kind === 'Secret' && o.metadata.name === name);
  const secretKnown = (name: string, key?: string): boolean => {
    const obj = secret(name);
    if (obj) return key === undefined || key in { ...obj.data, ...obj.stringData };
    const req = required.find((r) => r.secretName === name);
    return req !== undefined && (key === undefined || req.keys.includes(key));
  };
  const problems: string[] = [];
  for (const w of workloads(objs)) {
    const where = `${w.kind}/${w.metadata.name}`;
    const spec = podSpec(w);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !secretKnown(s.name, s.key)) problems.push(`${where}: env ${e.name} -> Secret ${s.name}[${s.key}]`);
        const m = e.valueFrom?.configMapKeyRef;
        if (m && !(m.key in (configMap(m.name)?.data ?? {}))) problems.push(`${where}: env ${e.name} -> ConfigMap ${m.name}[${m.key}]`);
      }
      for (const f of c.envFrom ?? []) {
        if (f.configMapRef && !configMap(f.configMapRef.name)) problems.push(`${where}: envFrom -> ConfigMap ${f.configMapRef.name}`);
        if (f.secretRef && !secretKnown(f.secretRef.name)) problems.push(`${where}: envFrom -> Secret ${f.secretRef.name}`);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.configMap && !configMap(v.configMap.name)) problems.push(`${where}: volume ${v.name} -> ConfigMap ${v.configMap.name}`);
      if (v.secret && !secretKnown(v.secret.secretName)) problems.push(`${where}: volume ${v.name} -> Secret ${v.secret.secretName}`);
    }
  }
  return problems;
}

/** Volume mounts that name neither a pod volume nor a volumeClaimTemplate. */
export function danglingMounts(objs: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objs)) {
    const spec = podSpec(w);
    const names = new Set<string>([
      ...(spec.volumes ?? []).map((v: K8sObject) => v.name),
      ...(w.spec.volumeClaimTemplates ?? []).map((t: K8sObject) => t.metadata.name),
    ]);
    for (const c of spec.containers) {
      for (const m of c.volumeMounts ?? []) {
        if (!names.has(m.name)) problems.push(`${w.kind}/${w.metadata.name}: ${c.name} mounts unknown volume ${m.name}`);
      }
    }
  }
  return problems;
}

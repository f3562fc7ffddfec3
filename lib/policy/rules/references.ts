import { rec, records, str } from '../../private/object';
import { show, type Fail, type GateView, type RuleDefinition } from '../rule';
import type { PolicyObjectRef } from '../types';

function checkConfigMapRef(gate: GateView, ref: PolicyObjectRef, where: string, name: string | undefined, fail: Fail, key?: string): void {
  const cm = gate.object('ConfigMap', ref.namespace, name ?? '');
  if (!cm) fail(`${where} references ConfigMap ${show(name)}, which is not in namespace ${show(ref.namespace)}`);
  else if (key !== undefined && !Object.hasOwn(rec(cm.data), key) && !Object.hasOwn(rec(cm.binaryData), key)) {
    fail(`${where} references key '${key}' of ConfigMap '${name}', which has no such key`);
  }
}

function checkSecretRef(gate: GateView, ref: PolicyObjectRef, where: string, name: string | undefined, fail: Fail, key?: string): void {
  if (!name || !gate.secretResolves(ref.namespace, name, key)) {
    const what = key === undefined ? `Secret ${show(name)}` : `key '${key}' of Secret ${show(name)}`;
    fail(`${where} references ${what}, which is neither in the manifests nor a required Secret`);
  }
}

/** `references`: every name another object is looked up by resolves. */
export const references = {
  id: 'references',
  group: 'hygiene',
  upstream: [],
  description: 'every ConfigMap, Secret, claim, volume and HPA target reference resolves (Secrets against the required Secrets)',
  fix: "create the referenced object, fix the name, or declare the Secret (Environment.requireSecret / the 'requiredSecrets' option)",
  checkObject({ obj, ref }, gate, fail) {
    const spec = rec(obj.spec);
    if (ref.kind === 'HorizontalPodAutoscaler') {
      const target = rec(spec.scaleTargetRef);
      if (!gate.object(str(target.kind) ?? '', ref.namespace, str(target.name) ?? '')) {
        fail(`scales ${show(target.kind)} ${show(target.name)}, which is not in the manifests`);
      }
    } else if (ref.kind === 'Ingress') {
      for (const t of records(spec.tls)) {
        const secretName = str(t.secretName);
        if (secretName && !gate.secretResolves(ref.namespace, secretName)) fail(`TLS Secret '${secretName}' is neither in the manifests nor a required Secret`);
      }
    }
  },
  checkWorkload({ ref, podSpec, containers, claimTemplates }, gate, fail) {
    const volumes = records(podSpec.volumes);
    for (const v of volumes) {
      const where = `volume '${str(v.name) ?? '?'}'`;
      const cm = rec(v.configMap);
      if (v.configMap !== undefined && cm.optional !== true) checkConfigMapRef(gate, ref, where, str(cm.name), fail);
      const secret = rec(v.secret);
      if (v.secret !== undefined && secret.optional !== true) checkSecretRef(gate, ref, where, str(secret.secretName), fail);
      for (const source of records(rec(v.projected).sources)) {
        const pcm = rec(source.configMap);
        if (source.configMap !== undefined && pcm.optional !== true) checkConfigMapRef(gate, ref, where, str(pcm.name), fail);
        const ps = rec(source.secret);
        if (source.secret !== undefined && ps.optional !== true) checkSecretRef(gate, ref, where, str(ps.name), fail);
      }
      if (v.persistentVolumeClaim !== undefined) {
        const claim = str(rec(v.persistentVolumeClaim).claimName) ?? '';
        if (!gate.object('PersistentVolumeClaim', ref.namespace, claim))
          fail(`${where} claims PersistentVolumeClaim '${claim}', which is not in the manifests`);
      }
    }
    for (const name of records(podSpec.imagePullSecrets).map((s) => str(s.name) ?? '')) {
      if (!gate.secretResolves(ref.namespace, name)) fail(`imagePullSecret '${name}' is neither in the manifests nor a required Secret`);
    }
    const volumeNames = new Set<string>([...volumes.map((v) => str(v.name) ?? ''), ...claimTemplates]);
    for (const c of containers) {
      for (const m of records(c.spec.volumeMounts)) {
        const n = str(m.name) ?? '';
        if (!volumeNames.has(n)) fail(`${c.label} mounts volume '${n}', which the pod does not define`);
      }
      for (const e of records(c.spec.env)) {
        const name = str(e.name) ?? '';
        const valueFrom = rec(e.valueFrom);
        const cmk = rec(valueFrom.configMapKeyRef);
        if (valueFrom.configMapKeyRef !== undefined && cmk.optional !== true)
          checkConfigMapRef(gate, ref, `${c.label} env ${name}`, str(cmk.name), fail, str(cmk.key) ?? '');
        const sk = rec(valueFrom.secretKeyRef);
        if (valueFrom.secretKeyRef !== undefined && sk.optional !== true)
          checkSecretRef(gate, ref, `${c.label} env ${name}`, str(sk.name), fail, str(sk.key) ?? '');
      }
      for (const f of records(c.spec.envFrom)) {
        const cm = rec(f.configMapRef);
        if (f.configMapRef !== undefined && cm.optional !== true) checkConfigMapRef(gate, ref, `${c.label} envFrom`, str(cm.name), fail);
        const s = rec(f.secretRef);
        if (f.secretRef !== undefined && s.optional !== true) checkSecretRef(gate, ref, `${c.label} envFrom`, str(s.name), fail);
      }
    }
  },
} satisfies RuleDefinition;

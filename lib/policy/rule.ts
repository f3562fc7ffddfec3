/**
 * What a rule of the gate is made of: its public description (`PolicyRule`: id, group, upstream
 * Pod Security checks, description, fix) and its check functions, in one unit per file under
 * `rules/`. The engine (`engine.ts`) indexes the objects once and calls every rule's
 * `checkObject` for each object and `checkWorkload` for each object with a pod template.
 */

import { isRecord, rec, records, str, type Json } from '../private/object';
import type { Labels, Selector } from './selector';
import type { PolicyObjectRef, PolicyOptions, PolicyRule } from './types';

/** Reports one violation of the rule being checked, for the object being checked. */
export type Fail = (message: string) => void;

/** A well-formed object (apiVersion, kind, metadata.name), as the engine indexed it. */
export interface ObjectEntry {
  readonly obj: Json;
  readonly ref: PolicyObjectRef;
  /**
   * Its pod template (the Pod itself for a Pod).
   * @default - none: the object runs no pods
   */
  readonly template?: { readonly metadata: Json; readonly spec: Json };
}

/** One container of a pod, in the order Pod Security visits them: init, regular, ephemeral. */
export interface ContainerUnderCheck {
  /** The container as written. */
  readonly spec: Json;
  /** Its securityContext, or `{}`. */
  readonly sc: Json;
  readonly type: 'init' | 'regular' | 'ephemeral';
  /** How messages name it: `container 'app'`, `init container 'migrate'`, `ephemeral container 'debug'`. */
  readonly label: string;
}

/** An object with a pod template (a Pod, a workload, a PodTemplate, or a kind with `spec.template.spec.containers`). */
export interface Workload {
  readonly obj: Json;
  readonly ref: PolicyObjectRef;
  /** The pod template's metadata (the Pod's own for a Pod). */
  readonly metadata: Json;
  readonly labels: Labels;
  readonly podSpec: Json;
  /** The pod securityContext, or `{}`. */
  readonly podSc: Json;
  readonly containers: readonly ContainerUnderCheck[];
  /** `spec.os.name: windows`: Pod Security exempts the pod from the Linux-only restricted checks. */
  readonly windows: boolean;
  /** Names of volumeClaimTemplates (StatefulSet). */
  readonly claimTemplates: readonly string[];
  /** A web workload for the production rules: labelled component web, or behind an Ingress. */
  readonly web: boolean;
}

/** What the engine's indexes answer, for rules that look beyond their own object. */
export interface GateView {
  readonly options: PolicyOptions;
  /** The object of that identity in the manifests. */
  object(kind: string, namespace: string, name: string): Json | undefined;
  /** True when Secret `name` (and `key`, if given) exists in the manifests or in the required list. */
  secretResolves(namespace: string, name: string, key?: string): boolean;
  /** The workloads of `namespace` whose pod labels `selector` selects. */
  podsSelectedBy(namespace: string, selector: Selector): readonly Workload[];
  /** True when a NetworkPolicy of `namespace` selects pods with `labels`. */
  networkPolicySelects(namespace: string, labels: Labels): boolean;
  /** True when a PodDisruptionBudget of `namespace` selects pods with `labels`. */
  pdbSelects(namespace: string, labels: Labels): boolean;
  /** The minReplicas of the HPA that scales this object, if one does. */
  hpaMinReplicas(kind: string, namespace: string, name: string): number | undefined;
}

/** A rule: its public description and its checks. */
export interface RuleDefinition extends PolicyRule {
  /**
   * Runs once for every well-formed object.
   * @default - the rule checks no object on its own
   */
  readonly checkObject?: (entry: ObjectEntry, gate: GateView, fail: Fail) => void;
  /**
   * Runs once for every object with a pod template, after every `checkObject`.
   * @default - the rule checks no pod
   */
  readonly checkWorkload?: (workload: Workload, gate: GateView, fail: Fail) => void;
}

/** A value as messages quote it: strings in single quotes, anything else as JSON. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** True when a field is present: Go decodes both a missing field and `null` to a nil pointer. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** The backends of an Ingress: its defaultBackend and every path's backend. */
export function ingressBackends(ingress: Json): Json[] {
  const spec = rec(ingress.spec);
  const out: Json[] = [];
  if (isRecord(spec.defaultBackend)) out.push(spec.defaultBackend);
  for (const rule of records(spec.rules)) for (const p of records(rec(rule.http).paths)) out.push(rec(p.backend));
  return out;
}

/** The containers of a pod spec, in the order Pod Security visits them (`visitContainers`). */
export function containersOf(podSpec: Json): ContainerUnderCheck[] {
  const of = (field: string, type: ContainerUnderCheck['type'], word: string) =>
    records(podSpec[field]).map((spec) => ({ spec, sc: rec(spec.securityContext), type, label: `${word}'${str(spec.name) ?? '?'}'` }));
  return [
    ...of('initContainers', 'init', 'init container '),
    ...of('containers', 'regular', 'container '),
    ...of('ephemeralContainers', 'ephemeral', 'ephemeral container '),
  ];
}

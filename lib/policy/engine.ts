/**
 * The policy gate's engine: pure functions over plain Kubernetes objects (the output of
 * `env.manifests()`, `chart.toJson()` or `Testing.synth(chart)`). Every `Environment` runs it as a
 * node validation, so every synthesis (`app.synth()`, `Testing.synth()`, `env.synthesize()`…) fails
 * on a violation before any file is written or any resource is registered. Called directly:
 *
 *     const { waivers } = enforcePolicy(env.manifests(), env.policyOptions);
 *     // env.policyOptions: { production, requiredSecrets, environment, namespace } of the environment
 *
 * A rule is waived for one object by an annotation on that object, whose value is the reason:
 *
 *     metadata:
 *       annotations:
 *         policy.kubestack.io/waive.prod-replicas: "batch worker, a second replica would double-process"
 *
 * Every waiver is returned (and printed by synth); a waiver without a one-line reason, or for a
 * rule that does not exist or cannot be waived, is itself a violation.
 *
 * The engine walks the objects once: it indexes every object by kind, namespace and name, every
 * pod template by label pair, and NetworkPolicy and PodDisruptionBudget selectors by one of their
 * label pairs (so that selectors are resolved without comparing all pairs: the gate is linear in
 * the number of objects); then it runs every rule of `rules/` over every object, and over every
 * object with a pod template.
 */

import { isRecord, objectKey, podTemplateOf, rec, records, str, type Json } from '../private/object';
import { PolicyViolationError } from './format';
import { containersOf, ingressBackends, type GateView, type ObjectEntry, type RuleDefinition, type Workload } from './rule';
import { POLICY_RULES, RULE_DEFINITIONS, UNWAIVABLE } from './rules';
import { badReason } from './rules/waiver';
import { labelSelector, labelsOf, selectorMatches, type Labels, type Selector } from './selector';
import {
  WAIVER_ANNOTATION_PREFIX,
  type PolicyObjectRef,
  type PolicyOptions,
  type PolicyReport,
  type PolicyRuleId,
  type PolicyViolation,
  type PolicyWaiver,
} from './types';

/** Checks every object against every rule; never throws on malformed input. */
export function checkPolicy(objects: readonly unknown[], options: PolicyOptions): PolicyReport {
  return new Gate(objects, options).run();
}

/**
 * Checks every object and throws a {@link PolicyViolationError} listing all violations; returns
 * the waivers otherwise, for the caller to print.
 */
export function enforcePolicy(
  objects: readonly unknown[],
  options: PolicyOptions,
): {
  /** Every waiver found, for the caller to print. */
  waivers: PolicyWaiver[];
} {
  const report = checkPolicy(objects, options);
  if (report.violations.length > 0) throw new PolicyViolationError(report.violations, report.waivers, options.environment);
  return { waivers: report.waivers };
}

// ------------------------------------------------------------------------------------------------

const RULES = new Map<string, RuleDefinition>(RULE_DEFINITIONS.map((r) => [r.id, r]));
const SCALABLE_WEB_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
const WEB_COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * The pod template of any pod-bearing object: the built-in workloads (`podTemplateOf`), a
 * PodTemplate (`template`), and any other kind with `spec.template.spec.containers` (an Argo
 * Rollout, a Knative Service…), which Pod Security checks as well: unknown kinds fail closed.
 */
function podTemplate(o: Json): { metadata: Json; spec: Json } | undefined {
  if (o.kind === 'PodTemplate') return { metadata: rec(rec(o.template).metadata), spec: rec(rec(o.template).spec) };
  const builtIn = podTemplateOf(o);
  if (builtIn) return builtIn;
  const template = rec(rec(o.spec).template);
  return Array.isArray(rec(template.spec).containers) ? { metadata: rec(template.metadata), spec: rec(template.spec) } : undefined;
}

function pairKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.push(value);
  else map.set(key, [value]);
}

/**
 * Finds the selectors (of NetworkPolicies, PDBs…) that select a set of pod labels without
 * comparing all pairs: a selector with matchLabels is filed under one of its label pairs, so a
 * lookup only tests the selectors filed under the pod's own pairs; selectors without
 * matchLabels (empty, or expressions only) are tested for every pod of their namespace.
 */
class SelectorIndex<T> {
  private readonly byPair = new Map<string, { selector: Selector; item: T }[]>();
  private readonly scan = new Map<string, { selector: Selector; item: T }[]>();

  public add(namespace: string, selector: Selector, item: T): void {
    const pairs = Object.entries(selector.matchLabels);
    if (pairs.length === 0) {
      push(this.scan, namespace, { selector, item });
    } else {
      const [k, v] = pairs[0];
      push(this.byPair, pairKey(namespace, k, v), { selector, item });
    }
  }

  /** The first item whose selector selects `labels` in `namespace`. */
  public find(namespace: string, labels: Labels): T | undefined {
    for (const [k, v] of Object.entries(labels)) {
      for (const e of this.byPair.get(pairKey(namespace, k, v)) ?? []) if (selectorMatches(e.selector, labels)) return e.item;
    }
    for (const e of this.scan.get(namespace) ?? []) if (selectorMatches(e.selector, labels)) return e.item;
    return undefined;
  }
}

/** A workload as the engine builds it: `web` is settled while indexing. */
interface IndexedWorkload extends Workload {
  web: boolean;
}

/** Index of pod templates by label pair, for Service, PDB and NetworkPolicy selectors. */
class TemplateIndex {
  private readonly byPair = new Map<string, IndexedWorkload[]>();
  private readonly byNamespace = new Map<string, IndexedWorkload[]>();

  public add(w: IndexedWorkload): void {
    for (const [k, v] of Object.entries(w.labels)) push(this.byPair, pairKey(w.ref.namespace, k, v), w);
    push(this.byNamespace, w.ref.namespace, w);
  }

  /** Workloads of `namespace` whose pod labels `selector` selects; looks only at the smallest candidate set. */
  public select(namespace: string, selector: Selector): IndexedWorkload[] {
    let candidates: IndexedWorkload[] | undefined;
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      const bucket = this.byPair.get(pairKey(namespace, k, v)) ?? [];
      if (!candidates || bucket.length < candidates.length) candidates = bucket;
      if (bucket.length === 0) break;
    }
    return (candidates ?? this.byNamespace.get(namespace) ?? []).filter((w) => selectorMatches(selector, w.labels));
  }
}

interface WaiverState {
  rule: PolicyRuleId;
  ref: PolicyObjectRef;
  reason: string;
  suppressed: number;
}

class Gate implements GateView {
  private readonly violations: PolicyViolation[] = [];
  /** Waivers in the order found, and by the object that carries them (its ref, so a same-named duplicate has its own). */
  private readonly waiverList: WaiverState[] = [];
  private readonly waiversOf = new Map<PolicyObjectRef, Map<PolicyRuleId, WaiverState>>();
  private readonly entries: ObjectEntry[] = [];
  private readonly workloads: IndexedWorkload[] = [];
  private readonly templates = new TemplateIndex();
  private readonly networkPolicies = new SelectorIndex<ObjectEntry>();
  private readonly pdbs = new SelectorIndex<ObjectEntry>();
  private readonly byName = new Map<string, Json>();
  /** Position in the input of the first object of each identity, for the `unique-objects` rule. */
  private readonly firstPosition = new Map<string, number>();
  private readonly hpaMin = new Map<string, number>();
  private readonly secrets = new Map<string, Set<string> | undefined>();
  private readonly ingressServices = new Set<string>();

  constructor(
    private readonly objects: readonly unknown[],
    public readonly options: PolicyOptions,
  ) {
    for (const s of options.requiredSecrets ?? []) {
      if (typeof s === 'string') this.addSecret(s, undefined);
      else if (isRecord(s) && typeof s.secretName === 'string') this.addSecret(s.secretName, Array.isArray(s.keys) ? s.keys : undefined);
    }
  }

  public run(): PolicyReport {
    this.index();
    // Every rule over every object, then over every workload, in rule order. One reporter per rule
    // for the object being checked (rules report synchronously), not a closure per rule and object.
    let ref: PolicyObjectRef;
    const reporter = (rule: RuleDefinition) => (message: string) => this.add(rule.id, ref, message);
    const rules = RULE_DEFINITIONS as readonly RuleDefinition[];
    const objectRules = rules.filter((r) => r.checkObject !== undefined).map((r) => ({ check: r.checkObject!, fail: reporter(r) }));
    const workloadRules = rules.filter((r) => r.checkWorkload !== undefined).map((r) => ({ check: r.checkWorkload!, fail: reporter(r) }));
    for (const e of this.entries) {
      ref = e.ref;
      for (const r of objectRules) r.check(e, this, r.fail);
    }
    for (const w of this.workloads) {
      ref = w.ref;
      for (const r of workloadRules) r.check(w, this, r.fail);
    }
    return this.report();
  }

  // --- GateView: what rules may ask ----------------------------------------------------------------

  public object(kind: string, namespace: string, name: string): Json | undefined {
    return this.byName.get(this.key(kind, namespace, name));
  }

  public secretResolves(namespace: string, name: string, key?: string): boolean {
    for (const k of [`${namespace}\u0000${name}`, `*\u0000${name}`]) {
      if (!this.secrets.has(k)) continue;
      const keys = this.secrets.get(k);
      if (key === undefined || keys === undefined || keys.has(key)) return true;
    }
    return false;
  }

  public podsSelectedBy(namespace: string, selector: Selector): readonly Workload[] {
    return this.templates.select(namespace, selector);
  }

  public networkPolicySelects(namespace: string, labels: Labels): boolean {
    return this.networkPolicies.find(namespace, labels) !== undefined;
  }

  public pdbSelects(namespace: string, labels: Labels): boolean {
    return this.pdbs.find(namespace, labels) !== undefined;
  }

  public hpaMinReplicas(kind: string, namespace: string, name: string): number | undefined {
    return this.hpaMin.get(this.key(kind, namespace, name));
  }

  // --- the walk: index every object once ----------------------------------------------------------

  private index(): void {
    const objects = Array.isArray(this.objects) ? this.objects : [];
    objects.forEach((o, i) => {
      const meta = isRecord(o) ? rec(o.metadata) : {};
      const kind = isRecord(o) ? str(o.kind) : undefined;
      const name = str(meta.name);
      if (!isRecord(o) || !kind || !name || typeof o.apiVersion !== 'string') {
        const ref = { kind: kind ?? 'object', namespace: str(meta.namespace) ?? '', name: name ?? `#${i}` };
        this.add('well-formed', ref, `is not a complete Kubernetes object (apiVersion, kind and metadata.name are required)`);
        return;
      }
      const ref: PolicyObjectRef = { kind, namespace: str(meta.namespace) ?? '', name };
      const template = podTemplate(o);
      const entry: ObjectEntry = { obj: o, ref, template };
      this.entries.push(entry);
      this.readWaivers(entry);
      this.checkUnique(ref, i);
      this.byName.set(this.key(kind, ref.namespace, name), o);
      const spec = rec(o.spec);
      switch (kind) {
        case 'Secret':
          this.addSecret(name, undefined, ref.namespace);
          break;
        case 'NetworkPolicy':
          this.networkPolicies.add(ref.namespace, labelSelector(spec.podSelector), entry);
          break;
        case 'PodDisruptionBudget':
          this.pdbs.add(ref.namespace, labelSelector(spec.selector), entry);
          break;
        case 'HorizontalPodAutoscaler': {
          const target = rec(spec.scaleTargetRef);
          const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
          this.hpaMin.set(this.key(str(target.kind) ?? '', ref.namespace, str(target.name) ?? ''), min);
          break;
        }
        case 'Ingress':
          for (const b of ingressBackends(o)) {
            const svc = str(rec(b.service).name);
            if (svc) this.ingressServices.add(this.key('Service', ref.namespace, svc));
          }
          break;
      }
      if (template) {
        const labels = labelsOf(template.metadata.labels);
        const podSc = rec(template.spec.securityContext);
        const w: IndexedWorkload = {
          obj: o,
          ref,
          metadata: template.metadata,
          labels,
          podSpec: template.spec,
          podSc,
          containers: containersOf(template.spec),
          windows: str(rec(template.spec.os).name) === 'windows',
          claimTemplates: records(spec.volumeClaimTemplates).map((t) => str(rec(t.metadata).name) ?? ''),
          web: SCALABLE_WEB_KINDS.has(kind) && labels[WEB_COMPONENT_LABEL] === 'web',
        };
        this.workloads.push(w);
        this.templates.add(w);
      }
    });
    // A workload behind a Service that an Ingress routes to is a web workload, whatever its labels.
    for (const { obj, ref } of this.entries) {
      if (ref.kind !== 'Service' || !this.ingressServices.has(this.key('Service', ref.namespace, ref.name))) continue;
      const spec = rec(obj.spec);
      const matchLabels = labelsOf(spec.selector);
      if (spec.type === 'ExternalName' || Object.keys(matchLabels).length === 0) continue;
      for (const w of this.templates.select(ref.namespace, { matchLabels, matchExpressions: [] })) w.web = SCALABLE_WEB_KINDS.has(w.ref.kind);
    }
  }

  private key(kind: string, namespace: string, name: string): string {
    return objectKey({ kind, metadata: { name, namespace } });
  }

  /** `unique-objects`: a second object with the identity of an earlier one would overwrite it in the cluster. */
  private checkUnique(ref: PolicyObjectRef, position: number): void {
    const key = this.key(ref.kind, ref.namespace, ref.name);
    const first = this.firstPosition.get(key);
    if (first === undefined) this.firstPosition.set(key, position);
    else this.add('unique-objects', ref, `is defined twice, by objects #${first} and #${position} of the manifests; the second would overwrite the first`);
  }

  private addSecret(name: string, keys: readonly unknown[] | undefined, namespace = '*'): void {
    const k = `${namespace}\u0000${name}`;
    const known = keys ? new Set(keys.filter((x): x is string => typeof x === 'string')) : undefined;
    if (this.secrets.has(k)) {
      const prev = this.secrets.get(k);
      if (prev && known) for (const x of known) prev.add(x);
      else this.secrets.set(k, undefined);
    } else {
      this.secrets.set(k, known);
    }
  }

  // --- waivers -----------------------------------------------------------------------------------

  private readWaivers(e: ObjectEntry): void {
    const annotations = rec(rec(e.obj.metadata).annotations);
    for (const [k, v] of Object.entries(annotations)) {
      if (!k.startsWith(WAIVER_ANNOTATION_PREFIX)) continue;
      const rule = k.slice(WAIVER_ANNOTATION_PREFIX.length);
      const definition = RULES.get(rule);
      const reason = typeof v === 'string' ? v.trim() : '';
      const bad = reason.length > 0 ? badReason(reason) : undefined;
      if (!definition) {
        this.add('waiver', e.ref, `waives unknown rule '${rule}' (annotation ${k}); known rules: ${POLICY_RULES.map((r) => r.id).join(', ')}`);
      } else if (UNWAIVABLE.has(definition.id)) {
        this.add('waiver', e.ref, `annotation ${k} tries to waive the '${rule}' rule, which cannot be waived`);
      } else if (this.options.production && definition.group === 'pod-security') {
        this.add(
          'waiver',
          e.ref,
          `annotation ${k} tries to waive the Pod Security rule '${rule}' in a production environment, where the API server enforces Pod Security "restricted" whatever the manifests say`,
        );
      } else if (reason.length === 0) {
        this.add('waiver', e.ref, `annotation ${k} gives no reason; a waiver must say why the rule does not apply`);
      } else if (bad !== undefined) {
        this.add('waiver', e.ref, `annotation ${k} ${bad}`);
      } else {
        const w: WaiverState = { rule: definition.id, ref: e.ref, reason, suppressed: 0 };
        this.waiverList.push(w);
        const own = this.waiversOf.get(e.ref) ?? new Map<PolicyRuleId, WaiverState>();
        own.set(w.rule, w);
        this.waiversOf.set(e.ref, own);
      }
    }
  }

  // --- reporting ---------------------------------------------------------------------------------

  private add(rule: PolicyRuleId, object: PolicyObjectRef, message: string): void {
    const { fix, upstream } = RULES.get(rule)!;
    this.violations.push(upstream.length > 0 ? { rule, object, message, fix, upstream } : { rule, object, message, fix });
  }

  private report(): PolicyReport {
    const violations: PolicyViolation[] = [];
    for (const v of this.violations) {
      const waiver = UNWAIVABLE.has(v.rule) ? undefined : this.waiversOf.get(v.object)?.get(v.rule);
      if (waiver) waiver.suppressed++;
      else violations.push(v);
    }
    const waivers = this.waiverList.map((w) => ({ rule: w.rule, object: w.ref, reason: w.reason, suppressed: w.suppressed }));
    return { violations, waivers };
  }
}

/**
 * The policy gate: pure functions over plain Kubernetes objects (the output of `env.manifests()`,
 * `chart.toJson()` or `Testing.synth(chart)`). Every `Environment` runs it as a node validation,
 * so every synthesis (`app.synth()`, `Testing.synth()`, `env.synthesize()`…) fails on a violation
 * before any file is written or any resource is registered. Called directly:
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
 * Every waiver is returned (and printed by synth); a waiver without a reason, or for a rule that
 * does not exist, is itself a violation. The gate is linear in the number of objects: every
 * object is indexed once by kind, namespace and name, and selectors are resolved through a
 * label index rather than by comparing all pairs.
 */

import { CLUSTER_SCOPED_KINDS, Json, isRecord, list, objectKey, podTemplateOf, rec, records, str } from './private/object';
import { floatingImageReason, unpinnedImageReason } from './private/image';

/** Identifier of a policy rule; also the suffix of its waiver annotation. */
export type PolicyRuleId =
  | 'well-formed'
  | 'namespace'
  | 'unique-objects'
  | 'namespace-pss'
  | 'host-namespaces'
  | 'host-path'
  | 'host-ports'
  | 'privileged'
  | 'capabilities'
  | 'run-as-non-root'
  | 'privilege-escalation'
  | 'seccomp'
  | 'volume-types'
  | 'selinux'
  | 'sysctls'
  | 'cluster-rbac'
  | 'resources'
  | 'image-tag'
  | 'probes'
  | 'selector-match'
  | 'service-selects-pods'
  | 'ingress-backend'
  | 'references'
  | 'network-policy'
  | 'prod-replicas'
  | 'prod-pdb'
  | 'prod-topology-spread'
  | 'prod-image-pinned'
  | 'prod-ingress-tls'
  | 'secret-data'
  | 'secret-literal'
  | 'waiver';

/** What a rule demands and how to comply. */
export interface PolicyRule {
  /** The rule's id, also the suffix of its waiver annotation. */
  readonly id: PolicyRuleId;
  /** `pod-security` (Pod Security "restricted"), `hygiene`, `production` (production only), `secrets` or `waivers`. */
  readonly group: 'pod-security' | 'hygiene' | 'production' | 'secrets' | 'waivers';
  /** What the rule demands. */
  readonly description: string;
  /** How to comply, in terms of Kubernetes fields and of this library's props. */
  readonly fix: string;
}

/** Every rule of the gate, in the order the report lists them. */
export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'well-formed',
    group: 'hygiene',
    description: 'every object is a JSON object with apiVersion, kind and metadata.name',
    fix: 'emit complete Kubernetes objects (apiVersion, kind, metadata.name)',
  },
  {
    id: 'namespace',
    group: 'hygiene',
    description: "when the environment's namespace is given, every object of a namespaced kind is in exactly that namespace",
    fix: 'create the object in the Environment, which sets its namespace, or create the nested Chart with { namespace: env.namespaceName }',
  },
  {
    id: 'unique-objects',
    group: 'hygiene',
    description: 'no two objects have the same kind, namespace and name; this rule cannot be waived',
    fix: 'rename or remove one of the two: a raw ApiObject must not repeat the kind and name of an object that a construct creates',
  },
  {
    id: 'namespace-pss',
    group: 'pod-security',
    description: "every Namespace enforces Pod Security 'restricted', at policy version 'latest'",
    fix: 'label the Namespace pod-security.kubernetes.io/enforce: restricted and leave enforce-version out or at latest (an Environment does this)',
  },
  {
    id: 'host-namespaces',
    group: 'pod-security',
    description: 'no pod shares the host network, PID or IPC namespace',
    fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec',
  },
  {
    id: 'host-path',
    group: 'pod-security',
    description: 'no hostPath volume',
    fix: 'replace the hostPath volume with an emptyDir, a ConfigMap or a PersistentVolumeClaim',
  },
  {
    id: 'host-ports',
    group: 'pod-security',
    description: 'no container port is bound on the host',
    fix: 'remove hostPort and expose the port through a Service',
  },
  {
    id: 'privileged',
    group: 'pod-security',
    description: 'no privileged container',
    fix: 'set securityContext.privileged: false (or leave it out)',
  },
  {
    id: 'capabilities',
    group: 'pod-security',
    description: 'every container drops ALL capabilities and adds at most NET_BIND_SERVICE',
    fix: "set securityContext.capabilities.drop: ['ALL'] and add nothing but NET_BIND_SERVICE",
  },
  {
    id: 'run-as-non-root',
    group: 'pod-security',
    description: 'every container runs with runAsNonRoot: true and a non-zero runAsUser',
    fix: "set runAsNonRoot: true and runAsUser to the image's unprivileged UID (the constructs' 'runAsUser' prop)",
  },
  {
    id: 'privilege-escalation',
    group: 'pod-security',
    description: 'every container sets allowPrivilegeEscalation: false',
    fix: 'set securityContext.allowPrivilegeEscalation: false on the container',
  },
  {
    id: 'seccomp',
    group: 'pod-security',
    description: 'every container runs with the RuntimeDefault (or a Localhost) seccomp profile',
    fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container',
  },
  {
    id: 'volume-types',
    group: 'pod-security',
    description: 'volumes are only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret',
    fix: 'use one of the allowed volume types',
  },
  {
    id: 'selinux',
    group: 'pod-security',
    description:
      'no pod or container sets an SELinux user or role, or a type other than container_t, container_init_t, container_kvm_t or container_engine_t (upstream check seLinuxOptions)',
    fix: 'remove securityContext.seLinuxOptions, or keep only an allowed type',
  },
  {
    id: 'sysctls',
    group: 'pod-security',
    description: 'a pod sets only the safe sysctls of Pod Security "baseline" (upstream check sysctls)',
    fix: 'remove securityContext.sysctls other than kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes',
  },
  {
    id: 'cluster-rbac',
    group: 'pod-security',
    description: 'no ClusterRole or ClusterRoleBinding: an environment grants at most namespace-scoped access (a Role and RoleBinding in its namespace)',
    fix: 'use a Role and a RoleBinding in the environment namespace; cluster-wide grants belong to the platform, outside the application',
  },
  {
    id: 'resources',
    group: 'hygiene',
    description: 'every container requests and limits cpu and memory',
    fix: "set resources.requests and resources.limits for cpu and memory (the constructs' 'resources' prop or the profile)",
  },
  {
    id: 'image-tag',
    group: 'hygiene',
    description: "every image names a tag other than 'latest', or a digest",
    fix: "use a version tag ('app:1.2.3') or a digest ('app@sha256:…')",
  },
  {
    id: 'probes',
    group: 'hygiene',
    description: 'every long-running container has a readiness and a liveness probe, and every probe port is a container port',
    fix: "add readinessProbe and livenessProbe; probe a port the container declares (by name, e.g. 'http', or number)",
  },
  {
    id: 'selector-match',
    group: 'hygiene',
    description: "a workload's selector matches its pod template; a PodDisruptionBudget or NetworkPolicy selects some pods",
    fix: 'make spec.selector (or podSelector) a subset of the pod template labels',
  },
  {
    id: 'service-selects-pods',
    group: 'hygiene',
    description: 'every Service selects pods of a workload, and a named targetPort is a port of those pods',
    fix: "set the Service selector to the workload's selector labels and targetPort to one of its container port names",
  },
  {
    id: 'ingress-backend',
    group: 'hygiene',
    description: 'every Ingress backend names a Service of the same namespace and one of its ports',
    fix: 'point backend.service.name at an existing Service and port.number/port.name at one of its ports',
  },
  {
    id: 'references',
    group: 'hygiene',
    description: 'every ConfigMap, Secret, claim, volume and HPA target reference resolves (Secrets against the required Secrets)',
    fix: "create the referenced object, fix the name, or declare the Secret (Environment.requireSecret / the 'requiredSecrets' option)",
  },
  {
    id: 'network-policy',
    group: 'hygiene',
    description: 'a NetworkPolicy selects the pods of every workload',
    fix: "add a NetworkPolicy whose podSelector matches the workload's pod labels (the constructs create one)",
  },
  {
    id: 'prod-replicas',
    group: 'production',
    description: 'in production, a web workload runs at least two replicas (spec.replicas, or the minReplicas of its HPA)',
    fix: 'set replicas (or autoscaling.minReplicas) to 2 or more',
  },
  {
    id: 'prod-pdb',
    group: 'production',
    description: 'in production, a PodDisruptionBudget selects the pods of every web workload',
    fix: "add a PodDisruptionBudget selecting the workload's pods (WebApp 'podDisruptionBudget: true')",
  },
  {
    id: 'prod-topology-spread',
    group: 'production',
    description: 'in production, a web workload spreads its pods with a topology spread constraint that selects them',
    fix: "add topologySpreadConstraints whose labelSelector matches the pod labels (WebApp 'topologySpread: true')",
  },
  {
    id: 'prod-image-pinned',
    group: 'production',
    description: 'in production, every image names one release: a digest, or a tag naming major.minor at least or a commit id',
    fix: "use a tag naming major.minor at least, such as '1.2.3' or '16.6-alpine', a commit id, or a digest, not a floating tag such as 'stable' or '16-alpine'",
  },
  {
    id: 'prod-ingress-tls',
    group: 'production',
    description: 'in production, every Ingress terminates TLS for all its hosts',
    fix: "add spec.tls with every rule host and a secretName (WebApp 'ingress.tlsSecretName' or a profile with tls: true)",
  },
  {
    id: 'secret-data',
    group: 'secrets',
    description: 'no manifest contains a Secret with data or stringData',
    fix: 'remove the Secret from the manifests: create it out of band (kubectl create secret, the Pulumi stack) and reference it',
  },
  {
    id: 'secret-literal',
    group: 'secrets',
    description:
      'no literal value in an env var or ConfigMap key whose name says PASSWORD, PASSPHRASE, SECRET, TOKEN or KEY; no password in a URL (env, ConfigMaps, command lines, annotations), no `key=value` line or connection-string part whose key says password, secret, token or credential, no literal `user:password` in an *AUTH* variable, no `--*-password S` flag',
    fix: "read the value from a Secret (valueFrom.secretKeyRef; a ConfigBundle 'secrets' entry), or compose it from $(VAR) references",
  },
  {
    id: 'waiver',
    group: 'waivers',
    description: 'every waiver annotation names an existing rule and gives a reason; this rule cannot be waived',
    fix: "write the reason as the annotation value, e.g. policy.kubestack.io/waive.prod-replicas: 'why'",
  },
];

/** Prefix of the waiver annotations: `policy.kubestack.io/waive.<rule-id>: "<reason>"`. */
export const WAIVER_ANNOTATION_PREFIX = 'policy.kubestack.io/waive.';

/** The annotation that waives `rule` on one object. */
export function waiverAnnotation(rule: PolicyRuleId): string {
  return `${WAIVER_ANNOTATION_PREFIX}${rule}`;
}

/** Identifies an object in a report. */
export interface PolicyObjectRef {
  /** The object's kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Empty for cluster-scoped objects and objects without a namespace. */
  readonly namespace: string;
  /** The object's metadata.name (`#<index>` for an object without one). */
  readonly name: string;
}

/** One broken rule. */
export interface PolicyViolation {
  /** The rule broken. */
  readonly rule: PolicyRuleId;
  /** The object that breaks it. */
  readonly object: PolicyObjectRef;
  /** What is wrong, naming the container, volume or reference. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A rule waived for one object by annotation. */
export interface PolicyWaiver {
  /** The rule waived. */
  readonly rule: PolicyRuleId;
  /** The object the waiver annotation is on. */
  readonly object: PolicyObjectRef;
  /** The annotation's value: why the rule does not apply. */
  readonly reason: string;
  /** Violations the waiver suppressed in this run (0 when the object complies anyway). */
  readonly suppressed: number;
}

/** A Secret that the manifests may reference without containing it. */
export interface ExpectedSecret {
  /** Name of the Secret. */
  readonly secretName: string;
  /**
   * Keys it holds; when given, a reference to another key does not resolve.
   * @default - any key of the Secret resolves
   */
  readonly keys?: readonly string[];
}

/** Options of {@link checkPolicy} and {@link enforcePolicy}. */
export interface PolicyOptions {
  /** Apply the production rules (`prod-*`); pass the profile's `production`. */
  readonly production: boolean;
  /**
   * Secrets that exist outside the manifests: names, or `env.requiredSecrets` (name and keys).
   * @default - none: every Secret reference is a violation
   */
  readonly requiredSecrets?: readonly (string | ExpectedSecret)[];
  /**
   * Name of the environment, for messages.
   * @default - not named
   */
  readonly environment?: string;
  /**
   * The one namespace of every object of a namespaced kind (every kind not in the built-in
   * cluster-scoped list, custom resources included): turns on the `namespace` rule, which fails an
   * object in another namespace or in none. Pass `env.namespaceName`.
   * @default - any namespace, or none, is accepted
   */
  readonly namespace?: string;
}

/** The outcome of a policy check. */
export interface PolicyReport {
  /** Violations that no waiver covers, in object order. */
  readonly violations: PolicyViolation[];
  /** Every waiver annotation found, applied or not. */
  readonly waivers: PolicyWaiver[];
}

/** Thrown by {@link enforcePolicy}; the message lists every violation with its fix. */
export class PolicyViolationError extends Error {
  /**
   * A report of `violations`; the message lists each with its fix.
   * @param violations the violations, listed in the message
   * @param waivers the waivers in effect
   * @param environment the environment's name, for the message
   */
  constructor(
    /** Every violation, in object order. */
    public readonly violations: readonly PolicyViolation[],
    /** The waivers in effect when the gate ran. */
    public readonly waivers: readonly PolicyWaiver[] = [],
    environment?: string,
  ) {
    super(formatViolations(violations, environment));
    this.name = 'PolicyViolationError';
  }
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

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function describeObject(ref: PolicyObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** The violation list as printed by synth: one entry per violation, each with its fix. */
export function formatViolations(violations: readonly PolicyViolation[], environment?: string): string {
  const where = environment ? ` in environment '${environment}'` : '';
  const n = violations.length;
  const lines = [`policy gate: ${n} violation${n === 1 ? '' : 's'}${where}`];
  for (const v of violations) {
    lines.push(`  - ${describeObject(v.object)} [${v.rule}] ${v.message}`);
    lines.push(`      fix: ${v.fix}`);
  }
  if (n > 0) {
    lines.push(`  To waive a rule for one object, annotate it: ${WAIVER_ANNOTATION_PREFIX}<rule>: "<reason>"`);
  }
  return lines.join('\n');
}

/** One line per waiver, as printed by synth on every run. */
export function formatWaivers(waivers: readonly PolicyWaiver[], environment?: string): string[] {
  const where = environment ? `${environment}: ` : '';
  return waivers.map((w) => `policy gate: ${where}waived [${w.rule}] for ${describeObject(w.object)} (${w.suppressed} suppressed): ${w.reason}`);
}

/** Checks every object against every rule; never throws on malformed input. */
export function checkPolicy(objects: readonly unknown[], options: PolicyOptions): PolicyReport {
  return new Gate(objects, options).run();
}

// ------------------------------------------------------------------------------------------------
// Implementation
// ------------------------------------------------------------------------------------------------

type Labels = Record<string, string>;

const RULES = new Map<string, PolicyRule>(POLICY_RULES.map((r) => [r.id, r]));
const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Kinds whose pods run to completion: probes do not apply. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);
const SCALABLE_WEB_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
const WEB_COMPONENT_LABEL = 'app.kubernetes.io/component';
/** Rules that no annotation waives: a waiver could otherwise switch off the waiver checks, or hide an object that overwrites another. */
/** The pod template of a kind the gate does not know (`spec.template.spec.containers`), if it has one. */
function customPodTemplate(o: Json): { metadata: Json; spec: Json } | undefined {
  const template = rec(rec(o.spec).template);
  return Array.isArray(rec(template.spec).containers) ? { metadata: rec(template.metadata), spec: rec(template.spec) } : undefined;
}

/** A Kubernetes label value (the length is checked separately). */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** SELinux types Pod Security "baseline" allows (k8s.io/pod-security-admission, check seLinuxOptions). */
const ALLOWED_SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** The safe sysctls of Pod Security "baseline" (check sysctls, policy version latest). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const UNWAIVABLE: ReadonlySet<PolicyRuleId> = new Set<PolicyRuleId>(['waiver', 'unique-objects']);

function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = val;
  return out;
}
function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A Kubernetes label selector: matchLabels plus matchExpressions. */
interface Selector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly Json[];
}

function labelSelector(v: unknown): Selector {
  const s = rec(v);
  return { matchLabels: labelsOf(s.matchLabels), matchExpressions: records(s.matchExpressions) };
}

function isEmptySelector(s: Selector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

function selectorMatches(s: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const key = str(e.key) ?? '';
    const values = list(e.values).filter((x): x is string => typeof x === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function pairKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const existing = map.get(key);
  if (existing) existing.push(value);
  else map.set(key, [value]);
}

/** A workload: an object with a pod template (or a Pod). */
interface Workload {
  readonly obj: Json;
  readonly ref: PolicyObjectRef;
  readonly labels: Labels;
  readonly podSpec: Json;
  /** Names of volumeClaimTemplates (StatefulSet). */
  readonly claimTemplates: readonly string[];
  web: boolean;
}

interface Entry {
  readonly obj: Json;
  readonly ref: PolicyObjectRef;
}

/** Index of pod templates by label pair, for Service and PDB selectors. */
class TemplateIndex {
  private readonly byPair = new Map<string, Workload[]>();
  private readonly byNamespace = new Map<string, Workload[]>();

  public add(w: Workload): void {
    for (const [k, v] of Object.entries(w.labels)) push(this.byPair, pairKey(w.ref.namespace, k, v), w);
    push(this.byNamespace, w.ref.namespace, w);
  }

  /** Workloads of `namespace` whose pod labels `selector` selects; looks only at the smallest candidate set. */
  public select(namespace: string, selector: Selector): Workload[] {
    let candidates: Workload[] | undefined;
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      const bucket = this.byPair.get(pairKey(namespace, k, v)) ?? [];
      if (!candidates || bucket.length < candidates.length) candidates = bucket;
      if (bucket.length === 0) break;
    }
    return (candidates ?? this.byNamespace.get(namespace) ?? []).filter((w) => selectorMatches(selector, w.labels));
  }
}

const SECRET_WORD = /^(?:.*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN)S?|PASS|PWD|(?:API|PRIVATE|ACCESS|SECRET|SIGNING|ENCRYPTION|MASTER|AUTH)?KEYS?)$/;
/** Words that name a secret in a `key=value` line or a command-line flag (not the ambiguous KEY). */
const STRONG_SECRET_WORD = /^(?:.*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL)S?|PWD)$/;
const PROPERTY_KEY = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** Only `$(VAR)` references: Kubernetes expands them from other variables, nothing is literal. */
const ONLY_REFERENCES = /^(?:\$\([A-Za-z_][-._A-Za-z0-9]*\))+$/;
/** `scheme://user:password@host`: the password part is captured. */
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;

/** True when a variable or key name says it holds a secret: a word of it is …PASSWORD, …SECRET, …TOKEN or KEY. */
export function isSecretName(name: string): boolean {
  return words(name).some((w) => SECRET_WORD.test(w));
}

/** The words of a name, split at non-alphanumerics and camelCase, upper-cased. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/);
}

/** True when a property key or flag name says it holds a secret: password, passphrase, secret, token, credential. */
function isStrongSecretName(name: string): boolean {
  return words(name).some((w) => STRONG_SECRET_WORD.test(w));
}

/**
 * What in `value` is a literal secret, whatever the variable holding it is called: a password in a
 * URL, or a `key=value` / `key: value` pair (a line of a properties or YAML file, or a part of a
 * `;`-separated connection string) whose key says it is a secret. Scans, no backtracking.
 */
function literalSecretIn(value: string): string | undefined {
  if (urlPasswords(value).length > 0) return 'a URL with a literal password';
  for (const part of value.split(/[\n;&]/)) {
    const eq = part.indexOf('=');
    const colon = part.indexOf(':');
    const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    const literal = part.slice(at + 1).trim();
    if (PROPERTY_KEY.test(key) && isStrongSecretName(key) && isLiteral(literal)) return `a literal value for '${key}'`;
  }
  return undefined;
}

/** True when a value is a literal secret candidate: not empty and not made only of `$(VAR)` references. */
function isLiteral(value: string): boolean {
  return value.length > 0 && !ONLY_REFERENCES.test(value);
}

/** The literal passwords embedded in URLs of a value. */
function urlPasswords(value: string): string[] {
  // A scan, not a regular expression: the pattern this replaces backtracked quadratically (an
  // 80,000-character value took 3.5 s). Each character is looked at a bounded number of times.
  const out: string[] = [];
  for (let i = value.indexOf('://'); i >= 0; i = value.indexOf('://', i + 3)) {
    let start = i;
    while (start > 0 && SCHEME_CHAR.test(value[start - 1])) start--;
    if (start === i || !/[A-Za-z]/.test(value[start])) continue; // no scheme before '://'
    let end = i + 3;
    while (end < value.length && !/[\s/]/.test(value[end])) end++;
    const authority = value.slice(i + 3, end);
    const at = authority.indexOf('@');
    if (at < 0) continue;
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
    if (password.length > 0 && isLiteral(password)) out.push(password);
  }
  return out;
}

class Gate {
  private readonly violations: PolicyViolation[] = [];
  private readonly waiverReasons = new Map<string, { rule: PolicyRuleId; ref: PolicyObjectRef; reason: string; suppressed: number }>();
  private readonly entries: Entry[] = [];
  private readonly workloads: Workload[] = [];
  private readonly templates = new TemplateIndex();
  private readonly networkPolicies = new SelectorIndex<Entry>();
  private readonly pdbs = new SelectorIndex<Entry>();
  private readonly byName = new Map<string, Json>();
  /** Position in the input of the first object of each identity, for the `unique-objects` rule. */
  private readonly firstPosition = new Map<string, number>();
  private readonly hpaMin = new Map<string, number>();
  private readonly secrets = new Map<string, Set<string> | undefined>();
  private readonly ingressServices = new Set<string>();

  constructor(
    private readonly objects: readonly unknown[],
    private readonly options: PolicyOptions,
  ) {
    for (const s of options.requiredSecrets ?? []) {
      if (typeof s === 'string') this.addSecret(s, undefined);
      else if (isRecord(s) && typeof s.secretName === 'string') this.addSecret(s.secretName, Array.isArray(s.keys) ? s.keys : undefined);
    }
  }

  public run(): PolicyReport {
    this.index();
    for (const e of this.entries) this.checkObject(e);
    for (const w of this.workloads) this.checkWorkload(w);
    return this.report();
  }

  // --- indexing ------------------------------------------------------------------------------------

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
      const entry = { obj: o, ref };
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
          for (const b of this.ingressBackends(o)) {
            const svc = str(rec(b.service).name);
            if (svc) this.ingressServices.add(this.key('Service', ref.namespace, svc));
          }
          break;
      }
      // Any kind with a pod template counts, not only the built-in ones: an Argo Rollout or a
      // Knative Service runs pods that Pod Security checks as well.
      const template = podTemplateOf(o) ?? customPodTemplate(o);
      if (template) {
        const labels = labelsOf(template.metadata.labels);
        const w: Workload = {
          obj: o,
          ref,
          labels,
          podSpec: template.spec,
          claimTemplates: records(spec.volumeClaimTemplates).map((t) => str(rec(t.metadata).name) ?? ''),
          web: SCALABLE_WEB_KINDS.has(kind) && labels[WEB_COMPONENT_LABEL] === 'web',
        };
        this.workloads.push(w);
        this.templates.add(w);
      }
    });
  }

  private key(kind: string, namespace: string, name: string): string {
    return objectKey({ kind, metadata: { name, namespace } });
  }

  /** `unique-objects`: a second object with the identity of an earlier one would overwrite it in the cluster. */
  private checkUnique(ref: PolicyObjectRef, position: number): void {
    const key = this.key(ref.kind, ref.namespace, ref.name);
    const first = this.firstPosition.get(key);
    if (first === undefined) {
      this.firstPosition.set(key, position);
    } else {
      this.add('unique-objects', ref, `is defined twice, by objects #${first} and #${position} of the manifests; the second would overwrite the first`);
    }
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

  /** True when Secret `name` (and `key`, if given) exists in the manifests or in the required list. */
  private secretResolves(namespace: string, name: string, key?: string): boolean {
    for (const k of [`${namespace}\u0000${name}`, `*\u0000${name}`]) {
      if (!this.secrets.has(k)) continue;
      const keys = this.secrets.get(k);
      if (key === undefined || keys === undefined || keys.has(key)) return true;
    }
    return false;
  }

  private readWaivers(e: Entry): void {
    const annotations = rec(rec(e.obj.metadata).annotations);
    for (const [k, v] of Object.entries(annotations)) {
      if (!k.startsWith(WAIVER_ANNOTATION_PREFIX)) continue;
      const rule = k.slice(WAIVER_ANNOTATION_PREFIX.length);
      if (!RULES.has(rule)) {
        this.add('waiver', e.ref, `waives unknown rule '${rule}' (annotation ${k}); known rules: ${POLICY_RULES.map((r) => r.id).join(', ')}`);
      } else if (UNWAIVABLE.has(rule as PolicyRuleId)) {
        this.add('waiver', e.ref, `annotation ${k} tries to waive the '${rule}' rule, which cannot be waived`);
      } else if (this.options.production && RULES.get(rule)!.group === 'pod-security') {
        this.add(
          'waiver',
          e.ref,
          `annotation ${k} tries to waive the Pod Security rule '${rule}' in a production environment, where the API server enforces Pod Security "restricted" whatever the manifests say`,
        );
      } else if (typeof v !== 'string' || v.trim().length === 0) {
        this.add('waiver', e.ref, `annotation ${k} gives no reason; a waiver must say why the rule does not apply`);
      } else {
        this.waiverReasons.set(this.waiverKey(rule, e.ref), { rule: rule as PolicyRuleId, ref: e.ref, reason: v.trim(), suppressed: 0 });
      }
    }
  }

  private waiverKey(rule: string, ref: PolicyObjectRef): string {
    return `${rule}\u0000${ref.kind}\u0000${ref.namespace}\u0000${ref.name}`;
  }

  // --- per-object rules ----------------------------------------------------------------------------

  private checkObject(e: Entry): void {
    const { obj, ref } = e;
    for (const [k, v] of Object.entries(rec(rec(obj.metadata).annotations))) {
      if (typeof v === 'string' && urlPasswords(v).length > 0) this.add('secret-literal', ref, `annotation ${k} holds a URL with a literal password`);
    }
    const spec = rec(obj.spec);
    this.checkLabels(ref, 'metadata.labels', rec(obj.metadata).labels);
    const template = podTemplateOf(obj) ?? customPodTemplate(obj);
    if (template) this.checkLabels(ref, 'the pod template labels', template.metadata.labels);
    this.checkNamespace(ref);
    switch (ref.kind) {
      case 'Namespace': {
        const labels = labelsOf(rec(obj.metadata).labels);
        if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
          this.add(
            'namespace-pss',
            ref,
            `does not enforce Pod Security 'restricted' (label pod-security.kubernetes.io/enforce is ${show(labels['pod-security.kubernetes.io/enforce'] ?? 'missing')})`,
          );
        }
        // An old policy version is a weaker 'restricted' (v1.0 lacks the seccomp and capability checks).
        const version = labels['pod-security.kubernetes.io/enforce-version'];
        if (version !== undefined && version !== 'latest') {
          this.add(
            'namespace-pss',
            ref,
            `pins Pod Security to version ${show(version)} (label pod-security.kubernetes.io/enforce-version); only 'latest' enforces today's 'restricted'`,
          );
        }
        break;
      }
      case 'ClusterRoleBinding':
      case 'ClusterRole':
        this.add(
          'cluster-rbac',
          ref,
          `grants permissions cluster-wide${ref.kind === 'ClusterRoleBinding' ? ` (role ${show(rec(rec(obj).roleRef).name)})` : ''}; an environment's objects grant at most namespace-scoped access`,
        );
        break;
      case 'Secret':
        for (const field of ['data', 'stringData']) {
          if (Object.keys(rec(obj[field])).length > 0) {
            this.add('secret-data', ref, `carries ${field} (${Object.keys(rec(obj[field])).length} keys); secret values must never be in a manifest`);
          }
        }
        break;
      case 'ConfigMap':
        for (const [k, v] of Object.entries(rec(obj.data))) {
          if (typeof v !== 'string') continue;
          if (isSecretName(k) && isLiteral(v)) this.add('secret-literal', ref, `key '${k}' holds a literal value, and its name says it is a secret`);
          else {
            const found = literalSecretIn(v);
            if (found) this.add('secret-literal', ref, `key '${k}' holds ${found}`);
          }
        }
        break;
      case 'Service':
        this.checkService(e, spec);
        break;
      case 'Ingress':
        this.checkIngress(e, spec);
        break;
      case 'PodDisruptionBudget':
      case 'NetworkPolicy': {
        const selector = labelSelector(ref.kind === 'NetworkPolicy' ? spec.podSelector : spec.selector);
        if (!isEmptySelector(selector) && this.templates.select(ref.namespace, selector).length === 0) {
          this.add('selector-match', ref, `selects no pods: no pod template in namespace ${show(ref.namespace)} has labels ${show(selector.matchLabels)}`);
        }
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const target = rec(spec.scaleTargetRef);
        if (!this.byName.has(this.key(str(target.kind) ?? '', ref.namespace, str(target.name) ?? ''))) {
          this.add('references', ref, `scales ${show(target.kind)} ${show(target.name)}, which is not in the manifests`);
        }
        break;
      }
    }
  }

  /** `namespace`: with `options.namespace`, every object of a namespaced kind is in exactly that namespace. */
  private checkNamespace(ref: PolicyObjectRef): void {
    const expected = this.options.namespace;
    if (expected === undefined || CLUSTER_SCOPED_KINDS.has(ref.kind) || ref.namespace === expected) return;
    const where = this.options.environment === undefined ? '' : ` of environment '${this.options.environment}'`;
    const actual = ref.namespace === '' ? 'has no metadata.namespace' : `is in namespace '${ref.namespace}'`;
    this.add('namespace', ref, `${actual}; every namespaced object${where} must be in namespace '${expected}'`);
  }

  /** Label values as the API server validates them: at most 63 characters, alphanumerics at both ends. */
  private checkLabels(ref: PolicyObjectRef, where: string, labels: unknown): void {
    for (const [k, v] of Object.entries(rec(labels))) {
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
        this.add(
          'well-formed',
          ref,
          `${where}: label ${k} has the value ${show(v)}${typeof v === 'string' && v.length > 63 ? ` (${v.length} characters)` : ''}, which is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`,
        );
      }
    }
  }

  private checkService(e: Entry, spec: Json): void {
    const { ref } = e;
    if (spec.type === 'ExternalName') return;
    const selector: Selector = { matchLabels: labelsOf(spec.selector), matchExpressions: [] };
    if (isEmptySelector(selector)) {
      this.add('service-selects-pods', ref, 'has no selector, so it routes to no pod of the manifests');
      return;
    }
    const selected = this.templates.select(ref.namespace, selector);
    if (selected.length === 0) {
      this.add('service-selects-pods', ref, `selects no pods: no pod template in namespace ${show(ref.namespace)} has labels ${show(selector.matchLabels)}`);
      return;
    }
    if (this.ingressServices.has(this.key('Service', ref.namespace, ref.name))) for (const w of selected) w.web = SCALABLE_WEB_KINDS.has(w.ref.kind);
    for (const p of records(spec.ports)) {
      const target = p.targetPort;
      if (typeof target !== 'string') continue;
      const found = selected.some((w) => this.containers(w.podSpec, false).some((c) => records(c.ports).some((cp) => cp.name === target)));
      if (!found) this.add('service-selects-pods', ref, `targetPort '${target}' names no container port of the selected pods`);
    }
  }

  private ingressBackends(ingress: Json): Json[] {
    const spec = rec(ingress.spec);
    const out: Json[] = [];
    if (isRecord(spec.defaultBackend)) out.push(spec.defaultBackend);
    for (const rule of records(spec.rules)) for (const p of records(rec(rule.http).paths)) out.push(rec(p.backend));
    return out;
  }

  private checkIngress(e: Entry, spec: Json): void {
    const { obj, ref } = e;
    for (const b of this.ingressBackends(obj)) {
      if (isRecord(b.resource)) continue;
      const svc = rec(b.service);
      const name = str(svc.name);
      const service = name ? this.byName.get(this.key('Service', ref.namespace, name)) : undefined;
      if (!service) {
        this.add('ingress-backend', ref, `backend Service ${show(name ?? svc.name)} is not in namespace ${show(ref.namespace)}`);
        continue;
      }
      const port = rec(svc.port);
      const ports = records(rec(service.spec).ports);
      const ok = port.number !== undefined ? ports.some((p) => p.port === port.number) : ports.some((p) => p.name === port.name && port.name !== undefined);
      if (!ok) this.add('ingress-backend', ref, `backend port ${show(port.number ?? port.name)} is not a port of Service '${name}'`);
    }
    const tls = records(spec.tls);
    for (const t of tls) {
      const secretName = str(t.secretName);
      if (secretName && !this.secretResolves(ref.namespace, secretName)) {
        this.add('references', ref, `TLS Secret '${secretName}' is neither in the manifests nor a required Secret`);
      }
    }
    if (this.options.production) {
      const covered = new Set(tls.flatMap((t) => list(t.hosts)));
      const hosts = records(spec.rules).map((r) => str(r.host) ?? '');
      if (tls.length === 0) this.add('prod-ingress-tls', ref, 'has no TLS section');
      else for (const h of hosts) if (h && !covered.has(h)) this.add('prod-ingress-tls', ref, `host '${h}' is not covered by TLS`);
    }
  }

  // --- workload rules ------------------------------------------------------------------------------

  private containers(podSpec: Json, withInit: boolean): Json[] {
    return [...(withInit ? records(podSpec.initContainers) : []), ...records(podSpec.containers)];
  }

  private checkWorkload(w: Workload): void {
    const { ref, podSpec: pod, obj } = w;
    const spec = rec(obj.spec);
    const podSc = rec(pod.securityContext);
    this.checkPodSecurity(ref, podSc);

    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod[field] === true) this.add('host-namespaces', ref, `sets ${field}: true`);
    }

    const volumes = records(pod.volumes);
    const volumeNames = new Set<string>([...volumes.map((v) => str(v.name) ?? ''), ...w.claimTemplates]);
    for (const v of volumes) this.checkVolume(w, v);

    for (const name of records(pod.imagePullSecrets).map((s) => str(s.name) ?? '')) {
      if (!this.secretResolves(ref.namespace, name)) this.add('references', ref, `imagePullSecret '${name}' is neither in the manifests nor a required Secret`);
    }

    const all = [...records(pod.initContainers).map((c) => ({ c, init: true })), ...records(pod.containers).map((c) => ({ c, init: false }))];
    if (records(pod.containers).length === 0) this.add('well-formed', ref, 'has no containers');
    for (const { c, init } of all) {
      const cname = `${init ? 'init container' : 'container'} '${str(c.name) ?? '?'}'`;
      const sc = rec(c.securityContext);
      this.checkContainerSecurity(ref, cname, sc, podSc);
      for (const p of records(c.ports)) {
        if (typeof p.hostPort === 'number' && p.hostPort !== 0)
          this.add('host-ports', ref, `${cname} binds port ${show(p.containerPort)} to host port ${p.hostPort}`);
      }
      this.checkContainerResources(ref, cname, c);
      this.checkImage(ref, cname, c.image);
      if (!init && !BATCH_KINDS.has(ref.kind)) this.checkProbes(ref, cname, c);
      for (const m of records(c.volumeMounts)) {
        const n = str(m.name) ?? '';
        if (!volumeNames.has(n)) this.add('references', ref, `${cname} mounts volume '${n}', which the pod does not define`);
      }
      this.checkEnv(w, cname, c);
    }

    // selector
    if (ref.kind !== 'Pod' && ref.kind !== 'Job' && ref.kind !== 'CronJob') {
      const selector = labelSelector(spec.selector);
      if (isEmptySelector(selector)) this.add('selector-match', ref, 'has an empty selector');
      else if (!selectorMatches(selector, w.labels)) {
        this.add('selector-match', ref, `selector ${show(selector.matchLabels)} does not match the pod template labels ${show(w.labels)}`);
      }
    }

    if (!this.networkPolicies.find(ref.namespace, w.labels)) {
      this.add('network-policy', ref, `no NetworkPolicy selects its pods (labels ${show(w.labels)})`);
    }

    if (this.options.production && w.web) this.checkProductionWeb(w, spec);
  }

  private checkVolume(w: Workload, v: Json): void {
    const { ref } = w;
    const name = str(v.name) ?? '?';
    const types = Object.keys(v).filter((k) => k !== 'name');
    for (const t of types) {
      if (t === 'hostPath') this.add('host-path', ref, `volume '${name}' is a hostPath (${show(rec(v.hostPath).path)})`);
      else if (!ALLOWED_VOLUME_TYPES.has(t)) this.add('volume-types', ref, `volume '${name}' has type '${t}', which Pod Security 'restricted' does not allow`);
    }
    const cm = rec(v.configMap);
    if (v.configMap !== undefined && cm.optional !== true) this.checkConfigMapRef(ref, `volume '${name}'`, str(cm.name));
    const secret = rec(v.secret);
    if (v.secret !== undefined && secret.optional !== true) this.checkSecretRef(ref, `volume '${name}'`, str(secret.secretName));
    for (const source of records(rec(v.projected).sources)) {
      const pcm = rec(source.configMap);
      if (source.configMap !== undefined && pcm.optional !== true) this.checkConfigMapRef(ref, `volume '${name}'`, str(pcm.name));
      const ps = rec(source.secret);
      if (source.secret !== undefined && ps.optional !== true) this.checkSecretRef(ref, `volume '${name}'`, str(ps.name));
    }
    if (v.persistentVolumeClaim !== undefined) {
      const claim = str(rec(v.persistentVolumeClaim).claimName) ?? '';
      if (!this.byName.has(this.key('PersistentVolumeClaim', ref.namespace, claim))) {
        this.add('references', ref, `volume '${name}' claims PersistentVolumeClaim '${claim}', which is not in the manifests`);
      }
    }
  }

  private checkConfigMapRef(ref: PolicyObjectRef, where: string, name: string | undefined, key?: string): void {
    const cm = this.byName.get(this.key('ConfigMap', ref.namespace, name ?? ''));
    if (!cm) {
      this.add('references', ref, `${where} references ConfigMap ${show(name)}, which is not in namespace ${show(ref.namespace)}`);
    } else if (key !== undefined && !Object.hasOwn(rec(cm.data), key) && !Object.hasOwn(rec(cm.binaryData), key)) {
      this.add('references', ref, `${where} references key '${key}' of ConfigMap '${name}', which has no such key`);
    }
  }

  private checkSecretRef(ref: PolicyObjectRef, where: string, name: string | undefined, key?: string): void {
    if (!name || !this.secretResolves(ref.namespace, name, key)) {
      const what = key === undefined ? `Secret ${show(name)}` : `key '${key}' of Secret ${show(name)}`;
      this.add('references', ref, `${where} references ${what}, which is neither in the manifests nor a required Secret`);
    }
  }

  /**
   * The pod-level fields that Pod Security checks on their own, whatever the containers set
   * (k8s.io/pod-security-admission policy checks runAsUser, seccompProfile_restricted,
   * seLinuxOptions and sysctls).
   */
  private checkPodSecurity(ref: PolicyObjectRef, podSc: Json): void {
    if (podSc.runAsUser === 0) this.add('run-as-non-root', ref, 'the pod securityContext sets runAsUser: 0');
    const seccomp = str(rec(podSc.seccompProfile).type);
    if (podSc.seccompProfile !== undefined && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      this.add('seccomp', ref, `the pod securityContext sets seccomp profile ${show(seccomp ?? podSc.seccompProfile)}`);
    }
    this.checkSeLinux(ref, 'the pod securityContext', podSc);
    for (const s of records(podSc.sysctls)) {
      const name = str(s.name) ?? '';
      if (!SAFE_SYSCTLS.has(name)) this.add('sysctls', ref, `the pod sets sysctl ${show(s.name)}, which is not one of the safe sysctls`);
    }
  }

  private checkSeLinux(ref: PolicyObjectRef, where: string, sc: Json): void {
    if (sc.seLinuxOptions === undefined) return;
    const o = rec(sc.seLinuxOptions);
    const type = str(o.type) ?? '';
    if (type !== '' && !ALLOWED_SELINUX_TYPES.has(type)) this.add('selinux', ref, `${where} sets SELinux type ${show(type)}`);
    for (const field of ['user', 'role']) {
      if (o[field] !== undefined && o[field] !== '') this.add('selinux', ref, `${where} sets an SELinux ${field} (${show(o[field])})`);
    }
  }

  private checkContainerSecurity(ref: PolicyObjectRef, cname: string, sc: Json, podSc: Json): void {
    this.checkSeLinux(ref, cname, sc);
    if (sc.privileged === true) this.add('privileged', ref, `${cname} is privileged`);
    const caps = rec(sc.capabilities);
    const drop = list(caps.drop);
    if (!drop.includes('ALL')) this.add('capabilities', ref, `${cname} does not drop ALL capabilities (drop: ${show(caps.drop ?? [])})`);
    const added = list(caps.add).filter((c) => c !== 'NET_BIND_SERVICE');
    if (added.length > 0) this.add('capabilities', ref, `${cname} adds capabilities ${show(added)}; only NET_BIND_SERVICE is allowed`);
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (nonRoot !== true) this.add('run-as-non-root', ref, `${cname} does not set runAsNonRoot: true`);
    if (typeof uid !== 'number' || !Number.isInteger(uid) || uid <= 0) {
      this.add('run-as-non-root', ref, `${cname} runs as UID ${show(uid ?? 'unset')}; set a non-zero runAsUser`);
    }
    if (sc.allowPrivilegeEscalation !== false) this.add('privilege-escalation', ref, `${cname} does not set allowPrivilegeEscalation: false`);
    const seccomp = str(rec(sc.seccompProfile).type) ?? str(rec(podSc.seccompProfile).type);
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      this.add('seccomp', ref, `${cname} runs with seccomp profile ${show(seccomp ?? 'unset')}`);
    }
  }

  private checkContainerResources(ref: PolicyObjectRef, cname: string, c: Json): void {
    const resources = rec(c.resources);
    const missing: string[] = [];
    for (const section of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) {
        const v = rec(resources[section])[r];
        if (v === undefined || v === null || v === '') missing.push(`${section}.${r}`);
      }
    }
    if (missing.length > 0) this.add('resources', ref, `${cname} sets no resources.${missing.join(', resources.')}`);
  }

  private checkImage(ref: PolicyObjectRef, cname: string, image: unknown): void {
    if (typeof image !== 'string' || image.length === 0) {
      this.add('image-tag', ref, `${cname} has no image`);
      return;
    }
    const loose = unpinnedImageReason(image);
    if (loose !== undefined) {
      this.add('image-tag', ref, `${cname} uses image '${image}', which is ${loose}`);
      return;
    }
    const floating = this.options.production ? floatingImageReason(image) : undefined;
    if (floating !== undefined) this.add('prod-image-pinned', ref, `${cname} uses image '${image}': ${floating}`);
  }

  private checkProbes(ref: PolicyObjectRef, cname: string, c: Json): void {
    const ports = records(c.ports);
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      if (!isRecord(c[probe])) this.add('probes', ref, `${cname} has no ${probe}`);
    }
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const p = rec(c[probe]);
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const h = p[handler];
        if (!isRecord(h)) continue;
        const port = h.port;
        const exists = typeof port === 'string' ? ports.some((cp) => cp.name === port) : ports.some((cp) => cp.containerPort === port);
        if (!exists) this.add('probes', ref, `${cname} ${probe} probes port ${show(port)}, which the container does not declare`);
      }
    }
  }

  private checkEnv(w: Workload, cname: string, c: Json): void {
    const { ref } = w;
    // A secret passed on the command line: `--db-password S`, `--db-password=S`, or a URL with one.
    for (const field of ['command', 'args']) {
      const items = list(c[field]).map((x) => (typeof x === 'string' ? x : ''));
      items.forEach((item, i) => {
        const flag = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/.exec(item);
        const next = items[i + 1];
        if (flag && isStrongSecretName(flag[1])) {
          const value = flag[2] ?? (next !== undefined && !next.startsWith('-') ? next : undefined);
          if (value !== undefined && isLiteral(value)) this.add('secret-literal', ref, `${cname} passes a literal secret in ${field}: ${item}`);
        } else if (urlPasswords(item).length > 0) {
          this.add('secret-literal', ref, `${cname} passes a URL with a literal password in ${field}`);
        }
      });
    }
    for (const e of records(c.env)) {
      const name = str(e.name) ?? '';
      const valueFrom = rec(e.valueFrom);
      if (typeof e.value === 'string') {
        const found = literalSecretIn(e.value);
        if (isSecretName(name) && isLiteral(e.value)) {
          this.add('secret-literal', ref, `${cname} sets env ${name} to a literal value, and its name says it is a secret`);
        } else if (found) {
          this.add('secret-literal', ref, `${cname} sets env ${name} to ${found}`);
        } else if (words(name).includes('AUTH') && /^[^:\s]+:\S+$/.test(e.value) && isLiteral(e.value.slice(e.value.indexOf(':') + 1))) {
          this.add('secret-literal', ref, `${cname} sets env ${name} to literal user:password credentials`);
        }
      }
      const cmk = rec(valueFrom.configMapKeyRef);
      if (valueFrom.configMapKeyRef !== undefined && cmk.optional !== true)
        this.checkConfigMapRef(ref, `${cname} env ${name}`, str(cmk.name), str(cmk.key) ?? '');
      const sk = rec(valueFrom.secretKeyRef);
      if (valueFrom.secretKeyRef !== undefined && sk.optional !== true) this.checkSecretRef(ref, `${cname} env ${name}`, str(sk.name), str(sk.key) ?? '');
    }
    for (const f of records(c.envFrom)) {
      const cm = rec(f.configMapRef);
      if (f.configMapRef !== undefined && cm.optional !== true) this.checkConfigMapRef(ref, `${cname} envFrom`, str(cm.name));
      const s = rec(f.secretRef);
      if (f.secretRef !== undefined && s.optional !== true) this.checkSecretRef(ref, `${cname} envFrom`, str(s.name));
    }
  }

  private checkProductionWeb(w: Workload, spec: Json): void {
    const { ref } = w;
    const hpa = this.hpaMin.get(this.key(ref.kind, ref.namespace, ref.name));
    const replicas = hpa ?? (typeof spec.replicas === 'number' ? spec.replicas : 1);
    if (replicas < 2) {
      this.add('prod-replicas', ref, hpa !== undefined ? `its HPA keeps only ${hpa} replica(s)` : `runs ${replicas} replica(s)`);
    }
    if (!this.pdbs.find(ref.namespace, w.labels)) this.add('prod-pdb', ref, 'no PodDisruptionBudget selects its pods');
    const spread = records(w.podSpec.topologySpreadConstraints);
    if (!spread.some((t) => selectorMatches(labelSelector(t.labelSelector), w.labels) && !isEmptySelector(labelSelector(t.labelSelector)))) {
      this.add('prod-topology-spread', ref, 'has no topology spread constraint that selects its own pods');
    }
  }

  // --- reporting -----------------------------------------------------------------------------------

  private add(rule: PolicyRuleId, object: PolicyObjectRef, message: string): void {
    this.violations.push({ rule, object, message, fix: RULES.get(rule)!.fix });
  }

  private report(): PolicyReport {
    const violations: PolicyViolation[] = [];
    for (const v of this.violations) {
      const waiver = UNWAIVABLE.has(v.rule) ? undefined : this.waiverReasons.get(this.waiverKey(v.rule, v.object));
      if (waiver) waiver.suppressed++;
      else violations.push(v);
    }
    const waivers = [...this.waiverReasons.values()].map((w) => ({ rule: w.rule, object: w.ref, reason: w.reason, suppressed: w.suppressed }));
    return { violations, waivers };
  }
}

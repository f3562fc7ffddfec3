/**
 * The public types of the policy gate: rule ids, rules, violations, waivers, options and reports.
 * Plain data only; the rules themselves are in `rules/`, the walk over the objects in `engine.ts`.
 */

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
  | 'apparmor'
  | 'proc-mount'
  | 'windows-host-process'
  | 'volume-types'
  | 'selinux'
  | 'sysctls'
  | 'cluster-rbac'
  | 'resources'
  | 'explicit-uid'
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

/**
 * The id of a Pod Security Standards check as registered by the upstream admission plugin
 * (`k8s.io/pod-security-admission/policy`, `check_*.go`, for the Kubernetes version the kit builds,
 * 1.33), e.g. `hostNamespaces` for `CheckHostNamespaces`.
 */
export type PodSecurityCheckId =
  | 'allowPrivilegeEscalation'
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'capabilities_restricted'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'privileged'
  | 'procMount'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'seccompProfile_restricted'
  | 'sysctls'
  | 'windowsHostProcess';

/** What a rule demands and how to comply. */
export interface PolicyRule {
  /** The rule's id, also the suffix of its waiver annotation. */
  readonly id: PolicyRuleId;
  /** `pod-security` (Pod Security "restricted"), `hygiene`, `production` (production only), `secrets` or `waivers`. */
  readonly group: 'pod-security' | 'hygiene' | 'production' | 'secrets' | 'waivers';
  /**
   * The upstream Pod Security checks this rule mirrors, at pod and container level (init and
   * ephemeral containers included); empty for a rule of our own.
   */
  readonly upstream: readonly PodSecurityCheckId[];
  /** What the rule demands. */
  readonly description: string;
  /** How to comply, in terms of Kubernetes fields and of this library's props. */
  readonly fix: string;
}

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
  /**
   * The upstream Pod Security checks of the rule (its `upstream`), which the API server applies
   * to the same pod.
   * @default - absent: the rule mirrors no upstream Pod Security check
   */
  readonly upstream?: readonly PodSecurityCheckId[];
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

/**
 * Waivers of manifest-linter checks that do not fit this library's design. CI lints dist/ with
 * kube-score (scripts/kube-lint.sh); a construct waives a check on the objects it creates with
 * the `kube-score/ignore` annotation, and only for the reason recorded here. docs/policy.md
 * lists the same reasons, and a test keeps the two in step.
 */

/** The kube-score checks a construct may waive, each with the reason it does not apply. */
export const LINT_WAIVER_REASONS = {
  'container-image-pull-policy':
    "images are pinned by tag or digest (policy gate rules 'image-tag' and 'prod-image-pinned'), so IfNotPresent pulls the same image as Always without a registry round trip on every start",
  'container-ephemeral-storage-request-and-limit':
    'the root filesystem is read-only and every writable path is an emptyDir with a sizeLimit, which the kubelet enforces by eviction',
  'container-security-context-user-group-id':
    "the container runs as its image's own unprivileged user (node 1000, postgres 70, redis 999), which owns the image's files; the policy gate enforces runAsNonRoot with a non-zero UID",
  'pod-networkpolicy':
    "an app workload's egress depends on the app (DNS, its servers, external APIs), so only ingress is restricted; the policy gate's 'network-policy' rule checks that a NetworkPolicy selects the pods",
  'deployment-replicas':
    "a single replica is what was asked for: a non-production web app or worker with 'replicas: 1', or a Redis cache, which is one instance by design",
  'pod-probes-identical':
    'a worker serves no traffic: readiness only gates its rollout and disruption budget, so its one health check answers both probes, liveness on a slower period and after a delay',
  'deployment-has-host-podantiaffinity':
    'pods are spread across nodes by a topologySpreadConstraint on kubernetes.io/hostname (maxSkew 1), which replaces a preferred podAntiAffinity',
} as const;

export type LintCheck = keyof typeof LINT_WAIVER_REASONS;

/** The `kube-score/ignore` annotation for `checks` (sorted, deduplicated); `undefined` when empty. */
export function lintWaivers(checks: readonly LintCheck[]): Record<string, string> | undefined {
  const unique = [...new Set(checks)].sort();
  return unique.length ? { 'kube-score/ignore': unique.join(',') } : undefined;
}

/**
 * Waivers of kube-linter checks (its default set), written as kube-linter's own
 * `ignore-check.kube-linter.io/<check>: <reason>` annotation, so the reason travels with the object.
 * docs/policy.md lists the same reasons, and a test keeps the two in step.
 */
export const KUBE_LINTER_WAIVER_REASONS = {
  'job-ttl-seconds-after-finished':
    'a content-named Job deleted by a TTL is re-created by the next kubectl apply or Argo CD sync and runs again; superseded Jobs are removed by pruning or by Pulumi instead',
} as const;

export type KubeLinterCheck = keyof typeof KUBE_LINTER_WAIVER_REASONS;

/** The prefix of kube-linter's waiver annotations. */
export const KUBE_LINTER_IGNORE_PREFIX = 'ignore-check.kube-linter.io/';

/** kube-linter's `ignore-check.kube-linter.io/<check>` annotations for `checks`, each with its reason. */
export function kubeLinterWaivers(checks: readonly KubeLinterCheck[]): Record<string, string> {
  return Object.fromEntries([...new Set(checks)].sort().map((c) => [`${KUBE_LINTER_IGNORE_PREFIX}${c}`, KUBE_LINTER_WAIVER_REASONS[c]]));
}

/** kube-score flags a UID or GID below this value. */
export const LOW_ID_THRESHOLD = 10000;

/** The waivers every workload of this library needs. */
export function workloadLintChecks(runAsUser: number): LintCheck[] {
  const checks: LintCheck[] = ['container-image-pull-policy', 'container-ephemeral-storage-request-and-limit'];
  if (runAsUser < LOW_ID_THRESHOLD) checks.push('container-security-context-user-group-id');
  return checks;
}

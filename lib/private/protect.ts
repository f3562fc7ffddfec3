/**
 * How a construct marks the objects that hold data (a StatefulSet with its claims, a standalone
 * claim) as protected, in the synthesized objects themselves, so that both outputs read the same
 * decision: the Pulumi path (`lib/pulumi/plan.ts`) maps the annotation to the `protect` and
 * `retainOnDelete` resource options, and Argo CD reads its sync options from the claims.
 */

/**
 * Annotation that marks an object whose deletion loses data: `kubestack.io/protect: "true"`.
 * `kubestack/pulumi` deploys such an object, and the Namespace that holds it, with `protect` and
 * `retainOnDelete`. Harmless to `kubectl` and Argo CD, which ignore it.
 */
export const PROTECT_ANNOTATION = 'kubestack.io/protect';

/** Argo CD's per-resource sync options annotation (several options are comma-separated). */
export const ARGOCD_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Sync options of a protected claim: Argo CD neither prunes it nor deletes it with the Application. */
export const ARGOCD_KEEP_CLAIM = 'Prune=false,Delete=false';

/** The annotations of a protected StatefulSet (or other owner of data). */
export function protectedAnnotations(protect: boolean): Record<string, string> {
  return protect ? { [PROTECT_ANNOTATION]: 'true' } : {};
}

/** The annotations of a protected claim, standalone or in a StatefulSet's `volumeClaimTemplates`. */
export function protectedClaimAnnotations(protect: boolean): Record<string, string> {
  return protect ? { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: ARGOCD_KEEP_CLAIM } : {};
}

/** `undefined` for an empty record, so that no empty `annotations: {}` is written. */
export function orUndefined(r: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(r).length === 0 ? undefined : r;
}

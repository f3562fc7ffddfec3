import type { RuleDefinition } from '../rule';

/** `prod-pdb`: voluntary disruptions of a production web workload are bounded. */
export const prodPdb = {
  id: 'prod-pdb',
  group: 'production',
  upstream: [],
  description: 'in production, a PodDisruptionBudget selects the pods of every web workload',
  fix: "add a PodDisruptionBudget selecting the workload's pods (WebApp 'podDisruptionBudget: true')",
  checkWorkload({ ref, labels, web }, gate, fail) {
    if (gate.options.production && web && !gate.pdbSelects(ref.namespace, labels)) fail('no PodDisruptionBudget selects its pods');
  },
} satisfies RuleDefinition;

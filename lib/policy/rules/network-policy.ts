import { show, type RuleDefinition } from '../rule';

/** `network-policy`: some NetworkPolicy selects the pods of every workload. */
export const networkPolicy = {
  id: 'network-policy',
  group: 'hygiene',
  upstream: [],
  description: 'a NetworkPolicy selects the pods of every workload',
  fix: "add a NetworkPolicy whose podSelector matches the workload's pod labels (the constructs create one)",
  checkWorkload({ ref, labels }, gate, fail) {
    if (!gate.networkPolicySelects(ref.namespace, labels)) fail(`no NetworkPolicy selects its pods (labels ${show(labels)})`);
  },
} satisfies RuleDefinition;

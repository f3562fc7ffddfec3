import { records } from '../../private/object';
import { isEmptySelector, labelSelector, selectorMatches } from '../selector';
import type { RuleDefinition } from '../rule';

/** `prod-topology-spread`: a production web workload is spread across failure domains. */
export const prodTopologySpread = {
  id: 'prod-topology-spread',
  group: 'production',
  upstream: [],
  description: 'in production, a web workload spreads its pods with a topology spread constraint that selects them',
  fix: "add topologySpreadConstraints whose labelSelector matches the pod labels (WebApp 'topologySpread: true')",
  checkWorkload({ podSpec, labels, web }, gate, fail) {
    if (!gate.options.production || !web) return;
    const spread = records(podSpec.topologySpreadConstraints);
    if (!spread.some((t) => selectorMatches(labelSelector(t.labelSelector), labels) && !isEmptySelector(labelSelector(t.labelSelector)))) {
      fail('has no topology spread constraint that selects its own pods');
    }
  },
} satisfies RuleDefinition;

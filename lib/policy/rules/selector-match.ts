import { rec } from '../../private/object';
import { isEmptySelector, labelSelector, selectorMatches } from '../selector';
import { show, type RuleDefinition } from '../rule';

/** Kinds with a pod template but no selector of their own. */
const WITHOUT_SELECTOR = new Set(['Pod', 'Job', 'CronJob', 'PodTemplate']);

/** `selector-match`: a workload's selector matches its own pods; a PDB or NetworkPolicy selects some pods. */
export const selectorMatch = {
  id: 'selector-match',
  group: 'hygiene',
  upstream: [],
  description: "a workload's selector matches its pod template; a PodDisruptionBudget or NetworkPolicy selects some pods",
  fix: 'make spec.selector (or podSelector) a subset of the pod template labels',
  checkObject({ obj, ref }, gate, fail) {
    if (ref.kind !== 'PodDisruptionBudget' && ref.kind !== 'NetworkPolicy') return;
    const spec = rec(obj.spec);
    const selector = labelSelector(ref.kind === 'NetworkPolicy' ? spec.podSelector : spec.selector);
    if (!isEmptySelector(selector) && gate.podsSelectedBy(ref.namespace, selector).length === 0) {
      fail(`selects no pods: no pod template in namespace ${show(ref.namespace)} has labels ${show(selector.matchLabels)}`);
    }
  },
  checkWorkload({ obj, ref, labels }, _gate, fail) {
    if (WITHOUT_SELECTOR.has(ref.kind)) return;
    const selector = labelSelector(rec(obj.spec).selector);
    if (isEmptySelector(selector)) fail('has an empty selector');
    else if (!selectorMatches(selector, labels)) fail(`selector ${show(selector.matchLabels)} does not match the pod template labels ${show(labels)}`);
  },
} satisfies RuleDefinition;

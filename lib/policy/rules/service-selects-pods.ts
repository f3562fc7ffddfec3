import { rec, records } from '../../private/object';
import { isEmptySelector, labelsOf, type Selector } from '../selector';
import { show, type RuleDefinition } from '../rule';

/** `service-selects-pods`: a Service routes to pods of the manifests, on ports they declare. */
export const serviceSelectsPods = {
  id: 'service-selects-pods',
  group: 'hygiene',
  upstream: [],
  description: 'every Service selects pods of a workload, and a named targetPort is a port of those pods',
  fix: "set the Service selector to the workload's selector labels and targetPort to one of its container port names",
  checkObject({ obj, ref }, gate, fail) {
    if (ref.kind !== 'Service') return;
    const spec = rec(obj.spec);
    if (spec.type === 'ExternalName') return;
    const selector: Selector = { matchLabels: labelsOf(spec.selector), matchExpressions: [] };
    if (isEmptySelector(selector)) {
      fail('has no selector, so it routes to no pod of the manifests');
      return;
    }
    const selected = gate.podsSelectedBy(ref.namespace, selector);
    if (selected.length === 0) {
      fail(`selects no pods: no pod template in namespace ${show(ref.namespace)} has labels ${show(selector.matchLabels)}`);
      return;
    }
    for (const p of records(spec.ports)) {
      const target = p.targetPort;
      if (typeof target !== 'string') continue;
      const found = selected.some((w) => w.containers.some((c) => c.type !== 'ephemeral' && records(c.spec.ports).some((cp) => cp.name === target)));
      if (!found) fail(`targetPort '${target}' names no container port of the selected pods`);
    }
  },
} satisfies RuleDefinition;

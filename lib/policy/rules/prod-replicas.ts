import { rec } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `prod-replicas`: a production web workload survives the loss of one pod. */
export const prodReplicas = {
  id: 'prod-replicas',
  group: 'production',
  upstream: [],
  description: 'in production, a web workload runs at least two replicas (spec.replicas, or the minReplicas of its HPA)',
  fix: 'set replicas (or autoscaling.minReplicas) to 2 or more',
  checkWorkload({ obj, ref, web }, gate, fail) {
    if (!gate.options.production || !web) return;
    const hpa = gate.hpaMinReplicas(ref.kind, ref.namespace, ref.name);
    const spec = rec(obj.spec);
    const replicas = hpa ?? (typeof spec.replicas === 'number' ? spec.replicas : 1);
    if (replicas < 2) fail(hpa !== undefined ? `its HPA keeps only ${hpa} replica(s)` : `runs ${replicas} replica(s)`);
  },
} satisfies RuleDefinition;

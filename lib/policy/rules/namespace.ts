import { CLUSTER_SCOPED_KINDS } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `namespace`: with `options.namespace`, every object of a namespaced kind is in exactly that namespace. */
export const namespace = {
  id: 'namespace',
  group: 'hygiene',
  upstream: [],
  description: "when the environment's namespace is given, every object of a namespaced kind is in exactly that namespace; this rule cannot be waived",
  fix: 'create the object in the Environment, which sets its namespace, or create the nested Chart with { namespace: env.namespaceName }',
  checkObject({ ref }, { options }, fail) {
    const expected = options.namespace;
    if (expected === undefined || CLUSTER_SCOPED_KINDS.has(ref.kind) || ref.namespace === expected) return;
    const where = options.environment === undefined ? '' : ` of environment '${options.environment}'`;
    const actual = ref.namespace === '' ? 'has no metadata.namespace' : `is in namespace '${ref.namespace}'`;
    fail(`${actual}; every namespaced object${where} must be in namespace '${expected}'`);
  },
} satisfies RuleDefinition;

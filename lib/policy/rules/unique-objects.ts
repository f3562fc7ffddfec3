import type { RuleDefinition } from '../rule';

/**
 * `unique-objects`: a second object with the identity of an earlier one would overwrite it in the
 * cluster, and would inherit its waivers if waivers matched by identity. The engine checks it while
 * indexing, for any object list (not only an Environment's).
 */
export const uniqueObjects = {
  id: 'unique-objects',
  group: 'hygiene',
  upstream: [],
  description: 'no two objects have the same kind, namespace and name; this rule cannot be waived',
  fix: 'rename or remove one of the two: a raw ApiObject must not repeat the kind and name of an object that a construct creates',
} satisfies RuleDefinition;

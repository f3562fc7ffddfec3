import { rec } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `resources`: requests and limits for cpu and memory (ephemeral containers may not set resources). */
export const resources = {
  id: 'resources',
  group: 'hygiene',
  upstream: [],
  description: 'every container requests and limits cpu and memory',
  fix: "set resources.requests and resources.limits for cpu and memory (the constructs' 'resources' prop or the profile)",
  checkWorkload({ containers }, _gate, fail) {
    for (const c of containers) {
      if (c.type === 'ephemeral') continue;
      const res = rec(c.spec.resources);
      const missing: string[] = [];
      for (const section of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) {
          const v = rec(res[section])[r];
          if (v === undefined || v === null || v === '') missing.push(`${section}.${r}`);
        }
      }
      if (missing.length > 0) fail(`${c.label} sets no resources.${missing.join(', resources.')}`);
    }
  },
} satisfies RuleDefinition;

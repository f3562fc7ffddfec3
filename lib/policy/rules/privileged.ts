import type { RuleDefinition } from '../rule';

/** `privileged` mirrors upstream `privileged` (check_privileged.go): no container sets securityContext.privileged: true. */
export const privileged = {
  id: 'privileged',
  group: 'pod-security',
  upstream: ['privileged'],
  description: 'no privileged container (containers, init and ephemeral containers)',
  fix: 'set securityContext.privileged: false (or leave it out)',
  checkWorkload({ containers }, _gate, fail) {
    for (const c of containers) if (c.sc.privileged === true) fail(`${c.label} is privileged`);
  },
} satisfies RuleDefinition;

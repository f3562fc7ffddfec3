import type { RuleDefinition } from '../rule';

/**
 * `privilege-escalation` mirrors upstream `allowPrivilegeEscalation` (check_allowPrivilegeEscalation.go):
 * every container sets allowPrivilegeEscalation: false; pods with `spec.os.name: windows` are exempt (1.25+).
 */
export const privilegeEscalation = {
  id: 'privilege-escalation',
  group: 'pod-security',
  upstream: ['allowPrivilegeEscalation'],
  description: 'every container sets allowPrivilegeEscalation: false',
  fix: 'set securityContext.allowPrivilegeEscalation: false on the container',
  checkWorkload({ containers, windows }, _gate, fail) {
    if (windows) return;
    for (const c of containers) if (c.sc.allowPrivilegeEscalation !== false) fail(`${c.label} does not set allowPrivilegeEscalation: false`);
  },
} satisfies RuleDefinition;

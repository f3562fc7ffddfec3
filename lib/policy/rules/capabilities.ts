import { list, rec } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/**
 * `capabilities` mirrors upstream `capabilities_restricted` (check_capabilities_restricted.go),
 * which overrides `capabilities_baseline` at level restricted: every container drops ALL and adds
 * nothing but NET_BIND_SERVICE. Pods with `spec.os.name: windows` are exempt, as upstream (1.25+).
 */
export const capabilities = {
  id: 'capabilities',
  group: 'pod-security',
  upstream: ['capabilities_baseline', 'capabilities_restricted'],
  description: 'every container drops ALL capabilities and adds at most NET_BIND_SERVICE',
  fix: "set securityContext.capabilities.drop: ['ALL'] and add nothing but NET_BIND_SERVICE",
  checkWorkload({ containers, windows }, _gate, fail) {
    if (windows) return;
    for (const c of containers) {
      const caps = rec(c.sc.capabilities);
      if (!list(caps.drop).includes('ALL')) fail(`${c.label} does not drop ALL capabilities (drop: ${show(caps.drop ?? [])})`);
      const added = list(caps.add).filter((x) => x !== 'NET_BIND_SERVICE');
      if (added.length > 0) fail(`${c.label} adds capabilities ${show(added)}; only NET_BIND_SERVICE is allowed`);
    }
  },
} satisfies RuleDefinition;

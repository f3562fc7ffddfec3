import type { RuleDefinition } from '../rule';

/** `host-namespaces` mirrors upstream `hostNamespaces` (check_hostNamespaces.go): hostNetwork, hostPID and hostIPC must not be true. */
export const hostNamespaces = {
  id: 'host-namespaces',
  group: 'pod-security',
  upstream: ['hostNamespaces'],
  description: 'no pod shares the host network, PID or IPC namespace',
  fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec',
  checkWorkload({ podSpec }, _gate, fail) {
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (podSpec[field] === true) fail(`sets ${field}: true`);
  },
} satisfies RuleDefinition;

import { records } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** `host-ports` mirrors upstream `hostPorts` (check_hostPorts.go): no port of any container sets a hostPort other than 0. */
export const hostPorts = {
  id: 'host-ports',
  group: 'pod-security',
  upstream: ['hostPorts'],
  description: 'no container port (of a container, an init or an ephemeral container) is bound on the host',
  fix: 'remove hostPort and expose the port through a Service',
  checkWorkload({ containers }, _gate, fail) {
    for (const c of containers) {
      for (const p of records(c.spec.ports)) {
        if (typeof p.hostPort === 'number' && p.hostPort !== 0) fail(`${c.label} binds port ${show(p.containerPort)} to host port ${p.hostPort}`);
      }
    }
  },
} satisfies RuleDefinition;

import { records, str } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** The safe sysctls of Pod Security (check_sysctls.go, `sysctlsAllowedV1Dot32`, the set of policy version latest on 1.33). */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
];
const SAFE = new Set(SAFE_SYSCTLS);

/** `sysctls` mirrors upstream `sysctls`: the pod sets only safe sysctls. */
export const sysctls = {
  id: 'sysctls',
  group: 'pod-security',
  upstream: ['sysctls'],
  description: 'a pod sets only the safe sysctls of Pod Security',
  fix: `remove securityContext.sysctls other than ${SAFE_SYSCTLS.join(', ')}`,
  checkWorkload({ podSc }, _gate, fail) {
    for (const s of records(podSc.sysctls)) {
      if (!SAFE.has(str(s.name) ?? '')) fail(`the pod sets sysctl ${show(s.name)}, which is not one of the safe sysctls`);
    }
  },
} satisfies RuleDefinition;

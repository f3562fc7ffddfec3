import { rec, str, type Json } from '../../private/object';
import { isSet, show, type Fail, type RuleDefinition } from '../rule';

/** SELinux types Pod Security allows (check_seLinuxOptions.go, 1.31+); an empty type is allowed too. */
const ALLOWED_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function checkSeLinux(where: string, sc: Json, fail: Fail): void {
  if (!isSet(sc.seLinuxOptions)) return;
  const o = rec(sc.seLinuxOptions);
  const type = str(o.type) ?? '';
  if (!ALLOWED_SELINUX_TYPES.has(type)) fail(`${where} sets SELinux type ${show(type)}`);
  for (const field of ['user', 'role']) if (isSet(o[field]) && o[field] !== '') fail(`${where} sets an SELinux ${field} (${show(o[field])})`);
}

/** `selinux` mirrors upstream `seLinuxOptions`: no pod or container sets an SELinux user or role, or a type outside the allowed list. */
export const selinux = {
  id: 'selinux',
  group: 'pod-security',
  upstream: ['seLinuxOptions'],
  description: 'no pod or container sets an SELinux user or role, or a type other than container_t, container_init_t, container_kvm_t or container_engine_t',
  fix: 'remove securityContext.seLinuxOptions, or keep only an allowed type',
  checkWorkload({ podSc, containers }, _gate, fail) {
    checkSeLinux('the pod securityContext', podSc, fail);
    for (const c of containers) checkSeLinux(c.label, c.sc, fail);
  },
} satisfies RuleDefinition;

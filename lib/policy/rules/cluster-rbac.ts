import { rec } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** `cluster-rbac`: an environment grants at most namespace-scoped access. */
export const clusterRbac = {
  id: 'cluster-rbac',
  group: 'pod-security',
  upstream: [],
  description: 'no ClusterRole or ClusterRoleBinding: an environment grants at most namespace-scoped access (a Role and RoleBinding in its namespace)',
  fix: 'use a Role and a RoleBinding in the environment namespace; cluster-wide grants belong to the platform, outside the application',
  checkObject({ obj, ref }, _gate, fail) {
    if (ref.kind !== 'ClusterRoleBinding' && ref.kind !== 'ClusterRole') return;
    const role = ref.kind === 'ClusterRoleBinding' ? ` (role ${show(rec(obj.roleRef).name)})` : '';
    fail(`grants permissions cluster-wide${role}; an environment's objects grant at most namespace-scoped access`);
  },
} satisfies RuleDefinition;

import { rec, records, str } from '../../private/object';
import { isSet, show, type RuleDefinition } from '../rule';

/** `host-path` mirrors upstream `hostPathVolumes` (check_hostPathVolumes.go): no volume sets hostPath. */
export const hostPath = {
  id: 'host-path',
  group: 'pod-security',
  upstream: ['hostPathVolumes'],
  description: 'no hostPath volume',
  fix: 'replace the hostPath volume with an emptyDir, a ConfigMap or a PersistentVolumeClaim',
  checkWorkload({ podSpec }, _gate, fail) {
    for (const v of records(podSpec.volumes)) {
      if (isSet(v.hostPath)) fail(`volume '${str(v.name) ?? '?'}' is a hostPath (${show(rec(v.hostPath).path)})`);
    }
  },
} satisfies RuleDefinition;

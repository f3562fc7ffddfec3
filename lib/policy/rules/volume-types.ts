import { records, str } from '../../private/object';
import { isSet, type RuleDefinition } from '../rule';

/** The volume sources Pod Security 'restricted' allows (check_restrictedVolumes.go, 1.33: `image` included). */
const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/** `volume-types` mirrors upstream `restrictedVolumes`; a hostPath is reported by `host-path` (upstream `hostPathVolumes`, which it overrides). */
export const volumeTypes = {
  id: 'volume-types',
  group: 'pod-security',
  upstream: ['restrictedVolumes'],
  description: 'volumes are only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret',
  fix: 'use one of the allowed volume types',
  checkWorkload({ podSpec }, _gate, fail) {
    for (const v of records(podSpec.volumes)) {
      const name = str(v.name) ?? '?';
      for (const t of Object.keys(v)) {
        if (t === 'name' || t === 'hostPath' || !isSet(v[t]) || ALLOWED_VOLUME_TYPES.has(t)) continue;
        fail(`volume '${name}' has type '${t}', which Pod Security 'restricted' does not allow`);
      }
    }
  },
} satisfies RuleDefinition;

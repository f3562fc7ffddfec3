import { show, type RuleDefinition } from '../rule';

/**
 * `explicit-uid`: a numeric non-root UID on every container. Stricter than Pod Security (whose
 * `runAsUser` check only forbids 0, see `run-as-non-root`): with runAsNonRoot and no runAsUser,
 * the kubelet refuses to start an image whose user is root or a name, after admission.
 */
export const explicitUid = {
  id: 'explicit-uid',
  group: 'hygiene',
  upstream: [],
  description: 'every container runs as an explicit, non-zero numeric UID (runAsUser on the container or the pod)',
  fix: "set runAsUser to the image's unprivileged UID on the pod or the container (the constructs' 'runAsUser' prop)",
  checkWorkload({ podSc, containers }, _gate, fail) {
    for (const c of containers) {
      const uid = c.sc.runAsUser ?? podSc.runAsUser;
      if (uid === 0) continue; // Pod Security's runAsUser check, under run-as-non-root
      if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 0) fail(`${c.label} runs as UID ${show(uid ?? 'unset')}; set a non-zero runAsUser`);
    }
  },
} satisfies RuleDefinition;

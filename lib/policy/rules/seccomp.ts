import { rec, str } from '../../private/object';
import { isSet, show, type RuleDefinition } from '../rule';

const valid = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';

/**
 * `seccomp` mirrors upstream `seccompProfile_restricted` (check_seccompProfile_restricted.go), which
 * overrides `seccompProfile_baseline` at level restricted: no pod or container sets a profile type
 * other than RuntimeDefault or Localhost, and the pod or every container sets one. Pods with
 * `spec.os.name: windows` are exempt (1.25+). The deprecated seccomp annotations are not checked at
 * policy version latest.
 */
export const seccomp = {
  id: 'seccomp',
  group: 'pod-security',
  upstream: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  description: 'every container runs with the RuntimeDefault (or a Localhost) seccomp profile, set on the pod or on the container, and none sets another',
  fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container',
  checkWorkload({ podSc, containers, windows }, _gate, fail) {
    if (windows) return;
    const podType = str(rec(podSc.seccompProfile).type);
    if (isSet(podSc.seccompProfile) && !valid(podType)) fail(`the pod securityContext sets seccomp profile ${show(podType ?? podSc.seccompProfile)}`);
    for (const c of containers) {
      const profile = c.sc.seccompProfile;
      const type = str(rec(profile).type);
      if (isSet(profile)) {
        if (!valid(type)) fail(`${c.label} runs with seccomp profile ${show(type ?? profile)}`);
      } else if (!isSet(podSc.seccompProfile)) {
        fail(`${c.label} runs with seccomp profile 'unset'`);
      }
    }
  },
} satisfies RuleDefinition;

import { rec, str } from '../../private/object';
import { isSet, show, type RuleDefinition } from '../rule';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const validType = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';
const validAnnotation = (v: unknown) => typeof v === 'string' && (v === '' || v === 'runtime/default' || v.startsWith('localhost/'));

/**
 * `apparmor` mirrors upstream `appArmorProfile` (check_appArmorProfile.go): the pod and the containers
 * set no AppArmor profile type other than RuntimeDefault or Localhost, and no deprecated
 * `container.apparmor.security.beta.kubernetes.io/*` annotation names another profile.
 */
export const apparmor = {
  id: 'apparmor',
  group: 'pod-security',
  upstream: ['appArmorProfile'],
  description: "no pod or container sets an AppArmor profile other than RuntimeDefault or Localhost (field or beta annotation), e.g. 'Unconfined'",
  fix: "remove securityContext.appArmorProfile (or set type: RuntimeDefault) and any container.apparmor.security.beta.kubernetes.io annotation other than 'runtime/default' or 'localhost/<profile>'",
  checkWorkload({ podSc, containers, metadata }, _gate, fail) {
    const podType = str(rec(podSc.appArmorProfile).type);
    if (isSet(podSc.appArmorProfile) && !validType(podType)) fail(`the pod securityContext sets AppArmor profile ${show(podType ?? podSc.appArmorProfile)}`);
    for (const c of containers) {
      const type = str(rec(c.sc.appArmorProfile).type);
      if (isSet(c.sc.appArmorProfile) && !validType(type)) fail(`${c.label} sets AppArmor profile ${show(type ?? c.sc.appArmorProfile)}`);
    }
    for (const [k, v] of Object.entries(rec(metadata.annotations))) {
      if (k.startsWith(ANNOTATION_PREFIX) && !validAnnotation(v)) fail(`the pod annotation ${k} sets AppArmor profile ${show(v)}`);
    }
  },
} satisfies RuleDefinition;

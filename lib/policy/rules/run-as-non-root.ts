import { isSet, type RuleDefinition } from '../rule';

/**
 * `run-as-non-root` mirrors upstream `runAsNonRoot` (check_runAsNonRoot.go: neither the pod nor a
 * container sets runAsNonRoot: false, and the pod sets true or every container does) and
 * `runAsUser` (check_runAsUser.go: neither the pod nor a container sets runAsUser: 0).
 */
export const runAsNonRoot = {
  id: 'run-as-non-root',
  group: 'pod-security',
  upstream: ['runAsNonRoot', 'runAsUser'],
  description: 'the pod, or every container, sets runAsNonRoot: true; neither the pod nor any container sets runAsNonRoot: false or runAsUser: 0',
  fix: "set runAsNonRoot: true and runAsUser to the image's unprivileged UID (the constructs' 'runAsUser' prop)",
  checkWorkload({ podSc, containers }, _gate, fail) {
    if (podSc.runAsNonRoot === false) fail('the pod securityContext sets runAsNonRoot: false');
    if (podSc.runAsUser === 0) fail('the pod securityContext sets runAsUser: 0');
    const podNonRoot = podSc.runAsNonRoot === true;
    for (const c of containers) {
      if (isSet(c.sc.runAsNonRoot) ? c.sc.runAsNonRoot !== true : !podNonRoot) fail(`${c.label} does not set runAsNonRoot: true`);
      if (c.sc.runAsUser === 0) fail(`${c.label} runs as UID 0; set a non-zero runAsUser`);
    }
  },
} satisfies RuleDefinition;

import { rec } from '../../private/object';
import { labelsOf } from '../selector';
import { show, type RuleDefinition } from '../rule';

/** `namespace-pss`: the Namespace's labels make the API server enforce today's Pod Security "restricted". */
export const namespacePss = {
  id: 'namespace-pss',
  group: 'pod-security',
  upstream: [],
  description: "every Namespace enforces Pod Security 'restricted', at policy version 'latest'; this rule cannot be waived",
  fix: 'label the Namespace pod-security.kubernetes.io/enforce: restricted and leave enforce-version out or at latest (an Environment does this)',
  checkObject({ obj, ref }, _gate, fail) {
    if (ref.kind !== 'Namespace') return;
    const labels = labelsOf(rec(obj.metadata).labels);
    if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
      fail(
        `does not enforce Pod Security 'restricted' (label pod-security.kubernetes.io/enforce is ${show(labels['pod-security.kubernetes.io/enforce'] ?? 'missing')})`,
      );
    }
    // An old policy version is a weaker 'restricted' (v1.0 lacks the seccomp and capability checks).
    const version = labels['pod-security.kubernetes.io/enforce-version'];
    if (version !== undefined && version !== 'latest') {
      fail(`pins Pod Security to version ${show(version)} (label pod-security.kubernetes.io/enforce-version); only 'latest' enforces today's 'restricted'`);
    }
  },
} satisfies RuleDefinition;

import { isSet, show, type RuleDefinition } from '../rule';

/** `proc-mount` mirrors upstream `procMount` (check_procMount.go): no container sets securityContext.procMount other than Default. */
export const procMount = {
  id: 'proc-mount',
  group: 'pod-security',
  upstream: ['procMount'],
  description: "no container sets a procMount other than 'Default' (e.g. 'Unmasked')",
  fix: "remove securityContext.procMount, or set it to 'Default'",
  checkWorkload({ containers }, _gate, fail) {
    for (const c of containers) if (isSet(c.sc.procMount) && c.sc.procMount !== 'Default') fail(`${c.label} sets procMount ${show(c.sc.procMount)}`);
  },
} satisfies RuleDefinition;

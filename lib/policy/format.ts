/** How the gate's findings are printed: one entry per violation with its fix, one line per waiver. */

import { WAIVER_ANNOTATION_PREFIX, type PolicyObjectRef, type PolicyViolation, type PolicyWaiver } from './types';

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function describeObject(ref: PolicyObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** The violation list as printed by synth: one entry per violation, each with its fix. */
export function formatViolations(violations: readonly PolicyViolation[], environment?: string): string {
  const where = environment ? ` in environment '${environment}'` : '';
  const n = violations.length;
  const lines = [`policy gate: ${n} violation${n === 1 ? '' : 's'}${where}`];
  for (const v of violations) {
    lines.push(`  - ${describeObject(v.object)} [${v.rule}] ${v.message}`);
    lines.push(`      fix: ${v.fix}`);
  }
  if (n > 0) {
    lines.push(`  To waive a rule for one object, annotate it: ${WAIVER_ANNOTATION_PREFIX}<rule>: "<reason>"`);
  }
  return lines.join('\n');
}

/** One line per waiver, as printed by synth on every run. */
export function formatWaivers(waivers: readonly PolicyWaiver[], environment?: string): string[] {
  const where = environment ? `${environment}: ` : '';
  return waivers.map((w) => `policy gate: ${where}waived [${w.rule}] for ${describeObject(w.object)} (${w.suppressed} suppressed): ${w.reason}`);
}

/** Thrown by {@link enforcePolicy}; the message lists every violation with its fix. */
export class PolicyViolationError extends Error {
  /**
   * A report of `violations`; the message lists each with its fix.
   * @param violations the violations, listed in the message
   * @param waivers the waivers in effect
   * @param environment the environment's name, for the message
   */
  constructor(
    /** Every violation, in object order. */
    public readonly violations: readonly PolicyViolation[],
    /** The waivers in effect when the gate ran. */
    public readonly waivers: readonly PolicyWaiver[] = [],
    environment?: string,
  ) {
    super(formatViolations(violations, environment));
    this.name = 'PolicyViolationError';
  }
}

import type { RuleDefinition } from '../rule';

/** The longest waiver reason: one line that a report prints in full. */
export const MAX_REASON_LENGTH = 200;
/** Line breaks and other control characters (C0, DEL, C1, and the Unicode line and paragraph separators). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/; // eslint-disable-line no-control-regex

/** Why a waiver reason is not one printable line, or `undefined` when it is (after trimming). */
export function badReason(reason: string): string | undefined {
  const bad = CONTROL.exec(reason);
  if (bad) {
    const cp = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return `gives a reason with a line break or control character (${cp}); a waiver reason is a single printable line`;
  }
  if (reason.length > MAX_REASON_LENGTH)
    return `gives a reason of ${reason.length} characters; a waiver reason is a single line of at most ${MAX_REASON_LENGTH} characters`;
  return undefined;
}

/**
 * `waiver`: every waiver names a rule that exists and may be waived, with a reason that is one
 * printable line. The engine checks the annotations while indexing (waivers belong to the one
 * object that carries them, not to its identity: a same-named duplicate inherits nothing).
 */
export const waiver = {
  id: 'waiver',
  group: 'waivers',
  upstream: [],
  description: `every waiver annotation names an existing rule other than waiver, unique-objects, namespace and namespace-pss (and no pod-security rule in production), and gives a reason of one printable line of at most ${MAX_REASON_LENGTH} characters; this rule cannot be waived`,
  fix: "write the reason as the annotation value, e.g. policy.kubestack.io/waive.prod-replicas: 'why'",
} satisfies RuleDefinition;

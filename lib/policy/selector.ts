/** Kubernetes label selectors over plain objects: parsing and matching, shared by the engine's indexes and the rules. */

import { list, rec, records, str, type Json } from '../private/object';

/** Labels of an object or a pod template. */
export type Labels = Record<string, string>;

/** A Kubernetes label selector: matchLabels plus matchExpressions. */
export interface Selector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly Json[];
}

/** The string-valued entries of a label map. */
export function labelsOf(v: unknown): Labels {
  const out: Labels = {};
  for (const [k, val] of Object.entries(rec(v))) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A `LabelSelector` (matchLabels, matchExpressions) read from plain JSON. */
export function labelSelector(v: unknown): Selector {
  const s = rec(v);
  return { matchLabels: labelsOf(s.matchLabels), matchExpressions: records(s.matchExpressions) };
}

/** True for a selector with neither matchLabels nor matchExpressions. */
export function isEmptySelector(s: Selector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** True when `s` selects an object with `labels` (an unknown operator selects nothing). */
export function selectorMatches(s: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const key = str(e.key) ?? '';
    const values = list(e.values).filter((x): x is string => typeof x === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

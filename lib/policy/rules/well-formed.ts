import { records } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** A Kubernetes label value (the length is checked separately). */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Label values as the API server validates them: at most 63 characters, alphanumerics at both ends. */
function checkLabels(where: string, labels: unknown, fail: (message: string) => void): void {
  for (const [k, v] of Object.entries(labels !== null && typeof labels === 'object' && !Array.isArray(labels) ? labels : {})) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      fail(
        `${where}: label ${k} has the value ${show(v)}${typeof v === 'string' && v.length > 63 ? ` (${v.length} characters)` : ''}, which is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`,
      );
    }
  }
}

/** `well-formed`: complete objects (the engine reports incomplete ones while indexing), valid label values, pods with containers. */
export const wellFormed = {
  id: 'well-formed',
  group: 'hygiene',
  upstream: [],
  description: 'every object is a JSON object with apiVersion, kind and metadata.name',
  fix: 'emit complete Kubernetes objects (apiVersion, kind, metadata.name)',
  checkObject({ obj, template }, _gate, fail) {
    const metadata = obj.metadata as Record<string, unknown>;
    checkLabels('metadata.labels', metadata.labels, fail);
    if (template && template.metadata !== metadata) checkLabels('the pod template labels', template.metadata.labels, fail);
  },
  checkWorkload({ podSpec }, _gate, fail) {
    if (records(podSpec.containers).length === 0) fail('has no containers');
  },
} satisfies RuleDefinition;

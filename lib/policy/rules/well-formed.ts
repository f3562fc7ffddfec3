import { jsonBytesBound } from '../../private/json-size';
import { rec, records } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** A Kubernetes label value (the length is checked separately). */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Label values as the API server validates them: at most 63 characters, alphanumerics at both ends. */
function checkLabels(where: string, labels: unknown, fail: (message: string) => void): void {
  for (const [k, v] of Object.entries(rec(labels))) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      fail(
        `${where}: label ${k} has the value ${show(v)}${typeof v === 'string' && v.length > 63 ? ` (${v.length} characters)` : ''}, which is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`,
      );
    }
  }
}

/**
 * Most bytes an object's annotations may hold in all (`TotalAnnotationSizeLimitB`). `kubectl apply`
 * and Argo CD (client-side apply) record the whole object as JSON in the annotation
 * `kubectl.kubernetes.io/last-applied-configuration`, so the object must fit in it.
 */
const ANNOTATIONS_LIMIT = 262144;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function annotationBytes(annotations: unknown): number {
  let n = 0;
  for (const [k, v] of Object.entries(rec(annotations))) n += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return n;
}

/** The label checks, after the size. */
function checkRest(
  _obj: unknown,
  metadata: Record<string, unknown>,
  template: { metadata: Record<string, unknown> } | undefined,
  fail: (message: string) => void,
): void {
  checkLabels('metadata.labels', metadata.labels, fail);
  if (template && template.metadata !== metadata) checkLabels('the pod template labels', template.metadata.labels, fail);
}

/** `well-formed`: complete objects (the engine reports incomplete ones while indexing), valid label values, pods with containers. */
export const wellFormed = {
  id: 'well-formed',
  group: 'hygiene',
  upstream: [],
  description:
    'every object is a JSON object with apiVersion, kind and metadata.name, with valid label values, small enough for `kubectl apply` to record it in its last-applied-configuration annotation (262144 bytes for all annotations)',
  fix: 'emit complete Kubernetes objects (apiVersion, kind, metadata.name); keep big files and values out of ConfigMaps and env (mount them from a volume or an image)',
  checkObject({ obj, template }, _gate, fail) {
    const metadata = obj.metadata as Record<string, unknown>;
    const others = annotationBytes(metadata.annotations) + LAST_APPLIED.length;
    // An upper bound first, from the structure alone: it settles every object that fits far
    // below the limit; the exact size (and its error for a value JSON cannot hold) otherwise.
    if (jsonBytesBound(obj, ANNOTATIONS_LIMIT - others - 1) + 1 + others <= ANNOTATIONS_LIMIT) return checkRest(obj, metadata, template, fail);
    const bytes = Buffer.byteLength(JSON.stringify(obj)) + 1;
    const total = bytes + others;
    if (total > ANNOTATIONS_LIMIT) {
      fail(
        `is ${bytes} bytes as JSON; \`kubectl apply\` and Argo CD record the whole object in the annotation ${LAST_APPLIED}, and an object's annotations may hold at most ${ANNOTATIONS_LIMIT} bytes in all (this one would need ${total})`,
      );
    }
    checkRest(obj, metadata, template, fail);
  },
  checkWorkload({ podSpec }, _gate, fail) {
    if (records(podSpec.containers).length === 0) fail('has no containers');
  },
} satisfies RuleDefinition;

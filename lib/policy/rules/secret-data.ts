import { rec } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `secret-data`: Secrets are created out of band, never carried by a manifest. */
export const secretData = {
  id: 'secret-data',
  group: 'secrets',
  upstream: [],
  description: 'no manifest contains a Secret with data or stringData',
  fix: 'remove the Secret from the manifests: create it out of band (kubectl create secret, the Pulumi stack) and reference it',
  checkObject({ obj, ref }, _gate, fail) {
    if (ref.kind !== 'Secret') return;
    for (const field of ['data', 'stringData']) {
      const n = Object.keys(rec(obj[field])).length;
      if (n > 0) fail(`carries ${field} (${n} keys); secret values must never be in a manifest`);
    }
  },
} satisfies RuleDefinition;

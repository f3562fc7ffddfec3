import { unpinnedImageReason } from '../../private/image';
import type { RuleDefinition } from '../rule';

/** `image-tag`: every image names a tag other than latest, or a digest (the predicate the constructs use too). */
export const imageTag = {
  id: 'image-tag',
  group: 'hygiene',
  upstream: [],
  description: "every image names a tag other than 'latest', or a digest",
  fix: "use a version tag ('app:1.2.3') or a digest ('app@sha256:…')",
  checkWorkload({ containers }, _gate, fail) {
    for (const c of containers) {
      const image = c.spec.image;
      if (typeof image !== 'string' || image.length === 0) {
        fail(`${c.label} has no image`);
        continue;
      }
      const loose = unpinnedImageReason(image);
      if (loose !== undefined) fail(`${c.label} uses image '${image}', which is ${loose}`);
    }
  },
} satisfies RuleDefinition;

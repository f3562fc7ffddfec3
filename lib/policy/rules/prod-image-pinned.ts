import { floatingImageReason, unpinnedImageReason } from '../../private/image';
import type { RuleDefinition } from '../rule';

/** `prod-image-pinned`: in production an image names one release (the predicate the constructs use too). */
export const prodImagePinned = {
  id: 'prod-image-pinned',
  group: 'production',
  upstream: [],
  description: 'in production, every image names one release: a digest, or a tag naming major.minor at least or a commit id',
  fix: "use a tag naming major.minor at least, such as '1.2.3' or '16.6-alpine', a commit id, or a digest, not a floating tag such as 'stable' or '16-alpine'",
  checkWorkload({ containers }, gate, fail) {
    if (!gate.options.production) return;
    for (const c of containers) {
      const image = c.spec.image;
      if (typeof image !== 'string' || image.length === 0 || unpinnedImageReason(image) !== undefined) continue; // image-tag reports it
      const floating = floatingImageReason(image);
      if (floating !== undefined) fail(`${c.label} uses image '${image}': ${floating}`);
    }
  },
} satisfies RuleDefinition;

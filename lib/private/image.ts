/**
 * What "pinned" means for a container image, in one place: the constructs' prop validation and
 * the policy gate's `image-tag` and `prod-image-pinned` rules call these predicates, so a value
 * the construct accepts is never one the gate rejects.
 */

/** The parts of an image reference: `[registry[:port]/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** The tag after the last `/`, without `:`; undefined when there is none. */
  readonly tag?: string;
  /** True when the reference carries `@<algorithm>:<hex>`. */
  readonly digest: boolean;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 && /^[A-Za-z0-9_+.-]+:[0-9a-fA-F]{32,}$/.test(image.slice(at + 1));
  const name = at >= 0 ? image.slice(0, at) : image;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return { tag: colon >= 0 ? last.slice(colon + 1) : undefined, digest };
}

/**
 * A tag that names one release: a version with at least major and minor (`16.6-alpine`,
 * `1.2.3`, `v2.0`), or a commit id of 7 or more hex digits (`3f2a1b7`, `sha-3f2a1b7`), as CI
 * pipelines tag their builds. `16-alpine`, `7`, `stable` and `alpine3.20` float: the registry
 * moves them to every new minor or patch release.
 */
const EXACT_TAG = /^(?:v?[0-9]+\.[0-9]+(?:[._+-][A-Za-z0-9._+-]*)?|(?:sha-|git-)?(?=[0-9a-f]*[0-9])[0-9a-f]{7,64})$/;

/**
 * Why an image is not pinned in any environment (the `image-tag` rule), or undefined: it must
 * carry a digest or a tag other than `latest`.
 */
export function unpinnedImageReason(image: string): string | undefined {
  const { tag, digest } = parseImage(image);
  if (digest) return undefined;
  if (tag === undefined || tag === '') return 'untagged';
  if (tag === 'latest') return "tagged 'latest'";
  return undefined;
}

/**
 * Why an image is not pinned as production requires (the `prod-image-pinned` rule), or
 * undefined: a digest, or a tag naming one release (see EXACT_TAG).
 */
export function floatingImageReason(image: string): string | undefined {
  const loose = unpinnedImageReason(image);
  if (loose !== undefined) return loose;
  const { tag, digest } = parseImage(image);
  if (digest || EXACT_TAG.test(tag ?? '')) return undefined;
  return `its tag '${tag}' floats`;
}

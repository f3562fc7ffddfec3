/**
 * Secret values that Kubernetes `$(VAR)` interpolation places into a URL (`DATABASE_URL`,
 * `REDIS_URL`). The kubelet substitutes them as they are, with no percent-encoding, so a value
 * with `@`, `:`, `/`, `%` or `#` would silently change the URL's host, port or path. Such values
 * are rejected where they are set: by `secretsFromConfig` and by the shell guard of the printed
 * `kubectl create secret` commands. RFC 3986's unreserved characters are the safe set.
 */
export const URL_SAFE_CHARACTERS = 'A-Z a-z 0-9 - . _ ~';

const URL_SAFE = /^[A-Za-z0-9._~-]+$/;
const SAFE_LIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-';

/** Why a value cannot go into a URL unencoded, without revealing any of its characters; undefined when it can. */
export function urlUnsafeReason(value: string): string | undefined {
  if (URL_SAFE.test(value)) return undefined;
  return `contains characters outside ${URL_SAFE_CHARACTERS}, which would change the URL`;
}

/**
 * A POSIX shell test that is true when the variable's value is URL-safe: non-empty and only the
 * safe set. A `case` pattern sees the whole value, newlines included (grep would match line by line).
 */
export function shellUrlSafeTest(variable: string): string {
  // the characters are listed, not ranged: a range such as A-Z follows the shell's locale
  return `case "$${variable}" in '' | *[!${SAFE_LIST}]*) false ;; esac`;
}

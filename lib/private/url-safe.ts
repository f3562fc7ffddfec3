/**
 * Secret values that Kubernetes `$(VAR)` interpolation places into a URL (`DATABASE_URL`,
 * `REDIS_URL`). The kubelet substitutes them as they are, with no percent-encoding, so a value
 * with `@`, `:`, `/`, `%` or `#` would silently change the URL's host, port or path. Such values
 * are rejected where they are set: by `secretsFromConfig` and by the shell guard of the printed
 * `kubectl create secret` commands. RFC 3986's unreserved characters are the safe set.
 */
export const URL_SAFE_CHARACTERS = 'A-Z a-z 0-9 - . _ ~';

const URL_SAFE = /^[A-Za-z0-9._~-]+$/;

/** Why a value cannot go into a URL unencoded, without repeating the value; undefined when it can. */
export function urlUnsafeReason(value: string): string | undefined {
  if (URL_SAFE.test(value)) return undefined;
  const bad = [...new Set([...value].filter((c) => !/[A-Za-z0-9._~-]/.test(c)))];
  const shown = bad.slice(0, 5).map((c) => (/^[\x21-\x7e]$/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`));
  return `contains ${shown.join(', ')}${bad.length > 5 ? ' and more' : ''}, which would change the URL; use only ${URL_SAFE_CHARACTERS}`;
}

/** A POSIX shell test that is true when the variable's value is URL-safe (non-empty, only the safe set). */
export function shellUrlSafeTest(variable: string): string {
  return `printf %s "$${variable}" | LC_ALL=C grep -Eqx '[A-Za-z0-9._~-]+'`;
}

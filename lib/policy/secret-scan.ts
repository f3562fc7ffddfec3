/**
 * Where a literal secret hides in a value, found by scans that look at each character a bounded
 * number of times: no regular expression here has a nested or ambiguous quantifier, so a 1 MiB
 * value is scanned in a few milliseconds (the URL pattern this replaced backtracked
 * quadratically: an 80,000-character value took 3.5 s, a 2 MiB value more than 14 minutes).
 *
 * Names: a variable or key name "says it is a secret" (`isSecretName`). Values, whatever holds
 * them (`literalSecretIn`): a password in a URL's userinfo, a PEM or OpenSSH private key, a
 * `Bearer` token, and a `key=value` / `key: value` pair whose key names a password, passphrase,
 * secret, token or credential. A value made only of `$(VAR)` references is not a literal.
 */

import { memoize } from '../private/memo';

/** Words that name a secret wherever they end a word of the name (`DB_PASSWORD`, `apiTokens`). */
const SECRET_SUFFIXES = ['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIAL'];
/** Words that name a key, as a whole word (`API_KEY`, `tls.key`; not `MONKEY` or `KEYCLOAK`). */
const KEY_WORDS = new Set(['KEY', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'SIGNINGKEY', 'ENCRYPTIONKEY', 'MASTERKEY', 'AUTHKEY']);

/** Last words that make a name describe a secret rather than hold one. */
const QUALIFIERS = new Set([
  'LENGTH',
  'LEN',
  'MIN',
  'MAX',
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'NAME',
  'TYPE',
  'MODE',
  'ENABLED',
  'DISABLED',
  'REQUIRED',
  'POLICY',
  'TTL',
  'EXPIRY',
  'TIMEOUT',
  'COUNT',
  'SIZE',
  'HEADER',
  'ALGORITHM',
]);

/** The words of a name, split at non-alphanumerics and camelCase, upper-cased, without empty ones. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0);
}

/** A word ending in PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN or CREDENTIAL (plural too), or PASS or PWD. */
function isStrongSecretWord(w: string): boolean {
  const singular = w.endsWith('S') ? w.slice(0, -1) : w;
  return w === 'PASS' || w === 'PWD' || SECRET_SUFFIXES.some((s) => w.endsWith(s) || singular.endsWith(s));
}

/**
 * True when a variable or key name says it holds a secret: a word of it ends in PASSWORD, PASSWD,
 * PASSPHRASE, SECRET, TOKEN or CREDENTIAL(S), or is PASS, PWD or KEY(S) (APIKEY, ACCESSKEY…), or its
 * last word is AUTH (`REDISCLI_AUTH`, `BASIC_AUTH`; not `AUTH_URL`).
 */
export function isSecretName(name: string): boolean {
  return secretName(name);
}

/** {@link isSecretName}, split into words once per distinct name. */
const secretName = memoize((name: string): boolean => {
  const ws = words(name);
  // a setting about a secret, not the secret: PASSWORD_MIN_LENGTH, TOKEN_URL, SECRET_NAME (an access key id stays a secret)
  if (ws.length > 1 && QUALIFIERS.has(ws[ws.length - 1])) return false;
  return ws.some((w) => isStrongSecretWord(w) || KEY_WORDS.has(w) || (w.endsWith('S') && KEY_WORDS.has(w.slice(0, -1)))) || ws[ws.length - 1] === 'AUTH';
});

/**
 * True when a key of a `key=value` pair or a command-line flag names a secret: its last word ends
 * in PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN or CREDENTIAL(S), or is PASS or PWD
 * (`db.password`, `--api-token`; not `password_min_length`, `--password-file` or the ambiguous KEY).
 */
export function isStrongSecretName(name: string): boolean {
  if (!MAY_NAME_A_SECRET.test(name)) return false; // a quick test before splitting into words
  // A value repeats its keys (a properties file, a connection string): each is split once.
  return strongLastWord(name);
}

const strongLastWord = memoize((name: string): boolean => {
  const ws = words(name);
  return ws.length > 0 && isStrongSecretWord(ws[ws.length - 1]);
});

/** Every strong secret word contains one of these. */
const MAY_NAME_A_SECRET = /pass|pwd|secret|token|credential/i;

/** `$(VAR)` references only: Kubernetes expands them from other variables, nothing is literal. */
function onlyReferences(value: string, from = 0, to = value.length): boolean {
  let i = from;
  while (i < to) {
    // `$(`, then a letter or `_`, then letters, digits, `-`, `.` or `_`, then `)`.
    const first = i + 2 < to ? value.charCodeAt(i + 2) : NaN;
    if (value.charCodeAt(i) !== 36 || i + 1 >= to || value.charCodeAt(i + 1) !== 40 || !(isAlpha(first) || first === 95)) return false;
    let j = i + 3;
    while (j < to && isReferenceChar(value.charCodeAt(j))) j++;
    if (j >= to || value.charCodeAt(j) !== 41) return false;
    i = j + 1;
  }
  return to > from;
}

/** A character of a `$(VAR)` name after the first: letters, digits, `-`, `.`, `_`. */
const isReferenceChar = (c: number) => isAlpha(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95;

/** An absolute file path (`/run/secrets/db`): where a secret is, not the secret itself. */
const FILE_PATH = /^\/[A-Za-z0-9._/-]*$/;

/** True when a value is a literal secret candidate: not empty, not made only of `$(VAR)` references, not a file path. */
export function isLiteral(value: string): boolean {
  return value.length > 0 && !onlyReferences(value) && !FILE_PATH.test(value);
}

/** {@link isLiteral} of `value.slice(from, to)`, without making that copy (the pair scan asks it for every secret key). */
function isLiteralAt(value: string, from: number, to: number): boolean {
  if (to <= from || onlyReferences(value, from, to)) return false;
  return value.charCodeAt(from) !== 47 || !FILE_PATH.test(value.slice(from, to));
}

const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** A character of a URL scheme: letters, digits, `+`, `.`, `-`. */
const isSchemeChar = (c: number) => isAlpha(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
/** Where a URL's authority ends: `/` or a blank. */
const endsAuthority = (c: number) => c === 47 || c === 32 || (c >= 9 && c <= 13);

/** The literal passwords in the userinfo of URLs in a value (`scheme://user:password@host`). */
export function urlPasswords(value: string): string[] {
  // Each '://' scans back over its scheme (which stops at the previous ':') and forward to the
  // next '/' or blank (at the latest the next '://'): every character is looked at a bounded number of times.
  const out: string[] = [];
  for (let i = value.indexOf('://'); i >= 0; i = value.indexOf('://', i + 3)) {
    let start = i;
    while (start > 0 && isSchemeChar(value.charCodeAt(start - 1))) start--;
    if (start === i || !isAlpha(value.charCodeAt(start))) continue; // no scheme before '://'
    let end = i + 3;
    let at = -1;
    while (end < value.length && !endsAuthority(value.charCodeAt(end))) {
      if (at < 0 && value.charCodeAt(end) === 64) at = end;
      end++;
    }
    if (at < 0) continue;
    const userinfo = value.slice(i + 3, at);
    const colon = userinfo.indexOf(':');
    const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
    if (password.length > 0 && isLiteral(password)) out.push(password);
  }
  return out;
}

/** The kind of the first private key in a value: `-----BEGIN [RSA |EC |ENCRYPTED |OPENSSH …]PRIVATE KEY-----`. */
function privateKeyIn(value: string): 'PEM' | 'OpenSSH' | undefined {
  const begin = '-----BEGIN ';
  for (let i = value.indexOf(begin); i >= 0; i = value.indexOf(begin, i + begin.length)) {
    const label = value.slice(i + begin.length, i + begin.length + 64); // labels are short: bounded work per header
    const end = label.indexOf('-----');
    if (end < 0 || !label.slice(0, end).includes('PRIVATE KEY')) continue;
    return label.startsWith('OPENSSH ') ? 'OpenSSH' : 'PEM';
  }
  return undefined;
}

/** `Bearer <token>` (any case, not inside a longer word): a token of 8 or more token68 characters with a digit or a symbol, so that prose ("Bearer authentication") is not one. */
const BEARER = /bearer[ \t]+([A-Za-z0-9._~+/-]+=*)/gi;

function bearerTokenIn(value: string): boolean {
  BEARER.lastIndex = 0;
  for (let m = BEARER.exec(value); m !== null; m = BEARER.exec(value)) {
    const token = m[1];
    const before = m.index > 0 ? value.charCodeAt(m.index - 1) : 32;
    if (isKeyChar(before) && before !== 45 && before !== 46) continue; // part of a longer word
    if (token.length >= 8 && /[0-9._~+/=-]/.test(token)) return true;
  }
  return false;
}

const code = (s: string) => s.charCodeAt(0);
const isBlank = (c: number) => c === 32 || c === 9;
const isQuote = (c: number) => c === 34 || c === 39;
/** A character of a key: letters, digits, `_`, `.`, `-`. */
const isKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
/** Where a value of a pair ends: blanks, line breaks, quotes and the separators of properties, connection strings and query strings. */
const DELIMITERS = new Uint8Array(128);
for (const ch of ' \t\r\n"\';&,=:') DELIMITERS[code(ch)] = 1;
const isDelimiter = (c: number) => c < 128 && DELIMITERS[c] === 1;

/**
 * The key of the first `key=value` or `key: value` pair (a line of a properties or YAML file, a
 * part of a `;`-separated connection string, a query parameter, a JSON member) whose key names a
 * secret and whose value is literal.
 */
function secretPairIn(value: string): string | undefined {
  // Each '=' or ':' scans back over blanks, a quote and the key, which hold no '=' or ':', and,
  // for a secret key only, forward up to the next delimiter, which includes '=' and ':': the
  // scanned stretches do not overlap, so the scan is linear.
  // The next '=' and the next ':' are found with indexOf, which is several times faster than
  // looking at each character (a 1 MiB value of near-miss pairs: issue 12's bound is 50 ms).
  let eq = value.indexOf('=');
  let colon = value.indexOf(':');
  while (eq >= 0 || colon >= 0) {
    let i: number;
    if (colon < 0 || (eq >= 0 && eq < colon)) {
      i = eq;
      eq = value.indexOf('=', i + 1);
    } else {
      i = colon;
      colon = value.indexOf(':', i + 1);
    }
    let end = i;
    while (end > 0 && isBlank(value.charCodeAt(end - 1))) end--;
    if (end > 0 && isQuote(value.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > 0 && isKeyChar(value.charCodeAt(start - 1))) start--;
    if (end - start < 3 || !isAlpha(value.charCodeAt(start))) continue; // the shortest secret word is PWD
    const key = value.slice(start, end);
    if (!isStrongSecretName(key)) continue;
    let from = i + 1;
    while (from < value.length && isBlank(value.charCodeAt(from))) from++;
    if (from < value.length && isQuote(value.charCodeAt(from))) from++;
    let to = from;
    while (to < value.length && !isDelimiter(value.charCodeAt(to))) to++;
    if (isLiteralAt(value, from, to)) return key;
  }
  return undefined;
}

/**
 * What in `value` is a literal secret, whatever the variable holding it is called, as the end of a
 * message (`… holds a URL with a literal password`), or `undefined`.
 */
export function literalSecretIn(value: string): string | undefined {
  if (urlPasswords(value).length > 0) return 'a URL with a literal password';
  const key = privateKeyIn(value);
  if (key === 'PEM') return 'a PEM private key';
  if (key === 'OpenSSH') return 'an OpenSSH private key';
  if (bearerTokenIn(value)) return 'a literal Bearer token';
  const pair = secretPairIn(value);
  return pair === undefined ? undefined : `a literal value for '${pair}'`;
}

/** `user:password`, as an *AUTH* variable holds it. */
const USER_PASSWORD = /^[^:\s]+:\S+$/;

/**
 * Why a plain env var `name=value` holds a literal secret, as the end of a message (`… sets env
 * X to a literal value, and its name says it is a secret`), or `undefined`. The gate's
 * `secret-literal` rule and the workloads' `env` props both ask this, so a construct refuses at
 * once what the gate would refuse at synthesis.
 */
export function envLiteralSecret(name: string, value: string): string | undefined {
  const ws = words(name);
  if (ws[ws.length - 1] === 'AUTH' && !value.includes('://') && USER_PASSWORD.test(value) && isLiteral(value.slice(value.indexOf(':') + 1))) {
    return 'literal user:password credentials';
  }
  if (isSecretName(name) && isLiteral(value)) return 'a literal value, and its name says it is a secret';
  return literalSecretIn(value);
}

/**
 * Why a ConfigMap entry `key: value` (a setting or a file) holds a literal secret, as the end of a
 * message, or `undefined`: asked by the gate's `secret-literal` rule and by `ConfigBundle`.
 */
export function configDataLiteralSecret(key: string, value: string): string | undefined {
  if (isSecretName(key) && isLiteral(value)) return 'a literal value, and its name says it is a secret';
  return literalSecretIn(value);
}

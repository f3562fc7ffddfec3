/**
 * A YAML emitter for the JSON subset that Kubernetes objects use: maps with string keys, arrays,
 * strings, finite numbers, booleans and null.
 *
 * It writes what cdk8s's `Yaml.stringify` writes (the `yaml` package with `lineWidth: 0` and
 * `version: '1.1'`: block style, two-space indentation, sequences indented under their key, keys in
 * insertion order, multi-line strings as `|` literals, no folding), byte for byte for every object
 * that `yaml` already writes correctly, and about ten times faster. It departs from `yaml` only
 * where `yaml`'s output is read as something else by a parser that Kubernetes users run:
 *
 * - a string that any of YAML 1.1 (kubectl's go-yaml, PyYAML), YAML 1.2 core (`yaml`, js-yaml) or
 *   go-yaml's number parsing would resolve to a non-string is quoted: `yaml` in 1.1 mode writes
 *   `0o17`, `0X1F`, `1e1_0` or `-_1` plain, which YAML 1.2 or go-yaml read as numbers;
 * - characters that YAML forbids raw or that YAML 1.1 reads as line breaks (DEL and the C1
 *   controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) force double quotes and are escaped: `yaml`
 *   writes them raw, and go-yaml rejects the file or folds the string;
 * - a literal block whose first line starts with a tab gets an indentation indicator (`|2`), without
 *   which go-yaml fails to read it;
 * - a double-quoted string stays on one line: `yaml` folds a long one with newlines across lines.
 *
 * test/yaml-emitter.test.ts proves it: every committed object and 10,000 generated ones, hard
 * strings included, parse back to the same value with `yaml`, js-yaml and kubectl, and the
 * committed ones are byte-identical to cdk8s's output.
 */
import * as fs from 'fs';
import { memoize } from './memo';

const STEP = '  ';

/** One YAML document for `value`, ending with a newline, as `Yaml.stringify(value)` writes it. */
export function yamlDocument(value: unknown): string {
  if (value === undefined) return '\n';
  if (typeof value === 'object' && value !== null) return collection(value, '') + '\n';
  // A bare scalar as a whole document: quoted whenever it is a string, with no indentation to lean on.
  return (typeof value === 'string' ? doubleQuoted(value) : scalar(value, '')) + '\n';
}

/** Several documents, separated by `---` lines, as cdk8s's `Yaml.stringify(...docs)` writes them. */
export function yamlDocuments(docs: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) out += (i > 0 ? '---\n' : '') + yamlDocument(docs[i]);
  return out;
}

/** Bytes buffered before a write: large enough to make writes cheap, small enough to stay out of the heap's way. */
const CHUNK = 1 << 16;

/**
 * Writes `docs` to `file` as one multi-document YAML file (the bytes of {@link yamlDocuments}),
 * each document serialized and written as it comes: no string of the whole file is ever held.
 * Returns the number of documents written.
 */
export function writeYamlDocuments(file: string, docs: Iterable<unknown>): number {
  const fd = fs.openSync(file, 'w');
  let count = 0;
  try {
    let pending = '';
    for (const doc of docs) {
      pending += (count > 0 ? '---\n' : '') + yamlDocument(doc);
      count++;
      if (pending.length >= CHUNK) {
        fs.writeSync(fd, pending);
        pending = '';
      }
    }
    if (pending !== '') fs.writeSync(fd, pending);
  } finally {
    fs.closeSync(fd);
  }
  return count;
}

// ------------------------------------------------------------------------------------------------

/** A map or a sequence whose lines after the first start at `indent`; its first line starts wherever the caller puts it. */
function collection(value: object, indent: string): string {
  return Array.isArray(value) ? sequence(value, indent) : mapping(value as Record<string, unknown>, indent);
}

function sequence(items: readonly unknown[], indent: string): string {
  if (items.length === 0) return '[]';
  const itemIndent = indent + STEP;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += '\n' + indent;
    const item = items[i];
    out += '- ' + (typeof item === 'object' && item !== null ? collection(item, itemIndent) : scalar(item, itemIndent));
  }
  return out;
}

function mapping(map: Record<string, unknown>, indent: string): string {
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  const inner = indent + STEP;
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += '\n' + indent;
    const key = inner === STEP ? topKey(keys[i]) : innerKey(keys[i]);
    const value = map[keys[i]];
    // An implicit key is at most 1,024 characters long (YAML 1.2, 7.4.2); a longer one is explicit.
    const explicit = key.length > 1024;
    out += explicit ? `? ${key}\n${indent}:` : `${key}:`;
    if (typeof value === 'object' && value !== null) {
      const body = collection(value, inner);
      const empty = body === '[]' || body === '{}';
      out += (explicit || empty ? ' ' : '\n' + inner) + body;
    } else {
      out += ' ' + scalar(value, inner);
    }
  }
  return out;
}

function scalar(value: unknown, indent: string): string {
  switch (typeof value) {
    case 'string':
      // A one-line string is written the same at any indentation: each short one is decided once.
      return value.length <= 256 && !value.includes('\n') ? oneLine(value) : string(value, indent, false);
    case 'number':
      if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'null';
    case 'object':
      if (value === null) return 'null';
      break;
  }
  throw new TypeError(`YAML: cannot write a ${typeof value} value (${String(value)}); Kubernetes objects hold JSON values only`);
}

// ------------------------------------------------------------------------------------------------
// Strings. The order of the checks is `yaml`'s (stringifyString.js, plainString and blockString),
// with the additions described at the top.

/**
 * Characters that force a double-quoted, escaped string: C0 controls but tab and newline, DEL and C1
 * controls (`yaml`'s own set), plus U+2028/U+2029 (line breaks in YAML 1.1), U+FEFF, U+FFFE, U+FFFF
 * and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\u{D800}-\u{DFFF}]/u;
/** What cannot be a plain scalar: `yaml`'s test, verbatim. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A line that a YAML 1.1 parser would take for a directive or a document marker. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** YAML 1.1 booleans and nulls (`yaml`'s 1.1 tags): `y`, `No`, `on`, `~`, `NULL`… and the empty string. */
const WORDS = /^(?:[Yy]|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON|[Nn]|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF|~|[Nn]ull|NULL|)$/;
/**
 * Everything a parser may read as a number, a timestamp or a merge key, starting with one of
 * `+-.0123456789<=Ee`: the YAML 1.1 int, float, sexagesimal and timestamp forms (`yaml`'s 1.1
 * tests), the YAML 1.2 core forms (`0o17`, `.inf`), and what go-yaml v2 (kubectl) accepts after
 * dropping every `_` (`strconv.ParseInt(s, 0, 64)`: `0X1F`, `0O17`, `0B11`; `1e1_0` as a float).
 */
const NUMERIC_YAML11 = [
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  // Timestamps, more broadly than any parser reads them: a date, alone or followed by a time.
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:$|[Tt \t])/,
  /^<<$/,
  /^=$/,
];
const NUMERIC_GO = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$/;

/** True when some YAML parser would read the plain scalar `s` as something other than the string `s`. */
function ambiguous(s: string): boolean {
  if (s.length <= 5 && WORDS.test(s)) return true;
  const c = s.charCodeAt(0);
  // + - . 0-9 < = E e (`yaml`'s 1.1 float test takes `e3` for a number, so cdk8s's Yaml.load would)
  if (!(c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57) || c === 60 || c === 61 || c === 69 || c === 101)) return false;
  for (const re of NUMERIC_YAML11) if (re.test(s)) return true;
  return NUMERIC_GO.test(s.includes('_') ? s.replace(/_/g, '') : s);
}

// Keys and short values repeat across every object of a file (`name`, `app.kubernetes.io/part-of`,
// `TCP`): how each is written is decided once. A key's form depends on its indentation only in
// whether it is a top-level key (the `---`/`...` document markers); a one-line value's not at all.
const topKey = memoize((k: string) => string(k, STEP, true));
const innerKey = memoize((k: string) => string(k, STEP + STEP, true));
const oneLine = memoize((v: string) => string(v, STEP, false));

function string(value: string, indent: string, implicitKey: boolean): string {
  if (FORCE_DOUBLE.test(value)) return doubleQuoted(value);
  const multiLine = value.includes('\n');
  if (implicitKey && multiLine) return quoted(value);
  if (NOT_PLAIN.test(value)) return implicitKey || !multiLine ? quoted(value) : block(value, indent);
  if (multiLine) return block(value, indent);
  if (implicitKey && indent === STEP && DOCUMENT_MARKER.test(value)) return quoted(value);
  if (ambiguous(value)) return quoted(value);
  return value;
}

/** Single quotes for a one-line string with `"` and no `'`, double quotes otherwise (as `yaml` chooses). */
function quoted(value: string): string {
  if (value.includes('"') && !value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return doubleQuoted(value);
}

/** `yaml`'s short escapes for what JSON writes as `\u00XX`, and `\xXX` for the rest of Latin-1. */
const SHORT_ESCAPES: Record<string, string> = { '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e', '0085': '\\N', '2028': '\\L', '2029': '\\P' };
const RAW_TO_ESCAPE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

/** A one-line double-quoted string: JSON's escapes, with `yaml`'s spelling of control characters. */
function doubleQuoted(value: string): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u') && !RAW_TO_ESCAPE.test(json)) return json;
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '\\') {
      if (json[i + 1] === 'u') {
        const code = json.substr(i + 2, 4);
        out += SHORT_ESCAPES[code] ?? (code.startsWith('00') ? '\\x' + code.substring(2) : json.substr(i, 6));
        i += 5;
      } else {
        out += ch + json[i + 1];
        i += 1;
      }
    } else if (RAW_TO_ESCAPE.test(ch)) {
      const code = ch.charCodeAt(0).toString(16).padStart(4, '0');
      out += SHORT_ESCAPES[code] ?? (code.startsWith('00') ? '\\x' + code.substring(2) : '\\u' + code);
    } else {
      out += ch;
    }
  }
  return out;
}

// `yaml`'s blockEndNewlines: runs of newlines not at the start and not at the end.
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/** A `|` literal block scalar whose lines start at `indent`, chomping indicator and indentation indicator as `yaml` writes them. */
function block(original: string, indent: string): string {
  // A block cannot end in whitespace unless its last line has content.
  if (/\n[\t ]+$/.test(original)) return quoted(original);
  // Nor hold only whitespace with spaces or tabs in it: parsers take those lines for indentation
  // and disagree about them (yaml and js-yaml read '  \n' back as '\n' and '  \n'), so quote it.
  if (/^[\t\n ]*$/.test(original) && /[\t ]/.test(original)) return quoted(original);
  let value = original;
  if (indent === '') indent = STEP;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  // go-yaml cannot detect the indentation of a first line that starts with a tab ("found a tab
  // character where an indentation space is expected"): the indicator tells it, as for a space.
  // (A value of whitespace only, `"\t\n"`, never gets here: it is quoted above.)
  if (value[startEnd] === '\t') startWithSpace = true;
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}

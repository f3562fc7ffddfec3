import { Construct } from 'constructs';
import { floatingImageReason, unpinnedImageReason } from './image';

/**
 * Pure validators. Each `check*` function returns `undefined` when the value is allowed, or a
 * short description of what is allowed when it is not. `fail` turns that into the library's
 * error message, which always names the construct, its path, the prop and the value received:
 *
 *     web-app 'prod/web': 'replicas' must be an integer >= 1, got -1
 */

/** The error every construct in this library throws for bad input. */
export class ValidationError extends Error {
  /**
   * Builds the message `<construct> '<path>': '<prop>' <allowed>, got <value>`.
   * @param construct kind of the construct, e.g. `web-app`
   * @param path construct path, e.g. `prod/web`
   * @param prop the prop at fault, e.g. `replicas` or `ingress.hosts`
   * @param value the value received
   * @param allowed what is allowed, e.g. `must be an integer >= 1`
   */
  constructor(
    /** Kind of the construct, e.g. `web-app`. */
    public readonly construct: string,
    /** Path of the construct, e.g. `prod/web`. */
    public readonly path: string,
    /** The prop at fault, e.g. `replicas` or `ingress.hosts`. */
    public readonly prop: string,
    /** The value received. */
    public readonly value: unknown,
    /** What is allowed, e.g. `must be an integer >= 1`. */
    public readonly allowed: string,
  ) {
    super(`${construct} '${path}': '${prop}' ${allowed}, got ${formatValue(value)}`);
    this.name = 'ValidationError';
  }
}

/** Renders a received value for an error message without ever throwing. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  // A construct's tree is circular, so JSON would fail and leave '[object Object]'.
  if (Construct.isConstruct(value)) return `${value.constructor.name} '${value.node.path}'`;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 120 ? json.slice(0, 117) + '...' : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Identifies the construct in error messages: its kind (`web-app`) and path (`prod/web`). */
export interface Subject {
  /** Kind of the construct, e.g. `web-app`. */
  readonly kind: string;
  /** Path of the construct, e.g. `prod/web`. */
  readonly path: string;
}

/** Throws a ValidationError for `prop` when `problem` is a description. */
export function assertValid(subject: Subject, prop: string, value: unknown, problem: string | undefined): void {
  if (problem !== undefined) {
    throw new ValidationError(subject.kind, subject.path, prop, value, problem);
  }
}

/** Throws a ValidationError for `prop`, whose `value` is not `allowed`. */
export function fail(subject: Subject, prop: string, value: unknown, allowed: string): never {
  throw new ValidationError(subject.kind, subject.path, prop, value, allowed);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes resource.Quantity: decimal number with an optional binary-SI, decimal-SI or
// exponent suffix (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const HTTP_PATH = /^\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;
// Image reference: [registry[:port]/]repo[/more][:tag][@sha256:<64 hex>]
const IMAGE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A DNS-1123 label: Service, Deployment and most object names. */
export function checkDnsLabel(value: unknown, maxLength = 63): string | undefined {
  const allowed = `must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`;
  if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) return allowed;
  return undefined;
}

/** A DNS-1123 subdomain: ConfigMap and Secret names. */
export function checkDnsSubdomain(value: unknown): string | undefined {
  const allowed = "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)";
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) return allowed;
  return undefined;
}

/** A fully qualified host name for an Ingress rule (no wildcard, no port, no scheme). */
export function checkHostname(value: unknown): string | undefined {
  const allowed = "must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path)";
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value) || !value.includes('.')) {
    return allowed;
  }
  if (value.split('.').some((label) => label.length > 63)) return allowed;
  return undefined;
}

/** A TCP port: an integer from 1 to 65535. */
export function checkPort(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return 'must be an integer from 1 to 65535';
  }
  return undefined;
}

/** An integer from `min` to `max`. */
export function checkInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`;
  }
  return undefined;
}

/** A UID or GID a container may run as: not root, and within the 32-bit signed range Kubernetes accepts. */
export function checkUid(value: unknown): string | undefined {
  return checkInteger(value, 1, 2147483647) ? 'must be a non-zero UID (an integer >= 1)' : undefined;
}

/** A Kubernetes quantity such as `250m`, `512Mi` or `10Gi`. `10GB` is not one. */
export function checkQuantity(value: unknown): string | undefined {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    return "must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T)";
  }
  return undefined;
}

/** An exact quantity: `num × 10^pow10 × 2^pow2`. */
interface ExactQuantity {
  readonly num: bigint;
  readonly pow10: number;
  readonly pow2: number;
}

function exactQuantity(value: string): ExactQuantity {
  const m = /^(\d+)?(?:\.(\d+))?(.*)$/.exec(value);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new Error(`not a quantity: ${value}`);
  const fraction = m[2] ?? '';
  const num = BigInt(`${m[1] ?? ''}${fraction}` || '0');
  const suffix = m[3];
  const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
  const decimal: Record<string, number> = { '': 0, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  let pow10 = -fraction.length;
  let pow2 = 0;
  if (suffix in binary) pow2 = binary[suffix];
  else if (suffix in decimal) pow10 += decimal[suffix];
  else if (/^[eE][+-]?\d+$/.test(suffix)) pow10 += parseInt(suffix.slice(1), 10);
  else throw new Error(`not a quantity: ${value}`);
  return { num, pow10, pow2 };
}

/**
 * Compares two valid quantities exactly, as the API server does (no floating point: `700m` equals
 * `0.7`, and `1.0000000000000001` is larger than `1`). Negative, zero or positive as a < b, =, >.
 */
export function compareQuantities(a: string, b: string): number {
  const x = exactQuantity(a);
  const y = exactQuantity(b);
  const p10 = Math.min(x.pow10, y.pow10);
  const p2 = Math.min(x.pow2, y.pow2);
  const scale = (q: ExactQuantity) => q.num * 10n ** BigInt(q.pow10 - p10) * 2n ** BigInt(q.pow2 - p2);
  const l = scale(x);
  const r = scale(y);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Parses a valid quantity into a number of base units (cores or bytes), for comparisons. */
export function quantityValue(value: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)(.*)$/.exec(value);
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  const suffix = m[2];
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const decimal: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  if (suffix in binary) return n * binary[suffix];
  if (suffix in decimal) return n * decimal[suffix];
  if (/^[eE][+-]?\d+$/.test(suffix)) return n * 10 ** parseInt(suffix.slice(1), 10);
  return NaN;
}

/** A container image reference, `[registry[:port]/]repository[:tag][@sha256:<digest>]`, at most 512 characters. */
export function checkImage(value: unknown): string | undefined {
  const allowed = "must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>'";
  if (typeof value !== 'string' || value.length === 0 || value.length > 512 || !IMAGE.test(value)) return allowed;
  return undefined;
}

/**
 * An image must name a tag other than `latest`, or a digest, in every environment (the policy
 * gate's `image-tag` rule, which runs on every synthesis); in production it must name one release
 * (`prod-image-pinned`). Both use the predicates of `./image`, as the gate does.
 */
export function checkPinnedImage(value: string, production = true): string | undefined {
  if (!production) {
    return unpinnedImageReason(value) === undefined
      ? undefined
      : "must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment)";
  }
  const reason = floatingImageReason(value);
  return reason === undefined
    ? undefined
    : `must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (${reason})`;
}

export function checkEnvName(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    return "must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)";
  }
  return undefined;
}

export function checkConfigKey(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 253 || !CONFIG_KEY.test(value)) {
    return "must be a ConfigMap key (letters, digits, '-', '_' and '.')";
  }
  return undefined;
}

/**
 * A key that can be rendered as a key of a plain object: `__proto__` would replace the object's
 * prototype, and cdk8s refuses to render an object whose `constructor` key is not a function.
 */
export function checkObjectKey(value: unknown): string | undefined {
  if (value === '__proto__' || value === 'constructor') return "must not be '__proto__' or 'constructor' (reserved keys of JavaScript objects)";
  return undefined;
}

export function checkString(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return undefined;
}

export function checkNonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) return 'must be a non-empty string';
  return undefined;
}

export function checkStringList(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return 'must be an array of strings';
  return undefined;
}

export function checkHttpPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || !HTTP_PATH.test(value)) return "must be an absolute HTTP path such as '/healthz'";
  return undefined;
}

export function checkBoolean(value: unknown): string | undefined {
  if (typeof value !== 'boolean') return 'must be true or false';
  return undefined;
}

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[]): string | undefined {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`;
  }
  return undefined;
}

/** A plain object (record), as opposed to an array, null or a class instance. */
export function checkRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  return undefined;
}

/** Returns the first duplicate in a list, if any. */
export function firstDuplicate<T>(values: readonly T[]): T | undefined {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

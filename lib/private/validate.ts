import { Construct } from 'constructs';
import { memoize } from './memo';
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

/**
 * A fully qualified host name for an Ingress rule (no wildcard, no port, no scheme), and not an
 * IPv4 address, which is also a DNS-1123 subdomain but which the API server rejects as a host
 * (`validateIngressRules`: "must be a DNS name, not an IP address").
 */
export function checkHostname(value: unknown): string | undefined {
  const allowed = "must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path)";
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value) || !value.includes('.')) {
    return allowed;
  }
  if (value.split('.').some((label) => label.length > 63)) return allowed;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value) && value.split('.').every((octet) => parseInt(octet, 10) <= 255)) {
    return 'must be a DNS name, not an IP address (the API server rejects IP addresses as Ingress hosts)';
  }
  return undefined;
}

/** Most characters of a label value. */
export const MAX_LABEL_VALUE = 63;

/**
 * A name that goes into the label `app.kubernetes.io/instance` as `<name>-<environment>`: the
 * composed value must fit in a label value (63 characters), which depends on the profile's name.
 */
export function checkInstanceLabel(name: string, environment: string): string | undefined {
  const composed = `${name}-${environment}`;
  if (composed.length <= MAX_LABEL_VALUE) return undefined;
  return `must be at most ${MAX_LABEL_VALUE - environment.length - 1} characters in environment '${environment}', so that the label app.kubernetes.io/instance '<name>-${environment}' fits in ${MAX_LABEL_VALUE} characters`;
}

/**
 * The name of a Service (or of an object whose name a Service shares): a DNS-1035 label, so it
 * must start with a letter, where a DNS-1123 label may start with a digit (`ValidateServiceName`).
 * Call it after {@link checkDnsLabel}.
 */
export function checkServiceName(value: string): string | undefined {
  return /^[a-z]/.test(value) ? undefined : 'must start with a letter: it names a Service, whose name the API server requires to be a DNS-1035 label';
}

/** Longest StatefulSet name: 63 - 11 for the `-<hash>` of the controller-revision-hash label. */
export const MAX_STATEFULSET_NAME = 52;

/**
 * The name of a StatefulSet. The API server accepts any DNS-1123 label, but the StatefulSet
 * controller labels each pod `controller-revision-hash: <name>-<hash of up to 10 characters>` and
 * cannot create the pods when that value is longer than 63 (kubernetes/kubernetes#64023).
 */
export function checkStatefulSetName(value: string): string | undefined {
  return value.length > MAX_STATEFULSET_NAME
    ? `must be at most ${MAX_STATEFULSET_NAME} characters for a StatefulSet, whose controller labels each pod controller-revision-hash '<name>-<hash of up to 10 characters>', which must fit in 63`
    : undefined;
}

/** Namespaces that belong to the cluster, not to an application. */
export function checkNamespaceName(value: unknown): string | undefined {
  const problem = checkDnsLabel(value);
  if (problem !== undefined) return problem;
  if (value === 'default' || (value as string).startsWith('kube-')) {
    return "must not be 'default' or a 'kube-' namespace such as kube-system, kube-public or kube-node-lease (they belong to the cluster)";
  }
  return undefined;
}

/** Most bytes of data in a ConfigMap or a Secret (`core.MaxSecretSize`). */
export const MAX_CONFIG_DATA_BYTES = 1048576;

/**
 * The data of a ConfigMap: its values may hold at most 1 MiB in all, counted in UTF-8 bytes (see
 * {@link utf8Bytes}), as the API server counts them (`ValidateConfigMap`: "must have at most
 * 1048576 bytes"). `bytes` is the total of the values.
 */
export function checkConfigMapSize(configMapName: string, bytes: number): string | undefined {
  return bytes > MAX_CONFIG_DATA_BYTES
    ? `must keep the data of ConfigMap '${configMapName}' within ${MAX_CONFIG_DATA_BYTES} bytes (1 MiB, the API server's limit); it would hold ${bytes}`
    : undefined;
}

/** Bytes of a string in UTF-8, as the API server measures data and annotations. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Most bytes of all the annotations of one object, keys and values (`TotalAnnotationSizeLimitB`). */
export const MAX_ANNOTATIONS_BYTES = 262144;

/** The annotations of one object: keys and values at most 256 KiB in all, as the API server counts them. */
export function checkAnnotationsSize(annotations: Record<string, string>): string | undefined {
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) bytes += utf8Bytes(k) + utf8Bytes(v);
  return bytes > MAX_ANNOTATIONS_BYTES
    ? `must keep the object's annotations within ${MAX_ANNOTATIONS_BYTES} bytes (256 KiB, keys and values, the API server's limit); they would hold ${bytes}`
    : undefined;
}

/**
 * An annotation key, `[prefix/]name`: the prefix a DNS-1123 subdomain, the name at most 63
 * characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
 */
export function checkAnnotationKey(value: string): string | undefined {
  const allowed = 'must have keys of the form [prefix/]name';
  const m = /^(?:([^/]*)\/)?([^/]*)$/.exec(value);
  if (!m) return allowed;
  const [, prefix, name] = m;
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(name)) return allowed;
  if (prefix !== undefined && checkDnsSubdomain(prefix) !== undefined) return allowed;
  return checkObjectKey(value);
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

/** Largest value of a Kubernetes int32 field (replicas, ports, HPA bounds, history limits…). */
export const INT32_MAX = 2147483647;

/**
 * For an integer already checked against its lower bound: at most {@link INT32_MAX}, since the API
 * server stores it in an int32 and rejects a larger value.
 */
export function checkInt32Max(value: number): string | undefined {
  return value > INT32_MAX ? `must be at most ${INT32_MAX} (the API server stores it in an int32)` : undefined;
}

/**
 * A UID or GID a container may run as: not root, and at most 2147483647, the largest ID the API
 * server accepts (`IsValidUserID`).
 */
export function checkUid(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value > INT32_MAX) return `must be a UID of at most ${INT32_MAX} (the API server's limit)`;
  return checkInteger(value, 1, INT32_MAX) ? 'must be a non-zero UID (an integer >= 1)' : undefined;
}

/** Largest quantity the API server keeps: it caps a larger binary-suffixed one at 2^63-1 without a word. */
const MAX_QUANTITY = 2n ** 63n - 1n;

/**
 * A Kubernetes quantity such as `250m`, `512Mi` or `10Gi`. `10GB` is not one. The grammar is a
 * subset of `resource.ParseQuantity` (k8s.io/apimachinery): no sign, no `n`/`u` suffixes and no
 * bare trailing dot (`1.`). Values the API server would change silently fail too: more precise
 * than 1n (it rounds them up to the next nano unit) and larger than 2^63-1 (it caps binary ones).
 */
export function checkQuantity(value: unknown): string | undefined {
  if (typeof value !== 'string' || !QUANTITY.test(value)) {
    return "must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T)";
  }
  const exponent = /[eE]([+-]?\d+)$/.exec(value);
  if (exponent && Math.abs(parseInt(exponent[1], 10)) > 30) return 'must have an exponent from e-30 to e30';
  const q = exactQuantity(value);
  if (!scaledIsInteger(q, 9)) return 'must not be more precise than 1n, a billionth (the API server rounds finer values up)';
  const limit = q.pow10 >= 0 ? MAX_QUANTITY : MAX_QUANTITY * 10n ** BigInt(-q.pow10);
  if (q.num * 10n ** BigInt(Math.max(q.pow10, 0)) * 2n ** BigInt(q.pow2) > limit) {
    return `must be at most ${MAX_QUANTITY} (2^63-1, the largest quantity the API server keeps)`;
  }
  return undefined;
}

/**
 * A CPU quantity in whole millicores (`250m`, `0.5`, `2`). The API server keeps `0.0005`, but the
 * scheduler and the kubelet count CPU in millicores and round it up to `1m`, so it fails here.
 */
export function checkCpuQuantity(value: unknown): string | undefined {
  const problem = checkQuantity(value);
  if (problem !== undefined) return problem;
  return scaledIsInteger(exactQuantity(value as string), 3) ? undefined : 'must be a whole number of millicores (Kubernetes rounds finer CPU up to 1m)';
}

/**
 * A memory or storage quantity in whole bytes (`256Mi`, `1.5Gi`, `1e9`). `100m` of memory is a
 * tenth of a byte: the API server warns that a fractional byte value is invalid and rounds it up.
 */
export function checkByteQuantity(value: unknown): string | undefined {
  const problem = checkQuantity(value);
  if (problem !== undefined) return problem;
  const q = exactQuantity(value as string);
  if (!scaledIsInteger(q, 0)) return "must be a whole number of bytes (a fractional byte value such as '100m' is invalid)";
  // The API server converts byte quantities to milli-units of an int64 when it checks for
  // fractions; above this it overflows and warns that the value is a fractional byte value.
  if (compareQuantities(value as string, MAX_BYTES.toString()) > 0) {
    return `must be at most ${MAX_BYTES} bytes (about 8 PiB: the API server keeps quantities in milli-units of an int64)`;
  }
  return undefined;
}

/** Most bytes a memory or storage quantity can hold: (2^63-1) / 1000, floored. */
const MAX_BYTES = (2n ** 63n - 1n) / 1000n;

/** Whether `q × 10^pow` is an integer. */
function scaledIsInteger(q: ExactQuantity, pow: number): boolean {
  const p = q.pow10 + pow;
  if (p >= 0) return true;
  return (q.num * 2n ** BigInt(q.pow2)) % 10n ** BigInt(-p) === 0n;
}

/** An exact quantity: `num × 10^pow10 × 2^pow2`. */
interface ExactQuantity {
  readonly num: bigint;
  readonly pow10: number;
  readonly pow2: number;
}

/** Parses a quantity once per distinct string (the same few repeat in every unit). */
const exactQuantity = memoize(parseExactQuantity);

function parseExactQuantity(value: string): ExactQuantity {
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

/** A key of a ConfigMap or a Secret (`IsConfigMapKey`): at most 253 of `[-._a-zA-Z0-9]`, and not `.` or `..`. */
export function checkConfigKey(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 253 || !CONFIG_KEY.test(value)) {
    return "must be a ConfigMap key (letters, digits, '-', '_' and '.')";
  }
  if (value === '.' || value.startsWith('..')) {
    return "must not be '.' or start with '..' (the API server rejects them as ConfigMap and Secret keys: a mounted volume keeps its own '..data' entries)";
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

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
// ingress-nginx (strict-validate-path-type, on by default since v1.12) admits only these in a
// Prefix or Exact path.
const NGINX_PATH = /^\/[A-Za-z0-9\-._~/]*$/;

/**
 * A path of an Ingress rule with `pathType: Prefix`: an absolute HTTP path without the sequences
 * the API server rejects (`validateHTTPIngressPath`: `//`, `/./`, `/../`, `%2f`, and a trailing
 * `/..` or `/.`); for the `nginx` class also only the characters ingress-nginx's admission
 * webhook admits.
 */
export function checkIngressPath(value: unknown, nginx: boolean): string | undefined {
  const problem = checkHttpPath(value);
  if (problem !== undefined) return problem;
  const path = value as string;
  for (const seq of INVALID_PATH_SEQUENCES) if (path.includes(seq)) return `must not contain '${seq}' (the API server rejects it in a Prefix path)`;
  for (const suffix of INVALID_PATH_SUFFIXES) if (path.endsWith(suffix)) return `must not end with '${suffix}' (the API server rejects it in a Prefix path)`;
  if (nginx && !NGINX_PATH.test(path)) {
    return "must use only letters, digits, '-', '.', '_', '~' and '/' with ingress class 'nginx' (ingress-nginx rejects other characters in a Prefix path)";
  }
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

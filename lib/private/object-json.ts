/**
 * `apiObject.toJson()` without cdk8s's generic machinery, for synthesis at scale.
 *
 * cdk8s renders an object in three passes: `resolve()` (which looks up the App's resolvers with
 * `App.of()`, a walk to the root, and allocates a context and a key path at every value),
 * `sanitizeValue()` (sorted keys, no null), then the JSON patches; cdk8s-plus-28's L1 classes
 * convert the result once more with their generated `toJson_Kube…Props` functions (schema key
 * order, `IntOrString` to its value), which rebuild every object with a spread per key. Profiled at
 * 1,000 benchmark units this was most of the synthesis time.
 *
 * {@link apiObjectJson} computes the same JSON, value for value and key order for key order, in one
 * walk for resolve and sanitize and with a converter read from the generated functions themselves.
 * It is a copy, so it only runs where it is known to be one:
 *
 * - the cdk8s functions it mirrors (`ApiObject.prototype.toJson`, the metadata's `toJson`,
 *   `resolve`, the three built-in resolvers, `sanitizeValue`) have exactly the source text it was
 *   written from ({@link CDK8S_FINGERPRINT}; another cdk8s version falls back to `toJson()`);
 * - the App has only the built-in resolvers, `CDK8S_DISABLE_SORT` is unset, and no built-in
 *   prototype carries a `resolve` or `value` property that the resolvers would see;
 * - the object's `toJson` is `ApiObject.prototype.toJson` itself or the generated
 *   `{ ...KubeX.GVK, ...toJson_KubeXProps(super.toJson()) }` of a cdk8s-plus-28 class (a user's
 *   subclass with a `toJson` of its own, or an object with an own `toJson`, falls back);
 * - each generated `toJson_X` is parsed from its source into field rules (nine patterns); a
 *   function that does not parse is called as it is.
 *
 * Any value the walk does not handle exactly (a class instance that is not a token, a function, a
 * symbol, a `__proto__` key…) and any exception fall back to `apiObject.toJson()`, which then
 * produces cdk8s's own result or error. JSON patches are applied by cdk8s's own `JsonPatch.apply`.
 * test/object-json.test.ts compares both paths over every object of `dist/`, of examples/orders,
 * of the benchmark units and of generated props.
 */
import { createHash } from 'crypto';
import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, resolve } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { IConstruct } from 'constructs';

type Json = Record<string, unknown>;

/**
 * sha256 of the whitespace-normalized source of the cdk8s functions this module mirrors, as in
 * cdk8s 2.70.106. test/object-json.test.ts fails when the installed cdk8s differs, with the value
 * to put here once the differential test passes again.
 */
export const CDK8S_FINGERPRINT = '60e749373491de8813eec65d4339b1466e7b67ba3172a83392a1f0a4a4d93a02';

/** Thrown inside the walk for a value it does not mirror; the caller then runs `toJson()`. */
const FALLBACK = Symbol('fallback');

/** The JSON of `o`, exactly as `o.toJson()` returns it. */
export function apiObjectJson(o: ApiObject): Json {
  return render(o, new Batch());
}

/** The JSON of each object, in order (see {@link apiObjectJson}); what can be checked once is checked once. */
export function apiObjectsJson(objects: readonly ApiObject[]): Json[] {
  const batch = new Batch();
  return objects.map((o) => render(o, batch));
}

/**
 * The fast path alone: the JSON of `o`, or undefined when `o` is not eligible; throws where the
 * walk meets a value it does not mirror (or on any error). For the differential tests.
 */
export function fastApiObjectJson(o: ApiObject): Json | undefined {
  const renderer = new Batch().renderer(o);
  return renderer === undefined ? undefined : renderer(o);
}

/** Whether the fast path is available for this cdk8s (for tests and the benchmark). */
export function fastPathAvailable(): boolean {
  return cdk8sMirrored() && environmentAllows();
}

function render(o: ApiObject, batch: Batch): Json {
  try {
    const renderer = batch.renderer(o);
    if (renderer !== undefined) return renderer(o);
  } catch (e) {
    // Not a case the copy mirrors, or an error: cdk8s's own toJson() gives the result or its error.
    // With KUBESTACK_STRICT_FAST_PATH=1 (the test suite) an error of the copy where cdk8s succeeds
    // is a bug of the copy, and fails instead of silently paying for the slow path.
    if (e !== FALLBACK && process.env.KUBESTACK_STRICT_FAST_PATH === '1') {
      const json = o.toJson() as Json;
      throw new Error(
        `object-json: the fast path failed on ${o.kind} '${o.name}' where toJson() succeeds: ${e instanceof Error ? e.message : String(e)} (json: ${JSON.stringify(json).slice(0, 200)})`,
      );
    }
  }
  return o.toJson() as Json;
}

/** One synthesis: the process-wide conditions checked once, the resolvers once per App. */
class Batch {
  private readonly allowed = cdk8sMirrored() && environmentAllows();
  private readonly apps = new Map<IConstruct, boolean>();

  public renderer(o: ApiObject): Renderer | undefined {
    if (!this.allowed) return undefined;
    const root = o.node.root;
    let ok = this.apps.get(root);
    if (ok === undefined) {
      ok = defaultResolvers(o);
      this.apps.set(root, ok);
    }
    return ok ? fastRenderer(o) : undefined;
  }
}

// --- eligibility ---------------------------------------------------------------------------------

type Renderer = (o: ApiObject) => Json;

let mirrored: boolean | undefined;

/** The whitespace-normalized sources of the cdk8s functions mirrored here. */
export function cdk8sSources(): string[] {
  // sanitizeValue is not exported from the package root; it is the module ApiObject itself uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require('cdk8s/lib/_util') as { sanitizeValue?: unknown };
  const fns: unknown[] = [
    ApiObject.prototype.toJson,
    ApiObjectMetadataDefinition.prototype.toJson,
    resolve,
    LazyResolver.prototype.resolve,
    ImplicitTokenResolver.prototype.resolve,
    NumberStringUnionResolver.prototype.resolve,
    util.sanitizeValue,
  ];
  return fns.map((f) => (typeof f === 'function' ? Function.prototype.toString.call(f).replace(/\s+/g, ' ') : `missing ${String(f)}`));
}

/** sha256 of {@link cdk8sSources}. */
export function cdk8sFingerprint(): string {
  return createHash('sha256').update(cdk8sSources().join('\n')).digest('hex');
}

function cdk8sMirrored(): boolean {
  if (mirrored === undefined) {
    try {
      mirrored = cdk8sFingerprint() === CDK8S_FINGERPRINT;
    } catch {
      mirrored = false;
    }
  }
  return mirrored;
}

/** Object.prototype's own names when this module was loaded: an added one could be read through the prototype chain. */
const OBJECT_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).length;

/** What the resolvers and the sort could see differently from one synthesis to the next. */
function environmentAllows(): boolean {
  if (process.env.CDK8S_DISABLE_SORT) return false;
  if (Object.prototype.constructor !== Object || Object.getOwnPropertyNames(Object.prototype).length !== OBJECT_PROTOTYPE_NAMES) return false;
  for (const p of [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype] as object[]) {
    if ('resolve' in p || 'value' in p) return false;
  }
  const types = (NumberStringUnionResolver as unknown as { TYPES: readonly string[] }).TYPES;
  return types.length === 2 && types[0] === 'number' && types[1] === 'string';
}

/** True when the App of `o` has exactly the built-in resolvers, in cdk8s's order. */
function defaultResolvers(o: IConstruct): boolean {
  const resolvers = (App.of(o) as Partial<App>).resolvers;
  return (
    Array.isArray(resolvers) &&
    resolvers.length === 3 &&
    Object.getPrototypeOf(resolvers[0]) === LazyResolver.prototype &&
    Object.getPrototypeOf(resolvers[1]) === ImplicitTokenResolver.prototype &&
    Object.getPrototypeOf(resolvers[2]) === NumberStringUnionResolver.prototype
  );
}

/** Renderers by `toJson` function: `null` for one that is not mirrored. */
const renderers = new Map<unknown, Renderer | null>();

function fastRenderer(o: ApiObject): Renderer | undefined {
  if (Object.prototype.hasOwnProperty.call(o, 'toJson')) return undefined;
  const toJson = (o as { toJson?: unknown }).toJson;
  let r = renderers.get(toJson);
  if (r === undefined) {
    r = rendererFor(o, toJson);
    renderers.set(toJson, r);
  }
  return r ?? undefined;
}

const L1_TO_JSON = /^toJson\(\) \{ const resolved = super\.toJson\(\); return \{ \.\.\.(\w+)\.GVK, \.\.\.toJson_(\w+)\(resolved\), \}; \}$/;

function rendererFor(o: ApiObject, toJson: unknown): Renderer | null {
  if (toJson === ApiObject.prototype.toJson) return baseToJson;
  if (typeof toJson !== 'function') return null;
  // The prototype that defines this toJson must be a cdk8s-plus-28 L1 class directly below ApiObject.
  let owner: object | null = Object.getPrototypeOf(o);
  while (owner && !Object.prototype.hasOwnProperty.call(owner, 'toJson')) owner = Object.getPrototypeOf(owner);
  if (!owner || Object.getPrototypeOf(owner) !== ApiObject.prototype) return null;
  const m = L1_TO_JSON.exec(Function.prototype.toString.call(toJson).replace(/\s+/g, ' '));
  if (!m) return null;
  const exports = k8s as unknown as Record<string, unknown>;
  const ctor = exports[m[1]] as ((...args: never[]) => unknown) & { GVK?: unknown };
  if (typeof ctor !== 'function' || ctor.prototype !== owner) return null;
  const convert = converter(m[2]);
  if (convert === undefined) return null;
  return (x) => ({ ...(ctor.GVK as Json), ...(convertOwn(convert, baseToJson(x), (x as unknown as ApiObjectInternals).patches.length === 0) as Json) });
}

// --- ApiObject.prototype.toJson ------------------------------------------------------------------

interface ApiObjectInternals {
  readonly props: Json;
  readonly patches: JsonPatch[];
  readonly metadata: MetadataInternals;
}
interface MetadataInternals {
  readonly _additionalAttributes: Json;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: unknown;
  readonly finalizers: unknown;
  readonly ownerReferences: unknown;
  readonly labels: unknown;
}

/** `ApiObject.prototype.toJson` with the default resolvers and sorted keys. */
function baseToJson(o: ApiObject): Json {
  const self = o as unknown as ApiObjectInternals;
  const md = self.metadata;
  // ApiObjectMetadataDefinition.toJson: resolve, then sanitize without empty arrays and objects.
  const metadata = walk(
    {
      ...md._additionalAttributes,
      name: md.name,
      namespace: md.namespace,
      annotations: md.annotations,
      finalizers: md.finalizers,
      ownerReferences: md.ownerReferences,
      labels: md.labels,
    },
    true,
  );
  // ApiObject.toJson resolves and sanitizes the metadata a second time, with the props: on a value
  // that is already sanitized JSON (sorted, no null, no token, no function: the walk falls back on
  // those) both are the identity, so the walk covers the props only. Where `metadata` lands among
  // the keys does not matter: the result puts it third, after apiVersion and kind.
  const json = propsJson(self.props);
  if (metadata !== undefined) json.metadata = metadata;
  const patched = (self.patches.length === 0 ? json : JsonPatch.apply(json, ...self.patches)) as Json;
  const result: Json = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
    if (k in patched) result[k] = patched[k];
  }
  return result;
}

/** The walk of `{ ...props }` without its `metadata`, without making that copy. */
function propsJson(props: Json): Json {
  const keys = Object.keys(props).filter((k) => k !== 'metadata');
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    // A copy with one of these keys is a token (`resolve`), not a dictionary (`constructor`), or
    // sets its prototype (`__proto__`): the generic walk of the copy decides.
    if (k === 'resolve' || k === 'constructor' || k === '__proto__') {
      const data: Json = { ...props };
      delete data.metadata;
      return walk(data, false) as Json;
    }
    if (i > 0 && !(keys[i - 1] < k)) sorted = false;
  }
  return dictionary(props, keys, sorted, false)!;
}

/**
 * `sanitizeValue(resolve([], value, apiObject), { sortKeys: true, filterEmptyArrays: filter,
 * filterEmptyObjects: filter })` for the built-in resolvers (Lazy, implicit token, number/string
 * union), in one walk: values are resolved in insertion order, as `resolve` does, then sorted.
 */
function walk(value: unknown, filter: boolean): unknown {
  // resolve(): null and undefined stay as they are; sanitizeValue() drops them.
  if (value == null) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw FALLBACK;
  const v = value as Record<string, unknown>;
  if (Object.getPrototypeOf(v) === Object.prototype) {
    // A plain object without an own `resolve` or `constructor`: no resolver applies (the batch
    // checked that Object.prototype has neither a `resolve` nor another `constructor`), and
    // resolve() walks it as a dictionary. Decided from its keys, without a property lookup.
    const keys = Object.keys(v);
    let sorted = true;
    let plain = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === 'resolve' || k === 'constructor' || k === '__proto__') {
        plain = false;
        break;
      }
      if (i > 0 && !(keys[i - 1] < k)) sorted = false;
    }
    if (plain) return dictionary(v, keys, sorted, filter);
  }
  // The resolvers, in the App's order: LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver.
  if (v instanceof Lazy) return walk(v.produce(), filter);
  if (typeof v.resolve === 'function') return walk((v as { resolve: () => unknown }).resolve(), filter);
  const ctor = v.constructor;
  if (ctor !== Object) {
    const inner = v.value;
    if (typeof inner === 'number' || typeof inner === 'string') return walk({ value: inner }, filter);
  }
  if (Array.isArray(v)) {
    const out = v.map((x) => walk(x, filter));
    return filter && out.length === 0 ? undefined : out;
  }
  // resolve() walks an object whose constructor is Object; sanitizeValue() throws on any other.
  if (ctor !== Object) throw FALLBACK;
  const keys = Object.keys(v);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === '__proto__') throw FALLBACK;
    if (i > 0 && !(keys[i - 1] < keys[i])) sorted = false;
  }
  return dictionary(v, keys, sorted, filter);
}

/** resolve() of a dictionary (each value in insertion order), then sanitizeValue() (sorted keys, no null). */
function dictionary(v: Record<string, unknown>, keys: readonly string[], sorted: boolean, filter: boolean): Json | undefined {
  const out: Json = {};
  let n = 0;
  if (sorted) {
    // Already in order (one key, or props written in order): resolved straight into the result.
    for (const k of keys) {
      const x = walk(v[k], filter);
      if (x != null) {
        out[k] = x;
        n++;
      }
    }
  } else {
    const resolved: Json = {};
    for (const k of keys) resolved[k] = walk(v[k], filter);
    for (const k of Object.keys(resolved).sort()) {
      const x = resolved[k];
      if (x != null) {
        out[k] = x;
        n++;
      }
    }
  }
  return filter && n === 0 ? undefined : out;
}

// --- cdk8s-plus-28's generated toJson_X functions ------------------------------------------------

type Convert = (obj: unknown) => unknown;

/** A field of a generated `toJson_X`: the JSON key, the property read and how its value is converted. */
interface FieldRule {
  readonly key: string;
  readonly prop: string;
  readonly kind: 'value' | 'struct' | 'structArray' | 'array' | 'map' | 'union' | 'unionMap' | 'date' | 'structMap' | 'arrayMap';
  readonly type?: string;
}

const FUNCTION = new RegExp(
  '^function toJson_(\\w+)\\(obj\\) \\{ if \\(obj === undefined\\) \\{ return undefined; \\} const result = \\{ (.*?) \\}; ' +
    '// filter undefined values return Object\\.entries\\(result\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: i\\[1\\] \\}\\), \\{\\}\\); \\}$',
);
const MAP = (value: string) =>
  `\\(\\(obj\\.(\\w+)\\) === undefined\\) \\? undefined : \\(Object\\.entries\\(obj\\.\\1\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: ${value} \\}\\), \\{\\}\\)\\)`;
/** The nine field patterns of the generated code, each `'key': <expression>`. */
const FIELD_PATTERNS: readonly [FieldRule['kind'], RegExp][] = [
  ['value', /^obj\.(\w+)$/],
  ['struct', /^toJson_(\w+)\(obj\.(\w+)\)$/],
  ['structArray', /^obj\.(\w+)\?\.map\(y => toJson_(\w+)\(y\)\)$/],
  ['array', /^obj\.(\w+)\?\.map\(y => y\)$/],
  ['union', /^obj\.(\w+)\?\.value$/],
  ['date', /^obj\.(\w+)\?\.toISOString\(\)$/],
  ['map', new RegExp(`^${MAP('i\\[1\\]')}$`)],
  ['unionMap', new RegExp(`^${MAP('i\\[1\\]\\?\\.value')}$`)],
  ['arrayMap', new RegExp(`^${MAP('i\\[1\\]\\?\\.map\\(y => y\\)')}$`)],
  ['structMap', new RegExp(`^${MAP('toJson_(\\w+)\\(i\\[1\\]\\)')}$`)],
];

/** Converters by type name: the parsed rules, or cdk8s-plus-28's own function when it does not parse. */
const converters = new Map<string, Convert>();

function converter(type: string): Convert | undefined {
  const known = converters.get(type);
  if (known) return known;
  const original = (k8s as unknown as Record<string, unknown>)[`toJson_${type}`];
  if (typeof original !== 'function') return undefined;
  const rules = parseConverter(type, Function.prototype.toString.call(original));
  if (rules === undefined) {
    converters.set(type, original as Convert);
    return original as Convert;
  }
  // Registered before its nested types, so that a cycle in the schema (JSONSchemaProps) ends here.
  const parsed = struct(rules);
  const convert: Convert = (obj) => (obj === undefined ? undefined : convertStruct(parsed, obj));
  converters.set(type, convert);
  for (const r of rules) {
    if (r.type !== undefined && converter(r.type) === undefined) {
      converters.set(type, original as Convert);
      return original as Convert;
    }
  }
  return convert;
}

/** The field rules of a generated `toJson_X`, or undefined when any part of its source is not one of the patterns. */
export function parseConverter(type: string, source: string): FieldRule[] | undefined {
  const m = FUNCTION.exec(source.replace(/\s+/g, ' '));
  if (!m || m[1] !== type) return undefined;
  const rules: FieldRule[] = [];
  // Each field is `'key': <expression>,`; keys are quoted names without quotes or backslashes.
  const field = /'([^'\\]+)': (.*?),(?= '|$)/g;
  let end = 0;
  const body = m[2].trim();
  for (let f = field.exec(body); f; f = field.exec(body)) {
    if (f.index !== end) return undefined;
    end = field.lastIndex + (body[field.lastIndex] === ' ' ? 1 : 0);
    const rule = parseField(f[1], f[2]);
    if (!rule) return undefined;
    rules.push(rule);
  }
  return end === body.length ? rules : undefined;
}

function parseField(key: string, expression: string): FieldRule | undefined {
  for (const [kind, re] of FIELD_PATTERNS) {
    const m = re.exec(expression);
    if (!m) continue;
    if (kind === 'struct') return { key, prop: m[2], kind, type: m[1] };
    if (kind === 'structArray') return { key, prop: m[1], kind, type: m[2] };
    if (kind === 'structMap') return { key, prop: m[1], kind, type: m[2] };
    return { key, prop: m[1], kind };
  }
  return undefined;
}

/** A parsed `toJson_X`: its field rules, and each rule's position by the property it reads. */
interface Struct {
  readonly rules: readonly FieldRule[];
  readonly position: ReadonlyMap<string, number>;
  /** No property read is also a name on Object.prototype, so a plain object's own keys are all that can be read. */
  readonly ownKeysOnly: boolean;
  /** Every field's JSON key is the property it reads. */
  readonly sameKeys: boolean;
}

function struct(rules: readonly FieldRule[]): Struct {
  const position = new Map<string, number>();
  rules.forEach((r, i) => position.set(r.prop, i));
  const ownKeysOnly = position.size === rules.length && rules.every((r) => !(r.prop in Object.prototype));
  return { rules, position, ownKeysOnly, sameKeys: rules.every((r) => r.key === r.prop) };
}

/** What the generated function computes: the result literal in field order, then the undefined values dropped. */
function convertStruct(s: Struct, obj: unknown): Json {
  const o = obj as Record<string, unknown>;
  const out: Json = {};
  if (s.ownKeysOnly && Object.getPrototypeOf(o) === Object.prototype) {
    // Every field the object does not have converts to undefined and is dropped: only its own
    // keys are converted, in the schema's order (usually already theirs: both are sorted).
    const keys = Object.keys(o);
    let ordered = true;
    let known = true;
    let last = -1;
    for (const k of keys) {
      const i = s.position.get(k);
      if (i === undefined) known = false;
      else {
        if (i < last) ordered = false;
        last = i;
      }
    }
    if (reuse && known && ordered && s.sameKeys) {
      // The object is the walk's own and already has the result's keys in the result's order:
      // it becomes the result. A field that converts to undefined is deleted (the rest keep their order).
      for (const k of keys) {
        const v = convertField(s.rules[s.position.get(k)!], o[k]);
        if (v === undefined) delete o[k];
        else if (v !== o[k]) o[k] = v;
      }
      return o;
    }
    const present: number[] = [];
    for (const k of keys) {
      const i = s.position.get(k);
      if (i !== undefined) present.push(i);
    }
    if (!ordered) present.sort((a, b) => a - b);
    for (const i of present) {
      const r = s.rules[i];
      const v = convertField(r, o[r.prop]);
      if (v !== undefined) out[r.key] = v;
    }
    return out;
  }
  for (const r of s.rules) {
    const v = convertField(r, o[r.prop]);
    if (v !== undefined) out[r.key] = v;
  }
  return out;
}

/**
 * True while converting an object that the walk has just produced, with no JSON patch applied:
 * every object and array in it is its own and referenced once, so a converter may return its
 * input, changed in place, instead of a copy with the same keys in the same order.
 */
let reuse = false;

/** The generated converter for an object the walk has just produced (see {@link reuse}). */
function convertOwn(convert: Convert, json: Json, unpatched: boolean): unknown {
  reuse = unpatched;
  try {
    return convert(json);
  } finally {
    reuse = false;
  }
}

/** A plain array of the walk's, which a converter may change in place. */
function ownArray(x: unknown): x is unknown[] {
  return reuse && Array.isArray(x) && Object.getPrototypeOf(x) === Array.prototype;
}

/**
 * A plain object of the walk's, which a converter may change in place: the walk leaves no
 * undefined value and no `__proto__` key (it falls back on one), and no patch has added one.
 */
function ownMap(x: unknown): x is Json {
  return reuse && x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

/** `m.map(f)` on an array of the walk's: in place. Holes stay holes, as `map` leaves them. */
function mapInPlace(a: unknown[], f: (y: unknown) => unknown): unknown[] {
  a.forEach((y, i) => {
    const v = f(y);
    if (v !== y) a[i] = v;
  });
  return a;
}

/** `convertMap(m, f)` on an object of the walk's (no undefined value): in place, the same keys in the same order. */
function convertMapInPlace(m: Json, f: (y: unknown) => unknown): Json {
  for (const k of Object.keys(m)) {
    const v = f(m[k]);
    if (v !== m[k]) m[k] = v;
  }
  return m;
}

/** One field of the result literal. */
function convertField(r: FieldRule, x: unknown): unknown {
  let v: unknown;
  switch (r.kind) {
    case 'value':
      v = x;
      break;
    case 'struct':
      v = converters.get(r.type!)!(x);
      break;
    case 'structArray': {
      const c = converters.get(r.type!)!;
      if (ownArray(x)) v = mapInPlace(x, c);
      else v = x == null ? undefined : (x as unknown[]).map((y) => c(y));
      break;
    }
    case 'array':
      if (ownArray(x)) v = x;
      else v = x == null ? undefined : (x as unknown[]).map((y) => y);
      break;
    case 'union':
      v = x == null ? undefined : (x as { value?: unknown }).value;
      break;
    case 'date':
      v = x == null ? undefined : (x as Date).toISOString();
      break;
    case 'map':
      if (ownMap(x)) v = x;
      else v = x === undefined ? undefined : convertMap(x, (y) => y);
      break;
    case 'unionMap': {
      const f = (y: unknown) => (y == null ? undefined : (y as { value?: unknown }).value);
      if (ownMap(x)) v = convertMapInPlace(x, f);
      else v = x === undefined ? undefined : convertMap(x, f);
      break;
    }
    case 'arrayMap': {
      const f = (y: unknown) => (y == null ? undefined : (y as unknown[]).map((z) => z));
      if (ownMap(x)) v = convertMapInPlace(x, (y) => (ownArray(y) ? y : f(y)));
      else v = x === undefined ? undefined : convertMap(x, f);
      break;
    }
    case 'structMap': {
      const c = converters.get(r.type!)!;
      if (ownMap(x)) v = convertMapInPlace(x, c);
      else v = x === undefined ? undefined : convertMap(x, c);
      break;
    }
  }
  return v;
}

/** `Object.entries(m).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: f(i[1]) }), {})`. */
function convertMap(m: unknown, f: (y: unknown) => unknown): Json {
  const out: Json = {};
  for (const [k, y] of Object.entries(m as object)) {
    if (y === undefined) continue;
    // A computed key defines an own '__proto__' property; an assignment would set the prototype.
    if (k === '__proto__') throw FALLBACK;
    out[k] = f(y);
  }
  return out;
}

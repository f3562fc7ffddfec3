// lib/private/object-json.ts against cdk8s: its JSON of every object must be exactly what
// `apiObject.toJson()` returns, values and key order, for every object the reference app, the
// benchmark units and the hand-written baseline synthesize, for every committed object (dist/ and
// examples/orders/dist) rebuilt as a user's ApiObject and as its cdk8s-plus-28 L1 class, and for
// generated props with Lazies, tokens, IntOrString and Quantity values, nulls, empty collections,
// odd keys and JSON patches. OBJECT_JSON_SEED replays a run.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Lazy, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildEnvironment } from '../apps/main';
import { ENVIRONMENT_NAMES } from '../apps/environments';
import { buildBaseline } from '../bench/baseline';
import { buildOurs } from '../bench/units';
import { CDK8S_FINGERPRINT, apiObjectJson, cdk8sFingerprint, fastApiObjectJson, fastPathAvailable, parseConverter } from '../lib/private/object-json';
import { propertySeed } from './support/seed';

const ROOT = path.join(__dirname, '..');
const SEED = propertySeed('OBJECT_JSON_SEED');

/** JSON text with undefined values spelled out, so that key order and undefined keys both count. */
function exact(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === undefined ? '<undefined>' : v));
}

/** Asserts that the fast path renders `o` and matches `o.toJson()` exactly. */
function expectSame(o: ApiObject): void {
  const fast = fastApiObjectJson(o);
  expect(fast).toBeDefined();
  const slow = o.toJson() as unknown;
  expect([o.node.path, exact(fast)]).toStrictEqual([o.node.path, exact(slow)]);
  expect(fast).toStrictEqual(slow);
}

function apiObjectsOf(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

function committedObjects(): Record<string, unknown>[] {
  const files: string[] = [];
  for (const dir of [path.join(ROOT, 'dist'), path.join(ROOT, 'examples', 'orders', 'dist')]) {
    for (const env of fs.readdirSync(dir)) {
      for (const f of fs.readdirSync(path.join(dir, env))) if (f.endsWith('.yaml')) files.push(path.join(dir, env, f));
    }
  }
  return files.flatMap((f) => Yaml.load(f) as Record<string, unknown>[]);
}

describe('object JSON', () => {
  test('under KUBESTACK_STRICT_FAST_PATH (set by jest.config.js), an error of the fast path where toJson() succeeds fails loudly', () => {
    // GIVEN a value that throws on its first read only, so the fast path fails and toJson() then succeeds
    expect(process.env.KUBESTACK_STRICT_FAST_PATH).toBe('1');
    const chart = new Chart(new App(), 'c');
    let reads = 0;
    const data = {};
    Object.defineProperty(data, 'k', {
      enumerable: true,
      get: () => {
        if (reads++ === 0) throw new Error('first read');
        return 'v';
      },
    });
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' }, data });
    // WHEN / THEN
    expect(() => apiObjectJson(o)).toThrow(/^object-json: the fast path failed on ConfigMap 'o' where toJson\(\) succeeds: first read/);
  });

  test('the cdk8s functions it mirrors are the ones it was written from', () => {
    // GIVEN the installed cdk8s / WHEN its sources are fingerprinted / THEN they are the mirrored ones
    const hint = `cdk8s changed: check lib/private/object-json.ts against the new sources, then set CDK8S_FINGERPRINT to ${cdk8sFingerprint()}`;
    expect([cdk8sFingerprint(), hint]).toStrictEqual([CDK8S_FINGERPRINT, hint]);
    expect(fastPathAvailable()).toBe(true);
  });

  test('every generated toJson_ function of cdk8s-plus-28 parses into field rules', () => {
    // GIVEN every converter / WHEN parsed / THEN none is left to the original
    const names = Object.keys(k8s).filter((k) => k.startsWith('toJson_'));
    const unparsed = names.filter(
      (k) => parseConverter(k.slice(7), Function.prototype.toString.call((k8s as unknown as Record<string, unknown>)[k])) === undefined,
    );
    expect(names.length).toBeGreaterThan(400);
    expect(unparsed).toStrictEqual([]);
  });

  test('every object of the reference app, the benchmark units and the baseline renders exactly as toJson()', () => {
    // GIVEN the three environments, three benchmark units and the hand-written baseline
    const charts = [...ENVIRONMENT_NAMES.map((name) => buildEnvironment(name).env), buildOurs(3).env, ...buildBaseline(3).charts];
    // WHEN / THEN every object is rendered by the fast path, identical to cdk8s
    let count = 0;
    for (const chart of charts) {
      for (const o of apiObjectsOf(chart)) {
        expectSame(o);
        count++;
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  test('every committed object, as a user ApiObject and as its L1 class, renders exactly as toJson()', () => {
    // GIVEN every object of dist/ and examples/orders/dist
    const objects = committedObjects();
    expect(objects.length).toBeGreaterThan(50);
    const app = new App();
    const chart = new Chart(app, 'committed', { disableResourceNameHashes: true });
    const exports = k8s as unknown as Record<string, unknown>;
    objects.forEach((obj, i) => {
      // WHEN it is rebuilt as a plain ApiObject, with a patch, and as its cdk8s-plus-28 class
      const plain = new ApiObject(chart, `plain-${i}`, obj as never);
      const patched = new ApiObject(chart, `patched-${i}`, obj as never);
      patched.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'patched.kubestack.test/by': 'test' }), JsonPatch.remove('/metadata/namespace'));
      const { apiVersion, kind, ...props } = obj as { apiVersion: string; kind: string };
      const version = String(apiVersion).split('/').pop()!;
      const l1 = [`Kube${kind}`, `Kube${kind}${version.charAt(0).toUpperCase()}${version.slice(1)}`].find(
        (n) => typeof exports[n] === 'function' && (exports[n] as unknown as { GVK: { apiVersion: string } }).GVK.apiVersion === apiVersion,
      );
      // THEN each renders as cdk8s renders it
      expectSame(plain);
      expectSame(patched);
      if (l1) expectSame(new (exports[l1] as new (s: Chart, id: string, p: unknown) => ApiObject)(chart, `l1-${i}`, props));
    });
  });

  test('generated props render exactly as toJson(), or fall back to it', () => {
    // GIVEN values with every kind of token cdk8s resolves, nulls, empty collections and odd keys
    const key = fc.oneof(
      fc.constantFrom('a', 'b', 'B', 'name', 'value', 'resolve', 'constructor', 'toString', '0', '1', '10', '2', '', ' ', 'é', 'Z', 'metadata', 'kind'),
      fc.string({ maxLength: 6 }),
    );
    const leaf = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constantFrom(k8s.IntOrString.fromNumber(8080), k8s.IntOrString.fromString('25%'), k8s.Quantity.fromString('100m'), k8s.Quantity.fromNumber(2)),
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { arbitrary: leaf, weight: 6 },
        { arbitrary: tie('value').map((v) => Lazy.any({ produce: () => v })), weight: 2 },
        { arbitrary: tie('value').map((v) => ({ resolve: () => v })), weight: 1 },
        { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 3 },
        { arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)), weight: 4 },
        // values cdk8s refuses (sanitizeValue throws) or passes through: the fast path falls back on them
        { arbitrary: fc.constantFrom(new Date(0), new Map(), () => 1, Symbol('s'), BigInt(1)), weight: 1 },
      ),
    }));
    const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'x.io/y'), fc.oneof(fc.string({ maxLength: 5 }), fc.constant(undefined)), { maxKeys: 3 });
    const patch = fc.constantFrom(
      [],
      [JsonPatch.add('/spec/extra', 1)],
      [JsonPatch.remove('/metadata/namespace')],
      [JsonPatch.replace('/kind', 'Other')],
      [JsonPatch.add('/zz', { b: 1, a: 2 })],
    );
    // an extra top-level key may override anything but the kind and apiVersion: cdk8s itself reads
    // those while constructing (kind == 'CronJob'), so a symbol there throws inside cdk8s's constructor
    // before any rendering, which is not a case of the fast path
    const topKey = key.filter((k) => k !== 'kind' && k !== 'apiVersion');
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(value, value, labels, patch, fc.boolean(), fc.tuple(topKey, value), (spec, data, lbls, ops, emptyMeta, [extraKey, extra]) => {
        runs++;
        const app = new App();
        const chart = new Chart(app, 'gen', { disableResourceNameHashes: true, namespace: 'ns' });
        const metadata = (emptyMeta ? {} : { name: 'x', labels: lbls, annotations: { a: Lazy.any({ produce: () => 'v' }) } }) as k8s.ObjectMeta;
        const objects: ApiObject[] = [
          new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'Thing', metadata, spec, data, [extraKey]: extra } as never),
          new k8s.KubeConfigMap(chart, 'cm', { metadata, data: data as never, binaryData: spec as never }),
          new k8s.KubeDeployment(chart, 'deploy', {
            metadata,
            spec: {
              replicas: spec as never,
              selector: { matchLabels: lbls as never },
              strategy: { rollingUpdate: { maxSurge: spec as never, maxUnavailable: k8s.IntOrString.fromNumber(1) } },
              template: {
                metadata: { labels: data as never },
                spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 1 }], env: spec as never }] },
              },
            },
          }),
          new k8s.KubeService(chart, 'svc', { metadata, spec: { ports: [{ port: 80, targetPort: spec as never }], selector: data as never } }),
        ];
        for (const o of objects) {
          o.addJsonPatch(...ops);
          // WHEN the fast path renders it
          let rendered: unknown;
          try {
            rendered = fastApiObjectJson(o);
          } catch {
            // a value it does not mirror: apiObjectJson falls back to toJson(), whatever that does
            continue;
          }
          // THEN it is exactly cdk8s's result, and apiObjectJson returns it
          fast++;
          const slow = o.toJson() as unknown;
          expect(exact(rendered)).toBe(exact(slow));
          expect(rendered).toStrictEqual(slow);
          expect(exact(apiObjectJson(o))).toBe(exact(slow));
        }
      }),
      { numRuns: 2000, seed: SEED },
    );
    // AND the fast path took most cases (not everything fell back)
    expect(fast).toBeGreaterThan(runs);
  });

  test('a user subclass with its own toJson, an own toJson or a custom resolver falls back to toJson()', () => {
    // GIVEN objects the fast path must not render
    class Custom extends ApiObject {
      public toJson(): Record<string, unknown> {
        return { custom: true };
      }
    }
    const chart = new Chart(new App(), 'c');
    const custom = new Custom(chart, 'custom', { apiVersion: 'v1', kind: 'X' });
    const own = new ApiObject(chart, 'own', { apiVersion: 'v1', kind: 'X' });
    own.toJson = () => ({ own: true });
    const resolving = new Chart(new App({ resolvers: [{ resolve: () => undefined }] }), 'r');
    const withResolver = new ApiObject(resolving, 'x', { apiVersion: 'v1', kind: 'X' });
    // WHEN / THEN
    expect(fastApiObjectJson(custom)).toBeUndefined();
    expect(apiObjectJson(custom)).toStrictEqual({ custom: true });
    expect(fastApiObjectJson(own)).toBeUndefined();
    expect(apiObjectJson(own)).toStrictEqual({ own: true });
    expect(fastApiObjectJson(withResolver)).toBeUndefined();
    expect(apiObjectJson(withResolver)).toStrictEqual(withResolver.toJson());
  });

  test('CDK8S_DISABLE_SORT turns the fast path off', () => {
    // GIVEN an object / WHEN sorting is disabled / THEN cdk8s renders it
    const o = new ApiObject(new Chart(new App(), 'c'), 'o', { apiVersion: 'v1', kind: 'X', spec: { b: 1, a: 2 } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(fastApiObjectJson(o)).toBeUndefined();
      expect(exact(apiObjectJson(o))).toBe(exact(o.toJson()));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });
});

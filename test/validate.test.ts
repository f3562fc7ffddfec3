import { floatingImageReason, unpinnedImageReason } from '../lib/private/image';
import { Construct } from 'constructs';
import { PostgresDb, Profiles, RedisCache } from 'kubestack';
import { container, newEnv, synthObjects, workloads } from './util';
import * as fc from 'fast-check';
import {
  ValidationError,
  assertValid,
  checkConfigKey,
  checkDnsLabel,
  checkDnsSubdomain,
  checkEnvName,
  checkHostname,
  checkHttpPath,
  checkImage,
  checkInteger,
  checkOneOf,
  checkPinnedImage,
  checkPort,
  checkQuantity,
  checkRecord,
  checkStringList,
  fail,
  firstDuplicate,
  formatValue,
  quantityValue,
  compareQuantities,
  checkAnnotationKey,
  checkAnnotationsSize,
  checkByteQuantity,
  checkConfigMapSize,
  checkCpuQuantity,
  checkIngressPath,
  checkInstanceLabel,
  checkInt32Max,
  checkNamespaceName,
  checkServiceName,
  checkStatefulSetName,
  checkUid,
} from '../lib/private/validate';

const subject = { kind: 'web-app', path: 'prod/web' };

describe('ValidationError', () => {
  test('names the construct, its path, the prop, what is allowed and the value received', () => {
    // GIVEN / WHEN
    const error = new ValidationError('web-app', 'prod/web', 'replicas', -1, 'must be an integer >= 1');

    // THEN
    expect(error.message).toBe("web-app 'prod/web': 'replicas' must be an integer >= 1, got -1");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
    expect([error.construct, error.path, error.prop, error.value, error.allowed]).toStrictEqual([
      'web-app',
      'prod/web',
      'replicas',
      -1,
      'must be an integer >= 1',
    ]);
  });

  test('assertValid throws only when the check returns a problem', () => {
    // GIVEN / WHEN / THEN
    expect(() => assertValid(subject, 'replicas', 3, checkInteger(3, 1))).not.toThrow();
    expect(() => assertValid(subject, 'replicas', -1, checkInteger(-1, 1))).toThrow(
      new ValidationError('web-app', 'prod/web', 'replicas', -1, 'must be an integer >= 1'),
    );
  });

  test('fail always throws a ValidationError', () => {
    // GIVEN / WHEN
    const error = (() => {
      try {
        fail(subject, 'image', 'nginx', 'must be pinned');
      } catch (e) {
        return e;
      }
    })();

    // THEN
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(`web-app 'prod/web': 'image' must be pinned, got "nginx"`);
  });
});

describe('formatValue', () => {
  test('renders each kind of value readably', () => {
    // GIVEN
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    // WHEN / THEN
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(-1)).toBe('-1');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(10n)).toBe('10');
    expect(formatValue('3')).toBe('"3"');
    expect(formatValue(() => 1)).toBe('a function');
    expect(formatValue(Symbol('x'))).toBe('a symbol');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(['a'])).toBe('["a"]');
    expect(formatValue(circular)).toBe('[object Object]');
    expect(formatValue(new Construct(new Construct(undefined as unknown as Construct, 'app'), 'web'))).toBe("Construct 'app/web'");
    expect(formatValue({ long: 'x'.repeat(200) })).toBe(`{"long":"${'x'.repeat(108)}...`);
    expect(formatValue('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`);
  });

  test('never throws, whatever it is given', () => {
    // GIVEN / WHEN / THEN
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const out = formatValue(value);
        expect(typeof out).toBe('string');
        expect(out.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('checkDnsLabel', () => {
  test.each(['web', 'a', 'web-1', '1web', 'a'.repeat(63)])('accepts %p', (value) => {
    expect(checkDnsLabel(value)).toBeUndefined();
  });

  test.each(['', 'Web', 'web_1', '-web', 'web-', 'web.app', 'a'.repeat(64), 5, null, undefined])('fails on %p', (value) => {
    expect(checkDnsLabel(value)).toBe(
      "must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
    );
  });

  test('applies a shorter maximum length when asked', () => {
    expect(checkDnsLabel('a'.repeat(54), 54)).toBeUndefined();
    expect(checkDnsLabel('a'.repeat(55), 54)).toContain('at most 54 characters');
  });
});

describe('checkDnsSubdomain', () => {
  test.each(['web-tls', 'a.b-c.d', 'a'.repeat(253)])('accepts %p', (value) => {
    expect(checkDnsSubdomain(value)).toBeUndefined();
  });

  test.each(['', 'Web', 'a..b', 'a_b', '.a', 'a'.repeat(254), 1])('fails on %p', (value) => {
    expect(checkDnsSubdomain(value)).toBe("must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)");
  });
});

describe('checkHostname', () => {
  test.each(['web.example.com', 'a.b', 'web-1.dev.example.com'])('accepts %p', (value) => {
    expect(checkHostname(value)).toBeUndefined();
  });

  test.each([
    'localhost',
    'Web.example.com',
    '*.example.com',
    'https://web.example.com',
    'web.example.com:443',
    'web.example.com/path',
    `${'a'.repeat(64)}.example.com`,
    '',
    42,
  ])('fails on %p', (value) => {
    expect(checkHostname(value)).toBe("must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path)");
  });
});

describe('checkPort', () => {
  test.each([1, 80, 65535])('accepts %p', (value) => {
    expect(checkPort(value)).toBeUndefined();
  });

  test.each([0, -1, 65536, 80.5, '80', NaN, Infinity, null])('fails on %p', (value) => {
    expect(checkPort(value)).toBe('must be an integer from 1 to 65535');
  });
});

describe('checkInteger', () => {
  test('accepts integers inside the range', () => {
    expect(checkInteger(1, 1)).toBeUndefined();
    expect(checkInteger(1000, 1, 1000)).toBeUndefined();
  });

  test.each([0, -1, 1.5, '3', NaN, null, undefined])('fails on %p below or outside an open range', (value) => {
    expect(checkInteger(value, 1)).toBe('must be an integer >= 1');
  });

  test('describes a closed range', () => {
    expect(checkInteger(1001, 1, 1000)).toBe('must be an integer from 1 to 1000');
  });
});

describe('checkQuantity', () => {
  test.each(['250m', '1', '0.5', '.5', '512Mi', '10Gi', '1Ti', '2k', '1M', '1G', '1e3', '1E-2'])('accepts %p', (value) => {
    expect(checkQuantity(value)).toBeUndefined();
  });

  test.each(['10GB', '10gi', '1 Gi', '-1', 'Gi', '', 1, '1.Gi', 'ten'])('fails on %p', (value) => {
    expect(checkQuantity(value)).toBe("must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T)");
  });

  test('parses quantities into base units for comparisons', () => {
    expect(quantityValue('250m')).toBeCloseTo(0.25);
    expect(quantityValue('1')).toBe(1);
    expect(quantityValue('512Mi')).toBe(512 * 2 ** 20);
    expect(quantityValue('1Gi')).toBe(2 ** 30);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('2k')).toBe(2000);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('nope')).toBeNaN();
  });
});

describe('checkImage and pinning', () => {
  test.each([
    'nginx',
    'nginx:1.27',
    'postgres:16-alpine',
    'registry.example.com/team/app:1.2.3',
    'localhost:5000/app',
    `app@sha256:${'a'.repeat(64)}`,
    `registry.example.com/app:1.0@sha256:${'0'.repeat(64)}`,
  ])('accepts the reference %p', (value) => {
    expect(checkImage(value)).toBeUndefined();
  });

  test.each(['', 'Nginx', 'nginx:', 'nginx latest', 'http://registry/app', 'app@sha256:abc', 5, undefined])('fails on %p', (value) => {
    expect(checkImage(value)).toBe("must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>'");
  });

  test.each([
    ['nginx:1.27', undefined, undefined],
    ['registry.example.com/team/app:1.2.3', undefined, undefined],
    [`app@sha256:${'a'.repeat(64)}`, undefined, undefined],
    ['postgres:16.6-alpine', undefined, undefined],
    ['web:v2.0', undefined, undefined],
    ['web:3f2a1b7', undefined, undefined],
    ['web:sha-3f2a1b7c', undefined, undefined],
    ['nginx', 'untagged', 'untagged'],
    ['nginx:latest', "tagged 'latest'", "tagged 'latest'"],
    ['localhost:5000/app', 'untagged', 'untagged'],
    ['localhost:5000/app:latest', "tagged 'latest'", "tagged 'latest'"],
    ['app@sha256:abc', 'untagged', 'untagged'],
    ['localhost:5000/app:2', undefined, 'floats'],
    ['postgres:16-alpine', undefined, 'floats'],
    ['redis:7-alpine', undefined, 'floats'],
    ['web:stable', undefined, 'floats'],
    ['alpine:alpine3.20', undefined, 'floats'],
    ['web:deadbeef', undefined, 'floats'],
  ])('knows whether %p is pinned (anywhere: %p, in production: %p)', (image, anywhere, production) => {
    expect(unpinnedImageReason(image)).toBe(anywhere);
    const floating = floatingImageReason(image);
    if (production === 'floats') expect(floating).toMatch(/^its tag '.*' floats/);
    else expect(floating).toBe(production);
    expect(checkPinnedImage(image, false) === undefined).toBe(anywhere === undefined);
    expect(checkPinnedImage(image, true) === undefined).toBe(production === undefined);
  });

  test('the construct defaults are pinned as production requires, so the gate and the constructs agree', () => {
    const env = newEnv(Profiles.prod, 'prod');
    new PostgresDb(env, 'postgres');
    new RedisCache(env, 'redis');
    const images = workloads(synthObjects(env)).map((w) => container(w).image as string);
    // postgres, its backup CronJob (on by default in production; it runs the same image), redis
    expect(images).toEqual([expect.stringMatching(/^postgres:/), expect.stringMatching(/^postgres:/), expect.stringMatching(/^redis:/)]);
    for (const image of images) {
      expect(floatingImageReason(image)).toBeUndefined();
      expect(checkPinnedImage(image, true)).toBeUndefined();
    }
  });
});

describe('small checks', () => {
  test('checkEnvName accepts Kubernetes variable names and fails on the rest', () => {
    expect(checkEnvName('DB_USER')).toBeUndefined();
    expect(checkEnvName('app.mode')).toBeUndefined();
    expect(checkEnvName('1X')).toBe("must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit)");
    expect(checkEnvName('A B')).toBeDefined();
    expect(checkEnvName('')).toBeDefined();
  });

  test('checkConfigKey accepts file-like keys and fails on paths', () => {
    expect(checkConfigKey('app.properties')).toBeUndefined();
    expect(checkConfigKey('conf/app')).toBe("must be a ConfigMap key (letters, digits, '-', '_' and '.')");
  });

  test('checkHttpPath requires an absolute path', () => {
    expect(checkHttpPath('/healthz')).toBeUndefined();
    expect(checkHttpPath('healthz')).toBe("must be an absolute HTTP path such as '/healthz'");
    expect(checkHttpPath('/a b')).toBeDefined();
  });

  test('checkOneOf lists the allowed values', () => {
    expect(checkOneOf('ClusterIP', ['ClusterIP', 'NodePort'])).toBeUndefined();
    expect(checkOneOf('Ingress', ['ClusterIP', 'NodePort'])).toBe("must be one of 'ClusterIP', 'NodePort'");
  });

  test('checkRecord accepts plain objects only', () => {
    expect(checkRecord({})).toBeUndefined();
    for (const value of [null, [], 'x', 1, undefined]) expect(checkRecord(value)).toBe('must be an object');
  });

  test('checkStringList accepts arrays of strings only', () => {
    expect(checkStringList(['a'])).toBeUndefined();
    expect(checkStringList(['a', 1])).toBe('must be an array of strings');
    expect(checkStringList('a')).toBe('must be an array of strings');
  });

  test('firstDuplicate finds the first repeated value', () => {
    expect(firstDuplicate(['a', 'b', 'c'])).toBeUndefined();
    expect(firstDuplicate(['a', 'b', 'b', 'a'])).toBe('b');
  });
});

describe('compareQuantities', () => {
  test.each([
    ['700m', '0.7', 0],
    ['1.0000000000000001', '1', 1],
    ['1Gi', '1073741824', 0],
    ['1G', '1Gi', -1],
    ['1e3', '1k', 0],
    ['.5', '500m', 0],
    ['0.1', '100m', 0],
    ['128Mi', '0.125Gi', 0],
  ])('compares %s with %s exactly (%i)', (a, b, expected) => {
    expect(Math.sign(compareQuantities(a, b))).toBe(expected);
    expect(Math.sign(compareQuantities(b, a))).toBe(expected === 0 ? 0 : -expected);
  });
});

describe('checks that mirror the API server', () => {
  test('checkQuantity follows resource.ParseQuantity and fails on values the server would round or cap', () => {
    for (const q of ['1e3', '1E3', '1Ki', '0.5', '.5', '500m', '1.5Gi', '1e-9', '9223372036854775807', '7Ei']) expect(checkQuantity(q)).toBeUndefined();
    for (const q of ['-1', '+1', '1.', '1GB', '1 Gi', '', '1e', '1n']) expect(checkQuantity(q)).toContain('must be a Kubernetes quantity');
    expect(checkQuantity('1e-10')).toBe('must not be more precise than 1n, a billionth (the API server rounds finer values up)');
    expect(checkQuantity('0.0000000001')).toBe('must not be more precise than 1n, a billionth (the API server rounds finer values up)');
    expect(checkQuantity('9223372036854775808')).toBe('must be at most 9223372036854775807 (2^63-1, the largest quantity the API server keeps)');
    expect(checkQuantity('9Ei')).toBe('must be at most 9223372036854775807 (2^63-1, the largest quantity the API server keeps)');
    expect(checkQuantity('1e31')).toBe('must have an exponent from e-30 to e30');
  });

  test('checkCpuQuantity takes whole millicores, checkByteQuantity whole bytes', () => {
    expect(checkCpuQuantity('0.001')).toBeUndefined();
    expect(checkCpuQuantity('1500m')).toBeUndefined();
    expect(checkCpuQuantity('0.0015')).toBe('must be a whole number of millicores (Kubernetes rounds finer CPU up to 1m)');
    expect(checkByteQuantity('0.5Ki')).toBeUndefined();
    expect(checkByteQuantity('1e3')).toBeUndefined();
    expect(checkByteQuantity('1500m')).toBe("must be a whole number of bytes (a fractional byte value such as '100m' is invalid)");
    expect(checkByteQuantity('10GB')).toContain('must be a Kubernetes quantity');
  });

  test('checkInt32Max and checkUid stop at 2147483647', () => {
    expect(checkInt32Max(2147483647)).toBeUndefined();
    expect(checkInt32Max(2147483648)).toBe('must be at most 2147483647 (the API server stores it in an int32)');
    expect(checkUid(2147483647)).toBeUndefined();
    expect(checkUid(2147483648)).toBe("must be a UID of at most 2147483647 (the API server's limit)");
    expect(checkUid(1.5)).toBe('must be a non-zero UID (an integer >= 1)');
  });

  test('checkInstanceLabel leaves room for -<environment> in 63 characters', () => {
    expect(checkInstanceLabel('a'.repeat(55), 'staging')).toBeUndefined();
    expect(checkInstanceLabel('a'.repeat(56), 'staging')).toBe(
      "must be at most 55 characters in environment 'staging', so that the label app.kubernetes.io/instance '<name>-staging' fits in 63 characters",
    );
  });

  test('checkServiceName and checkStatefulSetName', () => {
    expect(checkServiceName('web')).toBeUndefined();
    expect(checkServiceName('9web')).toBe('must start with a letter: it names a Service, whose name the API server requires to be a DNS-1035 label');
    expect(checkStatefulSetName('a'.repeat(52))).toBeUndefined();
    expect(checkStatefulSetName('a'.repeat(53))).toContain('must be at most 52 characters for a StatefulSet');
  });

  test('checkNamespaceName refuses the namespaces of the cluster', () => {
    expect(checkNamespaceName('shop-prod')).toBeUndefined();
    expect(checkNamespaceName('kubernetes')).toBeUndefined();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect(checkNamespaceName(ns)).toBe(
        "must not be 'default' or a 'kube-' namespace such as kube-system, kube-public or kube-node-lease (they belong to the cluster)",
      );
    }
    expect(checkNamespaceName('Prod')).toContain('must be a DNS-1123 label');
  });

  test("checkConfigKey refuses '.' and '..', checkConfigMapSize 1 MiB", () => {
    expect(checkConfigKey('.env')).toBeUndefined();
    expect(checkConfigKey('.')).toBe(
      "must not be '.' or start with '..' (the API server rejects them as ConfigMap and Secret keys: a mounted volume keeps its own '..data' entries)",
    );
    expect(checkConfigKey('a'.repeat(254))).toBe("must be a ConfigMap key (letters, digits, '-', '_' and '.')");
    expect(checkConfigMapSize('c', 1048576)).toBeUndefined();
    expect(checkConfigMapSize('c', 1048577)).toBe(
      "must keep the data of ConfigMap 'c' within 1048576 bytes (1 MiB, the API server's limit); it would hold 1048577",
    );
  });

  test('checkAnnotationKey and checkAnnotationsSize follow the API server', () => {
    expect(checkAnnotationKey('nginx.ingress.kubernetes.io/rewrite-target')).toBeUndefined();
    expect(checkAnnotationKey('Description')).toBeUndefined();
    for (const k of ['a..b/x', '/x', 'a/b/c', `${'p'.repeat(254)}/x`, `x/${'n'.repeat(64)}`, 'x/-n']) {
      expect(checkAnnotationKey(k)).toBe('must have keys of the form [prefix/]name');
    }
    expect(checkAnnotationKey('constructor')).toContain("must not be '__proto__' or 'constructor'");
    expect(checkAnnotationsSize({ k: 'v'.repeat(262143) })).toBeUndefined();
    expect(checkAnnotationsSize({ k: 'é'.repeat(131072) })).toContain('they would hold 262145');
  });

  test('checkHostname refuses IPv4 addresses but not names that only look numeric', () => {
    expect(checkHostname('192.168.0.1')).toBe('must be a DNS name, not an IP address (the API server rejects IP addresses as Ingress hosts)');
    expect(checkHostname('999.1.1.1')).toBeUndefined();
    expect(checkHostname('1.2.3.example.com')).toBeUndefined();
  });

  test('checkIngressPath follows validateHTTPIngressPath, and ingress-nginx for the nginx class', () => {
    for (const p of ['/', '/api', '/api/', '/a.b/c-d_e~f']) expect(checkIngressPath(p, true)).toBeUndefined();
    expect(checkIngressPath('api', false)).toBe("must be an absolute HTTP path such as '/healthz'");
    expect(checkIngressPath('/a%2Fb', false)).toBe("must not contain '%2F' (the API server rejects it in a Prefix path)");
    expect(checkIngressPath('/..', false)).toBe("must not end with '/..' (the API server rejects it in a Prefix path)");
    expect(checkIngressPath('/a:b', false)).toBeUndefined();
    expect(checkIngressPath('/a:b', true)).toContain("with ingress class 'nginx'");
  });
});

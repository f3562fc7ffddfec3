import { Testing } from 'cdk8s';
import { ConfigBundle, ConfigBundleProps, Environment, Profiles, WebApp, defineProfile } from 'kubestack';
import { container, expectValidationError, find, newEnv, podSpec, synthObjects } from './util';

const labels = {
  'app.kubernetes.io/name': 'app-config',
  'app.kubernetes.io/instance': 'app-config-dev',
  'app.kubernetes.io/component': 'config',
  'app.kubernetes.io/part-of': 'app',
  'app.kubernetes.io/managed-by': 'kubestack',
};

/** The hash annotation that a consumer of a bundle built from `props` carries. */
function consumerHash(props: ConfigBundleProps): string {
  const env = newEnv();
  const bundle = new ConfigBundle(env, 'app-config', props);
  new WebApp(env, 'web', { image: 'app:1.0', config: [bundle] });
  const annotations = find(synthObjects(env), 'Deployment', 'web').spec.template.metadata.annotations;
  expect(Object.keys(annotations)).toStrictEqual(['config.kubestack.io/app-config']);
  return annotations['config.kubestack.io/app-config'];
}

const baseProps: ConfigBundleProps = {
  settings: { LOG_LEVEL: 'debug', APP_ENV: 'dev' },
  files: { 'app.properties': 'greeting=hello\n' },
  secrets: { SESSION_SECRET: { secretName: 'web-secrets', key: 'session-secret' } },
};

describe('ConfigBundle', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const bundle = new ConfigBundle(env, 'app-config');

    // THEN
    expect(synthObjects(env).slice(1)).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'dev', labels }, data: {} },
    ]);
    expect(bundle.name).toBe('app-config');
    expect(bundle.filesName).toBe('app-config-files');
    expect(bundle.mountPath).toBe('/app/config');
    expect(bundle.hasFiles).toBe(false);
    expect(bundle.settings).toStrictEqual({});
    expect(bundle.files).toStrictEqual({});
    expect(bundle.secrets).toStrictEqual({});
    expect(bundle.envFrom()).toStrictEqual([{ configMapRef: { name: 'app-config' } }]);
    expect(bundle.secretEnv()).toStrictEqual([]);
    expect(env.requiredSecrets).toStrictEqual([]);
  });

  test('writes settings and files to two ConfigMaps and only references secrets', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const bundle = new ConfigBundle(env, 'app-config', baseProps);

    // THEN
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-config', namespace: 'dev', labels },
        data: { APP_ENV: 'dev', LOG_LEVEL: 'debug' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-config-files', namespace: 'dev', labels },
        data: { 'app.properties': 'greeting=hello\n' },
      },
    ]);
    expect(bundle.hasFiles).toBe(true);
    expect(bundle.secretEnv()).toStrictEqual([{ name: 'SESSION_SECRET', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'session-secret' } } }]);
    expect(env.requiredSecrets).toStrictEqual([{ secretName: 'web-secrets', keys: ['session-secret'], requiredBy: 'dev/app-config' }]);
  });

  test('takes its name and mount path from props', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const bundle = new ConfigBundle(env, 'Config', { name: 'settings', mountPath: '/etc/app', files: { a: 'b' } });

    // THEN
    const objs = synthObjects(env);
    expect(find(objs, 'ConfigMap', 'settings').data).toStrictEqual({});
    expect(find(objs, 'ConfigMap', 'settings-files').data).toStrictEqual({ a: 'b' });
    expect(bundle.mountPath).toBe('/etc/app');
  });

  test('addSetting, addSecret and addFile extend the bundle after construction', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'app-config');

    // WHEN
    bundle.addSetting('A', '1');
    bundle.addSecret('TOKEN', { secretName: 'api', key: 'token' });
    bundle.addFile('f.txt', 'x');

    // THEN
    const objs = synthObjects(env);
    expect(find(objs, 'ConfigMap', 'app-config').data).toStrictEqual({ A: '1' });
    expect(find(objs, 'ConfigMap', 'app-config-files').data).toStrictEqual({ 'f.txt': 'x' });
    expect(bundle.secrets).toStrictEqual({ TOKEN: { secretName: 'api', key: 'token' } });
    expect(env.requiredSecrets.map((s) => s.secretName)).toStrictEqual(['api']);
  });

  test('getters return copies', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'app-config', baseProps);

    // WHEN
    (bundle.settings as Record<string, string>).LOG_LEVEL = 'changed';
    (bundle.files as Record<string, string>)['new.txt'] = 'x';
    delete (bundle.secrets as Record<string, unknown>).SESSION_SECRET;

    // THEN
    expect(bundle.settings).toStrictEqual(baseProps.settings);
    expect(bundle.files).toStrictEqual(baseProps.files);
    expect(Object.keys(bundle.secrets)).toStrictEqual(['SESSION_SECRET']);
  });

  test('copies a secret reference instead of keeping the caller object', () => {
    // GIVEN
    const env = newEnv();
    const ref = { secretName: 'api', key: 'token' };
    const bundle = new ConfigBundle(env, 'app-config', { secrets: { TOKEN: ref } });

    // WHEN
    (ref as { key: string }).key = 'changed';

    // THEN
    expect(bundle.secrets.TOKEN).toStrictEqual({ secretName: 'api', key: 'token' });
  });
});

describe('ConfigBundle content hash', () => {
  test('is identical for identical content', () => {
    expect(consumerHash(baseProps)).toBe(consumerHash({ ...baseProps }));
    expect(consumerHash(baseProps)).toMatch(/^[0-9a-f]{16}$/);
  });

  test('does not depend on the order keys were given in', () => {
    expect(consumerHash({ ...baseProps, settings: { APP_ENV: 'dev', LOG_LEVEL: 'debug' } })).toBe(consumerHash(baseProps));
  });

  test.each<[string, ConfigBundleProps]>([
    ['a setting value', { ...baseProps, settings: { LOG_LEVEL: 'info', APP_ENV: 'dev' } }],
    ['a new setting', { ...baseProps, settings: { ...baseProps.settings, EXTRA: '1' } }],
    ['a removed setting', { ...baseProps, settings: { LOG_LEVEL: 'debug' } }],
    ['a file content', { ...baseProps, files: { 'app.properties': 'greeting=bye\n' } }],
    ['a file name', { ...baseProps, files: { 'other.properties': 'greeting=hello\n' } }],
    ['a secret name', { ...baseProps, secrets: { SESSION_SECRET: { secretName: 'web-secrets-v2', key: 'session-secret' } } }],
    ['a secret key', { ...baseProps, secrets: { SESSION_SECRET: { secretName: 'web-secrets', key: 'other' } } }],
    ['a secret variable name', { ...baseProps, secrets: { SESSION_KEY: { secretName: 'web-secrets', key: 'session-secret' } } }],
  ])('changes when %s changes', (_what, changed) => {
    expect(consumerHash(changed)).not.toBe(consumerHash(baseProps));
  });

  test('follows content added after the consumer was created', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'app-config', baseProps);
    new WebApp(env, 'web', { image: 'app:1.0', config: [bundle] });
    const annotation = () => find(synthObjects(env), 'Deployment', 'web').spec.template.metadata.annotations['config.kubestack.io/app-config'];
    const before = annotation();

    // WHEN
    bundle.addSetting('LATE', 'yes');

    // THEN
    expect(annotation()).not.toBe(before);
    expect(annotation()).toBe(bundle.contentHash);
    expect(find(synthObjects(env), 'ConfigMap', 'app-config').data.LATE).toBe('yes');
  });

  test('is the same on every consumer and one annotation per bundle', () => {
    // GIVEN
    const env = newEnv();
    const a = new ConfigBundle(env, 'a', { settings: { A: '1' } });
    const b = new ConfigBundle(env, 'b', { settings: { B: '1' } });

    // WHEN
    new WebApp(env, 'one', { image: 'app:1.0', config: [a] });
    new WebApp(env, 'two', { image: 'app:1.0', config: [a, b] });
    const objs = synthObjects(env);

    // THEN
    expect(find(objs, 'Deployment', 'one').spec.template.metadata.annotations).toStrictEqual({ 'config.kubestack.io/a': a.contentHash });
    expect(find(objs, 'Deployment', 'two').spec.template.metadata.annotations).toStrictEqual({
      'config.kubestack.io/a': a.contentHash,
      'config.kubestack.io/b': b.contentHash,
    });
    expect(a.contentHash).not.toBe(b.contentHash);
  });
});

describe('ConfigBundle consumers', () => {
  test('get settings through envFrom, secrets through secretKeyRef and files as a read-only volume', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'app-config', { ...baseProps, mountPath: '/etc/app' });

    // WHEN
    new WebApp(env, 'web', { image: 'app:1.0', config: [bundle] });
    const deployment = find(synthObjects(env), 'Deployment', 'web');

    // THEN
    const c = container(deployment);
    expect(c.envFrom).toStrictEqual([{ configMapRef: { name: 'app-config' } }]);
    expect(c.env).toStrictEqual([{ name: 'SESSION_SECRET', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'session-secret' } } }]);
    expect(c.volumeMounts).toStrictEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config-1', mountPath: '/etc/app', readOnly: true },
    ]);
    expect(podSpec(deployment).volumes).toStrictEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config-1', configMap: { name: 'app-config-files' } },
    ]);
  });

  test('without files get no config volume', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'app-config', { settings: { A: '1' } });

    // WHEN
    new WebApp(env, 'web', { image: 'app:1.0', config: [bundle] });
    const deployment = find(synthObjects(env), 'Deployment', 'web');

    // THEN
    expect(podSpec(deployment).volumes.map((v: { name: string }) => v.name)).toStrictEqual(['tmp']);
  });
});

describe('ConfigBundle validation', () => {
  test('fails on a name that is not a DNS-1123 label', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'App_Config'),
      "config-bundle 'dev/App_Config': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 57 characters), got \"App_Config\"",
    );
  });

  test('fails on a name too long to leave room for the -files suffix', () => {
    expect(() => new ConfigBundle(newEnv(), 'c', { name: 'a'.repeat(57) })).not.toThrow();
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { name: 'a'.repeat(58) }),
      `config-bundle 'dev/c': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 57 characters), got "${'a'.repeat(58)}"`,
    );
  });

  test('fails on a relative mount path', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { mountPath: 'config' }),
      "config-bundle 'dev/c': 'mountPath' must be an absolute path such as '/app/config', got \"config\"",
    );
  });

  test('fails on a key used by a setting and a secret', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { settings: { TOKEN: '$(UPSTREAM_TOKEN)' }, secrets: { TOKEN: { secretName: 's', key: 'k' } } }),
      "config-bundle 'dev/c': 'secrets' must not repeat a key already used by a setting or a secret of this bundle, got \"TOKEN\"",
    );
  });

  test('fails on a setting added twice', () => {
    // GIVEN
    const bundle = new ConfigBundle(newEnv(), 'c', { settings: { A: '1' } });

    // WHEN / THEN
    expectValidationError(
      () => bundle.addSetting('A', '2'),
      "config-bundle 'dev/c': 'settings' must not repeat a key already used by a setting or a secret of this bundle, got \"A\"",
    );
    expect(bundle.settings).toStrictEqual({ A: '1' });
  });

  test('fails on a secret added twice', () => {
    // GIVEN
    const bundle = new ConfigBundle(newEnv(), 'c', { secrets: { A: { secretName: 's', key: 'k' } } });

    // WHEN / THEN
    expectValidationError(
      () => bundle.addSecret('A', { secretName: 's', key: 'other' }),
      "config-bundle 'dev/c': 'secrets' must not repeat a key already used by a setting or a secret of this bundle, got \"A\"",
    );
  });

  test('fails on a file added twice', () => {
    // GIVEN
    const bundle = new ConfigBundle(newEnv(), 'c', { files: { 'a.txt': '1' } });

    // WHEN / THEN
    expectValidationError(() => bundle.addFile('a.txt', '2'), "config-bundle 'dev/c': 'files' must not repeat a file name, got \"a.txt\"");
    expect(bundle.files).toStrictEqual({ 'a.txt': '1' });
  });

  test('fails on a setting key that is not an environment variable name', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { settings: { '1ST': 'x' } }),
      "config-bundle 'dev/c': 'settings' must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), got \"1ST\"",
    );
  });

  test('fails on a file name with a slash', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { files: { 'conf/app.yaml': 'x' } }),
      "config-bundle 'dev/c': 'files' must be a ConfigMap key (letters, digits, '-', '_' and '.'), got \"conf/app.yaml\"",
    );
  });

  test('fails on a secret reference with a bad Secret name or key', () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { secrets: { A: { secretName: 'Web_Secrets', key: 'k' } } }),
      "config-bundle 'dev/c': 'secrets.A.secretName' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"Web_Secrets\"",
    );
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { secrets: { A: { secretName: 's', key: 'a/b' } } }),
      "config-bundle 'dev/c': 'secrets.A.key' must be a ConfigMap key (letters, digits, '-', '_' and '.'), got \"a/b\"",
    );
  });

  test('fails on values of the wrong JavaScript type with a ValidationError', () => {
    const env = newEnv();
    expectValidationError(
      () => new ConfigBundle(env, 'a', { settings: { A: 1 as unknown as string } }),
      "config-bundle 'dev/a': 'settings.A' must be a string, got 1",
    );
    expectValidationError(
      () => new ConfigBundle(env, 'b', { settings: ['A'] as unknown as Record<string, string> }),
      "config-bundle 'dev/b': 'settings' must be an object, got [\"A\"]",
    );
    expectValidationError(
      () => new ConfigBundle(env, 'c', { secrets: { A: 'web-secrets' as unknown as { secretName: string; key: string } } }),
      "config-bundle 'dev/c': 'secrets.A' must be an object, got \"web-secrets\"",
    );
    expectValidationError(
      () => new ConfigBundle(env, 'd', { files: { f: null as unknown as string } }),
      "config-bundle 'dev/d': 'files.f' must be a string, got null",
    );
    expectValidationError(() => new ConfigBundle(env, 'e', 'x' as unknown as ConfigBundleProps), "config-bundle 'dev/e': 'props' must be an object, got \"x\"");
  });

  test('fails when two bundles claim the same ConfigMap name', () => {
    // GIVEN
    const env = newEnv();
    new ConfigBundle(env, 'app', { files: { a: 'b' } });

    // WHEN / THEN
    expectValidationError(
      () => new ConfigBundle(env, 'other', { name: 'app-files' }),
      "config-bundle 'dev/other': 'name' must be unique per kind in namespace 'dev': ConfigMap 'app-files' is already created by 'dev/app', got \"app-files\"",
    );
  });

  test('fails when a bundle is consumed by a WebApp of another Environment', () => {
    // GIVEN
    const app = Testing.app();
    const dev = new Environment(app, 'dev', { profile: Profiles.dev });
    const staging = new Environment(app, 'staging', { profile: Profiles.staging });
    const bundle = new ConfigBundle(dev, 'app-config');

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(staging, 'web', { image: 'app:1.0', config: [bundle] }),
      "web-app 'staging/web': 'config' must be a ConfigBundle of the same Environment, got \"dev/app-config\"",
    );
  });
});

describe('ConfigBundle inputs the API server rejects', () => {
  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in staging', () => {
    // GIVEN / WHEN / THEN: '<name>-staging' leaves 55 characters
    expect(() => new ConfigBundle(newEnv(Profiles.staging, 'staging'), 'c', { name: 'a'.repeat(55) })).not.toThrow();
    expectValidationError(
      () => new ConfigBundle(newEnv(Profiles.staging, 'staging'), 'c', { name: 'a'.repeat(57) }),
      `config-bundle 'staging/c': 'name' must be at most 55 characters in environment 'staging', so that the label app.kubernetes.io/instance '<name>-staging' fits in 63 characters, got "${'a'.repeat(57)}"`,
    );
  });

  test('fails in a long-named environment', () => {
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
    expectValidationError(
      () => new ConfigBundle(newEnv(profile, 'long'), 'c', { name: 'a'.repeat(43) }),
      `config-bundle 'long/c': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test.each(['.', '..'])('fails on the setting or file name %j, which a ConfigMap cannot hold', (key) => {
    const allowed =
      "must not be '.' or start with '..' (the API server rejects them as ConfigMap and Secret keys: a mounted volume keeps its own '..data' entries)";
    expectValidationError(() => new ConfigBundle(newEnv(), 'c', { settings: { [key]: 'x' } }), `config-bundle 'dev/c': 'settings' ${allowed}, got "${key}"`);
    expectValidationError(() => new ConfigBundle(newEnv(), 'c', { files: { [key]: 'x' } }), `config-bundle 'dev/c': 'files' ${allowed}, got "${key}"`);
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', { secrets: { TOKEN: { secretName: 's', key } } }),
      `config-bundle 'dev/c': 'secrets.TOKEN.key' ${allowed}, got "${key}"`,
    );
  });

  test('fails on files of more than 1 MiB in all, counted in UTF-8 bytes', () => {
    // GIVEN a bundle whose files hold 1 MiB less 1 byte
    const bundle = new ConfigBundle(newEnv(), 'c', { files: { 'a.txt': 'a'.repeat(1048575) } });

    // WHEN / THEN one more ASCII byte fits, a two-byte character does not
    expectValidationError(
      () => bundle.addFile('b.txt', 'é'),
      "config-bundle 'dev/c': 'files.b.txt' must keep the data of ConfigMap 'c-files' within 1048576 bytes (1 MiB, the API server's limit); it would hold 1048577, got \"é\"",
    );
    expect(() => bundle.addFile('c.txt', 'c')).not.toThrow();
    expect(Object.keys(bundle.files)).toStrictEqual(['a.txt', 'c.txt']);
  });

  test('fails on settings of more than 1 MiB in all', () => {
    // GIVEN
    const bundle = new ConfigBundle(newEnv(), 'c', { settings: { A: 'a'.repeat(1048576) } });

    // WHEN / THEN
    expectValidationError(
      () => bundle.addSetting('B', 'b'),
      "config-bundle 'dev/c': 'settings.B' must keep the data of ConfigMap 'c' within 1048576 bytes (1 MiB, the API server's limit); it would hold 1048577, got \"b\"",
    );
  });
});

describe('ConfigBundle and the gate ask the same secret question', () => {
  test.each([
    ['settings', { settings: { DB_PASSWORD: 'hunter2hunter2' } }, 'settings.DB_PASSWORD', 'a literal value, and its name says it is a secret'],
    ['settings', { settings: { UPSTREAM: 'https://u:hunter2hunter2@api.example.com' } }, 'settings.UPSTREAM', 'a URL with a literal password'],
    [
      'files',
      { files: { id_ed25519: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n' } },
      'files.id_ed25519',
      'an OpenSSH private key',
    ],
  ])('fails a literal secret in %s at construction, naming the prop but not the value', (_where, props, prop, why) => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'c', props),
      `config-bundle 'dev/c': '${prop}' must not hold a secret: it holds ${why}; put it in a Secret and reference it from 'secrets', got "<redacted>"`,
    );
  });
});

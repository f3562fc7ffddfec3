/**
 * The stack config accessors: pure functions, tested without Pulumi mocks.
 */
import { ENVIRONMENTS } from '../../apps/environments';
import { ConfigSource, StackConfigError, loadStackConfig } from '../../stacks/config';
import { stackFileConfig } from './harness';

const DIGEST = 'registry.example.com/three-tier/web@sha256:' + 'ab'.repeat(32);

/** A ConfigSource for `stack`: values by short key (objects JSON-encoded, as the CLI passes them). */
function source(values: Record<string, unknown>, opts: { stack?: string; secret?: string[] } = {}): ConfigSource {
  const wire: Record<string, string> = {};
  for (const [k, v] of Object.entries(values))
    if (v !== undefined) wire[k.includes(':') ? k : `three-tier:${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  return { project: 'three-tier', stack: opts.stack ?? 'dev', values: wire, secretKeys: new Set((opts.secret ?? []).map((k) => `three-tier:${k}`)) };
}

/** The smallest valid config of a building stack, plus `extra`. */
function building(extra: Record<string, unknown> = {}, opts: { stack?: string; secret?: string[] } = {}): ConfigSource {
  return source({ context: 'dev', registry: 'registry.example.com/three-tier', build: { tag: '1.2.3' }, ...extra }, opts);
}

function errorOf(f: () => unknown): StackConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof StackConfigError) return e;
    throw e;
  }
  throw new Error('expected a StackConfigError');
}

describe('loadStackConfig', () => {
  test('defaults: the dev stack file builds apps/web and keeps the dev profile', () => {
    // GIVEN Pulumi.dev.yaml as the CLI passes it
    const file = stackFileConfig('dev');
    // WHEN it is read
    const config = loadStackConfig({ project: 'three-tier', stack: 'dev', values: file.values, secretKeys: new Set() });
    // THEN every value is typed and every default resolved
    expect(config).toStrictEqual({
      project: 'three-tier',
      stack: 'dev',
      environment: 'dev',
      profile: ENVIRONMENTS.dev.profile,
      hosts: ['web.dev.example.com'],
      cluster: { context: 'dev', kubeconfig: undefined },
      image: {
        kind: 'build',
        registry: { prefix: 'registry.example.com/three-tier', server: 'registry.example.com', username: undefined, password: undefined },
        build: { context: 'apps/web', dockerfile: 'apps/web/Dockerfile', platform: 'linux/amd64', tag: '0.1.0' },
      },
    });
  });

  test('the prod stack file deploys a prebuilt image and keeps the prod profile', () => {
    const file = stackFileConfig('prod');
    const config = loadStackConfig({ project: 'three-tier', stack: 'prod', values: file.values, secretKeys: new Set() });
    expect(config.image).toEqual({ kind: 'prebuilt', reference: expect.stringMatching(/@sha256:[a-f0-9]{64}$/) });
    expect(config.profile).toStrictEqual(ENVIRONMENTS.prod.profile);
  });

  test('the staging stack file pushes with a registry user', () => {
    const file = stackFileConfig('staging');
    const values = { ...file.values, 'three-tier:registryPassword': 'token' };
    const config = loadStackConfig({ project: 'three-tier', stack: 'staging', values, secretKeys: new Set(['three-tier:registryPassword']) });
    expect(config.image.kind === 'build' && config.image.registry).toEqual({
      prefix: 'registry.example.com/three-tier',
      server: 'registry.example.com',
      username: { value: 'three-tier-ci', secret: false },
      password: { value: 'token', secret: true },
    });
  });

  test('ignores keys of other namespaces, such as pulumi:disable-default-providers', () => {
    expect(() => loadStackConfig(building({ 'pulumi:disable-default-providers': ['kubernetes'], 'kubernetes:context': 'x' }))).not.toThrow();
  });

  test('fails on an unknown key of the project, so that a typo is not ignored', () => {
    expect(errorOf(() => loadStackConfig(building({ namspace: 'x' }))).message).toBe(
      "stack 'dev': config 'three-tier:namspace' is not a setting of this program; the settings are 'environment', 'kubeconfig', 'context', 'namespace', 'hosts', 'registry', 'registryUsername', 'registryPassword', 'build', 'image', 'profile', 'secrets'\n" +
        '  fix: pulumi config rm three-tier:namspace --stack dev',
    );
  });

  describe('environment', () => {
    test('is the stack name by default', () => {
      expect(loadStackConfig(building({}, { stack: 'staging' })).environment).toBe('staging');
    });

    test('lets another stack name deploy a known environment', () => {
      const config = loadStackConfig(building({ environment: 'dev', namespace: 'three-tier-alice' }, { stack: 'dev-alice' }));
      expect(config.environment).toBe('dev');
      expect(config.profile.namespace).toBe('three-tier-alice');
    });

    test('fails when the stack name is not an environment and none is set', () => {
      expect(errorOf(() => loadStackConfig(building({}, { stack: 'dev-alice' }))).message).toBe(
        "stack 'dev-alice': config 'three-tier:environment' is missing; the stack name 'dev-alice' is not an environment, so it must name one of 'dev', 'staging', 'prod' (apps/environments.ts)\n" +
          '  fix: pulumi config set three-tier:environment dev --stack dev-alice',
      );
    });

    test('fails on an unknown environment', () => {
      expect(errorOf(() => loadStackConfig(building({ environment: 'qa' }))).message).toBe(
        "stack 'dev': config 'three-tier:environment' must be one of 'dev', 'staging', 'prod' (apps/environments.ts), got \"qa\"\n" +
          '  fix: pulumi config set three-tier:environment dev --stack dev',
      );
    });
  });

  describe('cluster', () => {
    test('accepts a kubeconfig path without a context', () => {
      expect(loadStackConfig(building({ context: undefined, kubeconfig: 'kit/.kube/config' })).cluster).toEqual({
        context: undefined,
        kubeconfig: { value: 'kit/.kube/config', secret: false },
      });
    });

    test('accepts kubeconfig content set as a secret', () => {
      const cluster = loadStackConfig(building({ kubeconfig: 'apiVersion: v1\nkind: Config\n' }, { secret: ['kubeconfig'] })).cluster;
      expect(cluster.kubeconfig).toEqual({ value: 'apiVersion: v1\nkind: Config\n', secret: true });
    });

    test('fails when neither a context nor a kubeconfig is set', () => {
      expect(errorOf(() => loadStackConfig(building({ context: undefined }))).message).toBe(
        "stack 'dev': config 'three-tier:context' is missing; name the stack's cluster with a kube context (or with 'three-tier:kubeconfig'), so that a deploy never goes to whatever cluster kubectl points at\n" +
          '  fix: pulumi config set three-tier:context <kube-context> --stack dev\n' +
          '  fix: pulumi config set three-tier:kubeconfig <path-to-kubeconfig> --stack dev',
      );
    });

    test('fails on a context with spaces', () => {
      expect(errorOf(() => loadStackConfig(building({ context: 'my cluster' }))).message).toBe(
        "stack 'dev': config 'three-tier:context' must be the name of a context in the kubeconfig (no spaces), got \"my cluster\"\n" +
          '  fix: pulumi config set three-tier:context <kube-context> --stack dev',
      );
    });

    test('fails on kubeconfig content that is not a secret, without printing it', () => {
      const message = errorOf(() => loadStackConfig(building({ kubeconfig: 'apiVersion: v1\ntoken: abc\n' }))).message;
      expect(message).toBe(
        "stack 'dev': config 'three-tier:kubeconfig' holds kubeconfig content, which carries cluster credentials, and must be set with --secret\n" +
          '  fix: pulumi config set --secret three-tier:kubeconfig "$(cat <kubeconfig>)" --stack dev',
      );
    });

    test("fails on a kubeconfig path starting with '~'", () => {
      expect(errorOf(() => loadStackConfig(building({ kubeconfig: '~/.kube/config' }))).message).toBe(
        "stack 'dev': config 'three-tier:kubeconfig' must be an absolute path or one relative to the project root ('~' is not expanded), got \"~/.kube/config\"\n" +
          '  fix: pulumi config set three-tier:kubeconfig <path> --stack dev',
      );
    });
  });

  describe('namespace and hosts', () => {
    test('override the profile namespace and the default host', () => {
      const config = loadStackConfig(building({ namespace: 'shop-dev', hosts: ['shop.dev.example.com', 'www.dev.example.com'] }));
      expect(config.profile).toStrictEqual({ ...ENVIRONMENTS.dev.profile, namespace: 'shop-dev' });
      expect(config.hosts).toEqual(['shop.dev.example.com', 'www.dev.example.com']);
    });

    test('leave the default host when hosts is not set', () => {
      expect(loadStackConfig(building()).hosts).toBeUndefined();
    });

    test('fails on a namespace that is not a DNS label', () => {
      expect(errorOf(() => loadStackConfig(building({ namespace: 'Shop_Dev' }))).message).toBe(
        "stack 'dev': config 'three-tier:namespace' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"Shop_Dev\"\n" +
          '  fix: pulumi config set three-tier:namespace <namespace> --stack dev',
      );
    });

    test('fails on hosts set as a plain string, pointing to --path', () => {
      expect(errorOf(() => loadStackConfig(building({ hosts: 'web.dev.example.com' }))).message).toBe(
        "stack 'dev': config 'three-tier:hosts' must be structured (set its fields with --path), got \"web.dev.example.com\"\n" +
          '  fix: pulumi config rm three-tier:hosts --stack dev\n' +
          "  fix: pulumi config set --path 'three-tier:hosts[0]' <host.example.com> --stack dev",
      );
    });

    test('fails on an empty list of hosts', () => {
      expect(errorOf(() => loadStackConfig(building({ hosts: [] }))).message).toBe(
        "stack 'dev': config 'three-tier:hosts' must be a non-empty list of host names, got []\n" +
          "  fix: pulumi config set --path 'three-tier:hosts[0]' <host.example.com> --stack dev",
      );
    });

    test('fails on a host that is not a host name, naming its index', () => {
      expect(errorOf(() => loadStackConfig(building({ hosts: ['web.dev.example.com', 'https://x.example.com'] }))).message).toBe(
        "stack 'dev': config 'three-tier:hosts[1]' must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path), got \"https://x.example.com\"\n" +
          "  fix: pulumi config set --path 'three-tier:hosts[1]' <host.example.com> --stack dev",
      );
    });

    test('fails on a repeated host', () => {
      expect(errorOf(() => loadStackConfig(building({ hosts: ['a.example.com', 'a.example.com'] }))).message).toMatch(
        /^stack 'dev': config 'three-tier:hosts\[1\]' must not repeat a host, got "a.example.com"/,
      );
    });
  });

  describe('prebuilt image', () => {
    test('is deployed as given, and no registry or build settings are needed', () => {
      expect(loadStackConfig(source({ context: 'dev', image: DIGEST })).image).toEqual({ kind: 'prebuilt', reference: DIGEST });
    });

    test.each([
      ['a tag', 'registry.example.com/three-tier/web:1.2.3'],
      ['latest', 'registry.example.com/three-tier/web:latest'],
      ['a short digest', 'registry.example.com/three-tier/web@sha256:abc'],
    ])('fails on an image pinned by %s instead of a digest', (_, image) => {
      expect(errorOf(() => loadStackConfig(source({ context: 'dev', image }, { stack: 'prod' }))).message).toBe(
        `stack 'prod': config 'three-tier:image' must be a prebuilt image pinned by digest, such as 'registry.example.com/team/web@sha256:<64 hex digits>', so that what runs is exactly what was tested, got "${image}"\n` +
          '  fix: pulumi config set three-tier:image <registry/app@sha256:digest> --stack prod',
      );
    });

    test('fails when build settings are set too', () => {
      expect(errorOf(() => loadStackConfig(building({ image: DIGEST }))).message).toBe(
        "stack 'dev': config 'three-tier:build' must not be set together with 'three-tier:image': a stack either builds the image or deploys a prebuilt one\n" +
          '  fix: pulumi config rm three-tier:build --stack dev\n' +
          '  fix: pulumi config rm three-tier:image --stack dev',
      );
    });
  });

  describe('build', () => {
    test('takes the Dockerfile from a custom context', () => {
      const image = loadStackConfig(building({ build: { tag: 'abc123', context: 'apps/api', platform: 'linux/arm64' } })).image;
      expect(image.kind === 'build' && image.build).toEqual({ context: 'apps/api', dockerfile: 'apps/api/Dockerfile', platform: 'linux/arm64', tag: 'abc123' });
    });

    test('accepts a tag typed as a number in YAML', () => {
      const image = loadStackConfig(building({ build: { tag: 7 } })).image;
      expect(image.kind === 'build' && image.build.tag).toBe('7');
    });

    test.each(['localhost:5000', 'localhost:5000/three-tier', 'registry:5000/a/b', 'ghcr.io/acme', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/three-tier'])(
      'accepts the registry %s',
      (registry) => {
        const image = loadStackConfig(building({ registry })).image;
        expect(image.kind === 'build' && image.registry.prefix).toBe(registry);
        expect(image.kind === 'build' && image.registry.server).toBe(registry.split('/')[0]);
      },
    );

    test.each([
      'https://registry.example.com',
      'registry.example.com/',
      'Registry.example.com',
      'registry.example.com/web:1.0',
      'registry',
      'registry example.com',
    ])('fails on the malformed registry %j', (registry) => {
      expect(errorOf(() => loadStackConfig(building({ registry }))).message).toBe(
        "stack 'dev': config 'three-tier:registry' must be a registry host with an optional port and path, such as 'registry.example.com/three-tier' or 'localhost:5000' (no scheme, tag or trailing slash), " +
          `got ${JSON.stringify(registry)}\n` +
          '  fix: pulumi config set three-tier:registry registry.example.com/three-tier --stack dev',
      );
    });

    test('fails when the registry is missing', () => {
      expect(errorOf(() => loadStackConfig(building({ registry: undefined }))).message).toBe(
        "stack 'dev': config 'three-tier:registry' is missing; it is where the stack pushes the image it builds (or set 'three-tier:image' to deploy a prebuilt image)\n" +
          '  fix: pulumi config set three-tier:registry registry.example.com/three-tier --stack dev',
      );
    });

    test('fails when neither a build tag nor an image is set', () => {
      expect(errorOf(() => loadStackConfig(building({ build: undefined }))).message).toBe(
        "stack 'dev': config 'three-tier:build.tag' is missing; the stack builds the image (no 'three-tier:image' is set) and pushes it with this tag\n" +
          '  fix: pulumi config set --path three-tier:build.tag <version-or-git-sha> --stack dev\n' +
          '  fix: pulumi config set three-tier:image <registry/app@sha256:digest> --stack dev',
      );
    });

    test("fails on the tag 'latest' in prod", () => {
      expect(errorOf(() => loadStackConfig(building({ build: { tag: 'latest' } }, { stack: 'prod' }))).message).toBe(
        "stack 'prod': config 'three-tier:build.tag' must not be 'latest' in a production environment ('prod'); tag builds with a version or a git SHA, got \"latest\"\n" +
          '  fix: pulumi config set --path three-tier:build.tag <tag> --stack prod',
      );
    });

    test("allows the tag 'latest' in dev, where the digest is deployed anyway", () => {
      const image = loadStackConfig(building({ build: { tag: 'latest' } })).image;
      expect(image.kind === 'build' && image.build.tag).toBe('latest');
    });

    test('fails on a malformed tag', () => {
      expect(errorOf(() => loadStackConfig(building({ build: { tag: 'v1 beta' } }))).message).toBe(
        "stack 'dev': config 'three-tier:build.tag' must be an image tag (letters, digits, '_', '.' and '-', at most 128 characters), got \"v1 beta\"\n" +
          '  fix: pulumi config set --path three-tier:build.tag <tag> --stack dev',
      );
    });

    test('fails on an absolute context, which would differ between machines', () => {
      expect(errorOf(() => loadStackConfig(building({ build: { tag: '1', context: '/home/me/app' } }))).message).toBe(
        "stack 'dev': config 'three-tier:build.context' must be a path relative to the project root, so that the state is the same on every machine, got \"/home/me/app\"\n" +
          '  fix: pulumi config set --path three-tier:build.context <context> --stack dev',
      );
    });

    test('fails on a malformed platform', () => {
      expect(errorOf(() => loadStackConfig(building({ build: { tag: '1', platform: 'amd64' } }))).message).toBe(
        "stack 'dev': config 'three-tier:build.platform' must be an OS/architecture such as 'linux/amd64' or 'linux/arm64', got \"amd64\"\n" +
          '  fix: pulumi config set --path three-tier:build.platform <platform> --stack dev',
      );
    });

    test('fails on an unknown build setting', () => {
      expect(errorOf(() => loadStackConfig(building({ build: { tag: '1', dockerFile: 'x' } }))).message).toBe(
        "stack 'dev': config 'three-tier:build.dockerFile' is not a build setting; the settings are 'context', 'dockerfile', 'platform' and 'tag'\n" +
          '  fix: pulumi config rm --path three-tier:build.dockerFile --stack dev',
      );
    });
  });

  describe('registry credentials', () => {
    test('fail on a user without a password', () => {
      expect(errorOf(() => loadStackConfig(building({ registryUsername: 'ci' }))).message).toBe(
        "stack 'dev': config 'three-tier:registryPassword' is missing; 'three-tier:registryUsername' is set, so the registry needs a password or token\n" +
          '  fix: pulumi config set --secret three-tier:registryPassword <password-or-token> --stack dev',
      );
    });

    test('fail on a password without a user', () => {
      expect(errorOf(() => loadStackConfig(building({ registryPassword: 'x' }, { secret: ['registryPassword'] }))).message).toBe(
        "stack 'dev': config 'three-tier:registryUsername' is missing; 'three-tier:registryPassword' is set, so the registry needs a user name\n" +
          '  fix: pulumi config set three-tier:registryUsername <user> --stack dev',
      );
    });

    test('fail on a password that is not a secret, without printing it', () => {
      const message = errorOf(() => loadStackConfig(building({ registryUsername: 'ci', registryPassword: 'hunter2' }))).message;
      expect(message).toBe(
        "stack 'dev': config 'three-tier:registryPassword' must be set with --secret, so that it is encrypted in the stack file and the state; it is stored in plain text now\n" +
          '  fix: pulumi config set --secret three-tier:registryPassword <password-or-token> --stack dev',
      );
      expect(message).not.toContain('hunter2');
    });
  });

  describe('profile overrides', () => {
    test('apply on top of the environment profile, resources merged per workload', () => {
      // GIVEN overrides as `pulumi config set --path` stores them (numbers and booleans as text)
      const profile = loadStackConfig(
        building({ profile: { replicas: '2', tls: 'true', resources: { web: { cpuLimit: 1, memoryLimit: '512Mi' } }, postgresStorage: '20Gi' } }),
      ).profile;
      // THEN they are typed and merged
      expect(profile).toStrictEqual({
        ...ENVIRONMENTS.dev.profile,
        replicas: 2,
        tls: true,
        postgresStorage: '20Gi',
        resources: { ...ENVIRONMENTS.dev.profile.resources, web: { ...ENVIRONMENTS.dev.profile.resources.web, cpuLimit: '1', memoryLimit: '512Mi' } },
      });
    });

    test('turn autoscaling off with false', () => {
      expect(loadStackConfig(building({ profile: { autoscaling: false } }, { stack: 'staging' })).profile.autoscaling).toBeUndefined();
    });

    test('set autoscaling bounds', () => {
      const profile = loadStackConfig(building({ profile: { autoscaling: { minReplicas: '2', maxReplicas: 4, targetCpuPercent: 70 } } })).profile;
      expect(profile.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 });
    });

    test('set the rollout timeout, from the string that `pulumi config set --path` stores', () => {
      expect(loadStackConfig(building({ profile: { rolloutTimeoutSeconds: '45' } }, { stack: 'prod' })).profile.rolloutTimeoutSeconds).toBe(45);
    });

    test('fail on a rollout timeout of 0, naming the nested key', () => {
      expect(errorOf(() => loadStackConfig(building({ profile: { rolloutTimeoutSeconds: '0' } }))).message).toBe(
        "stack 'dev': config 'three-tier:profile.rolloutTimeoutSeconds' must be an integer >= 1, got 0\n" +
          '  fix: pulumi config set --path three-tier:profile.rolloutTimeoutSeconds <value> --stack dev',
      );
    });

    test('fail on a value the profile rejects, naming the nested key', () => {
      expect(errorOf(() => loadStackConfig(building({ profile: { replicas: 0 } }))).message).toBe(
        "stack 'dev': config 'three-tier:profile.replicas' must be an integer >= 1, got 0\n" +
          '  fix: pulumi config set --path three-tier:profile.replicas <value> --stack dev',
      );
    });

    test('fail on a resource request above its limit', () => {
      expect(errorOf(() => loadStackConfig(building({ profile: { resources: { web: { cpuRequest: '2' } } } }))).message).toBe(
        "stack 'dev': config 'three-tier:profile.resources.web.cpuRequest' must not exceed cpuLimit 250m, got \"2\"\n" +
          '  fix: pulumi config set --path three-tier:profile.resources.web.cpuRequest <value> --stack dev',
      );
    });

    test.each([
      [
        'production',
        "the fields are 'replicas', 'autoscaling', 'resources', 'postgresStorage', 'redisStorage', 'zoneSpread', 'domain', 'tls', 'rolloutTimeoutSeconds'",
      ],
      ['namespace', "the namespace is set with 'three-tier:namespace'"],
    ])('fail on the field %s, which a stack does not override', (field, why) => {
      expect(errorOf(() => loadStackConfig(building({ profile: { [field]: 'x' } }))).message).toBe(
        `stack 'dev': config 'three-tier:profile.${field}' is not a profile override; ${why}\n` +
          `  fix: pulumi config rm --path three-tier:profile.${field} --stack dev`,
      );
    });
  });
});

import { Profiles, RedisCache, RedisCacheProps, WebApp, defineProfile, redisBytes } from 'kubestack';
import { K8sObject, container, danglingMounts, expectValidationError, find, ids, newEnv, ofKind, podSpec, synthObjects } from './util';

function synthRedis(props: RedisCacheProps = {}, profile = Profiles.dev) {
  const env = newEnv(profile, profile.name);
  const redis = new RedisCache(env, 'redis', props);
  return { env, redis, objs: synthObjects(env) };
}

const argValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('RedisCache', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const redis = new RedisCache(env, 'redis');

    // THEN
    const labels = {
      'app.kubernetes.io/name': 'redis',
      'app.kubernetes.io/instance': 'redis-dev',
      'app.kubernetes.io/component': 'cache',
      'app.kubernetes.io/part-of': 'app',
      'app.kubernetes.io/managed-by': 'kubestack',
    };
    const selector = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'redis-dev' };
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'redis',
          namespace: 'dev',
          labels,
          annotations: {
            'kube-score/ignore':
              'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id,deployment-replicas',
          },
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'redis',
                  image: 'redis:7.4.2-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['redis-server'],
                  args: ['--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no', '--save', ''],
                  ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
                  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '320Mi' } },
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 999,
                    runAsGroup: 999,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ['ALL'] },
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  readinessProbe: {
                    exec: { command: ['sh', '-c', 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG'] },
                    initialDelaySeconds: 2,
                    periodSeconds: 5,
                    timeoutSeconds: 5,
                    failureThreshold: 3,
                  },
                  livenessProbe: { tcpSocket: { port: 'redis' }, initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'data', emptyDir: { sizeLimit: '64Mi' } },
                { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'redis', namespace: 'dev', labels },
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'redis', namespace: 'dev', labels },
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'] },
      },
    ]);
    expect(redis.name).toBe('redis');
    expect(redis.host).toBe('redis');
    expect(redis.port).toBe(6379);
    expect(redis.maxmemory).toBe('256mb');
    expect(redis.maxmemoryPolicy).toBe('allkeys-lru');
    expect(redis.passwordSecret).toBeUndefined();
    expect(redis.persistence).toBe(false);
    expect(redis.storage).toBe(Profiles.dev.redisStorage);
    expect(redis.runAsUser).toBe(999);
    expect(redis.url).toBe('redis://redis:6379');
    expect(redis.clients).toStrictEqual([]);
    expect(env.requiredSecrets).toStrictEqual([]);
  });

  test('with no client, the NetworkPolicy has no ingress rule, which denies all ingress', () => {
    const policy = find(synthRedis().objs, 'NetworkPolicy', 'redis');
    expect(policy.spec).not.toHaveProperty('ingress');
    expect(policy.spec.policyTypes).toContain('Ingress');
  });

  test('a wired client is admitted on 6379 only', () => {
    // GIVEN
    const env = newEnv();
    const redis = new RedisCache(env, 'redis');
    const web = new WebApp(env, 'web', { image: 'app:1.0' });

    // WHEN
    web.connect(redis);

    // THEN
    expect(find(synthObjects(env), 'NetworkPolicy', 'redis').spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: web.selector } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
    expect(redis.clients).toStrictEqual([{ path: 'dev/web', name: 'web', selector: web.selector }]);
  });

  test('maxmemory and maxmemoryPolicy are passed to redis-server', () => {
    // GIVEN / WHEN
    const { objs } = synthRedis({ maxmemory: '100mb', maxmemoryPolicy: 'volatile-ttl' });
    const args: string[] = container(find(objs, 'Deployment', 'redis')).args;

    // THEN
    expect(argValue(args, '--maxmemory')).toBe('100mb');
    expect(argValue(args, '--maxmemory-policy')).toBe('volatile-ttl');
  });

  test('passwordSecret starts Redis with --requirepass from the Secret and gives clients REDIS_PASSWORD', () => {
    // GIVEN / WHEN
    const { objs, redis, env } = synthRedis({ passwordSecret: { secretName: 'redis-auth', key: 'password' } });
    const c = container(find(objs, 'Deployment', 'redis'));

    // THEN
    expect(argValue(c.args, '--requirepass')).toBe('$(REDIS_PASSWORD)');
    expect(c.env).toStrictEqual([
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
      { name: 'REDISCLI_AUTH', value: '$(REDIS_PASSWORD)' },
    ]);
    expect(JSON.stringify(c.readinessProbe)).not.toContain('-a ');
    expect(redis.url).toBe('redis://:$(REDIS_PASSWORD)@redis:6379');
    expect(redis.connectionEnv().map((e) => e.name)).toStrictEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_URL']);
    expect(env.requiredSecrets).toStrictEqual([{ secretName: 'redis-auth', keys: ['password'], requiredBy: 'dev/redis', urlKeys: ['password'] }]);
  });

  test('persistence runs a StatefulSet with appendonly on a claim, governed by a headless Service', () => {
    // GIVEN / WHEN
    const { objs, redis } = synthRedis({ persistence: true, storage: '4Gi' });

    // THEN
    expect(ofKind(objs, 'Deployment')).toStrictEqual([]);
    const sts = find(objs, 'StatefulSet', 'redis');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates).toStrictEqual([
      {
        metadata: { name: 'data', labels: redis.selector },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Gi' } } },
      },
    ]);
    const args: string[] = container(sts).args;
    expect(argValue(args, '--appendonly')).toBe('yes');
    expect(args).not.toContain('--save');
    expect(podSpec(sts).volumes.map((v: K8sObject) => v.name)).toStrictEqual(['tmp']);
    expect(container(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(podSpec(sts).securityContext).toMatchObject({ fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' });
    const governing = find(objs, 'Service', sts.spec.serviceName);
    expect(governing.spec.clusterIP).toBe('None');
    expect(governing.spec.selector).toStrictEqual(redis.selector);
    expect(find(objs, 'Service', 'redis').spec.type).toBe('ClusterIP');
    expect(danglingMounts(objs)).toStrictEqual([]);
  });

  test('with persistence, the headless Service follows the StatefulSet and the pod mounts the claim at /data and a scratch /tmp', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const redis = new RedisCache(env, 'redis', { persistence: true, passwordSecret: { secretName: 'redis-auth', key: 'password' } });
    const objs = synthObjects(env);

    // THEN
    expect(ids(objs.slice(1))).toStrictEqual(['StatefulSet/redis', 'Service/redis-headless', 'Service/redis', 'NetworkPolicy/redis']);
    const sts = find(objs, 'StatefulSet', 'redis');
    expect(sts.spec.serviceName).toBe('redis-headless');
    expect(sts.spec.template.metadata).toStrictEqual({ labels: find(objs, 'Service', 'redis').metadata.labels });
    expect(podSpec(sts).volumes).toStrictEqual([{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }]);
    expect(container(sts).volumeMounts).toStrictEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(container(sts).env).toStrictEqual([
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
      { name: 'REDISCLI_AUTH', value: '$(REDIS_PASSWORD)' },
    ]);
    expect(podSpec(sts).securityContext).toStrictEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const headless = find(objs, 'Service', 'redis-headless');
    expect(headless.spec).toStrictEqual({
      clusterIP: 'None',
      selector: redis.selector,
      ports: [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }],
    });
  });

  test('persistence storage defaults to the profile redisStorage', () => {
    const sts = find(synthRedis({ persistence: true }, Profiles.staging).objs, 'StatefulSet', 'redis');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(Profiles.staging.redisStorage);
  });

  test('without persistence, /data is a bounded emptyDir and snapshots are off', () => {
    // GIVEN / WHEN
    const d = find(synthRedis().objs, 'Deployment', 'redis');

    // THEN
    expect(podSpec(d).volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '64Mi' } });
    expect(argValue(container(d).args, '--save')).toBe('');
    expect(argValue(container(d).args, '--appendonly')).toBe('no');
  });

  test('name renames every object', () => {
    const env = newEnv();
    new RedisCache(env, 'Cache', { name: 'sessions' });
    expect(ids(synthObjects(env).slice(1))).toStrictEqual(['Deployment/sessions', 'Service/sessions', 'NetworkPolicy/sessions']);
  });

  test('redisBytes reads Redis units: kb/mb/gb are powers of 1024 and k/m/g of 1000', () => {
    expect(redisBytes('256mb')).toBe(256 * 1024 ** 2);
    expect(redisBytes('1gb')).toBe(1024 ** 3);
    expect(redisBytes('1GB')).toBe(1024 ** 3);
    expect(redisBytes('2k')).toBe(2000);
    expect(redisBytes('100')).toBe(100);
    expect(redisBytes('1tb')).toBeNaN();
  });
});

describe('RedisCache validation', () => {
  const build =
    (props: RedisCacheProps, profile = Profiles.dev) =>
    () =>
      synthRedis(props, profile);

  test('fails on a name that is not a DNS-1123 label', () => {
    expectValidationError(
      build({ name: 'Redis' }),
      "redis-cache 'dev/redis': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 54 characters), got \"Redis\"",
    );
  });

  test('fails on a maxmemory that is not a Redis size', () => {
    for (const maxmemory of ['256MiB', '0mb', '-1mb', 'lots', '']) {
      expectValidationError(
        build({ maxmemory }),
        `redis-cache 'dev/redis': 'maxmemory' must be a Redis memory size such as '256mb' or '1gb', got "${maxmemory}"`,
      );
    }
  });

  test('fails on a maxmemory at or above the container memory limit', () => {
    expectValidationError(
      build({ maxmemory: '320mb' }),
      "redis-cache 'dev/redis': 'maxmemory' must be below the container memory limit (320Mi), or Redis is OOM-killed before it evicts, got \"320mb\"",
    );
    expect(build({ maxmemory: '319mb' })).not.toThrow();
  });

  test('fails on an unknown eviction policy', () => {
    expectValidationError(
      build({ maxmemoryPolicy: 'lru' as 'allkeys-lru' }),
      "redis-cache 'dev/redis': 'maxmemoryPolicy' must be one of 'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', got \"lru\"",
    );
  });

  test('fails on a storage size such as 1GB', () => {
    expectValidationError(
      build({ persistence: true, storage: '1GB' }),
      "redis-cache 'dev/redis': 'storage' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"1GB\"",
    );
  });

  test('fails on a password reference with a bad Secret name or key', () => {
    expectValidationError(
      build({ passwordSecret: { secretName: 'Redis Auth', key: 'password' } }),
      "redis-cache 'dev/redis': 'passwordSecret.secretName' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"Redis Auth\"",
    );
    expectValidationError(
      build({ passwordSecret: { secretName: 'redis-auth', key: 'pass/word' } }),
      "redis-cache 'dev/redis': 'passwordSecret.key' must be a ConfigMap key (letters, digits, '-', '_' and '.'), got \"pass/word\"",
    );
  });

  test('fails on latest or untagged images in production', () => {
    for (const image of ['redis', 'redis:latest']) {
      expectValidationError(
        build({ image }, Profiles.prod),
        `redis-cache 'prod/redis': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (${image.endsWith(':latest') ? "tagged 'latest'" : 'untagged'}), got "${image}"`,
      );
    }
  });

  test('fails on values of the wrong JavaScript type with a ValidationError, not a TypeError', () => {
    const cases: [RedisCacheProps, string][] = [
      [{ maxmemory: 256 as unknown as string }, "'maxmemory' must be a Redis memory size such as '256mb' or '1gb', got 256"],
      [{ persistence: 'yes' as unknown as boolean }, '\'persistence\' must be true or false, got "yes"'],
      [{ passwordSecret: 'redis-auth' as never }, '\'passwordSecret\' must be an object, got "redis-auth"'],
      [{ passwordSecret: null as never }, "'passwordSecret' must be an object, got null"],
      [{ runAsUser: -1 }, "'runAsUser' must be a non-zero UID (an integer >= 1), got -1"],
      [{ resources: [] as never }, "'resources' must be an object, got []"],
      [{ image: '' }, "'image' must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>', got \"\""],
    ];
    for (const [props, message] of cases) expectValidationError(build(props), `redis-cache 'dev/redis': ${message}`);
  });

  test('fails when its name is already taken', () => {
    // GIVEN
    const env = newEnv();
    new WebApp(env, 'web', { image: 'app:1.0', name: 'cache' });

    // WHEN / THEN
    expectValidationError(
      () => new RedisCache(env, 'cache'),
      "redis-cache 'dev/cache': 'name' must be unique per kind in namespace 'dev': Deployment 'cache' is already created by 'dev/web', got \"cache\"",
    );
  });

  test('fails, with persistence only, when its headless Service name is already taken', () => {
    // GIVEN
    const env = newEnv();
    new WebApp(env, 'web', { image: 'app:1.0', name: 'cache-headless' });
    new WebApp(env, 'api', { image: 'app:1.0', name: 'orders-headless' });

    // WHEN / THEN
    expect(() => new RedisCache(env, 'cache')).not.toThrow();
    expectValidationError(
      () => new RedisCache(env, 'orders', { persistence: true }),
      "redis-cache 'dev/orders': 'name' must be unique per kind in namespace 'dev': Service 'orders-headless' is already created by 'dev/api', got \"orders-headless\"",
    );
  });
});

describe('RedisCache inputs the API server or the StatefulSet controller reject', () => {
  test('fails on a name longer than 52 characters with persistence, which makes it a StatefulSet', () => {
    // GIVEN / WHEN / THEN: a Deployment may have 54 characters, a StatefulSet 52
    expect(() => new RedisCache(newEnv(), 'redis', { name: 'a'.repeat(54) })).not.toThrow();
    expect(() => new RedisCache(newEnv(), 'redis', { name: 'a'.repeat(52), persistence: true })).not.toThrow();
    expectValidationError(
      () => new RedisCache(newEnv(), 'redis', { name: 'a'.repeat(53), persistence: true }),
      `redis-cache 'dev/redis': 'name' must be at most 52 characters for a StatefulSet, whose controller labels each pod controller-revision-hash '<name>-<hash of up to 10 characters>', which must fit in 63, got "${'a'.repeat(53)}"`,
    );
  });

  test('fails on a name that starts with a digit, which a Service name cannot', () => {
    expectValidationError(
      () => new RedisCache(newEnv(), 'redis', { name: '0cache' }),
      "redis-cache 'dev/redis': 'name' must start with a letter: it names a Service, whose name the API server requires to be a DNS-1035 label, got \"0cache\"",
    );
  });

  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
    expectValidationError(
      () => new RedisCache(newEnv(profile, 'long'), 'redis', { name: 'a'.repeat(43) }),
      `redis-cache 'long/redis': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test("fails on a password key '.' or '..', which a Secret cannot hold", () => {
    expectValidationError(
      () => new RedisCache(newEnv(), 'redis', { passwordSecret: { secretName: 'redis-auth', key: '..' } }),
      "redis-cache 'dev/redis': 'passwordSecret.key' must not be '.' or start with '..' (the API server rejects them as ConfigMap and Secret keys: a mounted volume keeps its own '..data' entries), got \"..\"",
    );
  });
});

describe('RedisCache data protection', () => {
  test('with persistence in prod, the StatefulSet is marked protected, retains its claim, and Argo CD keeps the claim', () => {
    // GIVEN / WHEN
    const env = newEnv(Profiles.prod, 'prod');
    const redis = new RedisCache(env, 'redis', { persistence: true });
    const sts = find(synthObjects(env), 'StatefulSet', 'redis');
    // THEN
    expect(redis.protectData).toBe(true);
    expect(sts.metadata.annotations['kubestack.io/protect']).toBe('true');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toStrictEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  test('without persistence there is nothing to protect, and protectData: false turns it off', () => {
    const env = newEnv(Profiles.prod, 'prod');
    expect(new RedisCache(env, 'cache').protectData).toBe(false);
    const off = new RedisCache(env, 'kept', { persistence: true, protectData: false });
    expect(off.protectData).toBe(false);
    const sts = find(synthObjects(env), 'StatefulSet', 'kept');
    expect(sts.metadata.annotations['kubestack.io/protect']).toBeUndefined();
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
  });
});

import { EnvironmentProfile, Profiles, defineProfile, validateProfile } from '../lib';
import { expectValidationError } from './util';

describe('Profiles', () => {
  test.each(['dev', 'staging', 'prod'] as const)('the built-in %s profile is valid and named after itself', (name) => {
    // GIVEN
    const profile = Profiles[name];

    // WHEN / THEN
    expect(() => validateProfile(profile)).not.toThrow();
    expect(profile.name).toBe(name);
    expect(profile.namespace).toBe(name);
  });

  test('only prod is a production profile, and it scales, spreads across zones and terminates TLS', () => {
    expect([Profiles.dev.production, Profiles.staging.production, Profiles.prod.production]).toStrictEqual([false, false, true]);
    expect(Profiles.prod.autoscaling).toStrictEqual({ minReplicas: 3, maxReplicas: 10, targetCpuPercent: 50 });
    expect(Profiles.prod.replicas).toBe(3);
    expect(Profiles.prod.zoneSpread).toBe(true);
    expect(Profiles.prod.tls).toBe(true);
  });

  test('dev runs one replica without autoscaling, TLS or zone spread', () => {
    expect(Profiles.dev.replicas).toBe(1);
    expect(Profiles.dev.autoscaling).toBeUndefined();
    expect(Profiles.dev.tls).toBe(false);
    expect(Profiles.dev.zoneSpread).toBe(false);
  });
});

describe('defineProfile', () => {
  test('overrides top-level fields and keeps the rest of the base', () => {
    // GIVEN / WHEN
    const profile = defineProfile(Profiles.prod, { name: 'prod-eu', namespace: 'shop-prod-eu', domain: 'eu.example.com' });

    // THEN
    expect(profile).toStrictEqual({ ...Profiles.prod, name: 'prod-eu', namespace: 'shop-prod-eu', domain: 'eu.example.com' });
  });

  test('replaces resources per workload kind and keeps the other kinds', () => {
    // GIVEN
    const web = { cpuRequest: '1', memoryRequest: '1Gi', cpuLimit: '2', memoryLimit: '2Gi' };

    // WHEN
    const profile = defineProfile(Profiles.dev, { resources: { web } });

    // THEN
    expect(profile.resources).toStrictEqual({ web, postgres: Profiles.dev.resources.postgres, redis: Profiles.dev.resources.redis });
  });

  test('does not change the base profile', () => {
    // GIVEN
    const before = JSON.stringify(Profiles.dev);

    // WHEN
    defineProfile(Profiles.dev, { replicas: 4, resources: { web: Profiles.prod.resources.web } });

    // THEN
    expect(JSON.stringify(Profiles.dev)).toBe(before);
  });

  test('can turn autoscaling off with undefined', () => {
    expect(defineProfile(Profiles.prod, { autoscaling: undefined }).autoscaling).toBeUndefined();
  });

  test('fails on a name that is not a DNS-1123 label', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { name: 'Dev_1' }),
      "environment-profile 'Dev_1': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"Dev_1\"",
    );
  });

  test('fails on a namespace that is not a DNS-1123 label', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { namespace: 'my.ns' }),
      "environment-profile 'dev': 'namespace' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"my.ns\"",
    );
  });

  test('fails on zero, negative, fractional or string replicas', () => {
    for (const [replicas, shown] of [
      [0, '0'],
      [-1, '-1'],
      [1.5, '1.5'],
      ['3', '"3"'],
    ] as const) {
      expectValidationError(
        () => defineProfile(Profiles.dev, { replicas: replicas as number }),
        `environment-profile 'dev': 'replicas' must be an integer >= 1, got ${shown}`,
      );
    }
  });

  test('fails on a storage size such as 10GB', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { postgresStorage: '10GB' }),
      "environment-profile 'dev': 'postgresStorage' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"10GB\"",
    );
    expectValidationError(
      () => defineProfile(Profiles.dev, { redisStorage: '1 Gi' }),
      "environment-profile 'dev': 'redisStorage' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"1 Gi\"",
    );
  });

  test('fails on a domain that is not a hostname', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { domain: 'https://example.com' }),
      "environment-profile 'dev': 'domain' must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path), got \"https://example.com\"",
    );
  });

  test('fails on flags that are not booleans', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { production: 'yes' as unknown as boolean }),
      "environment-profile 'dev': 'production' must be true or false, got \"yes\"",
    );
    expectValidationError(() => defineProfile(Profiles.dev, { tls: 1 as unknown as boolean }), "environment-profile 'dev': 'tls' must be true or false, got 1");
    expectValidationError(
      () => defineProfile(Profiles.dev, { zoneSpread: undefined }),
      "environment-profile 'dev': 'zoneSpread' must be true or false, got undefined",
    );
  });

  test('fails on a resource quantity such as 512MB', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { web: { ...Profiles.dev.resources.web, memoryLimit: '512MB' } } }),
      "environment-profile 'dev': 'resources.web.memoryLimit' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"512MB\"",
    );
  });

  test('fails when a request exceeds its limit', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { postgres: { cpuRequest: '2', memoryRequest: '1Gi', cpuLimit: '500m', memoryLimit: '2Gi' } } }),
      "environment-profile 'dev': 'resources.postgres.cpuRequest' must not exceed cpuLimit 500m, got \"2\"",
    );
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { redis: { cpuRequest: '100m', memoryRequest: '1Gi', cpuLimit: '500m', memoryLimit: '512Mi' } } }),
      "environment-profile 'dev': 'resources.redis.memoryRequest' must not exceed memoryLimit 512Mi, got \"1Gi\"",
    );
  });

  test('fails on a missing resource spec instead of throwing a TypeError', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { web: null as unknown as EnvironmentProfile['resources']['web'] } }),
      "environment-profile 'dev': 'resources.web' must be an object, got null",
    );
  });

  test('fails when autoscaling has min above max', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { autoscaling: { minReplicas: 5, maxReplicas: 2, targetCpuPercent: 50 } }),
      "environment-profile 'dev': 'autoscaling.minReplicas' must not exceed maxReplicas (2), got 5",
    );
  });

  test('fails on a CPU target outside 1 to 100 percent', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuPercent: 101 } }),
      "environment-profile 'dev': 'autoscaling.targetCpuPercent' must be an integer from 1 to 100, got 101",
    );
  });

  test('fails on a profile that is not an object', () => {
    expectValidationError(
      () => validateProfile(null as unknown as EnvironmentProfile),
      "environment-profile 'undefined': 'profile' must be an object, got null",
    );
  });
});

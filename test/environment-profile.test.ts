import { Testing } from 'cdk8s';
import { Environment, EnvironmentProfile, ProfileOverrides, Profiles, WebApp, defineProfile, validateProfile } from 'kubestack';
import { expectValidationError, thrown } from './util';

/** Paths of the objects below `value` (itself included) that are not frozen. */
function unfrozenPaths(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const own = Object.isFrozen(value) ? [] : [path];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => unfrozenPaths(v, `${path}.${k}`))];
}

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

  test('rollouts fail after 120 s without progress in dev, 300 s in staging and 600 s (the Kubernetes default) in prod', () => {
    expect([Profiles.dev.rolloutTimeoutSeconds, Profiles.staging.rolloutTimeoutSeconds, Profiles.prod.rolloutTimeoutSeconds]).toStrictEqual([120, 300, 600]);
  });

  test('the Profiles object, every built-in profile and every nested spec are frozen', () => {
    expect(unfrozenPaths(Profiles, 'Profiles')).toStrictEqual([]);
  });

  test('assigning Profiles.prod.production throws a TypeError and leaves prod a production profile', () => {
    // GIVEN
    const prod = Profiles.prod as { production: boolean };

    // WHEN
    const error = thrown(() => {
      prod.production = false;
    });

    // THEN
    expect(error).toBeInstanceOf(TypeError);
    expect(Profiles.prod.production).toBe(true);
  });

  test('assigning Profiles.prod.resources.web.cpuLimit throws a TypeError and leaves the limit unchanged', () => {
    // GIVEN
    const web = Profiles.prod.resources.web as { cpuLimit: string };

    // WHEN
    const error = thrown(() => {
      web.cpuLimit = '100';
    });

    // THEN
    expect(error).toBeInstanceOf(TypeError);
    expect(Profiles.prod.resources.web.cpuLimit).toBe('1');
  });

  test('replacing a built-in profile throws a TypeError and leaves it in place', () => {
    // GIVEN
    const profiles = Profiles as { prod: EnvironmentProfile };

    // WHEN
    const error = thrown(() => {
      profiles.prod = Profiles.dev;
    });

    // THEN
    expect(error).toBeInstanceOf(TypeError);
    expect(Profiles.prod.name).toBe('prod');
  });

  test('a prod Environment created after an attempt to turn production off still enforces the production rules', () => {
    // GIVEN: Reflect.set reports a refused assignment instead of throwing
    Reflect.set(Profiles.prod, 'production', false);

    // WHEN
    const env = new Environment(Testing.app(), 'prod', { profile: Profiles.prod });

    // THEN
    expect(env.profile.production).toBe(true);
    expectValidationError(
      () => new WebApp(env, 'web', { image: 'nginx:latest' }),
      "web-app 'prod/web': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (tagged 'latest'), got \"nginx:latest\"",
    );
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
    expect(profile.resources).toStrictEqual({ ...Profiles.dev.resources, web });
    expect(Object.keys(profile.resources)).toEqual(['web', 'postgres', 'redis', 'worker', 'job']);
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

  test('returns a deeply frozen profile, so that a derived profile cannot be bent either', () => {
    // GIVEN / WHEN
    const profile = defineProfile(Profiles.prod, { name: 'prod-eu', resources: { web: { ...Profiles.prod.resources.web } } });

    // THEN
    expect(unfrozenPaths(profile, 'profile')).toStrictEqual([]);
    expect(
      thrown(() => {
        (profile as { production: boolean }).production = false;
      }),
    ).toBeInstanceOf(TypeError);
    expect(
      thrown(() => {
        (profile.resources.web as { cpuLimit: string }).cpuLimit = '100';
      }),
    ).toBeInstanceOf(TypeError);
    expect(profile.production).toBe(true);
    expect(profile.resources.web.cpuLimit).toBe('1');
  });

  test('neither freezes nor shares the objects passed as overrides', () => {
    // GIVEN
    const web = { cpuRequest: '1', memoryRequest: '1Gi', cpuLimit: '2', memoryLimit: '2Gi' };
    const autoscaling = { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 };

    // WHEN
    const profile = defineProfile(Profiles.dev, { autoscaling, resources: { web } });

    // THEN
    expect(Object.isFrozen(web) || Object.isFrozen(autoscaling)).toBe(false);
    expect(profile.resources.web).not.toBe(web);
    expect(profile.autoscaling).not.toBe(autoscaling);
    expect(profile.resources.web).toStrictEqual(web);
    expect(profile.autoscaling).toStrictEqual(autoscaling);
  });

  test('fails on a misspelt field and suggests the nearest one', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { replcas: 2 } as ProfileOverrides),
      "environment-profile 'dev': 'replcas' is not a profile field (did you mean 'replicas'?), got 2",
    );
  });

  test('fails on an unknown field that resembles none and lists the fields', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { storage: '20Gi' } as ProfileOverrides),
      "environment-profile 'dev': 'storage' is not a profile field (the fields are 'name', 'namespace', 'production', 'replicas', 'autoscaling', 'resources', 'postgresStorage', 'redisStorage', 'zoneSpread', 'domain', 'tls', 'rolloutTimeoutSeconds'), got \"20Gi\"",
    );
  });

  test('fails on a misspelt field in resources.web and suggests the nearest one', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { web: { ...Profiles.dev.resources.web, cpuLimt: '1' } as EnvironmentProfile['resources']['web'] } }),
      "environment-profile 'dev': 'resources.web.cpuLimt' is not a ResourceSpec field (did you mean 'cpuLimit'?), got \"1\"",
    );
  });

  test('fails on an unknown workload kind in resources and lists the kinds', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { cache: Profiles.dev.resources.redis } as ProfileOverrides['resources'] }),
      'environment-profile \'dev\': \'resources.cache\' is not a workload kind (the kinds are \'web\', \'postgres\', \'redis\', \'worker\', \'job\'), got {"cpuRequest":"50m","memoryRequest":"64Mi","cpuLimit":"250m","memoryLimit":"320Mi"}',
    );
  });

  test('fails on a misspelt workload kind and suggests the nearest one', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { postgress: Profiles.prod.resources.postgres } as ProfileOverrides['resources'] }),
      'environment-profile \'dev\': \'resources.postgress\' is not a workload kind (did you mean \'postgres\'?), got {"cpuRequest":"500m","memoryRequest":"1Gi","cpuLimit":"2","memoryLimit":"2Gi"}',
    );
  });

  test('fails on a misspelt autoscaling field and suggests the nearest one', () => {
    expectValidationError(
      () =>
        defineProfile(Profiles.prod, { autoscaling: { minReplicas: 3, maxReplica: 10, targetCpuPercent: 50 } as unknown as EnvironmentProfile['autoscaling'] }),
      "environment-profile 'prod': 'autoscaling.maxReplica' is not an AutoscalingSpec field (did you mean 'maxReplicas'?), got 10",
    );
  });

  test('fails on a missing base instead of throwing a TypeError', () => {
    expectValidationError(
      () => defineProfile(undefined as unknown as EnvironmentProfile),
      "environment-profile '<unnamed>': 'base' must be an EnvironmentProfile such as Profiles.dev, got undefined",
    );
  });

  test('fails on a base that is the name of a profile rather than the profile', () => {
    expectValidationError(
      () => defineProfile('prod' as unknown as EnvironmentProfile),
      "environment-profile '<unnamed>': 'base' must be an EnvironmentProfile such as Profiles.dev, got \"prod\"",
    );
  });

  test('fails on null overrides instead of throwing a TypeError', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, null as unknown as ProfileOverrides),
      "environment-profile 'dev': 'overrides' must be an object of profile fields such as { replicas: 2 }, got null",
    );
  });

  test('fails on overrides given as an array', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, [{ replicas: 2 }] as unknown as ProfileOverrides),
      "environment-profile 'dev': 'overrides' must be an object of profile fields such as { replicas: 2 }, got [{\"replicas\":2}]",
    );
  });

  test('fails on null resources instead of ignoring them', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: null as unknown as ProfileOverrides['resources'] }),
      "environment-profile 'dev': 'resources' must be an object, got null",
    );
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

  test('fails on a rollout timeout that is not an int32 >= 1', () => {
    for (const [value, problem] of [
      [0, 'must be an integer >= 1, got 0'],
      [-30, 'must be an integer >= 1, got -30'],
      [2.5, 'must be an integer >= 1, got 2.5'],
      ['60', 'must be an integer >= 1, got "60"'],
      [2 ** 31, 'must be at most 2147483647 (the API server stores it in an int32), got 2147483648'],
    ] as const) {
      expectValidationError(
        () => defineProfile(Profiles.dev, { rolloutTimeoutSeconds: value as number }),
        `environment-profile 'dev': 'rolloutTimeoutSeconds' ${problem}`,
      );
    }
    expect(defineProfile(Profiles.prod, { rolloutTimeoutSeconds: 30 }).rolloutTimeoutSeconds).toBe(30);
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
      "environment-profile '<unnamed>': 'profile' must be an object, got null",
    );
  });
});

describe('validateProfile', () => {
  test('fails on a profile literal with a misspelt field, as an Environment receives it', () => {
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', { profile: { ...Profiles.dev, tsl: true } as EnvironmentProfile }),
      "environment-profile 'dev': 'tsl' is not a profile field (did you mean 'tls'?), got true",
    );
  });
});

describe('resource comparisons are exact', () => {
  test('accepts a request equal to its limit in other units', () => {
    expect(() =>
      defineProfile(Profiles.dev, { resources: { web: { cpuRequest: '700m', cpuLimit: '0.7', memoryRequest: '128Mi', memoryLimit: '0.125Gi' } } }),
    ).not.toThrow();
  });

  test('fails on a request larger than its limit by less than a float can tell', () => {
    // 2^53 + 1 and 2^53 are the same double
    expectValidationError(
      () =>
        defineProfile(Profiles.dev, {
          resources: { web: { cpuRequest: '100m', cpuLimit: '1', memoryRequest: '9007199254740993', memoryLimit: '9007199254740992' } },
        }),
      "environment-profile 'dev': 'resources.web.memoryRequest' must not exceed memoryLimit 9007199254740992, got \"9007199254740993\"",
    );
  });

  test('fails on a CPU finer than a millicore or a memory size in fractions of a byte, which Kubernetes rounds up', () => {
    const web = { cpuRequest: '100m', cpuLimit: '1', memoryRequest: '64Mi', memoryLimit: '128Mi' };
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { web: { ...web, cpuRequest: '0.0005' } } }),
      "environment-profile 'dev': 'resources.web.cpuRequest' must be a whole number of millicores (Kubernetes rounds finer CPU up to 1m), got \"0.0005\"",
    );
    expectValidationError(
      () => defineProfile(Profiles.dev, { resources: { web: { ...web, memoryRequest: '100m' } } }),
      "environment-profile 'dev': 'resources.web.memoryRequest' must be a whole number of bytes (a fractional byte value such as '100m' is invalid), got \"100m\"",
    );
    expectValidationError(
      () => defineProfile(Profiles.dev, { postgresStorage: '0.5' }),
      "environment-profile 'dev': 'postgresStorage' must be a whole number of bytes (a fractional byte value such as '100m' is invalid), got \"0.5\"",
    );
    expect(() => defineProfile(Profiles.dev, { resources: { web: { ...web, cpuRequest: '0.25', memoryRequest: '0.5Ki' } } })).not.toThrow();
  });
});

describe('system namespaces and int32 bounds', () => {
  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-anything'])('fails on the cluster namespace %s', (namespace) => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { namespace }),
      `environment-profile 'dev': 'namespace' must not be 'default' or a 'kube-' namespace such as kube-system, kube-public or kube-node-lease (they belong to the cluster), got "${namespace}"`,
    );
  });

  test('fails on an Environment whose profile targets kube-system', () => {
    expectValidationError(
      () => new Environment(Testing.app(), 'dev', { profile: { ...Profiles.dev, namespace: 'kube-system' } }),
      "environment-profile 'dev': 'namespace' must not be 'default' or a 'kube-' namespace such as kube-system, kube-public or kube-node-lease (they belong to the cluster), got \"kube-system\"",
    );
  });

  test('fails on replicas and HPA bounds that do not fit the int32 fields they go to', () => {
    expectValidationError(
      () => defineProfile(Profiles.dev, { replicas: 2 ** 31 }),
      "environment-profile 'dev': 'replicas' must be at most 2147483647 (the API server stores it in an int32), got 2147483648",
    );
    expectValidationError(
      () => defineProfile(Profiles.dev, { autoscaling: { minReplicas: 2, maxReplicas: 2 ** 31, targetCpuPercent: 50 } }),
      "environment-profile 'dev': 'autoscaling.maxReplicas' must be at most 2147483647 (the API server stores it in an int32), got 2147483648",
    );
    expect(() => defineProfile(Profiles.dev, { autoscaling: { minReplicas: 2, maxReplicas: 2 ** 31 - 1, targetCpuPercent: 50 } })).not.toThrow();
  });
});

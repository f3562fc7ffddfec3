import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName } from '../apps/environments';
import { buildEnvironment } from '../apps/main';
import { K8sObject, container, danglingMounts, envValue, find, ids, ofKind, podSpec, synthObjects, unresolvedReferences, workloads } from './util';

const DIST = path.join(__dirname, '..', 'dist');

/** Synthesizes one environment of the reference app in memory. */
function build(name: EnvironmentName) {
  const { env, parts } = buildEnvironment(name);
  return { env, parts, objs: synthObjects(env) };
}

/** Every object of the committed dist/<env>/ YAML files. */
function distObjects(name: EnvironmentName): K8sObject[] {
  const dir = path.join(DIST, name);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as K8sObject))
    .filter((o) => o !== null);
}

describe.each(ENVIRONMENT_NAMES)('the three-tier app in %s', (name) => {
  const { env, objs, parts } = build(name);
  const namespace = `three-tier-${name}`;

  test('synthesizes the Namespace, config, Postgres, Redis, the migration, web and the nightly clean-up under readable names', () => {
    // GIVEN / WHEN: built above

    // THEN
    const expected = [
      `Namespace/${namespace}`,
      'ConfigMap/app-config',
      'ConfigMap/app-config-files',
      'StatefulSet/postgres',
      'Service/postgres-headless',
      'Service/postgres',
      'NetworkPolicy/postgres',
      // the nightly pg_dump, on by default in production only
      ...(name === 'prod' ? ['PersistentVolumeClaim/postgres-backup', 'CronJob/postgres-backup', 'NetworkPolicy/postgres-backup'] : []),
      'Deployment/redis',
      'Service/redis',
      'NetworkPolicy/redis',
      `Job/${parts.migrate.jobName}`,
      'NetworkPolicy/migrate',
      'Deployment/web',
      'Service/web',
      'NetworkPolicy/web',
      'Ingress/web',
      ...(name === 'dev' ? [] : ['HorizontalPodAutoscaler/web', 'PodDisruptionBudget/web']),
      'CronJob/prune-visits',
      'NetworkPolicy/prune-visits',
    ];
    expect(ids(objs)).toStrictEqual(expected);
    expect(parts.migrate.jobName).toMatch(/^migrate-[0-9a-f]{10}$/);
  });

  test('puts every object in its own namespace, labelled as part of three-tier', () => {
    for (const o of objs.slice(1)) {
      expect(o.metadata.namespace).toBe(namespace);
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'three-tier', 'app.kubernetes.io/managed-by': 'kubestack' });
    }
    expect(objs[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('every workload passes the Pod Security "restricted" fields', () => {
    const all = workloads(objs);
    expect(all.length).toBe(name === 'prod' ? 6 : 5);
    for (const w of all) {
      const spec = podSpec(w);
      const where = `${w.kind}/${w.metadata.name}`;
      expect([where, spec.automountServiceAccountToken]).toStrictEqual([where, false]);
      expect([where, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toStrictEqual([where, false, false, false]);
      expect((spec.volumes ?? []).filter((v: K8sObject) => v.hostPath)).toStrictEqual([]);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = c.securityContext;
        const runAsNonRoot = sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        const runAsUser = sc.runAsUser ?? spec.securityContext?.runAsUser;
        const seccomp = sc.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
        expect({ where, runAsNonRoot, seccomp }).toStrictEqual({ where, runAsNonRoot: true, seccomp: 'RuntimeDefault' });
        expect(Number.isInteger(runAsUser) && runAsUser > 0).toBe(true);
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect(sc.privileged ?? false).toBe(false);
        expect(sc.readOnlyRootFilesystem).toBe(true);
        expect(sc.capabilities.drop).toContain('ALL');
        expect(sc.capabilities.add ?? []).toStrictEqual([]);
      }
    }
  });

  test('every container has CPU and memory requests and limits, and every long-running one readiness and liveness probes', () => {
    for (const w of workloads(objs)) {
      const batch = w.kind === 'Job' || w.kind === 'CronJob';
      for (const c of podSpec(w).containers) {
        expect(Object.keys(c.resources.requests).sort()).toStrictEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toStrictEqual(['cpu', 'memory']);
        expect([w.kind, c.readinessProbe !== undefined, c.livenessProbe !== undefined]).toStrictEqual([w.kind, !batch, !batch]);
      }
    }
  });

  test('uses the profile resources for each workload', () => {
    const profile = ENVIRONMENTS[name].profile;
    const limits = (kind: string, n: string) => container(find(objs, kind, n)).resources.limits;
    expect(limits('Deployment', 'web')).toStrictEqual({ cpu: profile.resources.web.cpuLimit, memory: profile.resources.web.memoryLimit });
    expect(limits('StatefulSet', 'postgres')).toStrictEqual({ cpu: profile.resources.postgres.cpuLimit, memory: profile.resources.postgres.memoryLimit });
    expect(limits('Deployment', 'redis')).toStrictEqual({ cpu: profile.resources.redis.cpuLimit, memory: profile.resources.redis.memoryLimit });
  });

  test('every Secret and ConfigMap reference resolves to an object or to env.requiredSecrets, and every mount to a volume', () => {
    expect(unresolvedReferences(env, objs)).toStrictEqual([]);
    expect(danglingMounts(objs)).toStrictEqual([]);
  });

  test('wires the web app to Postgres, Redis and the config bundle', () => {
    // GIVEN
    const web = find(objs, 'Deployment', 'web');
    const c = container(web);

    // THEN
    expect(envValue(c, 'DATABASE_URL')).toBe('postgres://$(DB_USER):$(DB_PASS)@postgres:5432/app');
    expect(envValue(c, 'REDIS_URL')).toBe('redis://:$(REDIS_PASSWORD)@redis:6379');
    expect(c.envFrom).toStrictEqual([{ configMapRef: { name: 'app-config' } }]);
    expect(web.spec.template.metadata.annotations['config.kubestack.io/app-config']).toBe(parts.config.contentHash);
    expect(parts.web.connections).toStrictEqual([parts.postgres, parts.redis]);
    // Postgres admits its backup (prod), the web app, the migration and the clean-up; Redis only the web app
    const backup = parts.postgres.backup ? [parts.postgres.backup.selector] : [];
    expect(backup.length).toBe(name === 'prod' ? 1 : 0);
    expect(find(objs, 'NetworkPolicy', 'postgres').spec.ingress).toStrictEqual([
      {
        from: [...backup, parts.web.selector, parts.migrate.selector, parts.prune.selector].map((matchLabels) => ({ podSelector: { matchLabels } })),
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    expect(find(objs, 'NetworkPolicy', 'redis').spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: parts.web.selector } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
  });

  test('serves the web app on web.<domain>', () => {
    const rule = find(objs, 'Ingress', 'web').spec.rules[0];
    expect(rule.host).toBe(`web.${ENVIRONMENTS[name].profile.domain}`);
  });

  test('the committed dist/ holds the same objects', () => {
    expect(distObjects(name)).toStrictEqual(objs);
  });
});

describe('per-environment differences', () => {
  test('prod autoscales web from 3 to 10 at 50% CPU, terminates TLS and has a PDB', () => {
    // GIVEN / WHEN
    const { objs } = build('prod');

    // THEN
    expect(find(objs, 'HorizontalPodAutoscaler', 'web').spec).toStrictEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    expect(find(objs, 'Deployment', 'web').spec).not.toHaveProperty('replicas');
    expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['web.example.com'], secretName: 'web-tls' }]);
    expect(find(objs, 'PodDisruptionBudget', 'web').spec.maxUnavailable).toBe(1);
    expect(podSpec(find(objs, 'Deployment', 'web')).topologySpreadConstraints.map((t: K8sObject) => t.topologyKey)).toStrictEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
  });

  test('staging autoscales from 2 to 5 at 60% CPU with TLS', () => {
    const { objs } = build('staging');
    expect(find(objs, 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(find(objs, 'HorizontalPodAutoscaler', 'web').spec.metrics[0].resource.target.averageUtilization).toBe(60);
    expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['web.staging.example.com'], secretName: 'web-tls' }]);
  });

  test('dev runs one web replica without HPA, PDB or TLS', () => {
    const { objs } = build('dev');
    expect(find(objs, 'Deployment', 'web').spec.replicas).toBe(1);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
    expect(ofKind(objs, 'PodDisruptionBudget')).toStrictEqual([]);
    expect(find(objs, 'Ingress', 'web').spec).not.toHaveProperty('tls');
  });

  test('the config differs per environment, and so does its hash', () => {
    const hashes = ENVIRONMENT_NAMES.map((n) => build(n).parts.config.contentHash);
    expect(new Set(hashes).size).toBe(ENVIRONMENT_NAMES.length);
    expect(build('prod').parts.config.settings).toMatchObject({ NODE_ENV: 'production', LOG_LEVEL: 'info', APP_ENV: 'prod' });
    expect(build('dev').parts.config.settings).toMatchObject({ NODE_ENV: 'development', LOG_LEVEL: 'debug', APP_ENV: 'dev' });
  });

  test('prod lists every Secret to create before deploying', () => {
    expect(build('prod').env.requiredSecrets.map((s) => [s.secretName, s.keys])).toStrictEqual([
      ['postgres-credentials', ['password', 'username']],
      ['redis-auth', ['password']],
      ['web-secrets', ['session-secret']],
      ['web-tls', ['tls.crt', 'tls.key']],
    ]);
  });

  test('two builds of one environment are identical', () => {
    expect(build('prod').objs).toStrictEqual(build('prod').objs);
  });
});

describe('buildEnvironment', () => {
  test('replaces the image and the hosts when asked', () => {
    // GIVEN
    const image = `registry.example.com/three-tier/web@sha256:${'a'.repeat(64)}`;

    // WHEN
    const { env } = buildEnvironment('prod', { image, hosts: ['shop.example.org'] });
    const objs = synthObjects(env);

    // THEN
    expect(container(find(objs, 'Deployment', 'web')).image).toBe(image);
    expect(find(objs, 'Ingress', 'web').spec.rules.map((r: K8sObject) => r.host)).toStrictEqual(['shop.example.org']);
    expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['shop.example.org'], secretName: 'web-tls' }]);
  });

  test('fails on an unpinned image in prod', () => {
    expect(() => buildEnvironment('prod', { image: 'registry.example.com/three-tier/web:latest' })).toThrow(
      "web-app 'three-tier/web': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (tagged 'latest'), got \"registry.example.com/three-tier/web:latest\"",
    );
  });

  test('fails on an unknown environment', () => {
    expect(() => buildEnvironment('qa' as EnvironmentName)).toThrow("unknown environment 'qa'; known: dev, staging, prod");
  });
});

describe('dist/', () => {
  test('holds Deployments, StatefulSets with claims, Services, an Ingress, ConfigMaps, NetworkPolicies, PDBs and an HPA', () => {
    // GIVEN
    const all = ENVIRONMENT_NAMES.flatMap(distObjects);
    const kinds = new Set(all.map((o) => o.kind));

    // THEN
    for (const kind of [
      'Namespace',
      'Deployment',
      'StatefulSet',
      'Service',
      'Ingress',
      'ConfigMap',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
    ]) {
      expect([kind, kinds.has(kind)]).toStrictEqual([kind, true]);
    }
    const claims = ofKind(all, 'StatefulSet').flatMap((s) => s.spec.volumeClaimTemplates ?? []);
    expect(claims.length).toBeGreaterThan(0);
    expect(claims.every((c: K8sObject) => /^\d+Gi$/.test(c.spec.resources.requests.storage))).toBe(true);
  });

  test('has one folder per environment and nothing else', () => {
    expect(fs.readdirSync(DIST).sort()).toStrictEqual([...ENVIRONMENT_NAMES].sort());
  });
});

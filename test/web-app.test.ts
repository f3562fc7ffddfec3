import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ClientWorkload,
  ConfigBundle,
  Connectable,
  Environment,
  PostgresDb,
  Profiles,
  RedisCache,
  ValidationError,
  WebApp,
  WebAppProps,
  defineProfile,
} from 'kubestack';
import { K8sObject, container, envValue, expectValidationError, find, ids, newEnv, ofKind, podSpec, synthObjects, thrown, unresolvedReferences } from './util';

const IMAGE = 'registry.example.com/team/web:1.0.0';

/** Builds one WebApp named `web` in a fresh environment and returns its objects. */
function synthWeb(props: Partial<WebAppProps> = {}, profile = Profiles.dev): { web: WebApp; env: Environment; objs: K8sObject[] } {
  const env = newEnv(profile, profile.name);
  const web = new WebApp(env, 'web', { image: IMAGE, ...props });
  return { web, env, objs: synthObjects(env) };
}

const deploymentOf = (objs: K8sObject[]) => find(objs, 'Deployment', 'web');

/** Metadata of every object of a WebApp `web` in dev. */
const devMetadata = {
  name: 'web',
  namespace: 'dev',
  labels: {
    'app.kubernetes.io/name': 'web',
    'app.kubernetes.io/instance': 'web-dev',
    'app.kubernetes.io/component': 'web',
    'app.kubernetes.io/part-of': 'app',
    'app.kubernetes.io/managed-by': 'kubestack',
  },
};

describe('WebApp', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const web = new WebApp(env, 'web', { image: IMAGE });

    // THEN
    const labels = {
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web-dev',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/part-of': 'app',
      'app.kubernetes.io/managed-by': 'kubestack',
    };
    const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-dev' };
    const metadata = { name: 'web', namespace: 'dev', labels };
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          ...metadata,
          annotations: {
            'kube-score/ignore':
              'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id,deployment-replicas,pod-networkpolicy',
          },
        },
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 120,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
              ],
              containers: [
                {
                  name: 'app',
                  image: IMAGE,
                  imagePullPolicy: 'IfNotPresent',
                  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 1000,
                    runAsGroup: 1000,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ['ALL'] },
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
                  livenessProbe: {
                    httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] },
      },
    ]);
    expect(web.name).toBe('web');
    expect(web.host).toBe('web');
    expect(web.port).toBe(8080);
    expect(web.servicePort).toBe(80);
    expect(web.serviceType).toBe('ClusterIP');
    expect(web.replicas).toBe(1);
    expect(web.autoscaling).toBeUndefined();
    expect(web.resources).toStrictEqual(Profiles.dev.resources.web);
    expect(web.livenessPath).toBe('/healthz');
    expect(web.readinessPath).toBe('/ready');
    expect(web.runAsUser).toBe(1000);
    expect(web.selector).toStrictEqual(selector);
    expect(web.ingressHosts).toStrictEqual([]);
    expect(web.tlsSecretName).toBeUndefined();
    expect([web.ingress, web.hpa, web.pdb]).toStrictEqual([undefined, undefined, undefined]);
    expect(web.connections).toStrictEqual([]);
    expect(web.envVars).toStrictEqual([]);
  });

  test('names every object after the name prop rather than the construct id', () => {
    // GIVEN / WHEN
    const env = newEnv();
    new WebApp(env, 'Frontend', { image: IMAGE, name: 'shop', ingress: {}, replicas: 2 });

    // THEN
    expect(ids(synthObjects(env).slice(1))).toStrictEqual([
      'Deployment/shop',
      'Service/shop',
      'NetworkPolicy/shop',
      'Ingress/shop',
      'PodDisruptionBudget/shop',
    ]);
  });

  test('port sets the container port, the NetworkPolicy port and the Service target; servicePort the Service port', () => {
    // GIVEN / WHEN
    const { objs } = synthWeb({ port: 3000, servicePort: 8081, ingress: {} });

    // THEN
    expect(container(deploymentOf(objs)).ports).toStrictEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(find(objs, 'Service', 'web').spec.ports).toStrictEqual([{ name: 'http', port: 8081, targetPort: 'http', protocol: 'TCP' }]);
    expect(find(objs, 'NetworkPolicy', 'web').spec.ingress).toStrictEqual([{ ports: [{ protocol: 'TCP', port: 3000 }] }]);
    expect(find(objs, 'Ingress', 'web').spec.rules[0].http.paths[0].backend).toStrictEqual({ service: { name: 'web', port: { number: 8081 } } });
  });

  test("the profile's rolloutTimeoutSeconds is the Deployment's progressDeadlineSeconds, 600 when a profile has none", () => {
    // GIVEN a dev profile with a short timeout, and a hand-written profile without the field
    const untimed = { ...Profiles.staging, rolloutTimeoutSeconds: undefined };

    // WHEN / THEN
    expect(deploymentOf(synthWeb({}, defineProfile(Profiles.dev, { rolloutTimeoutSeconds: 45 })).objs).spec.progressDeadlineSeconds).toBe(45);
    expect(deploymentOf(synthWeb({}, Profiles.staging).objs).spec.progressDeadlineSeconds).toBe(300);
    expect(deploymentOf(synthWeb({}, untimed).objs).spec.progressDeadlineSeconds).toBe(600);
  });

  test.each(['ClusterIP', 'NodePort', 'LoadBalancer'] as const)('serviceType %s sets the Service type', (serviceType) => {
    const { objs, web } = synthWeb({ serviceType });
    expect(find(objs, 'Service', 'web').spec.type).toBe(serviceType);
    expect(web.serviceType).toBe(serviceType);
  });

  test('command and args override the entrypoint and are copied', () => {
    // GIVEN
    const command = ['node'];
    const args = ['server.js', '--port', '8080'];

    // WHEN
    const env = newEnv();
    new WebApp(env, 'web', { image: IMAGE, command, args });
    command.push('--inspect');
    const c = container(deploymentOf(synthObjects(env)));

    // THEN
    expect(c.command).toStrictEqual(['node']);
    expect(c.args).toStrictEqual(['server.js', '--port', '8080']);
  });

  test('env adds plain variables in order, and addEnv appends', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE, env: { PORT: '8080', EMPTY: '' } });

    // WHEN
    web.addEnv('LATE', 'yes');

    // THEN
    expect(container(deploymentOf(synthObjects(env))).env).toStrictEqual([
      { name: 'PORT', value: '8080' },
      { name: 'EMPTY', value: '' },
      { name: 'LATE', value: 'yes' },
    ]);
    expect(web.envVars.map((e) => e.name)).toStrictEqual(['PORT', 'EMPTY', 'LATE']);
  });

  test('envVars returns a copy', () => {
    // GIVEN
    const { web } = synthWeb({ env: { A: '1' } });

    // WHEN
    (web.envVars[0] as { value?: string }).value = 'changed';
    web.envVars.push({ name: 'B', value: '2' });

    // THEN
    expect(web.envVars).toStrictEqual([{ name: 'A', value: '1' }]);
  });

  test('config bundles add envFrom, secretKeyRef variables, a files volume per bundle and a hash annotation', () => {
    // GIVEN
    const env = newEnv();
    const app = new ConfigBundle(env, 'app-config', {
      settings: { LOG_LEVEL: 'debug' },
      secrets: { SESSION_SECRET: { secretName: 'web-secrets', key: 'session-secret' } },
      files: { 'app.properties': 'a=1\n' },
    });
    const extra = new ConfigBundle(env, 'extra', { files: { 'x.json': '{}' }, mountPath: '/app/extra' });

    // WHEN
    new WebApp(env, 'web', { image: IMAGE, env: { PORT: '8080' }, config: [app, extra] });
    const deployment = deploymentOf(synthObjects(env));
    const c = container(deployment);

    // THEN
    expect(c.envFrom).toStrictEqual([{ configMapRef: { name: 'app-config' } }, { configMapRef: { name: 'extra' } }]);
    expect(c.env).toStrictEqual([
      { name: 'PORT', value: '8080' },
      { name: 'SESSION_SECRET', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'session-secret' } } },
    ]);
    expect(c.volumeMounts).toStrictEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config-1', mountPath: '/app/config', readOnly: true },
      { name: 'config-2', mountPath: '/app/extra', readOnly: true },
    ]);
    expect(podSpec(deployment).volumes).toStrictEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config-1', configMap: { name: 'app-config-files' } },
      { name: 'config-2', configMap: { name: 'extra-files' } },
    ]);
    expect(deployment.spec.template.metadata.annotations).toStrictEqual({
      'config.kubestack.io/app-config': app.contentHash,
      'config.kubestack.io/extra': extra.contentHash,
    });
  });

  test('config bundles come before the Deployment in the output', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE });
    const bundle = new ConfigBundle(env, 'app-config', { files: { a: 'b' } });

    // WHEN
    web.addConfig(bundle);
    const order = ids(synthObjects(env));

    // THEN
    expect(order.indexOf('ConfigMap/app-config')).toBeLessThan(order.indexOf('Deployment/web'));
    expect(order.indexOf('ConfigMap/app-config-files')).toBeLessThan(order.indexOf('Deployment/web'));
  });

  test('replicas sets the Deployment replicas when no HPA owns them', () => {
    const { objs, web } = synthWeb({ replicas: 4 });
    expect(deploymentOf(objs).spec.replicas).toBe(4);
    expect(web.replicas).toBe(4);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
  });

  test('replicas defaults to the profile replicas', () => {
    const { objs } = synthWeb({ autoscaling: false }, Profiles.staging);
    expect(deploymentOf(objs).spec.replicas).toBe(2);
  });

  test('autoscaling adds an HPA on CPU and leaves replicas out of the Deployment', () => {
    // GIVEN / WHEN
    const { objs, web } = synthWeb({ autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70 } });

    // THEN
    expect(deploymentOf(objs).spec).not.toHaveProperty('replicas');
    expect(web.replicas).toBeUndefined();
    expect(find(objs, 'HorizontalPodAutoscaler', 'web')).toStrictEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: devMetadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  });

  test('autoscaling defaults to the profile and false turns it off', () => {
    // GIVEN / WHEN
    const staging = synthWeb({}, Profiles.staging);
    const off = synthWeb({ autoscaling: false }, Profiles.staging);

    // THEN
    expect(find(staging.objs, 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(staging.web.autoscaling).toStrictEqual(Profiles.staging.autoscaling);
    expect(ofKind(off.objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
    expect(off.web.autoscaling).toBeUndefined();
  });

  describe('ingress', () => {
    test('defaults to one host from the profile domain, path / and class nginx, without TLS in dev', () => {
      // GIVEN / WHEN
      const { objs, web } = synthWeb({ ingress: {} });

      // THEN
      expect(find(objs, 'Ingress', 'web')).toStrictEqual({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: devMetadata,
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host: 'web.dev.example.com',
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
            },
          ],
        },
      });
      expect(web.ingressHosts).toStrictEqual(['web.dev.example.com']);
      expect(web.tlsSecretName).toBeUndefined();
    });

    test('terminates TLS with <name>-tls when the profile asks for TLS', () => {
      // GIVEN / WHEN
      const { objs, web } = synthWeb({ ingress: {} }, Profiles.staging);

      // THEN
      expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['web.staging.example.com'], secretName: 'web-tls' }]);
      expect(web.tlsSecretName).toBe('web-tls');
    });

    test('routes every path of every host and carries class, TLS secret and annotations', () => {
      // GIVEN / WHEN
      const { objs, web } = synthWeb({
        ingress: {
          hosts: ['shop.example.com', 'www.shop.example.com'],
          paths: ['/api', '/static'],
          ingressClassName: 'traefik',
          tlsSecretName: 'shop-cert',
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
        },
      });
      const ingress = find(objs, 'Ingress', 'web');
      const backend = { service: { name: 'web', port: { number: 80 } } };
      const paths = [
        { path: '/api', pathType: 'Prefix', backend },
        { path: '/static', pathType: 'Prefix', backend },
      ];

      // THEN
      expect(ingress.metadata.annotations).toStrictEqual({
        'cert-manager.io/cluster-issuer': 'letsencrypt',
        'nginx.ingress.kubernetes.io/proxy-body-size': '1m',
      });
      expect(ingress.spec).toStrictEqual({
        ingressClassName: 'traefik',
        tls: [{ hosts: ['shop.example.com', 'www.shop.example.com'], secretName: 'shop-cert' }],
        rules: [
          { host: 'shop.example.com', http: { paths } },
          { host: 'www.shop.example.com', http: { paths } },
        ],
      });
      expect(web.ingressHosts).toStrictEqual(['shop.example.com', 'www.shop.example.com']);
    });
  });

  describe('PodDisruptionBudget', () => {
    test('is absent when only one replica can run', () => {
      expect(ofKind(synthWeb({ replicas: 1 }).objs, 'PodDisruptionBudget')).toStrictEqual([]);
      expect(ofKind(synthWeb({ autoscaling: { minReplicas: 1, maxReplicas: 1, targetCpuPercent: 50 } }).objs, 'PodDisruptionBudget')).toStrictEqual([]);
    });

    test('allows one pod down at a time when two or more replicas run', () => {
      // GIVEN / WHEN
      const { objs, web } = synthWeb({ replicas: 2 });

      // THEN
      expect(find(objs, 'PodDisruptionBudget', 'web')).toStrictEqual({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: devMetadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: web.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    });

    test('is present when an HPA may scale past one replica', () => {
      const { objs } = synthWeb({ autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuPercent: 50 } });
      expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(1);
    });

    test('podDisruptionBudget false leaves it out outside production', () => {
      expect(ofKind(synthWeb({ replicas: 3, podDisruptionBudget: false }).objs, 'PodDisruptionBudget')).toStrictEqual([]);
    });
  });

  describe('topology spread', () => {
    const constraint = (topologyKey: string) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-dev' } },
    });

    test('spreads across nodes by default and across zones when zoneSpread is on', () => {
      expect(podSpec(deploymentOf(synthWeb().objs)).topologySpreadConstraints).toStrictEqual([constraint('kubernetes.io/hostname')]);
      expect(podSpec(deploymentOf(synthWeb({ zoneSpread: true }).objs)).topologySpreadConstraints).toStrictEqual([
        constraint('kubernetes.io/hostname'),
        constraint('topology.kubernetes.io/zone'),
      ]);
    });

    test('zoneSpread defaults to the profile', () => {
      const keys = podSpec(deploymentOf(synthWeb({}, Profiles.prod).objs)).topologySpreadConstraints.map((t: K8sObject) => t.topologyKey);
      expect(keys).toStrictEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    });

    test('topologySpread false leaves the constraints out', () => {
      expect(podSpec(deploymentOf(synthWeb({ topologySpread: false, zoneSpread: true }).objs))).not.toHaveProperty('topologySpreadConstraints');
    });
  });

  test('imagePullSecrets are referenced by name and listed in env.requiredSecrets', () => {
    const { objs, env } = synthWeb({ imagePullSecrets: ['registry-creds', 'mirror-creds'] });
    expect(podSpec(deploymentOf(objs)).imagePullSecrets).toStrictEqual([{ name: 'registry-creds' }, { name: 'mirror-creds' }]);
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'mirror-creds', keys: ['.dockerconfigjson'], requiredBy: 'dev/web' },
      { secretName: 'registry-creds', keys: ['.dockerconfigjson'], requiredBy: 'dev/web' },
    ]);
  });

  test('startupPath adds a startup probe with a 60 s budget and drops the liveness initial delay', () => {
    // GIVEN / WHEN
    const c = container(deploymentOf(synthWeb({ startupPath: '/started' }).objs));

    // THEN
    expect(c.startupProbe).toStrictEqual({
      httpGet: { path: '/started', port: 'http', scheme: 'HTTP' },
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 30,
    });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(60);
    expect(c.livenessProbe).not.toHaveProperty('initialDelaySeconds');
  });

  test('livenessPath and readinessPath set the probe paths', () => {
    const c = container(deploymentOf(synthWeb({ livenessPath: '/live', readinessPath: '/readyz' }).objs));
    expect(c.livenessProbe.httpGet.path).toBe('/live');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
  });

  test('resources override the profile field by field', () => {
    // GIVEN / WHEN
    const { objs, web } = synthWeb({ resources: { memoryLimit: '1Gi', cpuRequest: '100m' } });

    // THEN
    expect(container(deploymentOf(objs)).resources).toStrictEqual({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '250m', memory: '1Gi' },
    });
    expect(web.resources).toStrictEqual({ cpuRequest: '100m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '1Gi' });
  });

  test('runAsUser sets the UID and GID of the pod and the container', () => {
    // GIVEN / WHEN
    const d = deploymentOf(synthWeb({ runAsUser: 10001 }).objs);

    // THEN
    expect(podSpec(d).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, runAsNonRoot: true });
    expect(container(d).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
  });

  test('writablePaths mount one emptyDir each', () => {
    // GIVEN / WHEN
    const d = deploymentOf(synthWeb({ writablePaths: ['/tmp', '/app/cache'] }).objs);

    // THEN
    expect(podSpec(d).volumes).toStrictEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'writable-1', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(container(d).volumeMounts).toStrictEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'writable-1', mountPath: '/app/cache' },
    ]);
  });
});

describe('WebApp.connect', () => {
  /** web created before its servers, so only the recorded dependency can order the output. */
  function threeTier(profile = Profiles.dev) {
    const env = newEnv(profile, profile.name);
    const web = new WebApp(env, 'web', { image: IMAGE });
    const postgres = new PostgresDb(env, 'postgres');
    const redis = new RedisCache(env, 'redis', { passwordSecret: { secretName: 'redis-auth', key: 'password' } });
    return { env, web, postgres, redis };
  }

  test('to a PostgresDb injects DB_USER and DB_PASS from the Secret before DATABASE_URL uses them', () => {
    // GIVEN
    const { env, web, postgres } = threeTier();

    // WHEN
    web.connect(postgres);
    const c = container(deploymentOf(synthObjects(env)));

    // THEN
    expect(c.env).toStrictEqual([
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'username' } } },
      { name: 'DB_PASS', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
      { name: 'DB_HOST', value: 'postgres' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'app' },
      { name: 'DATABASE_URL', value: 'postgres://$(DB_USER):$(DB_PASS)@postgres:5432/app' },
    ]);
    const names = c.env.map((e: K8sObject) => e.name);
    expect(names.indexOf('DB_USER')).toBeLessThan(names.indexOf('DATABASE_URL'));
    expect(names.indexOf('DB_PASS')).toBeLessThan(names.indexOf('DATABASE_URL'));
  });

  test('to a RedisCache injects REDIS_URL, with the password as a reference defined before it', () => {
    // GIVEN
    const { env, web, redis } = threeTier();

    // WHEN
    web.connect(redis);
    const c = container(deploymentOf(synthObjects(env)));

    // THEN
    expect(c.env).toStrictEqual([
      { name: 'REDIS_HOST', value: 'redis' },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
      { name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@redis:6379' },
    ]);
  });

  test('to a RedisCache without a password injects a plain REDIS_URL', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE });

    // WHEN
    web.connect(new RedisCache(env, 'cache'));

    // THEN
    expect(envValue(container(deploymentOf(synthObjects(env))), 'REDIS_URL')).toBe('redis://cache:6379');
    expect(web.envVars.map((e) => e.name)).toStrictEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_URL']);
  });

  test('uses the server public fields: a renamed database and Secret flow into the URL and the references', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE });
    const db = new PostgresDb(env, 'db', { name: 'orders-db', database: 'orders', credentialsSecret: 'orders-creds' });

    // WHEN
    web.connect(db);
    const c = container(deploymentOf(synthObjects(env)));

    // THEN
    expect(envValue(c, 'DATABASE_URL')).toBe('postgres://$(DB_USER):$(DB_PASS)@orders-db:5432/orders');
    expect(c.env[0].valueFrom.secretKeyRef).toStrictEqual({ name: 'orders-creds', key: 'username' });
  });

  test('lets exactly the wired web pods through the server NetworkPolicies, on the server port', () => {
    // GIVEN
    const { env, web, postgres, redis } = threeTier();

    // WHEN
    web.connect(postgres);
    web.connect(redis);
    const objs = synthObjects(env);

    // THEN
    const from = [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-dev' } } }];
    expect(find(objs, 'NetworkPolicy', 'postgres').spec.ingress).toStrictEqual([{ from, ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(find(objs, 'NetworkPolicy', 'redis').spec.ingress).toStrictEqual([{ from, ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(postgres.clients.map((c) => c.path)).toStrictEqual(['dev/web']);
    expect(redis.clients.map((c) => c.path)).toStrictEqual(['dev/web']);
  });

  test('admits each of several clients and no one else', () => {
    // GIVEN
    const env = newEnv();
    const postgres = new PostgresDb(env, 'postgres');
    const api = new WebApp(env, 'api', { image: IMAGE });
    const worker = new WebApp(env, 'worker', { image: IMAGE });
    new WebApp(env, 'unwired', { image: IMAGE });

    // WHEN
    api.connect(postgres);
    worker.connect(postgres);

    // THEN
    expect(find(synthObjects(env), 'NetworkPolicy', 'postgres').spec.ingress).toStrictEqual([
      {
        from: [{ podSelector: { matchLabels: api.selector } }, { podSelector: { matchLabels: worker.selector } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
  });

  test('records the dependency: server objects come before the web Deployment, and web.connections lists them', () => {
    // GIVEN
    const { env, web, postgres, redis } = threeTier();

    // WHEN
    web.connect(postgres);
    web.connect(redis);
    const order = ids(synthObjects(env));

    // THEN
    for (const server of [
      'StatefulSet/postgres',
      'Service/postgres',
      'Service/postgres-headless',
      'NetworkPolicy/postgres',
      'Deployment/redis',
      'Service/redis',
      'NetworkPolicy/redis',
    ]) {
      expect(order.indexOf(server)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(server)).toBeLessThan(order.indexOf('Deployment/web'));
    }
    expect(web.connections).toStrictEqual([postgres, redis]);
    expect(web.node.dependencies).toEqual(expect.arrayContaining([postgres, redis]));
  });

  test('without connect, the output keeps construct order (so the ordering test above can fail)', () => {
    // GIVEN / WHEN
    const { env } = threeTier();
    const order = ids(synthObjects(env));

    // THEN
    expect(order.indexOf('Deployment/web')).toBeLessThan(order.indexOf('StatefulSet/postgres'));
  });

  test('every Secret and ConfigMap reference resolves to an object or to env.requiredSecrets', () => {
    // GIVEN
    const { env, web, postgres, redis } = threeTier();
    web.addConfig(new ConfigBundle(env, 'cfg', { settings: { A: '1' }, secrets: { S: { secretName: 'app-secrets', key: 's' } }, files: { f: 'x' } }));

    // WHEN
    web.connect(postgres);
    web.connect(redis);

    // THEN
    expect(unresolvedReferences(env, synthObjects(env))).toStrictEqual([]);
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'app-secrets', keys: ['s'], requiredBy: 'dev/cfg' },
      { secretName: 'postgres-credentials', keys: ['password', 'username'], requiredBy: 'dev/postgres', urlKeys: ['password', 'username'] },
      { secretName: 'redis-auth', keys: ['password'], requiredBy: 'dev/redis', urlKeys: ['password'] },
    ]);
  });

  test('accepts any Connectable construct; a reference it does not register is reported as unresolved', () => {
    // GIVEN
    class ExternalApi extends Construct implements Connectable {
      public readonly host = 'api.internal';
      public readonly port = 443;
      public readonly allowed: ClientWorkload[] = [];
      public connectionEnv(): k8s.EnvVar[] {
        return [{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }];
      }
      public allowFrom(client: ClientWorkload): void {
        this.allowed.push(client);
      }
    }
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE });
    const api = new ExternalApi(env, 'api');

    // WHEN
    web.connect(api);

    // THEN
    expect(api.allowed).toStrictEqual([{ path: 'dev/web', name: 'web', selector: web.selector }]);
    expect(unresolvedReferences(env, env.manifests())).toStrictEqual(['Deployment/web: env API_TOKEN -> Secret api-token[token]']);
    // AND synthesis fails on it: the policy gate runs on every synthesis
    expect(() => synthObjects(env)).toThrow(
      "Deployment dev/web [references] container 'app' env API_TOKEN references key 'token' of Secret 'api-token', which is neither in the manifests nor a required Secret",
    );
  });

  test('fails when the same server is connected twice', () => {
    // GIVEN
    const { web, postgres } = threeTier();
    web.connect(postgres);

    // WHEN / THEN
    expectValidationError(() => web.connect(postgres), "web-app 'dev/web': 'connect' must not connect the same server twice, got \"dev/postgres\"");
  });

  test('fails when two servers inject the same variable', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE });
    web.connect(new PostgresDb(env, 'orders'));

    // WHEN / THEN
    expectValidationError(
      () => web.connect(new PostgresDb(env, 'users')),
      "web-app 'dev/web': 'connect' must not set an environment variable that is already set, got \"DB_USER\"",
    );
  });

  test('fails when a plain variable already uses a name the server injects', () => {
    // GIVEN
    const env = newEnv();
    const web = new WebApp(env, 'web', { image: IMAGE, env: { REDIS_URL: 'redis://elsewhere:6379' } });

    // WHEN / THEN
    expectValidationError(
      () => web.connect(new RedisCache(env, 'redis')),
      "web-app 'dev/web': 'connect' must not set an environment variable that is already set, got \"REDIS_URL\"",
    );
  });

  test('fails on a server of another Environment', () => {
    // GIVEN
    const app = Testing.app();
    const dev = new Environment(app, 'dev', { profile: Profiles.dev });
    const staging = new Environment(app, 'staging', { profile: Profiles.staging });
    const web = new WebApp(dev, 'web', { image: IMAGE });

    // WHEN / THEN
    expectValidationError(
      () => web.connect(new PostgresDb(staging, 'postgres')),
      "web-app 'dev/web': 'connect' must be a server in the same Environment, got \"staging/postgres\"",
    );
  });

  test('fails on something that is not a Connectable', () => {
    // GIVEN
    const { env, web } = threeTier();

    // WHEN / THEN
    expectValidationError(
      () => web.connect(new ConfigBundle(env, 'cfg') as unknown as PostgresDb),
      "web-app 'dev/web': 'connect' must be a PostgresDb, a RedisCache or another Connectable construct, got ConfigBundle 'dev/cfg'",
    );
    expectValidationError(
      () => web.connect(undefined as unknown as PostgresDb),
      "web-app 'dev/web': 'connect' must be a PostgresDb, a RedisCache or another Connectable construct, got undefined",
    );
  });
});

describe('WebApp validation', () => {
  const build =
    (props: Partial<WebAppProps>, profile = Profiles.dev) =>
    () =>
      synthWeb(props, profile);
  const DNS_54 = "must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 54 characters)";

  test('fails on a name that is not a DNS-1123 label', () => {
    expectValidationError(build({ name: 'My_Web' }), `web-app 'dev/web': 'name' ${DNS_54}, got "My_Web"`);
    expectValidationError(() => new WebApp(newEnv(), 'Web', { image: IMAGE }), `web-app 'dev/Web': 'name' ${DNS_54}, got "Web"`);
  });

  test('fails on a name longer than 54 characters', () => {
    expect(build({ name: 'a'.repeat(54) })).not.toThrow();
    expectValidationError(build({ name: 'a'.repeat(55) }), `web-app 'dev/web': 'name' ${DNS_54}, got "${'a'.repeat(55)}"`);
  });

  test('fails on an empty or malformed image', () => {
    const allowed = "must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>'";
    expectValidationError(build({ image: '' }), `web-app 'dev/web': 'image' ${allowed}, got ""`);
    expectValidationError(build({ image: 'Registry/App:1' }), `web-app 'dev/web': 'image' ${allowed}, got "Registry/App:1"`);
    expectValidationError(() => new WebApp(newEnv(), 'web', {} as WebAppProps), `web-app 'dev/web': 'image' ${allowed}, got undefined`);
  });

  test.each(['nginx:latest', 'nginx'])('fails on the latest or untagged image %s outside production too, as the gate would at synthesis', (image) => {
    expectValidationError(
      build({ image }),
      `web-app 'dev/web': 'image' must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment), got "${image}"`,
    );
  });

  test.each([0, -1, 65536, 80.5])('fails on port %p', (port) => {
    expectValidationError(build({ port }), `web-app 'dev/web': 'port' must be an integer from 1 to 65535, got ${port}`);
    expectValidationError(build({ servicePort: port }), `web-app 'dev/web': 'servicePort' must be an integer from 1 to 65535, got ${port}`);
  });

  test('accepts the port range bounds', () => {
    expect(build({ port: 1, servicePort: 65535 })).not.toThrow();
  });

  test('fails on an unknown serviceType', () => {
    expectValidationError(
      build({ serviceType: 'ExternalName' as 'ClusterIP' }),
      "web-app 'dev/web': 'serviceType' must be one of 'ClusterIP', 'NodePort', 'LoadBalancer', got \"ExternalName\"",
    );
  });

  test.each([
    [-1, '-1'],
    [0, '0'],
    [1.5, '1.5'],
    [1001, '1001'],
    [NaN, 'NaN'],
  ])('fails on replicas %p', (replicas, shown) => {
    expectValidationError(build({ replicas }), `web-app 'dev/web': 'replicas' must be an integer from 1 to 1000, got ${shown}`);
  });

  test('fails on HPA min above max', () => {
    expectValidationError(
      build({ autoscaling: { minReplicas: 5, maxReplicas: 2, targetCpuPercent: 50 } }),
      "web-app 'dev/web': 'autoscaling.minReplicas' must not exceed maxReplicas (2), got 5",
    );
  });

  test('fails on an HPA CPU target above 100', () => {
    expectValidationError(
      build({ autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuPercent: 150 } }),
      "web-app 'dev/web': 'autoscaling.targetCpuPercent' must be an integer from 1 to 100, got 150",
    );
  });

  test('fails on a quantity such as 10GB', () => {
    expectValidationError(
      build({ resources: { memoryLimit: '10GB' } }),
      "web-app 'dev/web': 'resources.memoryLimit' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"10GB\"",
    );
  });

  test('fails when a request exceeds the limit it is merged with', () => {
    expectValidationError(build({ resources: { cpuRequest: '2' } }), "web-app 'dev/web': 'resources.cpuRequest' must not exceed cpuLimit 250m, got \"2\"");
    expectValidationError(
      build({ resources: { memoryLimit: '32Mi' } }),
      "web-app 'dev/web': 'resources.memoryRequest' must not exceed memoryLimit 32Mi, got \"64Mi\"",
    );
  });

  test('fails on probe paths that are not absolute', () => {
    expectValidationError(
      build({ livenessPath: 'healthz' }),
      "web-app 'dev/web': 'livenessPath' must be an absolute HTTP path such as '/healthz', got \"healthz\"",
    );
    expectValidationError(build({ readinessPath: '' }), "web-app 'dev/web': 'readinessPath' must be an absolute HTTP path such as '/healthz', got \"\"");
    expectValidationError(build({ startupPath: 'up' }), "web-app 'dev/web': 'startupPath' must be an absolute HTTP path such as '/healthz', got \"up\"");
  });

  test('fails on an imagePullSecret that is not a Secret name', () => {
    expectValidationError(
      build({ imagePullSecrets: ['Registry Creds'] }),
      "web-app 'dev/web': 'imagePullSecrets' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"Registry Creds\"",
    );
  });

  test('fails on runAsUser 0 (root)', () => {
    expectValidationError(build({ runAsUser: 0 }), "web-app 'dev/web': 'runAsUser' must be a non-zero UID (an integer >= 1), got 0");
  });

  test('fails on relative or repeated writable paths', () => {
    expectValidationError(build({ writablePaths: ['tmp'] }), "web-app 'dev/web': 'writablePaths' must be absolute paths, got \"tmp\"");
    expectValidationError(build({ writablePaths: ['/tmp', '/tmp'] }), "web-app 'dev/web': 'writablePaths' must not repeat a path, got \"/tmp\"");
  });

  test('fails on an environment variable name that Kubernetes rejects', () => {
    expectValidationError(
      build({ env: { '1PORT': '80' } }),
      "web-app 'dev/web': 'env' must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), got \"1PORT\"",
    );
  });

  test('fails when addEnv repeats a name', () => {
    // GIVEN
    const { web } = synthWeb({ env: { PORT: '8080' } });

    // WHEN / THEN
    expectValidationError(() => web.addEnv('PORT', '9090'), "web-app 'dev/web': 'env' must not set an environment variable that is already set, got \"PORT\"");
    expect(web.envVars).toStrictEqual([{ name: 'PORT', value: '8080' }]);
  });

  test('fails when a bundle secret uses a variable name that is already set', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'cfg', { secrets: { TOKEN: { secretName: 's', key: 'k' } } });

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(env, 'web', { image: IMAGE, env: { TOKEN: '$(UPSTREAM_TOKEN)' }, config: [bundle] }),
      "web-app 'dev/web': 'config' must not set an environment variable that is already set, got \"TOKEN\"",
    );
  });

  test.each([
    ['DB_PASSPHRASE', 'correct horse battery', 'a literal value, and its name says it is a secret'],
    ['BASIC_AUTH', 'admin:hunter2hunter2', 'literal user:password credentials'],
    ['CONN', 'Server=pg;Password=hunter2hunter2', "a literal value for 'Password'"],
    ['UPSTREAM', 'https://user:hunter2hunter2@api.example.com', 'a URL with a literal password'],
  ])('fails on the literal secret in env %s at construction, as the gate would at synthesis, without printing it', (name, value, why) => {
    const error = thrown(() => new WebApp(newEnv(), 'web', { image: IMAGE, env: { [name]: value } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      `web-app 'dev/web': 'env.${name}' must not hold a secret: it is ${why}; read it from a Secret (a ConfigBundle 'secrets' entry) or compose it from $(VAR) references, got "<redacted>"`,
    );
  });

  test('accepts settings about secrets and AUTH-named variables that hold no credentials, at construction and in the gate', () => {
    // GIVEN names that mention a secret word but describe it, and AUTH values that are no user:password
    const env = newEnv();
    const vars = {
      AUTH_SERVICE_URL: 'http://auth:8080',
      AUTH_MODE: 'ldap:strict',
      PASSWORD_MIN_LENGTH: '12',

      TOKEN_URL: 'https://idp.example.com/token',
    };
    // WHEN / THEN
    new WebApp(env, 'web', { image: IMAGE, env: vars });
    expect(() => env.synthesize()).not.toThrow();
  });

  test('fails when the same ConfigBundle is added twice', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'cfg');

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(env, 'web', { image: IMAGE, config: [bundle, bundle] }),
      "web-app 'dev/web': 'config' must not add the same ConfigBundle twice, got \"dev/cfg\"",
    );
  });

  describe('ingress', () => {
    test('fails on a host that is not a hostname', () => {
      for (const host of ['https://web.example.com', 'localhost', 'Web.example.com', '*.example.com', 'web.example.com:443']) {
        expectValidationError(
          build({ ingress: { hosts: [host] } }),
          `web-app 'dev/web': 'ingress.hosts' must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path), got "${host}"`,
        );
      }
    });

    test('fails on an empty or repeated host list', () => {
      expectValidationError(build({ ingress: { hosts: [] } }), "web-app 'dev/web': 'ingress.hosts' must be a non-empty array of host names, got []");
      expectValidationError(
        build({ ingress: { hosts: ['a.example.com', 'a.example.com'] } }),
        "web-app 'dev/web': 'ingress.hosts' must not repeat a host, got \"a.example.com\"",
      );
    });

    test('fails on an empty, relative or repeated path', () => {
      expectValidationError(build({ ingress: { paths: [] } }), "web-app 'dev/web': 'ingress.paths' must be a non-empty array of paths, got []");
      expectValidationError(
        build({ ingress: { paths: ['api'] } }),
        "web-app 'dev/web': 'ingress.paths' must be an absolute HTTP path such as '/healthz', got \"api\"",
      );
      expectValidationError(build({ ingress: { paths: ['/a', '/a'] } }), "web-app 'dev/web': 'ingress.paths' must not repeat a path, got \"/a\"");
    });

    test('fails on a bad ingress class or TLS secret name', () => {
      expectValidationError(
        build({ ingress: { ingressClassName: 'Nginx' } }),
        "web-app 'dev/web': 'ingress.ingressClassName' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"Nginx\"",
      );
      expectValidationError(
        build({ ingress: { tlsSecretName: 'web_tls' } }),
        "web-app 'dev/web': 'ingress.tlsSecretName' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"web_tls\"",
      );
    });

    test('fails on a bad annotation key or a value that is not a string', () => {
      expectValidationError(
        build({ ingress: { annotations: { 'bad key': 'x' } } }),
        "web-app 'dev/web': 'ingress.annotations' must have keys of the form [prefix/]name, got \"bad key\"",
      );
      expectValidationError(
        build({ ingress: { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': true as unknown as string } } }),
        "web-app 'dev/web': 'ingress.annotations.nginx.ingress.kubernetes.io/ssl-redirect' must be a string, got true",
      );
    });
  });

  test('fails on values of the wrong JavaScript type with a ValidationError, not a TypeError', () => {
    const cases: [Partial<WebAppProps>, string][] = [
      [{ replicas: '3' as unknown as number }, '\'replicas\' must be an integer from 1 to 1000, got "3"'],
      [{ port: '8080' as unknown as number }, '\'port\' must be an integer from 1 to 65535, got "8080"'],
      [
        { image: 42 as unknown as string },
        "'image' must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>', got 42",
      ],
      [{ name: 42 as unknown as string }, `'name' ${DNS_54}, got 42`],
      [{ command: 'node server.js' as unknown as string[] }, '\'command\' must be an array of strings, got "node server.js"'],
      [{ args: ['--port', 8080] as unknown as string[] }, '\'args\' must be an array of strings, got ["--port",8080]'],
      [{ env: { PORT: 8080 } as unknown as Record<string, string> }, "'env.PORT' must be a string, got 8080"],
      [{ env: ['PORT=8080'] as unknown as Record<string, string> }, '\'env\' must be an object, got ["PORT=8080"]'],
      [{ autoscaling: true as unknown as false }, "'autoscaling' must be an object, got true"],
      [{ autoscaling: { minReplicas: '2', maxReplicas: 4, targetCpuPercent: 50 } as never }, '\'autoscaling.minReplicas\' must be an integer >= 1, got "2"'],
      [{ autoscaling: { minReplicas: 2 } as never }, "'autoscaling.maxReplicas' must be an integer >= 1, got undefined"],
      [{ resources: '1Gi' as never }, '\'resources\' must be an object, got "1Gi"'],
      [
        { resources: { cpuLimit: 1 } as never },
        "'resources.cpuLimit' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got 1",
      ],
      [{ podDisruptionBudget: 'yes' as unknown as boolean }, '\'podDisruptionBudget\' must be true or false, got "yes"'],
      [{ topologySpread: 0 as unknown as boolean }, "'topologySpread' must be true or false, got 0"],
      [{ zoneSpread: 'true' as unknown as boolean }, '\'zoneSpread\' must be true or false, got "true"'],
      [{ imagePullSecrets: 'creds' as unknown as string[] }, '\'imagePullSecrets\' must be an array of strings, got "creds"'],
      [{ runAsUser: '1000' as unknown as number }, '\'runAsUser\' must be a non-zero UID (an integer >= 1), got "1000"'],
      [{ writablePaths: '/tmp' as unknown as string[] }, '\'writablePaths\' must be an array of strings, got "/tmp"'],
      [{ config: {} as unknown as ConfigBundle[] }, "'config' must be an array of ConfigBundle, got {}"],
      [{ config: [{ name: 'cfg' }] as unknown as ConfigBundle[] }, '\'config\' must be a ConfigBundle, got {"name":"cfg"}'],
      [{ ingress: 'web.example.com' as never }, '\'ingress\' must be an object, got "web.example.com"'],
      [{ ingress: { hosts: 'web.example.com' as unknown as string[] } }, '\'ingress.hosts\' must be a non-empty array of host names, got "web.example.com"'],
      [{ ingress: { annotations: [] as unknown as Record<string, string> } }, "'ingress.annotations' must be an object, got []"],
      [{ startupPath: null as unknown as string }, "'startupPath' must be an absolute HTTP path such as '/healthz', got null"],
    ];
    for (const [props, message] of cases) {
      try {
        expectValidationError(build(props), `web-app 'dev/web': ${message}`);
      } catch (e) {
        throw new Error(`with ${JSON.stringify(props)}: ${(e as Error).message}`);
      }
    }
    expectValidationError(
      () => new WebApp(newEnv(), 'web', undefined as unknown as WebAppProps),
      "web-app 'dev/web': 'props' must be an object, got undefined",
    );
  });

  test('fails when two constructs claim the same name in one namespace', () => {
    // GIVEN
    const env = newEnv();
    new WebApp(env, 'web', { image: IMAGE });
    new PostgresDb(env, 'postgres');
    new RedisCache(env, 'redis');

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(env, 'web2', { image: IMAGE, name: 'web' }),
      "web-app 'dev/web2': 'name' must be unique per kind in namespace 'dev': Deployment 'web' is already created by 'dev/web', got \"web\"",
    );
    expectValidationError(
      () => new WebApp(env, 'db-ui', { image: IMAGE, name: 'postgres' }),
      "web-app 'dev/db-ui': 'name' must be unique per kind in namespace 'dev': Service 'postgres' is already created by 'dev/postgres', got \"postgres\"",
    );
    expectValidationError(
      () => new WebApp(env, 'headless', { image: IMAGE, name: 'postgres-headless' }),
      "web-app 'dev/headless': 'name' must be unique per kind in namespace 'dev': Service 'postgres-headless' is already created by 'dev/postgres', got \"postgres-headless\"",
    );
    expectValidationError(
      () => new WebApp(env, 'redis-ui', { image: IMAGE, name: 'redis' }),
      "web-app 'dev/redis-ui': 'name' must be unique per kind in namespace 'dev': Deployment 'redis' is already created by 'dev/redis', got \"redis\"",
    );
  });

  test('the same name in two environments is fine', () => {
    // GIVEN
    const app = Testing.app();
    const dev = new Environment(app, 'dev', { profile: Profiles.dev });
    const staging = new Environment(app, 'staging', { profile: Profiles.staging });

    // WHEN / THEN
    expect(() => {
      new WebApp(dev, 'web', { image: IMAGE });
      new WebApp(staging, 'web', { image: IMAGE });
    }).not.toThrow();
  });
});

describe('WebApp in a production environment', () => {
  const prod =
    (props: Partial<WebAppProps>, profile = Profiles.prod) =>
    () =>
      synthWeb(props, profile);

  test('gets an HPA from the profile, a PDB and spread across nodes and zones', () => {
    // GIVEN / WHEN
    const { objs, web } = synthWeb({ ingress: {} }, Profiles.prod);

    // THEN
    expect(find(objs, 'HorizontalPodAutoscaler', 'web').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(deploymentOf(objs).spec).not.toHaveProperty('replicas');
    expect(find(objs, 'PodDisruptionBudget', 'web').spec.maxUnavailable).toBe(1);
    expect(podSpec(deploymentOf(objs)).topologySpreadConstraints).toHaveLength(2);
    expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['web.example.com'], secretName: 'web-tls' }]);
    expect(web.tlsSecretName).toBe('web-tls');
  });

  test('accepts two fixed replicas', () => {
    const { objs } = prod({ autoscaling: false, replicas: 2 })();
    expect(deploymentOf(objs).spec.replicas).toBe(2);
    expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('fails with fewer than two replicas', () => {
    expectValidationError(prod({ autoscaling: false, replicas: 1 }), "web-app 'prod/web': 'replicas' must be at least 2 in a production environment, got 1");
  });

  test('fails with fewer than two replicas from the profile', () => {
    expectValidationError(
      prod({}, defineProfile(Profiles.prod, { replicas: 1, autoscaling: undefined })),
      "web-app 'prod/web': 'replicas' must be at least 2 in a production environment, got 1",
    );
  });

  test('fails with an HPA that may scale down to one replica', () => {
    expectValidationError(
      prod({ autoscaling: { minReplicas: 1, maxReplicas: 5, targetCpuPercent: 50 } }),
      "web-app 'prod/web': 'autoscaling.minReplicas' must be at least 2 in a production environment, got 1",
    );
  });

  test('fails with podDisruptionBudget false', () => {
    expectValidationError(
      prod({ podDisruptionBudget: false }),
      "web-app 'prod/web': 'podDisruptionBudget' must be true in a production environment, got false",
    );
  });

  test('fails with topologySpread false', () => {
    expectValidationError(prod({ topologySpread: false }), "web-app 'prod/web': 'topologySpread' must be true in a production environment, got false");
  });

  test.each(['registry.example.com/team/web:latest', 'registry.example.com/team/web', 'nginx'])('fails with the unpinned image %p', (image) => {
    expectValidationError(
      prod({ image }),
      `web-app 'prod/web': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (${image.endsWith(':latest') ? "tagged 'latest'" : 'untagged'}), got "${image}"`,
    );
  });

  test('accepts an image pinned by digest', () => {
    expect(prod({ image: `registry.example.com/team/web@sha256:${'f'.repeat(64)}` })).not.toThrow();
  });

  test('fails with an Ingress without TLS', () => {
    expectValidationError(
      prod({ ingress: {} }, defineProfile(Profiles.prod, { tls: false })),
      "web-app 'prod/web': 'ingress.tlsSecretName' must be set in a production environment (TLS on every Ingress), got undefined",
    );
  });

  test('accepts an Ingress with an explicit TLS secret when the profile does not add one', () => {
    const { objs } = prod({ ingress: { tlsSecretName: 'wildcard-tls' } }, defineProfile(Profiles.prod, { tls: false }))();
    expect(find(objs, 'Ingress', 'web').spec.tls).toStrictEqual([{ hosts: ['web.example.com'], secretName: 'wildcard-tls' }]);
  });

  test('the same rules do not apply outside production', () => {
    expect(() =>
      synthWeb({ image: 'nginx:stable', replicas: 1, autoscaling: false, podDisruptionBudget: false, topologySpread: false, ingress: {} }, Profiles.dev),
    ).not.toThrow();
  });
});

describe('replicas and an HPA', () => {
  test('fails when replicas are set while an HPA owns the replica count, instead of dropping them', () => {
    // GIVEN the staging profile, whose HPA applies to every web app
    // WHEN a web app also asks for a fixed replica count
    // THEN it fails rather than silently writing a Deployment without replicas
    expectValidationError(
      () => synthWeb({ replicas: 4 }, Profiles.staging),
      "web-app 'staging/web': 'replicas' must not be set while an HPA owns the replica count (set 'autoscaling: false' to pin replicas, or tune the HPA's minReplicas), got 4",
    );
  });

  test('pins replicas when autoscaling is turned off', () => {
    const { objs, web } = synthWeb({ replicas: 4, autoscaling: false }, Profiles.staging);
    expect(web.replicas).toBe(4);
    expect(find(objs, 'Deployment', 'web').spec.replicas).toBe(4);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
  });
});

describe('WebApp inputs the API server rejects', () => {
  const LONG_ENV = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
  const build =
    (props: Partial<WebAppProps>, profile = Profiles.dev) =>
    () =>
      synthWeb(props, profile);

  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    // GIVEN an environment with a 20-character name: '<name>-<env>' leaves 42 characters for the name
    expect(build({ name: 'a'.repeat(42) }, LONG_ENV)).not.toThrow();

    // WHEN / THEN
    expectValidationError(
      () => new WebApp(newEnv(LONG_ENV, 'long'), 'web', { image: IMAGE, name: 'a'.repeat(43) }),
      `web-app 'long/web': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test('fails on a name that starts with a digit, which a Service name cannot', () => {
    expectValidationError(
      build({ name: '1web' }),
      "web-app 'dev/web': 'name' must start with a letter: it names a Service, whose name the API server requires to be a DNS-1035 label, got \"1web\"",
    );
  });

  test.each([
    ['/a//b', "must not contain '//' (the API server rejects it in a Prefix path)"],
    ['/a/./b', "must not contain '/./' (the API server rejects it in a Prefix path)"],
    ['/a/../b', "must not contain '/../' (the API server rejects it in a Prefix path)"],
    ['/a%2fb', "must not contain '%2f' (the API server rejects it in a Prefix path)"],
    ['/a/..', "must not end with '/..' (the API server rejects it in a Prefix path)"],
    ['/a/.', "must not end with '/.' (the API server rejects it in a Prefix path)"],
    [
      '/api;v=1',
      "must use only letters, digits, '-', '.', '_', '~' and '/' with ingress class 'nginx' (ingress-nginx rejects other characters in a Prefix path)",
    ],
  ])('fails on the Ingress path %s', (path, allowed) => {
    expectValidationError(build({ ingress: { paths: [path] } }), `web-app 'dev/web': 'ingress.paths' ${allowed}, got "${path}"`);
  });

  test('accepts characters outside the ingress-nginx set with another ingress class', () => {
    expect(build({ ingress: { paths: ['/api;v=1'], ingressClassName: 'traefik' } })).not.toThrow();
    expect(build({ ingress: { paths: ['/xpto/~user9/t-e_st.exe'] } })).not.toThrow();
  });

  test('fails on an IP address as Ingress host', () => {
    expectValidationError(
      build({ ingress: { hosts: ['10.0.0.1'] } }),
      "web-app 'dev/web': 'ingress.hosts' must be a DNS name, not an IP address (the API server rejects IP addresses as Ingress hosts), got \"10.0.0.1\"",
    );
  });

  test('fails on a default host longer than 253 characters, composed from the name and the profile domain', () => {
    // GIVEN a domain of 251 characters: '<name>.<domain>' is longer than 253
    const domain = `${'d'.repeat(61)}.${'d'.repeat(61)}.${'d'.repeat(61)}.${'d'.repeat(61)}.com`;
    const profile = defineProfile(Profiles.dev, { domain });

    // WHEN / THEN
    expectValidationError(
      build({ ingress: {} }, profile),
      `web-app 'dev/web': 'ingress.hosts' must be a DNS hostname such as 'app.example.com' (lowercase, no scheme, port or path), got "web.${domain}"`,
    );
  });

  test('fails on an annotation key whose prefix is not a DNS subdomain', () => {
    expectValidationError(
      build({ ingress: { annotations: { 'a..b/x': 'y' } } }),
      "web-app 'dev/web': 'ingress.annotations' must have keys of the form [prefix/]name, got \"a..b/x\"",
    );
  });

  test('fails on annotations larger than 256 KiB in all', () => {
    // GIVEN
    const annotations = { 'example.com/big': 'x'.repeat(262144) };

    // WHEN / THEN
    expectValidationError(
      build({ ingress: { annotations } }),
      `web-app 'dev/web': 'ingress.annotations' must keep the object's annotations within 262144 bytes (256 KiB, keys and values, the API server's limit); they would hold 262159, got {"example.com/big":"${'x'.repeat(97)}...`,
    );
  });

  test('fails on an HPA maximum larger than an int32', () => {
    expectValidationError(
      build({ autoscaling: { minReplicas: 1, maxReplicas: 2 ** 31, targetCpuPercent: 50 } }),
      "web-app 'dev/web': 'autoscaling.maxReplicas' must be at most 2147483647 (the API server stores it in an int32), got 2147483648",
    );
  });

  test('fails on a UID larger than the API server accepts', () => {
    expectValidationError(
      build({ runAsUser: 2 ** 31 }),
      "web-app 'dev/web': 'runAsUser' must be a UID of at most 2147483647 (the API server's limit), got 2147483648",
    );
  });

  test('fails on quantities the API server would round or cap', () => {
    expectValidationError(
      build({ resources: { cpuRequest: '0.5m' } }),
      "web-app 'dev/web': 'resources.cpuRequest' must be a whole number of millicores (Kubernetes rounds finer CPU up to 1m), got \"0.5m\"",
    );
    expectValidationError(
      build({ resources: { memoryLimit: '10000000Ei' } }),
      "web-app 'dev/web': 'resources.memoryLimit' must be at most 9223372036854775807 (2^63-1, the largest quantity the API server keeps), got \"10000000Ei\"",
    );
    expectValidationError(
      build({ resources: { memoryLimit: '1e999999999' } }),
      "web-app 'dev/web': 'resources.memoryLimit' must have an exponent from e-30 to e30, got \"1e999999999\"",
    );
  });
});

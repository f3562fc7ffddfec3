import { ApiObject, Testing } from 'cdk8s';
import {
  ConfigBundle,
  Environment,
  PostgresDb,
  Profiles,
  RedisCache,
  WebApp,
  Worker,
  WorkerCommonProps,
  WorkerProps,
  checkPolicy,
  defineProfile,
  waiverAnnotation,
} from 'kubestack';
import { K8sObject, container, envValue, expectValidationError, find, ids, newEnv, ofKind, podSpec, synthObjects, unresolvedReferences } from './util';

const IMAGE = 'registry.example.com/team/jobs:1.0.0';
const PROBE = { exec: ['jobs', 'healthcheck'] };

/** Builds one Worker named `jobs` in a fresh environment and returns its objects. */
function synthWorker(props: Partial<WorkerCommonProps> & Partial<Pick<WorkerProps, 'probe'>> = {}, profile = Profiles.dev) {
  const env = newEnv(profile, profile.name);
  const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE, ...props } as WorkerProps);
  return { worker, env, objs: synthObjects(env) };
}

/** A constructor call for failure tests: `jobs` in a fresh environment with the given props over the defaults. */
function build(props: Record<string, unknown>, profile = Profiles.dev): () => Worker {
  return () => new Worker(newEnv(profile, profile.name), 'jobs', { image: IMAGE, probe: PROBE, ...props } as unknown as WorkerProps);
}

const deploymentOf = (objs: K8sObject[]) => find(objs, 'Deployment', 'jobs');
const lintWaiversOf = (objs: K8sObject[]) => deploymentOf(objs).metadata.annotations['kube-score/ignore'].split(',');

const selector = { 'app.kubernetes.io/name': 'jobs', 'app.kubernetes.io/instance': 'jobs-dev' };
const labels = {
  ...selector,
  'app.kubernetes.io/component': 'worker',
  'app.kubernetes.io/part-of': 'app',
  'app.kubernetes.io/managed-by': 'kubestack',
};
const devMetadata = { name: 'jobs', namespace: 'dev', labels };

describe('Worker', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: { exec: ['jobs', 'healthcheck'] } });

    // THEN
    expect(synthObjects(env)).toStrictEqual([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'dev',
          labels: {
            'app.kubernetes.io/part-of': 'app',
            'app.kubernetes.io/managed-by': 'kubestack',
            'kubestack.io/environment': 'dev',
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          ...devMetadata,
          annotations: {
            'kube-score/ignore':
              'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id,deployment-replicas,pod-networkpolicy,pod-probes-identical',
          },
        },
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
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
                  readinessProbe: { exec: { command: ['jobs', 'healthcheck'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                  livenessProbe: {
                    exec: { command: ['jobs', 'healthcheck'] },
                    initialDelaySeconds: 10,
                    periodSeconds: 30,
                    timeoutSeconds: 5,
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
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: devMetadata,
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'] },
      },
    ]);
    expect(worker.name).toBe('jobs');
    expect(worker.image).toBe(IMAGE);
    expect([worker.command, worker.args]).toStrictEqual([undefined, undefined]);
    expect(worker.replicas).toBe(1);
    expect(worker.autoscaling).toBeUndefined();
    expect([worker.podDisruptionBudget, worker.topologySpread, worker.zoneSpread]).toStrictEqual([true, true, false]);
    expect(worker.resources).toStrictEqual(Profiles.dev.resources.worker);
    expect(worker.probe).toStrictEqual({ exec: ['jobs', 'healthcheck'] });
    expect(worker.noProbeReason).toBeUndefined();
    expect(worker.imagePullSecrets).toStrictEqual([]);
    expect(worker.runAsUser).toBe(1000);
    expect(worker.writablePaths).toStrictEqual(['/tmp']);
    expect(worker.selector).toStrictEqual(selector);
    expect([worker.hpa, worker.pdb]).toStrictEqual([undefined, undefined]);
    expect(worker.connections).toStrictEqual([]);
    expect(worker.envVars).toStrictEqual([]);
    expect(env.checkPolicy()).toStrictEqual({ violations: [], waivers: [] });
  });

  test('creates no Service and no Ingress, and its NetworkPolicy selects its pods and admits nothing', () => {
    // GIVEN / WHEN
    const { objs, worker } = synthWorker({ replicas: 2 });

    // THEN
    expect(ids(objs.slice(1))).toStrictEqual(['Deployment/jobs', 'NetworkPolicy/jobs', 'PodDisruptionBudget/jobs']);
    const policy = find(objs, 'NetworkPolicy', 'jobs');
    expect(policy.spec).toStrictEqual({ podSelector: { matchLabels: worker.selector }, policyTypes: ['Ingress'] });
    expect(policy.spec).not.toHaveProperty('ingress');
    expect(deploymentOf(objs).spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    expect(ApiObject.of(worker.networkPolicy).kind).toBe('NetworkPolicy');
    expect(ApiObject.of(worker.deployment).name).toBe('jobs');
  });

  test('labels every object with the worker component', () => {
    const { objs } = synthWorker({ autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 } });
    for (const o of objs.slice(1)) expect([o.kind, o.metadata.labels['app.kubernetes.io/component']]).toStrictEqual([o.kind, 'worker']);
    expect(deploymentOf(objs).spec.template.metadata.labels['app.kubernetes.io/component']).toBe('worker');
  });

  test('names every object after the name prop rather than the construct id', () => {
    // GIVEN / WHEN
    const env = newEnv();
    new Worker(env, 'Mailer', { image: IMAGE, probe: PROBE, name: 'mail-sender', autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70 } });

    // THEN
    expect(ids(synthObjects(env).slice(1))).toStrictEqual([
      'Deployment/mail-sender',
      'NetworkPolicy/mail-sender',
      'HorizontalPodAutoscaler/mail-sender',
      'PodDisruptionBudget/mail-sender',
    ]);
  });

  test('command and args override the entrypoint and are copied', () => {
    // GIVEN
    const command = ['celery'];
    const args = ['-A', 'tasks', 'worker'];

    // WHEN
    const { env, worker } = synthWorker({ command, args });
    command.push('--inspect');
    args.push('--beat');
    const c = container(deploymentOf(synthObjects(env)));

    // THEN
    expect(c.command).toStrictEqual(['celery']);
    expect(c.args).toStrictEqual(['-A', 'tasks', 'worker']);
    expect([worker.command, worker.args]).toStrictEqual([['celery'], ['-A', 'tasks', 'worker']]);
  });

  test('env adds plain variables in order, and addEnv appends', () => {
    // GIVEN
    const env = newEnv();
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE, env: { QUEUE: 'mail', EMPTY: '' } });

    // WHEN
    worker.addEnv('CONCURRENCY', '4');

    // THEN
    expect(container(deploymentOf(synthObjects(env))).env).toStrictEqual([
      { name: 'QUEUE', value: 'mail' },
      { name: 'EMPTY', value: '' },
      { name: 'CONCURRENCY', value: '4' },
    ]);
    expect(worker.envVars.map((e) => e.name)).toStrictEqual(['QUEUE', 'EMPTY', 'CONCURRENCY']);
  });

  test('envVars returns a copy', () => {
    // GIVEN
    const { worker } = synthWorker({ env: { A: '1' } });

    // WHEN
    (worker.envVars[0] as { value?: string }).value = 'changed';
    worker.envVars.push({ name: 'B', value: '2' });

    // THEN
    expect(worker.envVars).toStrictEqual([{ name: 'A', value: '1' }]);
  });

  test('config bundles add envFrom, secretKeyRef variables, a files volume per bundle and a hash annotation, and come first', () => {
    // GIVEN
    const env = newEnv();
    const app = new ConfigBundle(env, 'jobs-config', {
      settings: { LOG_LEVEL: 'debug' },
      secrets: { SMTP_PASSWORD: { secretName: 'smtp', key: 'password' } },
      files: { 'jobs.yaml': 'queues: [mail]\n' },
    });
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE, config: [app] });
    const late = new ConfigBundle(env, 'late', { files: { 'x.json': '{}' }, mountPath: '/app/late' });

    // WHEN
    worker.addConfig(late);
    const objs = synthObjects(env);
    const deployment = deploymentOf(objs);
    const c = container(deployment);

    // THEN
    expect(c.envFrom).toStrictEqual([{ configMapRef: { name: 'jobs-config' } }, { configMapRef: { name: 'late' } }]);
    expect(c.env).toStrictEqual([{ name: 'SMTP_PASSWORD', valueFrom: { secretKeyRef: { name: 'smtp', key: 'password' } } }]);
    expect(c.volumeMounts).toStrictEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config-1', mountPath: '/app/config', readOnly: true },
      { name: 'config-2', mountPath: '/app/late', readOnly: true },
    ]);
    expect(podSpec(deployment).volumes).toStrictEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config-1', configMap: { name: 'jobs-config-files' } },
      { name: 'config-2', configMap: { name: 'late-files' } },
    ]);
    expect(deployment.spec.template.metadata.annotations).toStrictEqual({
      'config.kubestack.io/jobs-config': app.contentHash,
      'config.kubestack.io/late': late.contentHash,
    });
    const order = ids(objs);
    expect(order.indexOf('ConfigMap/late-files')).toBeLessThan(order.indexOf('Deployment/jobs'));
  });

  test('replicas sets the Deployment replicas when no HPA owns them', () => {
    const { objs, worker } = synthWorker({ replicas: 4 });
    expect(deploymentOf(objs).spec.replicas).toBe(4);
    expect(worker.replicas).toBe(4);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
  });

  test('replicas defaults to the profile replicas', () => {
    const { objs, worker } = synthWorker({ autoscaling: false }, Profiles.staging);
    expect(deploymentOf(objs).spec.replicas).toBe(2);
    expect(worker.replicas).toBe(2);
  });

  test('autoscaling adds an HPA on CPU and leaves replicas out of the Deployment', () => {
    // GIVEN / WHEN
    const { objs, worker } = synthWorker({ autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70 } });

    // THEN
    expect(deploymentOf(objs).spec).not.toHaveProperty('replicas');
    expect(worker.replicas).toBeUndefined();
    expect(worker.autoscaling).toStrictEqual({ minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70 });
    expect(find(objs, 'HorizontalPodAutoscaler', 'jobs')).toStrictEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: devMetadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'jobs' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
    expect(worker.hpa).toBeDefined();
  });

  test('autoscaling defaults to the profile and false turns it off', () => {
    // GIVEN / WHEN
    const staging = synthWorker({}, Profiles.staging);
    const off = synthWorker({ autoscaling: false }, Profiles.staging);

    // THEN
    expect(find(staging.objs, 'HorizontalPodAutoscaler', 'jobs').spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(staging.worker.autoscaling).toStrictEqual(Profiles.staging.autoscaling);
    expect(ofKind(off.objs, 'HorizontalPodAutoscaler')).toStrictEqual([]);
    expect(off.worker.autoscaling).toBeUndefined();
    expect(off.worker.hpa).toBeUndefined();
  });

  describe('PodDisruptionBudget', () => {
    test('is absent when only one replica can run', () => {
      const { objs, worker } = synthWorker({ replicas: 1 });
      expect(ofKind(objs, 'PodDisruptionBudget')).toStrictEqual([]);
      expect(worker.pdb).toBeUndefined();
    });

    test('allows one pod down at a time when two or more replicas run', () => {
      const { objs, worker } = synthWorker({ replicas: 2 });
      expect(find(objs, 'PodDisruptionBudget', 'jobs')).toStrictEqual({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: devMetadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
      expect(worker.pdb).toBeDefined();
    });

    test('is present when an HPA may scale past one replica', () => {
      const { objs } = synthWorker({ autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuPercent: 80 } });
      expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(1);
    });

    test('podDisruptionBudget false leaves it out outside production', () => {
      const { objs, worker } = synthWorker({ replicas: 3, podDisruptionBudget: false });
      expect(ofKind(objs, 'PodDisruptionBudget')).toStrictEqual([]);
      expect(worker.podDisruptionBudget).toBe(false);
    });
  });

  describe('topology spread', () => {
    const keysOf = (objs: K8sObject[]) => (podSpec(deploymentOf(objs)).topologySpreadConstraints ?? []).map((c: K8sObject) => c.topologyKey);

    test('spreads across nodes by default and across zones when zoneSpread is on', () => {
      expect(keysOf(synthWorker().objs)).toStrictEqual(['kubernetes.io/hostname']);
      const zones = synthWorker({ zoneSpread: true });
      expect(keysOf(zones.objs)).toStrictEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      expect(podSpec(deploymentOf(zones.objs)).topologySpreadConstraints[1]).toStrictEqual({
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
      });
      expect(zones.worker.zoneSpread).toBe(true);
    });

    test('zoneSpread defaults to the profile', () => {
      const { objs, worker } = synthWorker({}, defineProfile(Profiles.dev, { zoneSpread: true }));
      expect(keysOf(objs)).toStrictEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      expect(worker.zoneSpread).toBe(true);
    });

    test('topologySpread false leaves the constraints out', () => {
      const { objs, worker } = synthWorker({ topologySpread: false, zoneSpread: true });
      expect(podSpec(deploymentOf(objs))).not.toHaveProperty('topologySpreadConstraints');
      expect(worker.topologySpread).toBe(false);
    });
  });

  describe('kube-score waivers', () => {
    test('waive deployment-replicas only at one fixed replica', () => {
      expect(lintWaiversOf(synthWorker({ replicas: 1 }).objs)).toContain('deployment-replicas');
      expect(lintWaiversOf(synthWorker({ replicas: 2 }).objs)).not.toContain('deployment-replicas');
      expect(lintWaiversOf(synthWorker({}, Profiles.staging).objs)).not.toContain('deployment-replicas');
    });

    test('waive the host pod anti-affinity check only when the pods are spread and more than one can run', () => {
      expect(lintWaiversOf(synthWorker({ replicas: 2 }).objs)).toContain('deployment-has-host-podantiaffinity');
      expect(lintWaiversOf(synthWorker({ replicas: 1 }).objs)).not.toContain('deployment-has-host-podantiaffinity');
      expect(lintWaiversOf(synthWorker({ replicas: 2, topologySpread: false }).objs)).not.toContain('deployment-has-host-podantiaffinity');
    });

    test('waive the low-UID check only below UID 10000, and always the NetworkPolicy egress check', () => {
      expect(lintWaiversOf(synthWorker({ replicas: 2, runAsUser: 10001 }).objs)).toStrictEqual([
        'container-ephemeral-storage-request-and-limit',
        'container-image-pull-policy',
        'deployment-has-host-podantiaffinity',
        'pod-networkpolicy',
        'pod-probes-identical',
      ]);
    });
  });

  test('imagePullSecrets are referenced by name and listed in env.requiredSecrets', () => {
    const { objs, env, worker } = synthWorker({ imagePullSecrets: ['registry-creds'] });
    expect(podSpec(deploymentOf(objs)).imagePullSecrets).toStrictEqual([{ name: 'registry-creds' }]);
    expect(env.requiredSecrets).toStrictEqual([{ secretName: 'registry-creds', keys: ['.dockerconfigjson'], requiredBy: 'dev/jobs' }]);
    expect(worker.imagePullSecrets).toStrictEqual(['registry-creds']);
  });

  test('resources default to the profile worker resources, not the web ones', () => {
    // GIVEN a profile whose worker and web resources differ
    const worker = { cpuRequest: '300m', memoryRequest: '384Mi', cpuLimit: '2', memoryLimit: '768Mi' };
    const profile = defineProfile(Profiles.dev, { resources: { ...Profiles.dev.resources, worker } });

    // WHEN
    const { objs, worker: w } = synthWorker({}, profile);

    // THEN
    expect(container(deploymentOf(objs)).resources).toStrictEqual({ requests: { cpu: '300m', memory: '384Mi' }, limits: { cpu: '2', memory: '768Mi' } });
    expect(w.resources).toStrictEqual(worker);
  });

  test('resources override the profile field by field', () => {
    const { objs, worker } = synthWorker({ resources: { memoryLimit: '1Gi', cpuRequest: '100m' } });
    expect(container(deploymentOf(objs)).resources).toStrictEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '250m', memory: '1Gi' } });
    expect(worker.resources).toStrictEqual({ cpuRequest: '100m', memoryRequest: '64Mi', cpuLimit: '250m', memoryLimit: '1Gi' });
  });

  test('runAsUser sets the UID and GID of the pod and the container', () => {
    const { objs, worker } = synthWorker({ runAsUser: 10001 });
    const spec = podSpec(deploymentOf(objs));
    expect(spec.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
    expect(spec.containers[0].securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
    expect(worker.runAsUser).toBe(10001);
  });

  test('writablePaths mount one emptyDir each', () => {
    const { objs, worker } = synthWorker({ writablePaths: ['/tmp', '/var/cache/jobs'] });
    const spec = podSpec(deploymentOf(objs));
    expect(spec.volumes).toStrictEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'writable-1', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(spec.containers[0].volumeMounts).toStrictEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'writable-1', mountPath: '/var/cache/jobs' },
    ]);
    expect(worker.writablePaths).toStrictEqual(['/tmp', '/var/cache/jobs']);
  });
});

describe('Worker probes', () => {
  test('an exec probe runs the command for readiness and, less often, for liveness, and declares no port', () => {
    // GIVEN / WHEN
    const { objs, worker } = synthWorker({ probe: { exec: ['celery', 'inspect', 'ping'] } });
    const c = container(deploymentOf(objs));

    // THEN
    expect(c.readinessProbe).toStrictEqual({ exec: { command: ['celery', 'inspect', 'ping'] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toStrictEqual({
      exec: { command: ['celery', 'inspect', 'ping'] },
      initialDelaySeconds: 10,
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(c).not.toHaveProperty('ports');
    expect(worker.probe).toStrictEqual({ exec: ['celery', 'inspect', 'ping'] });
  });

  test('an exec probe copies the command', () => {
    const exec = ['jobs', 'ping'];
    const { env } = synthWorker({ probe: { exec } });
    exec.push('--verbose');
    expect(container(deploymentOf(synthObjects(env))).livenessProbe.exec.command).toStrictEqual(['jobs', 'ping']);
  });

  test('an HTTP probe declares the health port and probes it by name, on /healthz by default', () => {
    // GIVEN / WHEN
    const { objs, worker, env } = synthWorker({ probe: { httpPort: 8081 } });
    const c = container(deploymentOf(objs));

    // THEN
    expect(c.ports).toStrictEqual([{ name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    const httpGet = { path: '/healthz', port: 'health', scheme: 'HTTP' };
    expect(c.readinessProbe).toStrictEqual({ httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(c.livenessProbe).toStrictEqual({ httpGet, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(worker.probe).toStrictEqual({ httpPort: 8081, path: '/healthz' });
    // the gate's probes rule checks that a probe port is declared
    expect(env.checkPolicy().violations).toStrictEqual([]);
  });

  test('an HTTP probe path sets the path of both probes', () => {
    const c = container(deploymentOf(synthWorker({ probe: { httpPort: 9000, path: '/live' } }).objs));
    expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toStrictEqual(['/live', '/live']);
    expect(c.ports[0].containerPort).toBe(9000);
  });

  test('probe false with a reason leaves the probes out and waives the probes rule on the Deployment', () => {
    // GIVEN
    const env = newEnv();
    const reason = 'legacy consumer without a health endpoint until JOBS-42';

    // WHEN
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: false, noProbeReason: reason });
    const objs = synthObjects(env);
    const deployment = deploymentOf(objs);

    // THEN
    expect(container(deployment)).not.toHaveProperty('readinessProbe');
    expect(container(deployment)).not.toHaveProperty('livenessProbe');
    expect(deployment.metadata.annotations[waiverAnnotation('probes')]).toBe(reason);
    expect(deployment.metadata.annotations['policy.kubestack.io/waive.probes']).toBe(reason);
    expect([worker.probe, worker.noProbeReason]).toStrictEqual([false, reason]);
    expect(env.checkPolicy().waivers).toStrictEqual([
      { rule: 'probes', object: { kind: 'Deployment', namespace: 'dev', name: 'jobs' }, reason, suppressed: 2 },
    ]);
  });

  test('the waiver is what lets a worker without probes pass the gate', () => {
    // GIVEN a worker without probes
    const env = newEnv();
    new Worker(env, 'jobs', { image: IMAGE, probe: false, noProbeReason: 'no health endpoint' });

    // WHEN the waiver annotation is removed from its Deployment
    const objs = env.manifests().map((o) => {
      const copy = JSON.parse(JSON.stringify(o)) as K8sObject;
      if (copy.kind === 'Deployment') delete copy.metadata.annotations[waiverAnnotation('probes')];
      return copy;
    });

    // THEN the gate reports the missing probes
    expect(checkPolicy(objs, env.policyOptions).violations.map((v) => [v.rule, v.message])).toStrictEqual([
      ['probes', "container 'app' has no readinessProbe"],
      ['probes', "container 'app' has no livenessProbe"],
    ]);
  });

  test('the gate prints the waiver on every synthesis', () => {
    // GIVEN
    const env = newEnv();
    new Worker(env, 'jobs', { image: IMAGE, probe: false, noProbeReason: 'no health endpoint' });
    let printed = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });

    // WHEN
    try {
      synthObjects(env);
    } finally {
      spy.mockRestore();
    }

    // THEN
    expect(printed).toBe('policy gate: dev: waived [probes] for Deployment dev/jobs (2 suppressed): no health endpoint\n');
  });
});

describe('Worker.connect', () => {
  /** jobs created before its servers, so only the recorded dependency can order the output. */
  function wired(profile = Profiles.dev) {
    const env = newEnv(profile, profile.name);
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE });
    const postgres = new PostgresDb(env, 'postgres');
    const redis = new RedisCache(env, 'redis', { passwordSecret: { secretName: 'redis-auth', key: 'password' } });
    return { env, worker, postgres, redis };
  }

  test('to a PostgresDb injects DB_USER and DB_PASS from the Secret before DATABASE_URL uses them', () => {
    // GIVEN
    const { env, worker, postgres } = wired();

    // WHEN
    worker.connect(postgres);

    // THEN
    expect(container(deploymentOf(synthObjects(env))).env).toStrictEqual([
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'username' } } },
      { name: 'DB_PASS', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
      { name: 'DB_HOST', value: 'postgres' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'app' },
      { name: 'DATABASE_URL', value: 'postgres://$(DB_USER):$(DB_PASS)@postgres:5432/app' },
    ]);
  });

  test('to a RedisCache injects REDIS_URL, with the password as a reference defined before it', () => {
    // GIVEN
    const { env, worker, redis } = wired();

    // WHEN
    worker.connect(redis);

    // THEN
    expect(container(deploymentOf(synthObjects(env))).env).toStrictEqual([
      { name: 'REDIS_HOST', value: 'redis' },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } },
      { name: 'REDIS_URL', value: 'redis://:$(REDIS_PASSWORD)@redis:6379' },
    ]);
    expect(worker.envVars.map((e) => e.name)).toStrictEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'REDIS_URL']);
  });

  test('uses the server public fields: a renamed database flows into the URL', () => {
    const env = newEnv();
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE });
    worker.connect(new PostgresDb(env, 'db', { name: 'orders-db', database: 'orders', credentialsSecret: 'orders-creds' }));
    const c = container(deploymentOf(synthObjects(env)));
    expect(envValue(c, 'DATABASE_URL')).toBe('postgres://$(DB_USER):$(DB_PASS)@orders-db:5432/orders');
    expect(c.env[0].valueFrom.secretKeyRef).toStrictEqual({ name: 'orders-creds', key: 'username' });
  });

  test('lets exactly the connected workloads through the Postgres and Redis NetworkPolicies', () => {
    // GIVEN a worker and a web app wired to both servers, and a worker wired to neither
    const { env, worker, postgres, redis } = wired();
    const web = new WebApp(env, 'web', { image: 'registry.example.com/team/web:1.0.0' });
    new Worker(env, 'unwired', { image: IMAGE, probe: PROBE });

    // WHEN
    worker.connect(postgres);
    worker.connect(redis);
    web.connect(postgres);
    const objs = synthObjects(env);

    // THEN
    expect(find(objs, 'NetworkPolicy', 'postgres').spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: selector } }, { podSelector: { matchLabels: web.selector } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'redis').spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
    expect(postgres.clients.map((c) => c.path)).toStrictEqual(['dev/jobs', 'dev/web']);
    expect(redis.clients).toStrictEqual([{ path: 'dev/jobs', name: 'jobs', selector }]);
  });

  test('records the dependency: server objects come before the worker Deployment, and connections lists them', () => {
    // GIVEN
    const { env, worker, postgres, redis } = wired();

    // WHEN
    worker.connect(postgres);
    worker.connect(redis);
    const order = ids(synthObjects(env));

    // THEN
    for (const server of ['StatefulSet/postgres', 'NetworkPolicy/postgres', 'Deployment/redis', 'NetworkPolicy/redis']) {
      expect(order.indexOf(server)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(server)).toBeLessThan(order.indexOf('Deployment/jobs'));
    }
    expect(worker.connections).toStrictEqual([postgres, redis]);
    expect(worker.node.dependencies).toEqual(expect.arrayContaining([postgres, redis]));
  });

  test('without connect, the output keeps construct order (so the ordering test above can fail)', () => {
    const order = ids(synthObjects(wired().env));
    expect(order.indexOf('Deployment/jobs')).toBeLessThan(order.indexOf('StatefulSet/postgres'));
  });

  test('every Secret and ConfigMap reference resolves to an object or to env.requiredSecrets', () => {
    // GIVEN
    const { env, worker, postgres, redis } = wired();
    worker.addConfig(new ConfigBundle(env, 'cfg', { settings: { A: '1' }, secrets: { S: { secretName: 'app-secrets', key: 's' } }, files: { f: 'x' } }));

    // WHEN
    worker.connect(postgres);
    worker.connect(redis);

    // THEN
    expect(unresolvedReferences(env, synthObjects(env))).toStrictEqual([]);
    expect(env.requiredSecrets.map((s) => s.secretName)).toStrictEqual(['app-secrets', 'postgres-credentials', 'redis-auth']);
  });

  test('fails when the same server is connected twice', () => {
    // GIVEN
    const { worker, postgres } = wired();
    worker.connect(postgres);

    // WHEN / THEN
    expectValidationError(() => worker.connect(postgres), "worker 'dev/jobs': 'connect' must not connect the same server twice, got \"dev/postgres\"");
  });

  test('fails on a server of another Environment', () => {
    // GIVEN
    const app = Testing.app();
    const dev = new Environment(app, 'dev', { profile: Profiles.dev });
    const staging = new Environment(app, 'staging', { profile: Profiles.staging });
    const worker = new Worker(dev, 'jobs', { image: IMAGE, probe: PROBE });

    // WHEN / THEN
    expectValidationError(
      () => worker.connect(new PostgresDb(staging, 'postgres')),
      "worker 'dev/jobs': 'connect' must be a server in the same Environment, got \"staging/postgres\"",
    );
  });

  test('fails on something that is not a Connectable', () => {
    const { env, worker } = wired();
    expectValidationError(
      () => worker.connect(new ConfigBundle(env, 'cfg') as unknown as PostgresDb),
      "worker 'dev/jobs': 'connect' must be a PostgresDb, a RedisCache or another Connectable construct, got ConfigBundle 'dev/cfg'",
    );
  });

  test('fails when a plain variable already uses a name the server injects', () => {
    const env = newEnv();
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE, env: { REDIS_URL: 'redis://elsewhere:6379' } });
    expectValidationError(
      () => worker.connect(new RedisCache(env, 'redis')),
      "worker 'dev/jobs': 'connect' must not set an environment variable that is already set, got \"REDIS_URL\"",
    );
  });
});

describe('Worker validation', () => {
  const PROBE_FIX =
    "must be set: a command ({ exec: ['celery', 'inspect', 'ping'] }), an HTTP health port ({ httpPort: 8081, path: '/healthz' }), or false with a 'noProbeReason' that says why the worker has no health check";

  test('fails on bad replicas', () => {
    expectValidationError(build({ replicas: -1 }), "worker 'dev/jobs': 'replicas' must be an integer from 1 to 1000, got -1");
    expectValidationError(build({ replicas: 1.5 }), "worker 'dev/jobs': 'replicas' must be an integer from 1 to 1000, got 1.5");
  });

  test('fails when replicas are set while an HPA owns the replica count, instead of dropping them', () => {
    expectValidationError(
      build({ replicas: 4 }, Profiles.staging),
      "worker 'staging/jobs': 'replicas' must not be set while an HPA owns the replica count (set 'autoscaling: false' to pin replicas, or tune the HPA's minReplicas), got 4",
    );
  });

  test('fails without a probe and without an opt-out, saying how to fix it', () => {
    expectValidationError(build({ probe: undefined }), `worker 'dev/jobs': 'probe' ${PROBE_FIX}, got undefined`);
  });

  test('fails when probe is false without a reason, or with an empty one', () => {
    const allowed = "must say why the worker has no health check when 'probe' is false (it becomes the waiver policy.kubestack.io/waive.probes)";
    expectValidationError(build({ probe: false, noProbeReason: '' }), `worker 'dev/jobs': 'noProbeReason' ${allowed}, got ""`);
    expectValidationError(build({ probe: false, noProbeReason: '  ' }), `worker 'dev/jobs': 'noProbeReason' ${allowed}, got "  "`);
    expectValidationError(build({ probe: false }), `worker 'dev/jobs': 'noProbeReason' ${allowed}, got undefined`);
  });

  test('fails when noProbeReason comes with a probe', () => {
    expectValidationError(
      build({ noProbeReason: 'why' }),
      "worker 'dev/jobs': 'noProbeReason' must be left out when 'probe' is set (it only explains 'probe: false'), got \"why\"",
    );
  });

  test('fails on an HTTP probe port out of range', () => {
    expectValidationError(build({ probe: { httpPort: 70000 } }), "worker 'dev/jobs': 'probe.httpPort' must be an integer from 1 to 65535, got 70000");
    expectValidationError(build({ probe: { httpPort: 0 } }), "worker 'dev/jobs': 'probe.httpPort' must be an integer from 1 to 65535, got 0");
  });

  test('accepts the HTTP probe port range bounds', () => {
    expect(build({ probe: { httpPort: 1 } })).not.toThrow();
    expect(build({ probe: { httpPort: 65535 } })).not.toThrow();
  });

  test('fails on an HTTP probe path that is not absolute', () => {
    expectValidationError(
      build({ probe: { httpPort: 8081, path: 'healthz' } }),
      "worker 'dev/jobs': 'probe.path' must be an absolute HTTP path such as '/healthz', got \"healthz\"",
    );
  });

  test('fails on an empty exec command, or a path on an exec probe', () => {
    expectValidationError(build({ probe: { exec: [] } }), "worker 'dev/jobs': 'probe.exec' must be a non-empty array of strings, got []");
    expectValidationError(build({ probe: { exec: 'ping' } }), "worker 'dev/jobs': 'probe.exec' must be a non-empty array of strings, got \"ping\"");
    expectValidationError(
      build({ probe: { exec: ['ping'], path: '/healthz' } }),
      "worker 'dev/jobs': 'probe.path' must be left out of an exec probe (it is the path of an 'httpPort' probe), got \"/healthz\"",
    );
  });

  test('fails on a probe with both or neither of exec and httpPort, or that is not an object', () => {
    expectValidationError(
      build({ probe: { exec: ['ping'], httpPort: 8081 } }),
      "worker 'dev/jobs': 'probe' must have exactly one of 'exec' and 'httpPort', got {\"exec\":[\"ping\"],\"httpPort\":8081}",
    );
    expectValidationError(build({ probe: {} }), "worker 'dev/jobs': 'probe' must have exactly one of 'exec' and 'httpPort', got {}");
    expectValidationError(build({ probe: true }), "worker 'dev/jobs': 'probe' must be { exec: [...] }, { httpPort, path? } or false, got true");
  });

  test('fails on a name that is not a DNS-1123 label of at most 54 characters', () => {
    const allowed = "must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 54 characters)";
    expectValidationError(build({ name: 'Jobs_Worker' }), `worker 'dev/jobs': 'name' ${allowed}, got "Jobs_Worker"`);
    expectValidationError(build({ name: 'j'.repeat(55) }), `worker 'dev/jobs': 'name' ${allowed}, got "${'j'.repeat(55)}"`);
  });

  test('fails on an image tagged latest', () => {
    expectValidationError(
      build({ image: 'registry.example.com/team/jobs:latest' }),
      "worker 'dev/jobs': 'image' must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment), got \"registry.example.com/team/jobs:latest\"",
    );
  });

  test('fails on values of the wrong JavaScript type with a ValidationError, not a TypeError', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ replicas: '3' }, '\'replicas\' must be an integer from 1 to 1000, got "3"'],
      [{ command: 'celery worker' }, '\'command\' must be an array of strings, got "celery worker"'],
      [{ args: ['-c', 4] }, '\'args\' must be an array of strings, got ["-c",4]'],
      [{ env: { CONCURRENCY: 4 } }, "'env.CONCURRENCY' must be a string, got 4"],
      [{ autoscaling: true }, "'autoscaling' must be an object, got true"],
      [{ resources: '1Gi' }, '\'resources\' must be an object, got "1Gi"'],
      [{ podDisruptionBudget: 'yes' }, '\'podDisruptionBudget\' must be true or false, got "yes"'],
      [{ topologySpread: 0 }, "'topologySpread' must be true or false, got 0"],
      [{ zoneSpread: 'true' }, '\'zoneSpread\' must be true or false, got "true"'],
      [{ imagePullSecrets: 'creds' }, '\'imagePullSecrets\' must be an array of strings, got "creds"'],
      [{ runAsUser: 0 }, "'runAsUser' must be a non-zero UID (an integer >= 1), got 0"],
      [{ writablePaths: ['tmp'] }, '\'writablePaths\' must be absolute paths, got "tmp"'],
      [{ config: {} }, "'config' must be an array of ConfigBundle, got {}"],
      [{ probe: { httpPort: '8081' } }, '\'probe.httpPort\' must be an integer from 1 to 65535, got "8081"'],
    ];
    for (const [props, message] of cases) {
      try {
        expectValidationError(build(props), `worker 'dev/jobs': ${message}`);
      } catch (e) {
        throw new Error(`with ${JSON.stringify(props)}: ${(e as Error).message}`);
      }
    }
    expectValidationError(
      () => new Worker(newEnv(), 'jobs', undefined as unknown as WorkerProps),
      "worker 'dev/jobs': 'props' must be an object, got undefined",
    );
  });

  test('fails when addEnv repeats a name, or the same ConfigBundle is added twice', () => {
    // GIVEN
    const env = newEnv();
    const bundle = new ConfigBundle(env, 'cfg', { settings: { A: '1' } });
    const worker = new Worker(env, 'jobs', { image: IMAGE, probe: PROBE, env: { QUEUE: 'mail' }, config: [bundle] });

    // WHEN / THEN
    expectValidationError(
      () => worker.addEnv('QUEUE', 'sms'),
      "worker 'dev/jobs': 'env' must not set an environment variable that is already set, got \"QUEUE\"",
    );
    expectValidationError(() => worker.addConfig(bundle), "worker 'dev/jobs': 'config' must not add the same ConfigBundle twice, got \"dev/cfg\"");
  });

  test('fails when it claims the name of another construct Deployment in the namespace', () => {
    // GIVEN
    const env = newEnv();
    new WebApp(env, 'web', { image: 'registry.example.com/team/web:1.0.0' });

    // WHEN / THEN
    expectValidationError(
      () => new Worker(env, 'web-worker', { image: IMAGE, probe: PROBE, name: 'web' }),
      "worker 'dev/web-worker': 'name' must be unique per kind in namespace 'dev': Deployment 'web' is already created by 'dev/web', got \"web\"",
    );
  });
});

describe('Worker in a production environment', () => {
  const prod = (props: Record<string, unknown>, profile = Profiles.prod) => build(props, profile);

  test('gets an HPA from the profile, a PDB and spread across nodes and zones', () => {
    // GIVEN / WHEN
    const { objs, worker } = synthWorker({}, Profiles.prod);

    // THEN
    expect(find(objs, 'HorizontalPodAutoscaler', 'jobs').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(deploymentOf(objs).spec).not.toHaveProperty('replicas');
    expect(find(objs, 'PodDisruptionBudget', 'jobs').spec.maxUnavailable).toBe(1);
    expect(podSpec(deploymentOf(objs)).topologySpreadConstraints).toHaveLength(2);
    expect(container(deploymentOf(objs)).resources).toStrictEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(worker.autoscaling).toStrictEqual(Profiles.prod.autoscaling);
  });

  test('accepts two fixed replicas', () => {
    const { objs } = synthWorker({ autoscaling: false, replicas: 2 }, Profiles.prod);
    expect(deploymentOf(objs).spec.replicas).toBe(2);
    expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('fails with fewer than two replicas', () => {
    expectValidationError(prod({ autoscaling: false, replicas: 1 }), "worker 'prod/jobs': 'replicas' must be at least 2 in a production environment, got 1");
  });

  test('fails with fewer than two replicas from the profile', () => {
    expectValidationError(
      prod({}, defineProfile(Profiles.prod, { replicas: 1, autoscaling: undefined })),
      "worker 'prod/jobs': 'replicas' must be at least 2 in a production environment, got 1",
    );
  });

  test('fails with an HPA that may scale down to one replica', () => {
    expectValidationError(
      prod({ autoscaling: { minReplicas: 1, maxReplicas: 5, targetCpuPercent: 50 } }),
      "worker 'prod/jobs': 'autoscaling.minReplicas' must be at least 2 in a production environment, got 1",
    );
  });

  test('fails with podDisruptionBudget false', () => {
    expectValidationError(
      prod({ podDisruptionBudget: false }),
      "worker 'prod/jobs': 'podDisruptionBudget' must be true in a production environment, got false",
    );
  });

  test('fails with topologySpread false', () => {
    expectValidationError(prod({ topologySpread: false }), "worker 'prod/jobs': 'topologySpread' must be true in a production environment, got false");
  });

  test('fails with an untagged image', () => {
    expectValidationError(
      prod({ image: 'registry.example.com/team/jobs' }),
      "worker 'prod/jobs': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (untagged), got \"registry.example.com/team/jobs\"",
    );
  });

  test('the same rules do not apply outside production', () => {
    expect(() =>
      synthWorker({ image: 'registry.example.com/team/jobs:stable', replicas: 1, autoscaling: false, podDisruptionBudget: false, topologySpread: false }),
    ).not.toThrow();
  });

  test('a worker without probes passes the production gate with its waiver', () => {
    const env = newEnv(Profiles.prod, 'prod');
    new Worker(env, 'jobs', { image: IMAGE, probe: false, noProbeReason: 'no health endpoint' });
    const report = env.checkPolicy();
    expect(report.violations).toStrictEqual([]);
    expect(report.waivers.map((w) => [w.rule, w.object.name, w.suppressed])).toStrictEqual([['probes', 'jobs', 2]]);
  });
});

describe('Worker inputs the API server rejects', () => {
  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    // GIVEN an environment with a 20-character name
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });

    // WHEN / THEN
    expect(build({ name: 'a'.repeat(42) }, profile)).not.toThrow();
    expectValidationError(
      build({ name: 'a'.repeat(43) }, profile),
      `worker 'eeeeeeeeeeeeeeeeeeee/jobs': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test('fails on a noProbeReason too large for the annotations of the Deployment', () => {
    // GIVEN a reason of 256 KiB: with the waiver key and the kube-score annotation, the annotations exceed the limit
    const noProbeReason = 'x'.repeat(262144);

    // WHEN / THEN
    expect(thrownMessage(build({ probe: false, noProbeReason }))).toMatch(
      /^worker 'dev\/jobs': 'noProbeReason' must keep the object's annotations within 262144 bytes \(256 KiB, keys and values, the API server's limit\); they would hold \d+, got "x+"$/,
    );
  });

  test('fails on a UID larger than the API server accepts', () => {
    expectValidationError(
      build({ runAsUser: 2 ** 31 }),
      "worker 'dev/jobs': 'runAsUser' must be a UID of at most 2147483647 (the API server's limit), got 2147483648",
    );
  });
});

function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the call to throw');
}

// "baseline": the same Kubernetes objects as bench/units.ts, written by hand with cdk8s and the
// L1 classes of cdk8s-plus-28 (`k8s.Kube*`), the way a team would write them without our library:
// object literals, a few helpers for labels, no validation, no dependency records, no Lazy values.
// test/bench-equivalence.test.ts proves that both produce the same YAML, byte for byte.
import { createHash } from 'crypto';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { BENCH_IMAGE, BENCH_NAMESPACE, BENCH_PART_OF, unitSuffix } from './unit-spec';

const NS = BENCH_NAMESPACE;
const ENV = 'prod';
const MANAGED_BY = 'kubestack';
const q = (v: string) => k8s.Quantity.fromString(v);
const port = (name: string) => k8s.IntOrString.fromString(name);
const num = (n: number) => k8s.IntOrString.fromNumber(n);

function selectorOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${ENV}` };
}

function labelsOf(name: string, component: string): Record<string, string> {
  return {
    ...selectorOf(name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': BENCH_PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

function meta(name: string, labels: Record<string, string>, annotations?: Record<string, string>): k8s.ObjectMeta {
  return { name, namespace: NS, labels, annotations };
}

function resources(cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string): k8s.ResourceRequirements {
  return { requests: { cpu: q(cpuRequest), memory: q(memoryRequest) }, limits: { cpu: q(cpuLimit), memory: q(memoryLimit) } };
}

function containerSecurity(uid: number): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function podSecurity(uid: number, fsGroup?: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup,
    fsGroupChangePolicy: fsGroup === undefined ? undefined : 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function execProbe(command: string, periodSeconds: number, failureThreshold: number, initialDelaySeconds: number): k8s.Probe {
  return { exec: { command: ['sh', '-c', command] }, initialDelaySeconds, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

function tcpProbe(name: string, periodSeconds: number, failureThreshold: number, initialDelaySeconds: number): k8s.Probe {
  return { tcpSocket: { port: port(name) }, initialDelaySeconds, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/** kube-score checks waived on a workload (the library's lint waivers, written out). */
const LINT_BASE = 'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id';

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): k8s.Probe {
  return { httpGet: { path, port: port('http'), scheme: 'HTTP' }, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

function allowFrom(client: string, p: number): k8s.NetworkPolicyIngressRule[] {
  return [{ from: [{ podSelector: { matchLabels: selectorOf(client) } }], ports: [{ protocol: 'TCP', port: num(p) }] }];
}

/** Builds the same objects as `buildOurs(n)`, by hand; `app.synthYaml()` synthesizes them. */
export function buildBaseline(n: number): App {
  const app = new App();
  const chart = new Chart(app, BENCH_PART_OF, { disableResourceNameHashes: true });
  new k8s.KubeNamespace(chart, 'Namespace', {
    metadata: {
      name: NS,
      labels: {
        'app.kubernetes.io/part-of': BENCH_PART_OF,
        'app.kubernetes.io/managed-by': MANAGED_BY,
        'kubestack.io/environment': ENV,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  });
  for (let i = 0; i < n; i++) addUnit(chart, i);
  return app;
}

function addUnit(chart: Chart, i: number): void {
  const s = unitSuffix(i);
  const web = `web-${s}`;
  const pg = `postgres-${s}`;
  const redis = `redis-${s}`;
  const config = `config-${s}`;
  const pgSecret = `${pg}-credentials`;
  const redisSecret = `${redis}-auth`;

  // --- config: settings ConfigMap, files ConfigMap --------------------------------------------
  const settings = { APP_ENV: ENV, LOG_LEVEL: 'info', UNIT: s };
  const files = { 'app.properties': `unit=${s}\ngreeting=Hello from unit ${s}\n` };
  const sessionSecret = { secretName: `${web}-secrets`, key: 'session-secret' };
  // Same hash as the library's ConfigBundle.contentHash: sha256 of the key-sorted JSON.
  const configHash = createHash('sha256')
    .update(JSON.stringify({ files, secrets: { SESSION_SECRET: { key: sessionSecret.key, secretName: sessionSecret.secretName } }, settings }))
    .digest('hex')
    .slice(0, 16);
  const configLabels = {
    'app.kubernetes.io/name': config,
    'app.kubernetes.io/instance': `${config}-${ENV}`,
    'app.kubernetes.io/component': 'config',
    'app.kubernetes.io/part-of': BENCH_PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
  new k8s.KubeConfigMap(chart, `${config}-settings`, { metadata: meta(config, configLabels), data: settings });
  new k8s.KubeConfigMap(chart, `${config}-files`, { metadata: meta(`${config}-files`, configLabels), data: files });

  // --- postgres: StatefulSet, headless Service, Service, NetworkPolicy ------------------------
  const pgLabels = labelsOf(pg, 'database');
  const ready = 'pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER" -d "$POSTGRES_DB"';
  new k8s.KubeStatefulSet(chart, `${pg}-sts`, {
    metadata: meta(pg, pgLabels, { 'kube-score/ignore': LINT_BASE, 'kubestack.io/protect': 'true' }),
    spec: {
      serviceName: `${pg}-headless`,
      replicas: 1,
      selector: { matchLabels: selectorOf(pg) },
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { labels: pgLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(70, 70),
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: 'postgres',
              image: 'postgres:16.6-alpine',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
              env: [
                { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: pgSecret, key: 'username' } } },
                { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: pgSecret, key: 'password' } } },
                { name: 'POSTGRES_DB', value: 'app' },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              resources: resources('500m', '1Gi', '2', '2Gi'),
              securityContext: containerSecurity(70),
              readinessProbe: execProbe(ready, 10, 3, 5),
              livenessProbe: tcpProbe('postgres', 20, 6, 30),
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'run', emptyDir: { sizeLimit: q('16Mi') } },
            { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selectorOf(pg), annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('10Gi') } } },
        },
      ],
    },
  });
  const pgPorts = [{ name: 'postgres', port: 5432, targetPort: port('postgres'), protocol: 'TCP' }];
  new k8s.KubeService(chart, `${pg}-headless`, {
    metadata: meta(`${pg}-headless`, pgLabels),
    spec: { clusterIp: 'None', selector: selectorOf(pg), ports: pgPorts },
  });
  new k8s.KubeService(chart, `${pg}-svc`, {
    metadata: meta(pg, pgLabels),
    spec: { type: 'ClusterIP', selector: selectorOf(pg), ports: pgPorts },
  });
  new k8s.KubeNetworkPolicy(chart, `${pg}-netpol`, {
    metadata: meta(pg, pgLabels),
    spec: { podSelector: { matchLabels: selectorOf(pg) }, policyTypes: ['Ingress', 'Egress'], ingress: allowFrom(web, 5432) },
  });

  // --- redis: Deployment, Service, NetworkPolicy ------------------------------------------------
  const redisLabels = labelsOf(redis, 'cache');
  const ping = 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG';
  new k8s.KubeDeployment(chart, `${redis}-deploy`, {
    metadata: meta(redis, redisLabels, { 'kube-score/ignore': `${LINT_BASE},deployment-replicas` }),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(redis) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: num(1), maxUnavailable: num(0) } },
      template: {
        metadata: { labels: redisLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(999),
          containers: [
            {
              name: 'redis',
              image: 'redis:7.4.2-alpine',
              imagePullPolicy: 'IfNotPresent',
              command: ['redis-server'],
              args: ['--maxmemory', '256mb', '--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no', '--save', '', '--requirepass', '$(REDIS_PASSWORD)'],
              env: [
                { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: redisSecret, key: 'password' } } },
                { name: 'REDISCLI_AUTH', value: '$(REDIS_PASSWORD)' },
              ],
              ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
              resources: resources('100m', '256Mi', '500m', '384Mi'),
              securityContext: containerSecurity(999),
              readinessProbe: execProbe(ping, 5, 3, 2),
              livenessProbe: tcpProbe('redis', 15, 4, 10),
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: { sizeLimit: q('64Mi') } },
            { name: 'tmp', emptyDir: { sizeLimit: q('16Mi') } },
          ],
        },
      },
    },
  });
  new k8s.KubeService(chart, `${redis}-svc`, {
    metadata: meta(redis, redisLabels),
    spec: { type: 'ClusterIP', selector: selectorOf(redis), ports: [{ name: 'redis', port: 6379, targetPort: port('redis'), protocol: 'TCP' }] },
  });
  new k8s.KubeNetworkPolicy(chart, `${redis}-netpol`, {
    metadata: meta(redis, redisLabels),
    spec: { podSelector: { matchLabels: selectorOf(redis) }, policyTypes: ['Ingress', 'Egress'], ingress: allowFrom(web, 6379) },
  });

  // --- web: Deployment, Service, NetworkPolicy, Ingress, HPA, PDB ------------------------------
  const webLabels = labelsOf(web, 'web');
  const host = `${web}.example.com`;
  const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorOf(web) },
  });
  new k8s.KubeDeployment(chart, `${web}-deploy`, {
    metadata: meta(web, webLabels, { 'kube-score/ignore': `${LINT_BASE},deployment-has-host-podantiaffinity,pod-networkpolicy` }),
    spec: {
      // The production profile's rolloutTimeoutSeconds, which bounds a failed release.
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(web) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: num(1), maxUnavailable: num(0) } },
      template: {
        metadata: { labels: webLabels, annotations: { [`config.kubestack.io/${config}`]: configHash } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(1000),
          topologySpreadConstraints: [spread('kubernetes.io/hostname'), spread('topology.kubernetes.io/zone')],
          containers: [
            {
              name: 'app',
              image: BENCH_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'PORT', value: '8080' },
                { name: 'SESSION_SECRET', valueFrom: { secretKeyRef: { name: sessionSecret.secretName, key: sessionSecret.key } } },
                { name: 'DB_USER', valueFrom: { secretKeyRef: { name: pgSecret, key: 'username' } } },
                { name: 'DB_PASS', valueFrom: { secretKeyRef: { name: pgSecret, key: 'password' } } },
                { name: 'DB_HOST', value: pg },
                { name: 'DB_PORT', value: '5432' },
                { name: 'DB_NAME', value: 'app' },
                { name: 'DATABASE_URL', value: `postgres://$(DB_USER):$(DB_PASS)@${pg}:5432/app` },
                { name: 'REDIS_HOST', value: redis },
                { name: 'REDIS_PORT', value: '6379' },
                { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: redisSecret, key: 'password' } } },
                { name: 'REDIS_URL', value: `redis://:$(REDIS_PASSWORD)@${redis}:6379` },
              ],
              envFrom: [{ configMapRef: { name: config } }],
              resources: resources('250m', '256Mi', '1', '512Mi'),
              securityContext: containerSecurity(1000),
              readinessProbe: httpProbe('/ready', 5, 3),
              livenessProbe: httpProbe('/healthz', 10, 3),
              startupProbe: httpProbe('/health', 2, 30),
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'config-1', mountPath: '/app/config', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
            { name: 'config-1', configMap: { name: `${config}-files` } },
          ],
        },
      },
    },
  });
  new k8s.KubeService(chart, `${web}-svc`, {
    metadata: meta(web, webLabels),
    spec: { type: 'ClusterIP', selector: selectorOf(web), ports: [{ name: 'http', port: 80, targetPort: port('http'), protocol: 'TCP' }] },
  });
  new k8s.KubeNetworkPolicy(chart, `${web}-netpol`, {
    metadata: meta(web, webLabels),
    spec: { podSelector: { matchLabels: selectorOf(web) }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: num(8080) }] }] },
  });
  new k8s.KubeIngress(chart, `${web}-ingress`, {
    metadata: meta(web, webLabels, { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' }),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: [host], secretName: `${web}-tls` }],
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: web, port: { number: 80 } } } }] } }],
    },
  });
  new k8s.KubeHorizontalPodAutoscalerV2(chart, `${web}-hpa`, {
    metadata: meta(web, webLabels),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  });
  new k8s.KubePodDisruptionBudget(chart, `${web}-pdb`, {
    metadata: meta(web, webLabels),
    spec: { maxUnavailable: num(1), unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selectorOf(web) } },
  });
}

import { buildEnvironment } from '../../apps/main';
import { ENVIRONMENT_NAMES } from '../../apps/environments';
import {
  POLICY_RULES,
  PolicyOptions,
  PolicyRuleId,
  PolicyViolationError,
  checkPolicy,
  enforcePolicy,
  formatViolations,
  formatWaivers,
  isSecretName,
  waiverAnnotation,
} from 'kubestack';
import { K8sObject, thrown } from '../util';

/** The reference app's objects for one environment, as plain JSON, and the gate options for it. */
function reference(name: 'dev' | 'staging' | 'prod'): { objects: K8sObject[]; options: PolicyOptions } {
  const { env } = buildEnvironment(name);
  return { objects: env.toJson(), options: env.policyOptions };
}

const PROD = reference('prod');
const DEV = reference('dev');

/** A deep copy of the prod objects after `mutate` ran on it. */
function prodWith(mutate: (objs: K8sObject[]) => void): K8sObject[] {
  const objs = structuredClone(PROD.objects);
  mutate(objs);
  return objs;
}

function get(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
}

const web = (objs: K8sObject[]) => get(objs, 'Deployment', 'web');
const webPod = (objs: K8sObject[]) => web(objs).spec.template.spec;
const webContainer = (objs: K8sObject[]) => webPod(objs).containers[0];

/** `rule: Kind/name: message` of every violation, for readable assertions. */
function found(objs: K8sObject[], options: PolicyOptions = PROD.options): string[] {
  return checkPolicy(objs, options).violations.map((v) => `${v.rule}: ${v.object.kind}/${v.object.name}: ${v.message}`);
}

function rules(objs: K8sObject[], options: PolicyOptions = PROD.options): PolicyRuleId[] {
  return [...new Set(checkPolicy(objs, options).violations.map((v) => v.rule))];
}

describe('policy gate on the reference app', () => {
  test.each(ENVIRONMENT_NAMES)('the %s environment passes with no violation and no waiver', (name) => {
    // GIVEN the reference app synthesized for the environment
    const { env } = buildEnvironment(name);
    // WHEN the gate checks it as synth does
    const { waivers } = env.synthesize();
    // THEN nothing is violated and nothing is waived
    expect(waivers).toEqual([]);
    expect(env.checkPolicy()).toEqual({ violations: [], waivers: [] });
    expect(checkPolicy(env.toJson(), reference(name).options).violations).toEqual([]);
  });

  test('every rule has a unique id, a description and a fix', () => {
    const ids = POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of POLICY_RULES) {
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });
});

describe('pod security restricted', () => {
  test('fails a pod that shares the host network, PID or IPC namespace', () => {
    const objs = prodWith((o) => Object.assign(webPod(o), { hostNetwork: true, hostPID: true, hostIPC: true }));
    expect(found(objs)).toEqual([
      'host-namespaces: Deployment/web: sets hostNetwork: true',
      'host-namespaces: Deployment/web: sets hostPID: true',
      'host-namespaces: Deployment/web: sets hostIPC: true',
    ]);
  });

  test('fails a hostPath volume', () => {
    const objs = prodWith((o) => webPod(o).volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }));
    expect(found(objs)).toEqual(["host-path: Deployment/web: volume 'docker' is a hostPath ('/var/run/docker.sock')"]);
  });

  test('fails a volume type that restricted does not allow', () => {
    const objs = prodWith((o) => webPod(o).volumes.push({ name: 'nfs', nfs: { server: 'nfs', path: '/' } }));
    expect(found(objs)).toEqual(["volume-types: Deployment/web: volume 'nfs' has type 'nfs', which Pod Security 'restricted' does not allow"]);
  });

  test('fails a host port', () => {
    const objs = prodWith((o) => (webContainer(o).ports[0].hostPort = 8080));
    expect(found(objs)).toEqual(["host-ports: Deployment/web: container 'app' binds port 8080 to host port 8080"]);
  });

  test('fails a privileged container', () => {
    const objs = prodWith((o) => (webContainer(o).securityContext.privileged = true));
    expect(found(objs)).toEqual(["privileged: Deployment/web: container 'app' is privileged"]);
  });

  test('fails a container that keeps capabilities or adds one other than NET_BIND_SERVICE', () => {
    const objs = prodWith((o) => (webContainer(o).securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] }));
    expect(found(objs)).toEqual([
      `capabilities: Deployment/web: container 'app' does not drop ALL capabilities (drop: ["NET_RAW"])`,
      `capabilities: Deployment/web: container 'app' adds capabilities ["SYS_ADMIN"]; only NET_BIND_SERVICE is allowed`,
    ]);
  });

  test('allows NET_BIND_SERVICE as the only added capability', () => {
    const objs = prodWith((o) => (webContainer(o).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }));
    expect(found(objs)).toEqual([]);
  });

  test('fails a container that may run as root', () => {
    const objs = prodWith((o) => {
      delete webContainer(o).securityContext.runAsNonRoot;
      delete webPod(o).securityContext.runAsNonRoot;
      webContainer(o).securityContext.runAsUser = 0;
    });
    expect(found(objs)).toEqual([
      "run-as-non-root: Deployment/web: container 'app' does not set runAsNonRoot: true",
      "run-as-non-root: Deployment/web: container 'app' runs as UID 0; set a non-zero runAsUser",
    ]);
  });

  test('takes runAsUser from the pod when the container does not set it', () => {
    const objs = prodWith((o) => delete webContainer(o).securityContext.runAsUser);
    expect(found(objs)).toEqual([]);
  });

  test('fails a container that allows privilege escalation', () => {
    const objs = prodWith((o) => delete webContainer(o).securityContext.allowPrivilegeEscalation);
    expect(rules(objs)).toEqual(['privilege-escalation']);
  });

  test('fails an unconfined seccomp profile', () => {
    const objs = prodWith((o) => (webContainer(o).securityContext.seccompProfile = { type: 'Unconfined' }));
    expect(found(objs)).toEqual(["seccomp: Deployment/web: container 'app' runs with seccomp profile 'Unconfined'"]);
  });

  test('checks init containers too, which inherit the pod security context', () => {
    const objs = prodWith((o) => (webPod(o).initContainers = [{ name: 'migrate', image: 'migrate:1.0.0' }]));
    expect(rules(objs)).toEqual(['capabilities', 'privilege-escalation', 'resources']);
  });

  test('fails a Namespace that does not enforce restricted', () => {
    const objs = prodWith((o) => (get(o, 'Namespace', 'three-tier-prod').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'));
    expect(found(objs)).toEqual([
      "namespace-pss: Namespace/three-tier-prod: does not enforce Pod Security 'restricted' (label pod-security.kubernetes.io/enforce is 'baseline')",
    ]);
  });
});

describe('hygiene', () => {
  test('fails a container without requests or limits', () => {
    const objs = prodWith((o) => {
      delete webContainer(o).resources.limits.memory;
      delete webContainer(o).resources.requests;
    });
    expect(found(objs)).toEqual([
      "resources: Deployment/web: container 'app' sets no resources.requests.cpu, resources.requests.memory, resources.limits.memory",
    ]);
  });

  test.each([
    ['web:latest', "container 'app' uses image 'web:latest', which is tagged 'latest'"],
    ['registry.example.com:5000/web', "container 'app' uses image 'registry.example.com:5000/web', which is untagged"],
  ])('fails the image %s in every environment', (image, message) => {
    const objs = structuredClone(DEV.objects);
    get(objs, 'Deployment', 'web').spec.template.spec.containers[0].image = image;
    expect(found(objs, DEV.options)).toEqual([`image-tag: Deployment/web: ${message}`]);
  });

  test('accepts a digest without a tag', () => {
    const objs = prodWith((o) => (webContainer(o).image = `registry.example.com/web@sha256:${'a'.repeat(64)}`));
    expect(found(objs)).toEqual([]);
  });

  test('fails a missing readiness probe and a probe on an undeclared port', () => {
    const objs = prodWith((o) => {
      delete webContainer(o).readinessProbe;
      webContainer(o).livenessProbe.httpGet.port = 'metrics';
      webContainer(o).startupProbe.httpGet.port = 9090;
    });
    expect(found(objs)).toEqual([
      "probes: Deployment/web: container 'app' has no readinessProbe",
      "probes: Deployment/web: container 'app' livenessProbe probes port 'metrics', which the container does not declare",
      "probes: Deployment/web: container 'app' startupProbe probes port 9090, which the container does not declare",
    ]);
  });

  test('fails a workload whose selector does not match its pod template', () => {
    const objs = prodWith((o) => (web(o).spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'));
    expect(rules(objs)).toContain('selector-match');
    expect(found(objs)[0]).toMatch(/^selector-match: Deployment\/web: selector .* does not match the pod template labels/);
  });

  test('fails a Service that selects no pods, and a named targetPort that no pod declares', () => {
    const objs = prodWith((o) => {
      get(o, 'Service', 'redis').spec.selector = { app: 'gone' };
      get(o, 'Service', 'postgres').spec.ports[0].targetPort = 'pg';
    });
    expect(found(objs)).toEqual([
      "service-selects-pods: Service/postgres: targetPort 'pg' names no container port of the selected pods",
      `service-selects-pods: Service/redis: selects no pods: no pod template in namespace 'three-tier-prod' has labels {"app":"gone"}`,
    ]);
  });

  test('fails a Service without a selector', () => {
    const objs = prodWith((o) => delete get(o, 'Service', 'redis').spec.selector);
    expect(found(objs)).toEqual(['service-selects-pods: Service/redis: has no selector, so it routes to no pod of the manifests']);
  });

  test('fails an Ingress backend whose Service or port does not exist', () => {
    const objs = prodWith((o) => {
      const ingress = get(o, 'Ingress', 'web');
      ingress.spec.rules[0].http.paths.push({ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } });
      ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 };
    });
    expect(found(objs)).toEqual([
      "ingress-backend: Ingress/web: backend port 8080 is not a port of Service 'web'",
      "ingress-backend: Ingress/web: backend Service 'api' is not in namespace 'three-tier-prod'",
    ]);
  });

  test('fails ConfigMap, Secret, claim and volume references that do not resolve', () => {
    const objs = prodWith((o) => {
      const c = webContainer(o);
      c.envFrom.push({ configMapRef: { name: 'missing-config' } });
      c.env.push({ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'api-token' } } });
      c.env.push({ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'MODE' } } });
      c.env.push({ name: 'OPTIONAL', valueFrom: { secretKeyRef: { name: 'nowhere', key: 'x', optional: true } } });
      webPod(o).volumes.push({ name: 'cache', persistentVolumeClaim: { claimName: 'web-cache' } });
      c.volumeMounts.push({ name: 'cache', mountPath: '/cache' }, { name: 'ghost', mountPath: '/ghost' });
    });
    expect(found(objs)).toEqual([
      "references: Deployment/web: volume 'cache' claims PersistentVolumeClaim 'web-cache', which is not in the manifests",
      "references: Deployment/web: container 'app' mounts volume 'ghost', which the pod does not define",
      "references: Deployment/web: container 'app' env API_TOKEN references key 'api-token' of Secret 'web-secrets', which is neither in the manifests nor a required Secret",
      "references: Deployment/web: container 'app' env MODE references key 'MODE' of ConfigMap 'app-config', which has no such key",
      "references: Deployment/web: container 'app' envFrom references ConfigMap 'missing-config', which is not in namespace 'three-tier-prod'",
    ]);
  });

  test('fails every Secret reference when no required Secret is given', () => {
    const objs = structuredClone(DEV.objects);
    expect(rules(objs, { production: false })).toEqual(['references']);
    expect(found(objs, { production: false })).toHaveLength(11);
  });

  test('accepts required Secrets given by name only', () => {
    const names = ['postgres-credentials', 'redis-auth', 'web-secrets'];
    expect(found(structuredClone(DEV.objects), { production: false, requiredSecrets: names })).toEqual([]);
  });

  test('fails an HPA whose target is not in the manifests', () => {
    const objs = prodWith((o) => (get(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'api'));
    expect(found(objs)).toContain("references: HorizontalPodAutoscaler/web: scales 'Deployment' 'api', which is not in the manifests");
  });

  test('fails a workload that no NetworkPolicy selects', () => {
    const objs = prodWith((o) => o.splice(o.indexOf(get(o, 'NetworkPolicy', 'redis')), 1));
    expect(found(objs)).toEqual([
      'network-policy: Deployment/redis: no NetworkPolicy selects its pods (labels {"app.kubernetes.io/component":"cache","app.kubernetes.io/instance":"redis-prod","app.kubernetes.io/managed-by":"kubestack","app.kubernetes.io/name":"redis","app.kubernetes.io/part-of":"three-tier"})',
    ]);
  });

  test('counts a NetworkPolicy with an empty podSelector as covering every pod of its namespace', () => {
    const objs = prodWith((o) => {
      o.splice(o.indexOf(get(o, 'NetworkPolicy', 'redis')), 1);
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: 'three-tier-prod' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
    });
    expect(found(objs)).toEqual([]);
  });

  test('resolves matchExpressions selectors', () => {
    const objs = prodWith((o) => {
      get(o, 'NetworkPolicy', 'redis').spec.podSelector = {
        matchExpressions: [
          { key: 'app.kubernetes.io/name', operator: 'In', values: ['redis'] },
          { key: 'tier', operator: 'DoesNotExist' },
        ],
      };
    });
    expect(found(objs)).toEqual([]);
  });

  test('fails a PodDisruptionBudget that selects no pods', () => {
    const objs = prodWith((o) => (get(o, 'PodDisruptionBudget', 'web').spec.selector.matchLabels['app.kubernetes.io/name'] = 'api'));
    expect(rules(objs)).toEqual(['selector-match', 'prod-pdb']);
  });

  test('fails, with a namespace given, an object in another namespace or in none', () => {
    // GIVEN the prod objects, a ConfigMap in another namespace and a Service without one
    const objs = prodWith((o) => {
      get(o, 'ConfigMap', 'app-config').metadata.namespace = 'three-tier-dev';
      delete get(o, 'Service', 'redis').metadata.namespace;
    });
    // WHEN the gate checks them for the prod namespace
    const report = checkPolicy(objs, { ...PROD.options, namespace: 'three-tier-prod' });
    // THEN both are violations, with the fix (other rules follow from the moved objects)
    expect(report.violations.filter((v) => v.rule === 'namespace')).toEqual([
      {
        rule: 'namespace',
        object: { kind: 'ConfigMap', namespace: 'three-tier-dev', name: 'app-config' },
        message: "is in namespace 'three-tier-dev'; every namespaced object of environment 'prod' must be in namespace 'three-tier-prod'",
        fix: 'create the object in the Environment, which sets its namespace, or create the nested Chart with { namespace: env.namespaceName }',
      },
      {
        rule: 'namespace',
        object: { kind: 'Service', namespace: '', name: 'redis' },
        message: "has no metadata.namespace; every namespaced object of environment 'prod' must be in namespace 'three-tier-prod'",
        fix: 'create the object in the Environment, which sets its namespace, or create the nested Chart with { namespace: env.namespaceName }',
      },
    ]);
  });

  test('accepts, with a namespace given, cluster-scoped objects without one, and checks custom resources', () => {
    const objs = prodWith((o) =>
      o.push(
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch' }, value: 1000 },
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      ),
    );
    expect(found(objs, { ...PROD.options, namespace: 'three-tier-prod' })).toEqual([
      "namespace: Widget/w: has no metadata.namespace; every namespaced object of environment 'prod' must be in namespace 'three-tier-prod'",
    ]);
  });

  test('accepts any namespace, or none, without a namespace given', () => {
    const objs = prodWith((o) => delete get(o, 'ConfigMap', 'app-config-files').metadata.namespace);
    const { namespace, ...options } = PROD.options;
    expect(namespace).toBe('three-tier-prod');
    expect(rules(objs, options)).not.toContain('namespace');
    expect(rules(objs)).toEqual(['namespace', 'references']);
  });

  test('fails two objects with the same kind, namespace and name, naming both positions', () => {
    // GIVEN a second ConfigMap 'app-config' appended to the prod objects
    const objs = prodWith((o) => o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'three-tier-prod' }, data: {} }));
    const first = PROD.objects.findIndex((o) => o.kind === 'ConfigMap' && o.metadata.name === 'app-config');
    // WHEN / THEN the second is reported; the same name in another kind or namespace is not
    expect(found(objs)).toEqual([
      `unique-objects: ConfigMap/app-config: is defined twice, by objects #${first} and #${objs.length - 1} of the manifests; the second would overwrite the first`,
    ]);
    const distinct = prodWith((o) => o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'three-tier-prod' }, data: {} }));
    expect(found(distinct)).toEqual([]);
  });

  test('fails an object that is not a complete Kubernetes object without throwing', () => {
    const report = checkPolicy([null, 42, { kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }], { production: false });
    expect(report.violations.map((v) => `${v.rule}: ${v.object.kind}/${v.object.name}`)).toEqual([
      'well-formed: object/#0',
      'well-formed: object/#1',
      'well-formed: ConfigMap/#2',
      'well-formed: Pod/p',
      'network-policy: Pod/p',
    ]);
  });
});

describe('production rules', () => {
  test('fail a web workload with one replica, no PDB and no topology spread', () => {
    const objs = prodWith((o) => {
      get(o, 'HorizontalPodAutoscaler', 'web').spec.minReplicas = 1;
      o.splice(o.indexOf(get(o, 'PodDisruptionBudget', 'web')), 1);
      delete webPod(o).topologySpreadConstraints;
    });
    expect(found(objs)).toEqual([
      'prod-replicas: Deployment/web: its HPA keeps only 1 replica(s)',
      'prod-pdb: Deployment/web: no PodDisruptionBudget selects its pods',
      'prod-topology-spread: Deployment/web: has no topology spread constraint that selects its own pods',
    ]);
  });

  test('count spec.replicas when no HPA targets the workload', () => {
    const objs = prodWith((o) => {
      o.splice(o.indexOf(get(o, 'HorizontalPodAutoscaler', 'web')), 1);
      web(o).spec.replicas = 1;
    });
    expect(found(objs)).toEqual(['prod-replicas: Deployment/web: runs 1 replica(s)']);
  });

  test('treat a workload behind an Ingress as a web workload whatever its labels', () => {
    const objs = prodWith((o) => {
      const ingress = get(o, 'Ingress', 'web');
      ingress.spec.rules[0].http.paths.push({ path: '/cache', pathType: 'Prefix', backend: { service: { name: 'redis', port: { number: 6379 } } } });
    });
    expect(rules(objs)).toEqual(['prod-replicas', 'prod-pdb', 'prod-topology-spread']);
  });

  test('do not apply outside production', () => {
    const objs = structuredClone(DEV.objects);
    expect(get(objs, 'Deployment', 'web').spec.replicas).toBe(1);
    expect(found(objs, DEV.options)).toEqual([]);
  });

  test('fail a floating image tag in production only', () => {
    const objs = prodWith((o) => (webContainer(o).image = 'registry.example.com/web:stable'));
    expect(found(objs)).toEqual(["prod-image-pinned: Deployment/web: container 'app' uses image 'registry.example.com/web:stable': its tag 'stable' floats"]);
    expect(found(objs, { ...PROD.options, production: false })).toEqual([]);
  });

  test('fail an Ingress without TLS, or with a host TLS does not cover', () => {
    const noTls = prodWith((o) => delete get(o, 'Ingress', 'web').spec.tls);
    expect(found(noTls)).toEqual(['prod-ingress-tls: Ingress/web: has no TLS section']);
    const uncovered = prodWith((o) => {
      const rules0 = get(o, 'Ingress', 'web').spec.rules;
      rules0.push({ ...structuredClone(rules0[0]), host: 'www.example.com' });
    });
    expect(found(uncovered)).toEqual(["prod-ingress-tls: Ingress/web: host 'www.example.com' is not covered by TLS"]);
  });

  test('fail an Ingress TLS Secret that is not a required Secret', () => {
    const objs = prodWith((o) => (get(o, 'Ingress', 'web').spec.tls[0].secretName = 'other-tls'));
    expect(found(objs)).toEqual(["references: Ingress/web: TLS Secret 'other-tls' is neither in the manifests nor a required Secret"]);
  });
});

describe('secrets', () => {
  test('fails a Secret with data or stringData', () => {
    const objs = prodWith((o) =>
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'leak', namespace: 'three-tier-prod' },
        data: { password: 'aHVudGVyMg==' },
        stringData: { token: 't' },
      }),
    );
    expect(found(objs)).toEqual([
      'secret-data: Secret/leak: carries data (1 keys); secret values must never be in a manifest',
      'secret-data: Secret/leak: carries stringData (1 keys); secret values must never be in a manifest',
    ]);
  });

  test('fails a literal value in an env var whose name says it is a secret', () => {
    const objs = prodWith((o) => webContainer(o).env.push({ name: 'STRIPE_API_KEY', value: 'sk_live_123' }, { name: 'dbPassword', value: 'hunter2' }));
    expect(found(objs)).toEqual([
      "secret-literal: Deployment/web: container 'app' sets env STRIPE_API_KEY to a literal value, and its name says it is a secret",
      "secret-literal: Deployment/web: container 'app' sets env dbPassword to a literal value, and its name says it is a secret",
    ]);
  });

  test('fails a URL with a literal password, whatever the variable is called', () => {
    const objs = prodWith((o) => webContainer(o).env.push({ name: 'CACHE_URL', value: 'redis://:hunter2@redis:6379' }));
    expect(found(objs)).toEqual(["secret-literal: Deployment/web: container 'app' sets env CACHE_URL to a URL with a literal password"]);
  });

  test('fails a secret-named key with a literal value in a ConfigMap', () => {
    const objs = prodWith((o) => (get(o, 'ConfigMap', 'app-config').data.DB_PASSWORD = 'hunter2'));
    expect(found(objs)).toEqual(["secret-literal: ConfigMap/app-config: key 'DB_PASSWORD' holds a literal value, and its name says it is a secret"]);
  });

  test('accepts valueFrom, empty values and values made only of $(VAR) references', () => {
    // GIVEN REDISCLI_AUTH-style variables that only re-export another variable
    const objs = prodWith((o) =>
      webContainer(o).env.push(
        { name: 'REDIS_TOKEN', value: '$(REDIS_PASSWORD)' },
        { name: 'EMPTY_SECRET', value: '' },
        { name: 'DSN_PASSWORD', value: '$(DB_USER)$(DB_PASS)' },
      ),
    );
    // THEN none of them is a literal secret (DATABASE_URL and REDIS_URL of the app also pass)
    expect(found(objs)).toEqual([]);
  });

  test.each([
    ['DB_PASSWORD', true],
    ['SESSION_SECRET', true],
    ['GITHUB_TOKEN', true],
    ['API_KEY', true],
    ['apiKey', true],
    ['AWS_ACCESS_KEY_ID', true],
    ['tls.key', true],
    ['DB_PASS', true],
    ['KEYCLOAK_URL', false],
    ['MONKEY', false],
    ['REDISCLI_AUTH', true],
    ['AUTH_URL', false],
    ['GOOGLE_APPLICATION_CREDENTIALS', true],
    ['DB_PASSPHRASE', true],
    ['CACHE_KEY_PREFIX', true],
    ['LOG_LEVEL', false],
  ])('reads the name %s as secret: %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});

describe('waivers', () => {
  test('waive one rule for one object, with its reason, and report how much they suppressed', () => {
    // GIVEN a prod web app with one replica and a waiver for that
    const objs = prodWith((o) => {
      get(o, 'HorizontalPodAutoscaler', 'web').spec.minReplicas = 1;
      web(o).metadata.annotations = { [waiverAnnotation('prod-replicas')]: 'singleton consumer during the migration' };
    });
    // WHEN the gate runs
    const report = checkPolicy(objs, PROD.options);
    // THEN it passes and reports the waiver
    expect(report.violations).toEqual([]);
    expect(report.waivers).toEqual([
      {
        rule: 'prod-replicas',
        object: { kind: 'Deployment', namespace: 'three-tier-prod', name: 'web' },
        reason: 'singleton consumer during the migration',
        suppressed: 1,
      },
    ]);
    expect(formatWaivers(report.waivers, 'prod')).toEqual([
      'policy gate: prod: waived [prod-replicas] for Deployment three-tier-prod/web (1 suppressed): singleton consumer during the migration',
    ]);
  });

  test('do not waive the same rule on another object', () => {
    const objs = prodWith((o) => {
      get(o, 'Deployment', 'redis').metadata.annotations = { [waiverAnnotation('network-policy')]: 'reason' };
      o.splice(o.indexOf(get(o, 'NetworkPolicy', 'web')), 1);
    });
    expect(rules(objs)).toEqual(['network-policy']);
  });

  test('fails a waiver without a reason, and keeps the violation it meant to waive', () => {
    const objs = prodWith((o) => {
      delete webPod(o).topologySpreadConstraints;
      web(o).metadata.annotations = { [waiverAnnotation('prod-topology-spread')]: '  ' };
    });
    expect(found(objs)).toEqual([
      'waiver: Deployment/web: annotation policy.kubestack.io/waive.prod-topology-spread gives no reason; a waiver must say why the rule does not apply',
      'prod-topology-spread: Deployment/web: has no topology spread constraint that selects its own pods',
    ]);
  });

  test('fails a waiver of unique-objects, and keeps the duplicate', () => {
    const objs = prodWith((o) =>
      o.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-config', namespace: 'three-tier-prod', annotations: { [waiverAnnotation('unique-objects')]: 'intended' } },
      }),
    );
    expect(rules(objs)).toEqual(['waiver', 'unique-objects']);
    expect(found(objs)[0]).toBe(
      "waiver: ConfigMap/app-config: annotation policy.kubestack.io/waive.unique-objects tries to waive the 'unique-objects' rule, which cannot be waived",
    );
  });

  test('fails a waiver of an unknown rule and of the waiver rule itself', () => {
    const objs = prodWith((o) => (web(o).metadata.annotations = { 'policy.kubestack.io/waive.replicas': 'x', 'policy.kubestack.io/waive.waiver': 'x' }));
    expect(rules(objs)).toEqual(['waiver']);
    expect(found(objs)).toHaveLength(2);
    expect(found(objs)[0]).toMatch(/^waiver: Deployment\/web: waives unknown rule 'replicas'/);
  });
});

describe('enforcePolicy', () => {
  test('returns the waivers when nothing is violated', () => {
    expect(enforcePolicy(PROD.objects, PROD.options)).toEqual({ waivers: [] });
  });

  test('fails with a PolicyViolationError that lists each violation with the object, the rule and the fix', () => {
    // GIVEN a prod app whose web image is 'latest'
    const objs = prodWith((o) => (webContainer(o).image = 'web:latest'));
    // WHEN it is enforced
    const error = thrown(() => enforcePolicy(objs, PROD.options)) as PolicyViolationError;
    // THEN the error carries the violations and its message is the printable list
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect(error.violations.map((v) => v.rule)).toEqual(['image-tag']);
    expect(error.message).toBe(
      [
        "policy gate: 1 violation in environment 'prod'",
        "  - Deployment three-tier-prod/web [image-tag] container 'app' uses image 'web:latest', which is tagged 'latest'",
        "      fix: use a version tag ('app:1.2.3') or a digest ('app@sha256:…')",
        '  To waive a rule for one object, annotate it: policy.kubestack.io/waive.<rule>: "<reason>"',
      ].join('\n'),
    );
    expect(formatViolations(error.violations, 'prod')).toBe(error.message);
  });
});

describe('scale', () => {
  test('checks 2,000 units of plain objects in linear time', () => {
    // GIVEN n units of 6 objects each in one namespace, all sharing the part-of label
    const units = (n: number): K8sObject[] => {
      const base = structuredClone(
        PROD.objects.filter(
          (o) =>
            ['Deployment', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress'].includes(o.kind) &&
            o.metadata.name === 'web',
        ),
      );
      const out: K8sObject[] = [];
      for (let i = 0; i < n; i++) {
        const s = JSON.stringify(base)
          .replace(/"web"/g, `"web-${i}"`)
          .replace(/web-prod/g, `web-${i}-prod`)
          .replace(/"web\.example\.com"/g, `"web-${i}.example.com"`);
        out.push(...JSON.parse(s));
      }
      return out;
    };
    const options: PolicyOptions = { ...PROD.options, requiredSecrets: [...(PROD.options.requiredSecrets ?? []), 'web-tls'] };
    const time = (objs: K8sObject[]) => {
      const start = process.hrtime.bigint();
      const report = checkPolicy(objs, options);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6, report };
    };
    time(units(100)); // warm up
    // WHEN the gate checks 500 and 2,000 units
    const small = time(units(500));
    const large = time(units(2000));
    // THEN every unit passes (only the shared config references fail), and 4x the objects take
    // far less than the 16x that comparing all pairs would
    expect(large.report.violations.every((v) => v.rule === 'references')).toBe(true);
    expect(large.ms).toBeLessThan(Math.max(8 * small.ms, 1500));
    process.stdout.write(`policy gate: 500 units in ${small.ms.toFixed(0)} ms, 2000 units (12,000 objects) in ${large.ms.toFixed(0)} ms\n`);
  });
});

describe('Pod Security at pod level, and waivers in production', () => {
  /** A dev object set with one hardened Deployment, whose pod spec `mutate` changes. */
  function withPod(mutate: (pod: Record<string, unknown>) => void): unknown[] {
    const objs = structuredClone(DEV.objects) as Record<string, unknown>[];
    const web = objs.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'web') as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    mutate(web.spec.template.spec);
    return objs;
  }
  const opts = DEV.options;
  const messages = (objs: unknown[], rule: string) =>
    checkPolicy(objs, opts)
      .violations.filter((v) => v.rule === rule)
      .map((v) => `${v.object.kind}/${v.object.name}: ${v.message}`);

  test.each([
    [
      'run-as-non-root',
      (p: Record<string, unknown>) => ((p.securityContext as Record<string, unknown>).runAsUser = 0),
      'the pod securityContext sets runAsUser: 0',
    ],
    [
      'seccomp',
      (p: Record<string, unknown>) => ((p.securityContext as Record<string, unknown>).seccompProfile = { type: 'Unconfined' }),
      "the pod securityContext sets seccomp profile 'Unconfined'",
    ],
    [
      'selinux',
      (p: Record<string, unknown>) => ((p.securityContext as Record<string, unknown>).seLinuxOptions = { type: 'spc_t' }),
      "the pod securityContext sets SELinux type 'spc_t'",
    ],
    [
      'sysctls',
      (p: Record<string, unknown>) => ((p.securityContext as Record<string, unknown>).sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
      "the pod sets sysctl 'kernel.msgmax', which is not one of the safe sysctls",
    ],
  ])('fails on the pod-level %s field even when the containers comply', (rule, mutate, message) => {
    expect(messages(withPod(mutate), rule)).toEqual([`Deployment/web: ${message}`]);
  });

  test('fails on a container SELinux role and accepts an allowed type and the safe sysctls', () => {
    const objs = withPod((p) => {
      const c = (p.containers as Record<string, Record<string, unknown>>[])[0];
      c.securityContext = { ...c.securityContext, seLinuxOptions: { role: 'sysadm_r' } };
      (p.securityContext as Record<string, unknown>).seLinuxOptions = { type: 'container_t' };
      (p.securityContext as Record<string, unknown>).sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    });
    expect(messages(objs, 'selinux')).toEqual(["Deployment/web: container 'app' sets an SELinux role ('sysadm_r')"]);
    expect(messages(objs, 'sysctls')).toEqual([]);
  });

  test('refuses a waiver of a Pod Security rule in production, and keeps the violation', () => {
    // GIVEN the prod objects with a privileged web container and a waiver for it
    const objs = structuredClone(PROD.objects) as Record<string, unknown>[];
    const web = objs.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'web') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    web.spec.template.spec.containers[0].securityContext.privileged = true;
    web.metadata.annotations = { ...web.metadata.annotations, 'policy.kubestack.io/waive.privileged': 'debugging' };
    // WHEN the gate runs with the production rules
    const report = checkPolicy(objs, PROD.options);
    // THEN the violation stands and the waiver is reported
    expect(report.violations.filter((v) => v.rule === 'privileged' || v.rule === 'waiver').map((v) => v.message)).toEqual([
      'annotation policy.kubestack.io/waive.privileged tries to waive the Pod Security rule \'privileged\' in a production environment, where the API server enforces Pod Security "restricted" whatever the manifests say',
      "container 'app' is privileged",
    ]);
  });

  test('finds a password in a URL in one pass over a 2 MiB value', () => {
    // The regular expression this replaces ran for more than 14 minutes on such a value.
    const long = 'postgres://' + 'a'.repeat(2 * 1024 * 1024) + ' redis://:hunter2@redis:6379';
    const objs = withPod((p) => {
      const c = (p.containers as Record<string, unknown>[])[0] as { env: { name: string; value?: string }[] };
      c.env.push({ name: 'UPSTREAM', value: long });
    });
    expect(messages(objs, 'secret-literal')).toEqual(["Deployment/web: container 'app' sets env UPSTREAM to a URL with a literal password"]);
  });
});

describe('more of what the API server or the cluster would not want', () => {
  const base = () => structuredClone(DEV.objects) as Record<string, unknown>[];
  const rulesOf = (objs: unknown[], kind: string) =>
    checkPolicy(objs, DEV.options)
      .violations.filter((v) => v.object.kind === kind)
      .map((v) => `${v.rule}: ${v.message}`);

  test('checks the pods of a kind it does not know, such as an Argo Rollout', () => {
    const objs = base();
    objs.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'canary', namespace: DEV.options.namespace },
      spec: {
        selector: { matchLabels: { app: 'canary' } },
        template: {
          metadata: { labels: { app: 'canary' } },
          spec: { hostNetwork: true, containers: [{ name: 'app', image: 'registry.example.com/a:1.0', securityContext: { privileged: true } }] },
        },
      },
    });
    const found = rulesOf(objs, 'Rollout');
    expect(found).toEqual(expect.arrayContaining(['host-namespaces: sets hostNetwork: true', "privileged: container 'app' is privileged"]));
  });

  test('fails on cluster-wide RBAC in an environment', () => {
    const objs = base();
    objs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'default-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: DEV.options.namespace }],
    });
    expect(rulesOf(objs, 'ClusterRoleBinding')).toEqual([
      "cluster-rbac: grants permissions cluster-wide (role 'cluster-admin'); an environment's objects grant at most namespace-scoped access",
    ]);
  });

  test('fails on a Namespace that pins an old Pod Security version', () => {
    const objs = base();
    const ns = objs[0] as { metadata: { labels: Record<string, string> } };
    ns.metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'v1.0';
    expect(rulesOf(objs, 'Namespace')).toEqual([
      "namespace-pss: pins Pod Security to version 'v1.0' (label pod-security.kubernetes.io/enforce-version); only 'latest' enforces today's 'restricted'",
    ]);
  });
});

describe('secrets that a name-based guess missed', () => {
  const S = 'hunter2-S3CRET';
  const withWeb = (mutate: (c: Record<string, unknown>, objs: Record<string, unknown>[]) => void) => {
    const objs = structuredClone(DEV.objects) as Record<string, unknown>[];
    const web = objs.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'web') as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    mutate(web.spec.template.spec.containers[0], objs);
    return checkPolicy(objs, DEV.options)
      .violations.filter((v) => v.rule === 'secret-literal')
      .map((v) => `${v.object.kind}/${v.object.name}: ${v.message}`);
  };
  const env = (name: string, value: string) => (c: Record<string, unknown>) => (c.env as unknown[]).push({ name, value });

  test.each([
    ['DB_PASSPHRASE', S, "Deployment/web: container 'app' sets env DB_PASSPHRASE to a literal value, and its name says it is a secret"],
    ['BASIC_AUTH', `admin:${S}`, "Deployment/web: container 'app' sets env BASIC_AUTH to literal user:password credentials"],
    ['CONN', `Server=pg;Password=${S}`, "Deployment/web: container 'app' sets env CONN to a literal value for 'Password'"],
  ])('fails on env %s with a literal secret', (name, value, message) => {
    expect(withWeb(env(name, value))).toEqual([message]);
  });

  test('fails on a secret passed as a flag, with or without =', () => {
    expect(withWeb((c) => (c.args = ['--db-password', S]))).toEqual([`Deployment/web: container 'app' passes a literal secret in args: --db-password`]);
    expect(withWeb((c) => (c.args = [`--api-token=${S}`]))).toEqual([`Deployment/web: container 'app' passes a literal secret in args: --api-token=…`]);
    expect(withWeb((c) => (c.args = ['--db-password', '$(DB_PASS)']))).toEqual([]);
  });

  test('fails on a password in a properties file of a ConfigMap, and in a URL of an annotation', () => {
    const found = withWeb((_c, objs) => {
      const files = objs.find((o) => o.kind === 'ConfigMap' && (o.metadata as { name: string }).name === 'app-config-files') as {
        data: Record<string, string>;
      };
      files.data['application.properties'] = `db.url=jdbc:postgresql://postgres/app\ndb.password=${S}\n`;
      const ingress = objs.find((o) => o.kind === 'Ingress') as { metadata: { annotations?: Record<string, string> } };
      ingress.metadata.annotations = { ...ingress.metadata.annotations, 'nginx.ingress.kubernetes.io/auth-url': `https://user:${S}@auth.example.com/` };
    });
    expect(found).toEqual([
      "ConfigMap/app-config-files: key 'application.properties' holds a literal value for 'db.password'",
      'Ingress/web: annotation nginx.ingress.kubernetes.io/auth-url holds a URL with a literal password',
    ]);
  });

  test('accepts the reference files and references', () => {
    expect(withWeb(env('REDISCLI_AUTH', '$(REDIS_PASSWORD)'))).toEqual([]);
  });
});

describe('labels the API server would refuse', () => {
  test('fail when a composed label is longer than 63 characters, as with a 57-character ConfigBundle name in staging', () => {
    // GIVEN a ConfigMap whose instance label is '<57 characters>-staging' (the ConfigBundle now refuses such a name itself)
    const value = `${'b'.repeat(57)}-staging`;
    const objs = prodWith((o) => (get(o, 'ConfigMap', 'app-config').metadata.labels['app.kubernetes.io/instance'] = value));
    // WHEN the gate checks it, THEN it refuses the label, naming it and its length
    expect(found(objs)).toEqual([
      `well-formed: ConfigMap/app-config: metadata.labels: label app.kubernetes.io/instance has the value '${value}' (65 characters), which is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`,
    ]);
  });
});

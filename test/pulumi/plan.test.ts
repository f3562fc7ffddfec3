/**
 * Planning the Pulumi side (kubestack/pulumi): which objects, in which order, with which images.
 * Pure functions, tested without mocks; the component itself is in chart-resources.test.ts.
 */
import { buildEnvironment } from '../../apps/main';
import { ChartObject, KubeManifest, PLACEHOLDER_IMAGE, environmentObjects, manifestKey, planObjects, withImages } from 'kubestack/pulumi';

const NS = 'shop';

function manifest(kind: string, name: string, extra: Record<string, unknown> = {}, apiVersion?: string): KubeManifest {
  const versions: Record<string, string> = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', CronJob: 'batch/v1', Ingress: 'networking.k8s.io/v1' };
  const metadata = kind === 'Namespace' ? { name } : { name, namespace: NS };
  return { apiVersion: apiVersion ?? versions[kind] ?? 'v1', kind, metadata, ...extra };
}

function deployment(name: string, pod: Record<string, unknown>): KubeManifest {
  return manifest('Deployment', name, { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }], ...pod } } } });
}

const plain = (...manifests: KubeManifest[]): ChartObject[] => manifests.map((m) => ({ manifest: m, dependsOn: [] }));

describe('manifestKey', () => {
  test('is kind, namespace and name, or kind and name when cluster-scoped', () => {
    expect(manifestKey(manifest('Service', 'web'))).toBe('Service/shop/web');
    expect(manifestKey(manifest('Namespace', 'shop'))).toBe('Namespace/shop');
  });
});

describe('environmentObjects', () => {
  test('synthesizes the environment exactly as synth does, with the construct dependencies', () => {
    // GIVEN the dev environment, where web is connected to Postgres and Redis and reads app-config
    const { env } = buildEnvironment('dev');
    // WHEN it is turned into objects
    const { objects } = environmentObjects(env);
    // THEN the manifests are the objects that synth writes
    expect(objects.map((o) => o.manifest)).toStrictEqual(buildEnvironment('dev').env.synthesize().objects);
    // AND the web Deployment comes after what it was wired to
    const web = objects.find((o) => manifestKey(o.manifest) === 'Deployment/three-tier-dev/web')!;
    expect(web.dependsOn).toEqual(
      expect.arrayContaining([
        'StatefulSet/three-tier-dev/postgres',
        'Service/three-tier-dev/postgres',
        'Deployment/three-tier-dev/redis',
        'ConfigMap/three-tier-dev/app-config',
      ]),
    );
    expect(objects.find((o) => o.manifest.kind === 'Namespace')!.dependsOn).toEqual([]);
  });
});

describe('withImages', () => {
  const images = { [PLACEHOLDER_IMAGE]: 'registry.example.com/web@sha256:' + '0'.repeat(64) };

  test('replaces the placeholder in containers and init containers, and nothing else', () => {
    // GIVEN a Deployment with the placeholder in an init container and a container, next to a sidecar
    const input = deployment('web', {
      initContainers: [{ name: 'migrate', image: PLACEHOLDER_IMAGE }],
      containers: [
        { name: 'app', image: PLACEHOLDER_IMAGE },
        { name: 'proxy', image: 'envoy:1.30' },
      ],
    });
    const before = JSON.stringify(input);
    // WHEN images are substituted
    const { manifest: out, replaced } = withImages(input, images);
    // THEN both placeholders are replaced and the input is left alone
    const pod = (out.spec as { template: { spec: { initContainers: { image: string }[]; containers: { image: string }[] } } }).template.spec;
    expect(pod.initContainers.map((c) => c.image)).toEqual([images[PLACEHOLDER_IMAGE]]);
    expect(pod.containers.map((c) => c.image)).toEqual([images[PLACEHOLDER_IMAGE], 'envoy:1.30']);
    expect(replaced).toEqual([PLACEHOLDER_IMAGE, PLACEHOLDER_IMAGE]);
    expect(JSON.stringify(input)).toBe(before);
  });

  test('returns an object without containers unchanged', () => {
    const service = manifest('Service', 'web', { spec: { ports: [{ port: 80 }] } });
    expect(withImages(service, images)).toEqual({ manifest: service, replaced: [] });
  });

  test('fails when the placeholder appears outside an image field', () => {
    const leaky = deployment('web', { containers: [{ name: 'app', image: PLACEHOLDER_IMAGE, env: [{ name: 'IMAGE', value: PLACEHOLDER_IMAGE }] }] });
    expect(() => withImages(leaky, images)).toThrow(
      `Deployment/shop/web contains the placeholder image '${PLACEHOLDER_IMAGE}' outside a container's 'image', where it cannot be replaced`,
    );
  });
});

describe('planObjects', () => {
  test('puts the Namespace first and every namespaced object after it', () => {
    const plan = planObjects(plain(manifest('Service', 'web'), manifest('ConfigMap', 'cfg'), manifest('Namespace', NS)));
    expect(plan.map((p) => p.key)).toEqual(['Namespace/shop', 'Service/shop/web', 'ConfigMap/shop/cfg']);
    expect(plan.map((p) => p.dependsOn)).toEqual([[], ['Namespace/shop'], ['Namespace/shop']]);
    expect(plan.map((p) => p.resourceName)).toEqual(['shop', 'shop/web', 'shop/cfg']);
  });

  test('puts a workload after the ConfigMaps, Secrets, claims and ServiceAccount its pods use', () => {
    // GIVEN a Deployment that reads every kind of reference, listed before what it references
    const web = deployment('web', {
      serviceAccountName: 'web',
      imagePullSecrets: [{ name: 'pull' }],
      containers: [
        {
          name: 'app',
          image: 'app:1',
          env: [
            { name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'a' } } },
            { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'b' } } },
          ],
          envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'env-secret' } }],
        },
      ],
      volumes: [
        { name: 'f', configMap: { name: 'files' } },
        { name: 's', secret: { secretName: 'certs' } },
        { name: 'd', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'p', projected: { sources: [{ secret: { name: 'projected' } }] } },
      ],
    });
    const referenced = [
      manifest('Secret', 'creds'),
      manifest('ConfigMap', 'cfg'),
      manifest('ConfigMap', 'settings'),
      manifest('Secret', 'env-secret'),
      manifest('ConfigMap', 'files'),
      manifest('Secret', 'certs'),
      manifest('PersistentVolumeClaim', 'data'),
      manifest('Secret', 'projected'),
      manifest('Secret', 'pull'),
      manifest('ServiceAccount', 'web'),
    ];
    // WHEN planned
    const plan = planObjects(plain(web, ...referenced));
    // THEN the Deployment depends on each, and comes last
    expect([...plan.find((p) => p.key === 'Deployment/shop/web')!.dependsOn].sort()).toEqual(referenced.map(manifestKey).sort());
    expect(plan[plan.length - 1].key).toBe('Deployment/shop/web');
  });

  test('finds the pod template of a CronJob', () => {
    const job = manifest('CronJob', 'report', {
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'r:1', envFrom: [{ secretRef: { name: 'creds' } }] }] } } } } },
    });
    expect(planObjects(plain(job, manifest('Secret', 'creds'))).map((p) => p.key)).toEqual(['Secret/shop/creds', 'CronJob/shop/report']);
  });

  test('leaves out references to objects deployed elsewhere, such as a cert-manager certificate', () => {
    const ingress = manifest('Ingress', 'web', { spec: { tls: [{ secretName: 'web-tls' }] } });
    const web = deployment('web', { containers: [{ name: 'app', image: 'a:1', envFrom: [{ secretRef: { name: 'not-here' } }] }] });
    expect(planObjects(plain(ingress, web)).map((p) => p.dependsOn)).toEqual([[], []]);
  });

  test('keeps the given dependencies and the given order where nothing forces another', () => {
    const objects: ChartObject[] = [
      { manifest: manifest('Service', 'web'), dependsOn: ['Service/shop/db'] },
      { manifest: manifest('Service', 'cache'), dependsOn: [] },
      { manifest: manifest('Service', 'db'), dependsOn: ['Service/shop/unknown'] },
    ];
    expect(planObjects(objects).map((p) => [p.key, p.dependsOn])).toEqual([
      ['Service/shop/cache', []],
      ['Service/shop/db', []],
      ['Service/shop/web', ['Service/shop/db']],
    ]);
  });

  test('plans custom resources like any other object, after their Namespace', () => {
    // GIVEN a cert-manager Certificate, a kind with no typed class
    const plan = planObjects(plain(manifest('Certificate', 'web', {}, 'cert-manager.io/v1'), manifest('Namespace', NS)));
    // THEN it is planned after its Namespace (ChartResources deploys it as a generic custom resource)
    expect(plan.map((p) => [p.key, p.dependsOn])).toEqual([
      ['Namespace/shop', []],
      ['Certificate/shop/web', ['Namespace/shop']],
    ]);
  });

  test('keys cluster-scoped objects without a namespace, even when one is set', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: NS } };
    expect(planObjects(plain(role, manifest('Namespace', NS))).map((p) => [p.key, p.resourceName, p.dependsOn])).toEqual([
      ['ClusterRole/reader', 'reader', []],
      ['Namespace/shop', 'shop', []],
    ]);
  });

  test('protects an object annotated kubestack.io/protect: "true" and the Namespace that holds it, and nothing else', () => {
    // GIVEN a protected StatefulSet, an object annotated otherwise, and a plain Service
    const protect = (value: string) => ({ annotations: { 'kubestack.io/protect': value } });
    const sts = manifest('StatefulSet', 'db');
    const objects = plain(
      { ...sts, metadata: { ...sts.metadata, ...protect('true') } },
      { ...manifest('ConfigMap', 'cfg'), metadata: { name: 'cfg', namespace: NS, ...protect('yes') } },
      manifest('Service', 'web'),
      manifest('Namespace', NS),
      manifest('Namespace', 'other'),
    );
    // WHEN planned
    const plan = planObjects(objects);
    // THEN the StatefulSet and its Namespace are protected; the other Namespace and the rest are not
    expect(plan.filter((p) => p.protect).map((p) => p.key)).toEqual(['Namespace/shop', 'StatefulSet/shop/db']);
    // AND in the reference app, prod protects the Namespace, the Postgres StatefulSet and the backup claim; dev nothing
    const protectedIn = (name: 'dev' | 'prod') =>
      planObjects(environmentObjects(buildEnvironment(name).env).objects)
        .filter((p) => p.protect)
        .map((p) => p.key);
    expect(protectedIn('prod')).toEqual([
      'Namespace/three-tier-prod',
      'StatefulSet/three-tier-prod/postgres',
      'PersistentVolumeClaim/three-tier-prod/postgres-backup',
    ]);
    expect(protectedIn('dev')).toEqual([]);
  });

  test('fails on two objects with the same identity', () => {
    expect(() => planObjects(plain(manifest('Service', 'web'), manifest('Service', 'web')))).toThrow(
      'Service/shop/web is defined twice; kind, namespace and name must identify one object',
    );
  });

  test('fails on an object without a name', () => {
    expect(() => planObjects(plain({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: NS } } as unknown as KubeManifest))).toThrow(
      'object {"namespace":"shop"} has no metadata.name',
    );
  });

  test('fails on a dependency cycle', () => {
    const objects: ChartObject[] = [
      { manifest: manifest('Service', 'a'), dependsOn: ['Service/shop/b'] },
      { manifest: manifest('Service', 'b'), dependsOn: ['Service/shop/a'] },
    ];
    expect(() => planObjects(objects)).toThrow('objects depend on each other in a cycle: Service/shop/a, Service/shop/b');
  });
});

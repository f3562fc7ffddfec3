/**
 * The Pulumi program, run under mocks once per stack with that stack's Pulumi.<stack>.yaml (plus
 * the secrets a pipeline sets): it must deploy exactly what `npm run synth` wrote to dist/<stack>/.
 */
import {
  PROJECT,
  ProgramRun,
  REGISTRY_PASSWORD,
  STACKS,
  distObjects,
  fullConfig,
  isSecretWrapper,
  keyOf,
  kubeObjects,
  mockDigest,
  plainOccurrences,
  runProgram,
  secretValues,
  secretsFor,
  valueOf,
  withConfig,
} from './harness';
import { podSpecOf } from '../../lib/private/object';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const PREBUILT = 'registry.example.com/three-tier/web@sha256:' + 'ab'.repeat(32);

/** The app container of a registered or synthesized workload (a CronJob's is in its job template). */
function appContainer(workload: unknown): { name: string; image: unknown } | undefined {
  const containers = (podSpecOf(workload)?.containers ?? []) as { name: string; image: unknown }[];
  return containers.find((c) => c.name === 'app');
}

/** The web Deployment's app container image in a registered or synthesized Deployment. */
function appImage(deployment: unknown): unknown {
  return appContainer(deployment)?.image;
}

/**
 * Identity with a content-named Job's hash left out: the Job's name hashes its spec, and the stack
 * builds it with the placeholder image where synth writes the tag, so the two names differ.
 */
function stableKey(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return o.kind === 'Job' ? keyOf({ kind: o.kind, metadata: { ...o.metadata, name: o.metadata.name.replace(/-[0-9a-f]{10}$/, '-<hash>') } }) : keyOf(o);
}

/** ConfigMaps, Secrets and claims that a workload's pods read, as identities. */
function podReferences(workload: Record<string, unknown>, namespace: string): string[] {
  type Pod = {
    containers: {
      env?: { valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }[];
      envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    }[];
    volumes?: { configMap?: { name: string }; secret?: { secretName: string }; persistentVolumeClaim?: { claimName: string } }[];
  };
  const pod = podSpecOf(workload) as unknown as Pod;
  const refs: string[] = [];
  for (const c of pod.containers) {
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) refs.push(`Secret/${namespace}/${e.valueFrom.secretKeyRef.name}`);
      if (e.valueFrom?.configMapKeyRef) refs.push(`ConfigMap/${namespace}/${e.valueFrom.configMapKeyRef.name}`);
    }
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef) refs.push(`ConfigMap/${namespace}/${e.configMapRef.name}`);
      if (e.secretRef) refs.push(`Secret/${namespace}/${e.secretRef.name}`);
    }
  }
  for (const v of pod.volumes ?? []) {
    if (v.configMap) refs.push(`ConfigMap/${namespace}/${v.configMap.name}`);
    if (v.secret) refs.push(`Secret/${namespace}/${v.secret.secretName}`);
    if (v.persistentVolumeClaim) refs.push(`PersistentVolumeClaim/${namespace}/${v.persistentVolumeClaim.claimName}`);
  }
  return [...new Set(refs)];
}

describe.each(STACKS)('stack %s', (stack) => {
  let run: ProgramRun;
  const dist = distObjects(stack);
  const namespace = `three-tier-${stack}`;

  beforeAll(async () => {
    run = await runProgram(stack, fullConfig(stack));
  });

  test('registers exactly the objects of dist/ plus the Secrets the constructs reference', () => {
    // GIVEN the objects synth wrote and the Secrets their workloads read
    const expected = [...dist.map(stableKey), ...Object.keys(secretsFor(stack)).map((name) => `Secret/${namespace}/${name}`)].sort();
    // WHEN the program ran (beforeAll)
    // THEN it registered one Kubernetes resource per object, and no other
    expect([...kubeObjects(run).values()].map((r) => stableKey(r.inputs as never)).sort()).toEqual(expected);
    expect(dist.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('creates each referenced Secret with the type its keys imply', () => {
    const secrets = [...kubeObjects(run).values()].filter((r) => r.inputs.kind === 'Secret');
    const tls = stack === 'dev' ? [] : [{ name: 'web-tls', type: 'kubernetes.io/tls' }];
    expect(secrets.map((r) => ({ name: (r.inputs.metadata as { name: string }).name, type: r.inputs.type }))).toEqual(
      expect.arrayContaining([
        { name: 'postgres-credentials', type: 'Opaque' },
        { name: 'redis-auth', type: 'Opaque' },
        { name: 'web-secrets', type: 'Opaque' },
        ...tls,
      ]),
    );
    expect(secrets).toHaveLength(3 + tls.length);
  });

  test('registers every object with the content synth wrote, except the app image and the Job name it hashes', () => {
    const registered = new Map([...kubeObjects(run).values()].map((r) => [stableKey(r.inputs as never), r]));
    for (const object of dist) {
      // GIVEN the synthesized object, with the image the stack deploys in the app containers (web,
      // the migration and the clean-up run the app image)
      const expected = JSON.parse(JSON.stringify(object));
      const actual = registered.get(stableKey(object))!;
      if (['Deployment/web', 'Job/migrate', 'CronJob/prune-visits'].includes(`${object.kind}/${object.metadata.name.replace(/-[0-9a-f]{10}$/, '')}`)) {
        expect(appImage(object)).toBe('registry.example.com/three-tier/web:0.1.0');
        appContainer(expected)!.image = appImage(actual.inputs) as string;
      }
      if (object.kind === 'Job') expected.metadata.name = (actual.inputs.metadata as { name: string }).name;
      // THEN the resource's args are the object
      expect({ key: keyOf(object), args: actual.inputs }).toStrictEqual({ key: keyOf(object), args: expected });
    }
  });

  test('deploys every object through the provider of the stack cluster', () => {
    // GIVEN the explicit provider, configured from the stack's context
    const provider = run.resources.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(provider.name).toBe('cluster');
    expect(provider.inputs.context).toBe(stack);
    // THEN every object uses it, under one ChartResources component
    const ref = `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:kubernetes::cluster::cluster-id`;
    for (const r of kubeObjects(run).values()) expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: ref });
    expect(run.resources.filter((r) => r.type === 'kubestack:bridge:ChartResources').map((r) => r.name)).toEqual(['three-tier']);
  });

  test('creates the Namespace first, and ConfigMaps, Secrets and claims before the workloads that use them', () => {
    const objects = kubeObjects(run);
    const seq = (key: string) => objects.get(key)!.seq;
    // THEN the Namespace registers before every other object (a resource registers only after its dependsOn)
    const others = [...objects.keys()].filter((k) => k !== `Namespace/${namespace}`);
    expect(others.filter((k) => seq(k) < seq(`Namespace/${namespace}`))).toEqual([]);
    // AND every workload registers after each ConfigMap, Secret and claim its pods use
    let checked = 0;
    for (const [key, r] of objects) {
      if (!WORKLOAD_KINDS.includes(String(r.inputs.kind))) continue;
      for (const ref of podReferences(r.inputs, namespace).filter((k) => objects.has(k))) {
        expect({ workload: key, ref, after: r.seq > seq(ref) }).toEqual({ workload: key, ref, after: true });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  test('exports the namespace, the public URL, the image and the service host names', async () => {
    const { program, pulumi } = run;
    const domain = stack === 'prod' ? 'example.com' : `${stack}.example.com`;
    expect(program.namespace).toBe(namespace);
    expect(program.urls).toEqual([`${stack === 'dev' ? 'http' : 'https'}://web.${domain}/`]);
    expect(await valueOf(pulumi, program.imageDigest)).toBe(appImage(kubeObjects(run).get(`Deployment/${namespace}/web`)!.inputs));
    expect(program.serviceHosts).toEqual({
      web: `web.${namespace}.svc.cluster.local`,
      postgres: `postgres.${namespace}.svc.cluster.local`,
      redis: `redis.${namespace}.svc.cluster.local`,
    });
  });

  test('keeps every secret value secret in the inputs of every resource', () => {
    // GIVEN the fake secret values fed as secret config
    // THEN none appears outside a secret in any resource's inputs
    for (const r of run.resources)
      expect({ resource: `${r.type} ${r.name}`, plain: plainOccurrences(r.inputs, secretValues(stack)) }).toEqual({
        resource: `${r.type} ${r.name}`,
        plain: [],
      });
    // AND each Secret carries its values as a secret
    for (const [name, values] of Object.entries(secretsFor(stack))) {
      const stringData = kubeObjects(run).get(`Secret/${namespace}/${name}`)!.inputs.stringData;
      expect(isSecretWrapper(stringData)).toBe(true);
      expect((stringData as { value: unknown }).value).toEqual(values);
    }
  });
});

describe('image', () => {
  test('runs the digest that the build pushed', async () => {
    // GIVEN the dev stack, which builds apps/web
    const run = await runProgram('dev', fullConfig('dev'));
    // THEN one image is built from apps/web and pushed to the stack registry
    const images = run.resources.filter((r) => r.type === 'docker:index/image:Image');
    expect(images.map((i) => i.inputs)).toEqual([
      {
        imageName: 'registry.example.com/three-tier/web:0.1.0',
        build: { context: 'apps/web', dockerfile: 'apps/web/Dockerfile', platform: 'linux/amd64' },
        registry: { server: 'registry.example.com' },
        buildOnPreview: false,
        skipPush: false,
      },
    ]);
    // AND the web Deployment runs its repoDigest, which is also the stack output
    const digest = images[0].state.repoDigest;
    expect(digest).toBe(mockDigest('registry.example.com/three-tier/web:0.1.0'));
    expect(appImage(kubeObjects(run).get('Deployment/three-tier-dev/web')!.inputs)).toBe(digest);
    expect(await valueOf(run.pulumi, run.program.imageDigest)).toBe(digest);
  });

  test('pushes with the registry credentials from config, the password as a secret', async () => {
    const run = await runProgram('staging', fullConfig('staging'));
    const image = run.resources.find((r) => r.type === 'docker:index/image:Image')!;
    expect(isSecretWrapper(image.inputs.registry)).toBe(true);
    expect((image.inputs.registry as { value: unknown }).value).toEqual({
      server: 'registry.example.com',
      username: 'three-tier-ci',
      password: REGISTRY_PASSWORD,
    });
  });

  test('skips the build when the stack names a prebuilt image', async () => {
    // GIVEN the dev stack with a prebuilt image instead of build settings
    const config = withConfig(fullConfig('dev'), { [`${PROJECT}:image`]: PREBUILT, [`${PROJECT}:build`]: undefined, [`${PROJECT}:registry`]: undefined });
    const run = await runProgram('dev', config);
    // THEN nothing is built and the Deployment runs that image
    expect(run.resources.filter((r) => r.type.startsWith('docker:'))).toEqual([]);
    expect(appImage(kubeObjects(run).get('Deployment/three-tier-dev/web')!.inputs)).toBe(PREBUILT);
    expect(await valueOf(run.pulumi, run.program.imageDigest)).toBe(PREBUILT);
  });

  test('prod deploys the promoted digest from its stack file without building', async () => {
    const run = await runProgram('prod', fullConfig('prod'));
    expect(run.resources.filter((r) => r.type.startsWith('docker:'))).toEqual([]);
    expect(appImage(kubeObjects(run).get('Deployment/three-tier-prod/web')!.inputs)).toMatch(/^registry\.example\.com\/three-tier\/web@sha256:[a-f0-9]{64}$/);
  });

  test('preview shows every object before the digest is known', async () => {
    // GIVEN a preview, in which the image is not built (buildOnPreview is false)
    const run = await runProgram('dev', fullConfig('dev'), { preview: true });
    // THEN every object is still registered, the web image being unknown
    const objects = kubeObjects(run);
    expect(objects.size).toBe(distObjects('dev').length + Object.keys(secretsFor('dev')).length);
    expect(run.pulumi.isUnknown(appImage(objects.get('Deployment/three-tier-dev/web')!.inputs))).toBe(true);
  });
});

describe('bad config', () => {
  test('fails on a missing key, naming the key, the stack and the command that fixes it', async () => {
    const config = withConfig(fullConfig('staging'), { [`${PROJECT}:context`]: undefined });
    await expect(runProgram('staging', config)).rejects.toThrow(
      "stack 'staging': config 'three-tier:context' is missing; name the stack's cluster with a kube context (or with 'three-tier:kubeconfig'), so that a deploy never goes to whatever cluster kubectl points at\n" +
        '  fix: pulumi config set three-tier:context <kube-context> --stack staging\n' +
        '  fix: pulumi config set three-tier:kubeconfig <path-to-kubeconfig> --stack staging',
    );
  });

  test('fails on a malformed registry', async () => {
    const config = withConfig(fullConfig('dev'), { [`${PROJECT}:registry`]: 'https://registry.example.com/three-tier' });
    await expect(runProgram('dev', config)).rejects.toThrow(
      "stack 'dev': config 'three-tier:registry' must be a registry host with an optional port and path, such as 'registry.example.com/three-tier' or 'localhost:5000' (no scheme, tag or trailing slash), got \"https://registry.example.com/three-tier\"\n" +
        '  fix: pulumi config set three-tier:registry registry.example.com/three-tier --stack dev',
    );
  });

  test("fails on building with the tag 'latest' in prod", async () => {
    const config = withConfig(fullConfig('prod'), {
      [`${PROJECT}:image`]: undefined,
      [`${PROJECT}:registry`]: 'registry.example.com/three-tier',
      [`${PROJECT}:build`]: JSON.stringify({ tag: 'latest' }),
    });
    await expect(runProgram('prod', config)).rejects.toThrow(
      "stack 'prod': config 'three-tier:build.tag' must not be 'latest' in a production environment ('prod'); tag builds with a version or a git SHA, got \"latest\"\n" +
        '  fix: pulumi config set --path three-tier:build.tag <tag> --stack prod',
    );
  });

  test('fails on a missing secret, listing the command for each one missing', async () => {
    const config = withConfig(fullConfig('dev'), { [`${PROJECT}:secrets`]: JSON.stringify({ 'redis-auth': secretsFor('dev')['redis-auth'] }) });
    await expect(runProgram('dev', config)).rejects.toThrow(
      "stack 'dev': config 'three-tier:secrets.postgres-credentials.password' is missing; the Secret 'postgres-credentials' (key 'password') is read by 'three-tier/postgres'\n" +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.password <value> --stack dev\n' +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.username <value> --stack dev\n' +
        '  fix: pulumi config set --secret --path three-tier:secrets.web-secrets.session-secret <value> --stack dev',
    );
  });

  test('fails as a RunError, which Pulumi prints without a stack trace', async () => {
    const config = withConfig(fullConfig('dev'), { [`${PROJECT}:namespace`]: 'Three_Tier' });
    const error = await runProgram('dev', config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as { __pulumiRunError?: boolean }).__pulumiRunError).toBe(true);
    expect((error as Error).message).toMatch(/^stack 'dev': config 'three-tier:namespace' must be a DNS-1123 label/);
  });
});

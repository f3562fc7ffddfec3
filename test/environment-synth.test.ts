// The policy gate runs on every synthesis of an Environment, wherever it starts: app.synth(),
// app.synthYaml(), chart.toJson(), Testing.synth() and env.synthesize().
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Testing, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { buildEnvironment } from '../apps/main';
import { ENVIRONMENT_NAMES } from '../apps/environments';
import { ConfigBundle, Environment, PolicyViolationError, Profiles, WebApp, formatViolations, waiverAnnotation } from 'kubestack';
import { K8sObject, thrown } from './util';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-env-synth-'));
  tempDirs.push(dir);
  return dir;
}

/** An app writing into a fresh temp dir, and one Environment in it. */
function newApp(profile = Profiles.dev, yamlOutputType = YamlOutputType.FILE_PER_CHART): { app: App; env: Environment; outdir: string } {
  const outdir = tempDir();
  const app = new App({ outdir, yamlOutputType });
  return { app, env: new Environment(app, profile.name, { profile }), outdir };
}

/** A Pod that passes every rule of the gate, merged with `spec` and `container` overrides. */
function rawPod(name: string, opts: { namespace?: string; spec?: K8sObject; container?: K8sObject } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace, labels: { app: name } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/app:1.2.3',
          ports: [{ name: 'http', containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...opts.container },
        },
      ],
      ...opts.spec,
    },
  };
}

/** The NetworkPolicy that the network-policy rule asks for, selecting the pod `name`. */
function rawNetworkPolicy(name: string, namespace?: string): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: { matchLabels: { app: name } }, policyTypes: ['Ingress'] },
  };
}

/** A raw Pod and its NetworkPolicy in `scope`. */
function addRawPod(scope: Construct, name: string, opts: Parameters<typeof rawPod>[1] = {}): ApiObject {
  new ApiObject(scope, `${name}-netpol`, rawNetworkPolicy(name, opts.namespace) as ConstructorParameters<typeof ApiObject>[2]);
  return new ApiObject(scope, name, rawPod(name, opts) as ConstructorParameters<typeof ApiObject>[2]);
}

/** `rule: Kind namespace/name` of every violation the environment's gate finds. */
function violations(env: Environment): string[] {
  return env.checkPolicy().violations.map((v) => `${v.rule}: ${v.object.kind} ${v.object.namespace}/${v.object.name}`);
}

/** Every document of one YAML file, in order. */
function readBack(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as K8sObject);
}

/** Silences and records stderr while `fn` runs. */
function stderrOf(fn: () => void): string {
  let out = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('the policy gate in every synthesis', () => {
  test('fails app.synth() on a raw privileged hostNetwork Pod in a prod Environment, naming the Pod and the rules, and writes nothing', () => {
    // GIVEN a prod Environment holding a raw Pod that is complete except for hostNetwork and privileged
    const { app, env, outdir } = newApp(Profiles.prod);
    addRawPod(env, 'bad', { spec: { hostNetwork: true }, container: { privileged: true } });

    // WHEN it is synthesized
    const error = thrown(() => app.synth()) as Error;

    // THEN validation fails with the gate's list, and no file is written
    expect(error.message).toBe(
      [
        'Validation failed with the following errors:',
        "  [prod] policy gate: 2 violations in environment 'prod'",
        '  - Pod prod/bad [host-namespaces] sets hostNetwork: true',
        '      fix: remove hostNetwork, hostPID and hostIPC from the pod spec',
        "  - Pod prod/bad [privileged] container 'app' is privileged",
        '      fix: set securityContext.privileged: false (or leave it out)',
        '  To waive a rule for one object, annotate it: policy.kubestack.io/waive.<rule>: "<reason>"',
      ].join('\n'),
    );
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('fails app.synthYaml(), chart.toJson() and Testing.synth() with the same violations', () => {
    // GIVEN the same Pod
    const { app, env } = newApp(Profiles.prod);
    addRawPod(env, 'bad', { spec: { hostNetwork: true }, container: { privileged: true } });
    const expected = `[prod] ${formatViolations(env.checkPolicy().violations, 'prod')}`;

    // WHEN / THEN every entry point fails with it
    for (const synth of [() => app.synthYaml(), () => env.toJson(), () => Testing.synth(env)]) {
      expect((thrown(synth) as Error).message).toBe(`Validation failed with the following errors:\n  ${expected}`);
    }
  });

  test('sees a raw object of a nested chart, and fails app.synth() on its violation', () => {
    // GIVEN a chart nested two levels below the Environment, with the Environment's namespace
    const { app, env, outdir } = newApp();
    const nested = new Chart(new Chart(env, 'extras', { namespace: env.namespaceName }), 'more', { namespace: env.namespaceName });
    addRawPod(nested, 'bad', { container: { privileged: true } });

    // WHEN the gate checks the environment
    // THEN the nested objects are among its manifests, and their violation fails the synthesis
    expect(env.manifests().map((o) => `${o.kind}/${(o.metadata as K8sObject).name}`)).toEqual(['Namespace/dev', 'NetworkPolicy/bad', 'Pod/bad']);
    expect(violations(env)).toEqual(['privileged: Pod dev/bad']);
    expect((thrown(() => app.synth()) as Error).message).toContain("[dev] policy gate: 1 violation in environment 'dev'\n  - Pod dev/bad [privileged]");
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('fails an object of a nested chart that has no namespace', () => {
    // GIVEN a nested chart created without the Environment's namespace
    const { app, env } = newApp();
    addRawPod(new Chart(env, 'extras'), 'sidecar');

    // WHEN / THEN both its objects break the namespace rule, and synthesis fails
    expect(env.checkPolicy().violations.map((v) => `${v.rule}: ${v.object.kind} ${v.object.name}: ${v.message}`)).toEqual([
      "namespace: NetworkPolicy sidecar: has no metadata.namespace; every namespaced object of environment 'dev' must be in namespace 'dev'",
      "namespace: Pod sidecar: has no metadata.namespace; every namespaced object of environment 'dev' must be in namespace 'dev'",
    ]);
    expect((thrown(() => app.synth()) as Error).message).toContain(
      'fix: create the object in the Environment, which sets its namespace, or create the nested Chart with { namespace: env.namespaceName }',
    );
  });

  test('fails an object in another namespace', () => {
    // GIVEN a raw ConfigMap created in the Environment with an explicit other namespace
    const { app, env } = newApp();
    new ApiObject(env, 'elsewhere', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'kube-system' } });

    // WHEN / THEN
    expect(env.checkPolicy().violations.map((v) => v.message)).toEqual([
      "is in namespace 'kube-system'; every namespaced object of environment 'dev' must be in namespace 'dev'",
    ]);
    expect(() => app.synth()).toThrow("- ConfigMap kube-system/elsewhere [namespace] is in namespace 'kube-system'");
  });

  test('gives a raw object created in the Environment its namespace, and accepts cluster-scoped objects without one', () => {
    // GIVEN a raw Pod without a namespace and a cluster-scoped PriorityClass
    const { env } = newApp();
    addRawPod(env, 'worker');
    new ApiObject(env, 'priority', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch' }, value: 1000 });

    // WHEN it is synthesized
    const { objects } = env.synthesize();

    // THEN the Pod is in the environment's namespace and the gate passes
    expect(objects.filter((o) => o.kind === 'Pod').map((o) => (o.metadata as K8sObject).namespace)).toEqual(['dev']);
    expect(violations(env)).toEqual([]);
  });

  test('fails a raw ConfigMap that repeats the name of the ConfigMap of a construct', () => {
    // GIVEN a ConfigBundle and a raw ConfigMap of the same name
    const { app, env } = newApp();
    new ConfigBundle(env, 'settings', { settings: { MODE: 'fast' } });
    new ApiObject(env, 'copy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { MODE: 'slow' } });

    // WHEN / THEN the second object is reported, with both positions, and synthesis fails
    expect(env.checkPolicy().violations.map((v) => `${v.rule}: ${v.object.kind} ${v.object.namespace}/${v.object.name}: ${v.message}`)).toEqual([
      'unique-objects: ConfigMap dev/settings: is defined twice, by objects #1 and #2 of the manifests; the second would overwrite the first',
    ]);
    expect(() => app.synth()).toThrow('- ConfigMap dev/settings [unique-objects] is defined twice');
  });

  test('does not let an annotation waive unique-objects', () => {
    // GIVEN a duplicate that tries to waive the rule
    const { env } = newApp();
    new ConfigBundle(env, 'settings', { settings: { MODE: 'fast' } });
    new ApiObject(env, 'copy', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', annotations: { [waiverAnnotation('unique-objects')]: 'I know' } },
    });

    // WHEN / THEN the waiver is a violation and the duplicate still is one
    expect(env.checkPolicy().violations.map((v) => `${v.rule}: ${v.message}`)).toEqual([
      "waiver: annotation policy.kubestack.io/waive.unique-objects tries to waive the 'unique-objects' rule, which cannot be waived",
      'unique-objects: is defined twice, by objects #1 and #2 of the manifests; the second would overwrite the first',
    ]);
  });

  test('reports a failure to render the objects with the other validation errors', () => {
    // GIVEN an object whose rendering throws, and a construct with a failing validation
    const { app, env } = newApp();
    new ApiObject(env, 'broken', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'broken' },
      data: Lazy.any({
        produce: () => {
          throw new Error('boom');
        },
      }),
    });
    new Construct(env, 'checked').node.addValidation({ validate: () => ['is not configured'] });

    // WHEN / THEN both are listed
    expect((thrown(() => app.synth()) as Error).message).toBe(
      [
        'Validation failed with the following errors:',
        "  [dev] policy gate: cannot synthesize environment 'dev' to check it: Failed serializing construct at path 'dev/broken' with name 'broken': Error: boom",
        '  [dev/checked] is not configured',
      ].join('\n'),
    );
  });

  test('prints every waiver to stderr once per synth, although cdk8s validates once per chart', async () => {
    // GIVEN a waiver on an object of the Environment and a nested chart (two charts: three validation passes)
    const { app, env } = newApp();
    const pod = addRawPod(env, 'worker');
    pod.metadata.addAnnotation(waiverAnnotation('network-policy'), 'covered by the default-deny policy');
    addRawPod(new Chart(env, 'extras', { namespace: env.namespaceName }), 'other');

    // WHEN it is synthesized
    const stderr = stderrOf(() => app.synth());

    // THEN the waiver is printed once, and again by the next synthesis
    const line = 'policy gate: dev: waived [network-policy] for Pod dev/worker (0 suppressed): covered by the default-deny policy\n';
    expect(stderr).toBe(line);
    await Promise.resolve();
    expect(stderrOf(() => env.toJson())).toBe(line);
  });
});

describe('Environment.synthesize', () => {
  test.each(ENVIRONMENT_NAMES)('returns the committed dist/ objects of the reference %s environment, with no waiver', (name) => {
    // GIVEN the reference app
    const { env } = buildEnvironment(name);
    const committed = readBack(path.join(__dirname, '..', 'dist', name, 'three-tier.k8s.yaml'));

    // WHEN it is synthesized for a writer
    const { objects, waivers } = env.synthesize();

    // THEN it is what was written before: the Namespace first, without a namespace
    expect(objects).toStrictEqual(committed);
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: env.namespaceName } });
    expect((objects[0].metadata as K8sObject).namespace).toBeUndefined();
    expect(waivers).toEqual([]);
  });

  test('returns exactly the objects that app.synth() writes, nested charts included, the Environment first', () => {
    // GIVEN an Environment with constructs, a raw object and charts nested two levels deep
    const { app, env, outdir } = newApp();
    new WebApp(env, 'web', { image: 'registry.example.com/web:1.0.0' });
    addRawPod(env, 'worker');
    const extras = new Chart(env, 'extras', { namespace: env.namespaceName });
    addRawPod(extras, 'sidecar');
    const more = new Chart(extras, 'more', { namespace: env.namespaceName });
    addRawPod(more, 'helper');

    // WHEN it is synthesized for a writer, and by cdk8s into one file per chart
    const { objects } = env.synthesize();
    stderrOf(() => app.synth());

    // THEN each chart's objects are those of its file, in the same order; the charts come
    // Environment first (cdk8s numbers the files of nested charts first)
    const files = fs.readdirSync(outdir).sort();
    expect(files.map((f) => f.replace(/-[0-9a-f]{8}(?=\.k8s\.yaml$)/, ''))).toEqual([
      '0000-dev-extras-more.k8s.yaml',
      '0001-dev-extras.k8s.yaml',
      '0002-dev.k8s.yaml',
    ]);
    expect(objects).toStrictEqual([...files].reverse().flatMap((f) => readBack(path.join(outdir, f))));
    expect(objects).toStrictEqual([env, extras, more].flatMap((c) => Testing.synth(c)));
    expect(objects[0]).toMatchObject({ kind: 'Namespace' });
  });

  test('computes the objects and runs the gate once', () => {
    // GIVEN an Environment with a nested chart
    const { env } = newApp();
    new WebApp(env, 'web', { image: 'registry.example.com/web:1.0.0' });
    addRawPod(new Chart(env, 'extras', { namespace: env.namespaceName }), 'sidecar');
    const manifests = jest.spyOn(env, 'manifests');
    const checkPolicy = jest.spyOn(env, 'checkPolicy');

    // WHEN it is synthesized
    const stderr = stderrOf(() => env.synthesize());

    // THEN the objects were computed once, checked once, and nothing was printed
    expect(manifests).toHaveBeenCalledTimes(1);
    expect(checkPolicy).toHaveBeenCalledTimes(1);
    expect(stderr).toBe('');
  });

  test('runs every validation under the Environment once', () => {
    // GIVEN a construct with a validation
    const { env } = newApp();
    const validate = jest.fn(() => []);
    new Construct(new Chart(env, 'extras', { namespace: env.namespaceName }), 'checked').node.addValidation({ validate });

    // WHEN it is synthesized
    env.synthesize();

    // THEN the validation ran once
    expect(validate).toHaveBeenCalledTimes(1);
  });

  test('returns the waivers without printing them', () => {
    // GIVEN a waived rule
    const { env } = newApp();
    addRawPod(env, 'worker').metadata.addAnnotation(waiverAnnotation('network-policy'), 'covered elsewhere');

    // WHEN it is synthesized
    let waivers: unknown;
    const stderr = stderrOf(() => (waivers = env.synthesize().waivers));

    // THEN
    expect(waivers).toEqual([
      { rule: 'network-policy', object: { kind: 'Pod', namespace: 'dev', name: 'worker' }, reason: 'covered elsewhere', suppressed: 0 },
    ]);
    expect(stderr).toBe('');
  });

  test('fails with the PolicyViolationError of the gate, not wrapped', () => {
    // GIVEN a violation
    const { env } = newApp(Profiles.prod);
    addRawPod(env, 'bad', { container: { privileged: true } });

    // WHEN
    const error = thrown(() => env.synthesize());

    // THEN
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as PolicyViolationError).violations.map((v) => v.rule)).toEqual(['privileged']);
    expect((error as Error).message).toBe(formatViolations((error as PolicyViolationError).violations, 'prod'));
  });

  test('fails with every validation error, as cdk8s lists them, before computing any object', () => {
    // GIVEN two constructs whose validations fail, and a gate violation
    const { env } = newApp();
    new Construct(env, 'a').node.addValidation({ validate: () => ['is not configured'] });
    new Construct(new Chart(env, 'extras'), 'b').node.addValidation({ validate: () => ['is broken', 'is late'] });
    addRawPod(env, 'bad', { container: { privileged: true } });
    const manifests = jest.spyOn(env, 'manifests');

    // WHEN / THEN
    expect((thrown(() => env.synthesize()) as Error).message).toBe(
      ['Validation failed with the following errors:', '  [dev/a] is not configured', '  [dev/extras/b] is broken', '  [dev/extras/b] is late'].join('\n'),
    );
    expect(manifests).not.toHaveBeenCalled();
  });

  test('still runs the gate in app.synth() after synthesize()', () => {
    // GIVEN an Environment that was synthesized once, then got a bad object
    const { app, env } = newApp();
    env.synthesize();
    addRawPod(env, 'bad', { container: { privileged: true } });

    // WHEN / THEN
    expect(() => app.synth()).toThrow('- Pod dev/bad [privileged]');
  });
});

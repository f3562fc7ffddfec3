import { Testing } from 'cdk8s';
import { ConfigBundle, CronJob, Environment, Job, JobProps, PostgresDb, Profiles, WebApp, defineProfile } from 'kubestack';
import { contentHash } from '../lib/private/hash';
import { K8sObject, container, envValue, expectValidationError, find, ids, newEnv, ofKind, podSpec, synthObjects } from './util';

const IMAGE = 'registry.example.com/team/migrate:1.0.0';

/** One Job `migrate` in a fresh environment, with optional wiring before synthesis. */
function synthJob(
  props: Partial<JobProps> = {},
  wire: (job: Job, env: Environment) => void = () => undefined,
  profile = Profiles.dev,
): { job: Job; env: Environment; objs: K8sObject[]; manifest: K8sObject } {
  const env = newEnv(profile, profile.name);
  const job = new Job(env, 'migrate', { image: IMAGE, ...props });
  wire(job, env);
  const objs = synthObjects(env);
  const jobs = ofKind(objs, 'Job');
  if (jobs.length !== 1) throw new Error(`expected one Job, got ${ids(objs).join(', ')}`);
  return { job, env, objs, manifest: jobs[0] };
}

/** The synthesized name of the Job `migrate` built with `props` and `wire`. */
const nameOf = (props: Partial<JobProps> = {}, wire?: (job: Job, env: Environment) => void) => synthJob(props, wire).manifest.metadata.name as string;

describe('Job', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const job = new Job(env, 'migrate', { image: IMAGE });

    // THEN
    const labels = {
      'app.kubernetes.io/name': 'migrate',
      'app.kubernetes.io/instance': 'migrate-dev',
      'app.kubernetes.io/component': 'job',
      'app.kubernetes.io/part-of': 'app',
      'app.kubernetes.io/managed-by': 'kubestack',
    };
    const selector = { 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/instance': 'migrate-dev' };
    const wave = { 'argocd.argoproj.io/sync-wave': '1' };
    // The hash is pinned on purpose: a change of the rendered spec (here or in the shared pod
    // template) renames every Job, so every Job of every app runs again on the next release.
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: 'migrate-35eeee5cf9',
          namespace: 'dev',
          labels,
          annotations: {
            ...wave,
            'ignore-check.kube-linter.io/job-ttl-seconds-after-finished':
              'a content-named Job deleted by a TTL is re-created by the next kubectl apply or Argo CD sync and runs again; superseded Jobs are removed by pruning or by Pulumi instead',
            'kube-score/ignore':
              'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id,pod-networkpolicy',
          },
        },
        spec: {
          activeDeadlineSeconds: 600,
          backoffLimit: 2,
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              restartPolicy: 'Never',
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name: 'app',
                  image: IMAGE,
                  imagePullPolicy: 'IfNotPresent',
                  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
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
        metadata: { name: 'migrate', namespace: 'dev', labels, annotations: wave },
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'] },
      },
    ]);
    expect(job.name).toBe('migrate');
    expect(job.jobName).toBe('migrate-35eeee5cf9');
    expect(job.image).toBe(IMAGE);
    expect(job.resources).toStrictEqual(Profiles.dev.resources.job);
    expect(job.runAsUser).toBe(1000);
    expect(job.backoffLimit).toBe(2);
    expect(job.activeDeadlineSeconds).toBe(600);
    expect(job.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.syncWave).toBe(1);
    expect(job.selector).toStrictEqual(selector);
    expect(job.connections).toStrictEqual([]);
    expect(job.envVars).toStrictEqual([]);
  });

  describe('props', () => {
    test('name sets the base of the Job name and names the NetworkPolicy', () => {
      // GIVEN / WHEN
      const { objs, manifest, job } = synthJob({ name: 'db-migrate' });

      // THEN
      expect(manifest.metadata.name).toMatch(/^db-migrate-[0-9a-f]{10}$/);
      expect(manifest.metadata.name).toBe(job.jobName);
      expect(manifest.metadata.labels['app.kubernetes.io/name']).toBe('db-migrate');
      expect(find(objs, 'NetworkPolicy', 'db-migrate').spec.podSelector.matchLabels).toStrictEqual(job.selector);
    });

    test('a base name of 52 characters gives a Job name of 63', () => {
      // GIVEN
      const name = 'm'.repeat(52);

      // WHEN
      const { manifest } = synthJob({ name });

      // THEN
      expect(manifest.metadata.name).toHaveLength(63);
    });

    test('command, args and env reach the container', () => {
      // GIVEN / WHEN
      const { manifest } = synthJob({ command: ['/app/migrate'], args: ['up', '--all'], env: { LOG_LEVEL: 'debug' } });

      // THEN
      const c = container(manifest);
      expect(c.command).toStrictEqual(['/app/migrate']);
      expect(c.args).toStrictEqual(['up', '--all']);
      expect(c.env).toStrictEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
    });

    test('addEnv after the constructor reaches the container', () => {
      // GIVEN / WHEN
      const { manifest, job } = synthJob({}, (j) => j.addEnv('MODE', 'fast'));

      // THEN
      expect(envValue(container(manifest), 'MODE')).toBe('fast');
      expect(job.envVars).toStrictEqual([{ name: 'MODE', value: 'fast' }]);
    });

    test('resources override the profile field by field', () => {
      // GIVEN / WHEN
      const { manifest, job } = synthJob({ resources: { memoryLimit: '1Gi' } });

      // THEN
      expect(container(manifest).resources).toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
      expect(job.resources.memoryLimit).toBe('1Gi');
    });

    test('resources default to the profile of the environment', () => {
      // GIVEN / WHEN
      const { manifest } = synthJob({}, undefined);
      const prod = synthJob({}, undefined, Profiles.prod).manifest;

      // THEN
      expect(container(manifest).resources.limits.memory).toBe(Profiles.dev.resources.job.memoryLimit);
      expect(container(prod).resources).toStrictEqual({
        requests: { cpu: Profiles.prod.resources.job.cpuRequest, memory: Profiles.prod.resources.job.memoryRequest },
        limits: { cpu: Profiles.prod.resources.job.cpuLimit, memory: Profiles.prod.resources.job.memoryLimit },
      });
    });

    test('runAsUser sets the pod and container UID and GID, and a high UID needs no lint waiver for it', () => {
      // GIVEN / WHEN
      const { manifest } = synthJob({ runAsUser: 10001 });

      // THEN
      expect(podSpec(manifest).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
      expect(container(manifest).securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
      expect(manifest.metadata.annotations['kube-score/ignore']).toBe(
        'container-ephemeral-storage-request-and-limit,container-image-pull-policy,pod-networkpolicy',
      );
    });

    test('writablePaths mount an emptyDir each', () => {
      // GIVEN / WHEN
      const { manifest } = synthJob({ writablePaths: ['/tmp', '/app/cache'] });

      // THEN
      expect(container(manifest).volumeMounts).toStrictEqual([
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'writable-1', mountPath: '/app/cache' },
      ]);
      expect(podSpec(manifest).volumes.map((v: K8sObject) => v.name)).toStrictEqual(['tmp', 'writable-1']);
    });

    test('imagePullSecrets are referenced and recorded as required Secrets', () => {
      // GIVEN / WHEN
      const { manifest, env } = synthJob({ imagePullSecrets: ['regcred'] });

      // THEN
      expect(podSpec(manifest).imagePullSecrets).toStrictEqual([{ name: 'regcred' }]);
      expect(env.requiredSecrets).toStrictEqual([{ secretName: 'regcred', keys: ['.dockerconfigjson'], requiredBy: 'dev/migrate' }]);
    });

    test('backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished reach the Job spec', () => {
      // GIVEN / WHEN
      const { manifest, job } = synthJob({ backoffLimit: 0, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 0 });

      // THEN
      expect(manifest.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 0 });
      expect(job.ttlSecondsAfterFinished).toBe(0);
    });

    test('config adds envFrom and the bundle hash on the pod template', () => {
      // GIVEN
      const env = newEnv();
      const bundle = new ConfigBundle(env, 'migrate-config', { settings: { SCHEMA: 'public' } });

      // WHEN
      new Job(env, 'migrate', { image: IMAGE, config: [bundle] });

      // THEN
      const manifest = ofKind(synthObjects(env), 'Job')[0];
      expect(container(manifest).envFrom).toStrictEqual([{ configMapRef: { name: 'migrate-config' } }]);
      expect(manifest.spec.template.metadata.annotations).toStrictEqual({ 'config.kubestack.io/migrate-config': bundle.contentHash });
    });
  });

  describe('content-hash name', () => {
    test('an unchanged spec keeps its name across syntheses and apps', () => {
      // GIVEN
      const first = synthJob({ env: { A: '1' } });

      // WHEN
      const again = synthObjects(first.env);
      const rebuilt = nameOf({ env: { A: '1' } });

      // THEN
      expect(ofKind(again, 'Job')[0].metadata.name).toBe(first.manifest.metadata.name);
      expect(rebuilt).toBe(first.manifest.metadata.name);
    });

    test('the hash is the content hash of the synthesized spec', () => {
      // GIVEN / WHEN
      const { manifest } = synthJob({ command: ['/app/migrate'] }, (job, env) => job.connect(new PostgresDb(env, 'db')));

      // THEN
      expect(manifest.metadata.name).toBe(`migrate-${contentHash(manifest.spec).slice(0, 10)}`);
    });

    test('objects outside the Job do not change its name', () => {
      // GIVEN
      const alone = nameOf();

      // WHEN
      const withNeighbours = nameOf({}, (_job, env) => {
        new WebApp(env, 'web', { image: 'registry.example.com/team/web:2.0.0' });
        new ConfigBundle(env, 'unrelated', { settings: { X: 'y' } });
      });

      // THEN
      expect(withNeighbours).toBe(alone);
    });

    test.each<[string, Partial<JobProps>]>([
      ['image', { image: 'registry.example.com/team/migrate:1.0.1' }],
      ['command', { command: ['/app/migrate'] }],
      ['args', { args: ['down'] }],
      ['env', { env: { A: '2' } }],
      ['resources', { resources: { cpuLimit: '1' } }],
      ['backoffLimit', { backoffLimit: 3 }],
      ['activeDeadlineSeconds', { activeDeadlineSeconds: 601 }],
      ['ttlSecondsAfterFinished', { ttlSecondsAfterFinished: 86400 }],
      ['runAsUser', { runAsUser: 1001 }],
      ['writablePaths', { writablePaths: ['/tmp', '/data'] }],
      ['imagePullSecrets', { imagePullSecrets: ['regcred'] }],
    ])('a change of %s renames the Job', (_prop, change) => {
      // GIVEN
      const base = nameOf({ env: { A: '1' } });

      // WHEN
      const changed = nameOf({ env: { A: '1' }, ...change });

      // THEN
      expect(changed).toMatch(/^migrate-[0-9a-f]{10}$/);
      expect(changed).not.toBe(base);
    });

    test('connect() after the constructor renames the Job', () => {
      // GIVEN
      const base = nameOf({}, (_job, env) => new PostgresDb(env, 'db'));

      // WHEN
      const connected = nameOf({}, (job, env) => job.connect(new PostgresDb(env, 'db')));

      // THEN
      expect(connected).not.toBe(base);
    });

    test('addEnv() after the constructor renames the Job', () => {
      // GIVEN / WHEN
      const base = nameOf();
      const added = nameOf({}, (job) => job.addEnv('A', '1'));

      // THEN
      expect(added).not.toBe(base);
    });

    test('a changed ConfigBundle setting renames the Job, while the ConfigMap keeps its name', () => {
      // GIVEN
      const build = (schema: string) =>
        synthJob({}, (job, env) => {
          const bundle = new ConfigBundle(env, 'migrate-config', { settings: { SCHEMA: 'public' } });
          bundle.addSetting('TARGET', schema);
          job.addConfig(bundle);
        });

      // WHEN
      const v1 = build('v1');
      const v2 = build('v2');

      // THEN
      expect(v2.manifest.metadata.name).not.toBe(v1.manifest.metadata.name);
      expect(find(v2.objs, 'ConfigMap', 'migrate-config').data).toStrictEqual({ SCHEMA: 'public', TARGET: 'v2' });
      expect(container(v2.manifest).envFrom).toStrictEqual(container(v1.manifest).envFrom);
    });

    test('jobName reads the name the manifest gets', () => {
      // GIVEN
      const env = newEnv();
      const job = new Job(env, 'migrate', { image: IMAGE });
      const before = job.jobName;

      // WHEN
      job.addEnv('A', '1');

      // THEN
      expect(job.jobName).not.toBe(before);
      expect(find(synthObjects(env), 'Job', job.jobName).metadata.labels['app.kubernetes.io/name']).toBe('migrate');
    });
  });

  describe('wiring', () => {
    test('connect() injects the connection env and lets the Job through the Postgres NetworkPolicy', () => {
      // GIVEN
      const env = newEnv();
      const db = new PostgresDb(env, 'db');
      const job = new Job(env, 'migrate', { image: IMAGE });

      // WHEN
      job.connect(db);

      // THEN
      const objs = synthObjects(env);
      const c = container(ofKind(objs, 'Job')[0]);
      expect(envValue(c, 'DATABASE_URL')).toBe('postgres://$(DB_USER):$(DB_PASS)@db:5432/app');
      expect(c.env.find((e: K8sObject) => e.name === 'DB_PASS').valueFrom).toStrictEqual({ secretKeyRef: { name: 'db-credentials', key: 'password' } });
      expect(find(objs, 'NetworkPolicy', 'db').spec.ingress).toStrictEqual([
        { from: [{ podSelector: { matchLabels: job.selector } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      ]);
      expect(job.connections).toStrictEqual([db]);
    });

    test('a server the Job connects to comes before it in the manifests', () => {
      // GIVEN
      const env = newEnv();
      const job = new Job(env, 'migrate', { image: IMAGE });
      const db = new PostgresDb(env, 'db');

      // WHEN
      job.connect(db);

      // THEN
      const order = ids(synthObjects(env));
      expect(order.indexOf('StatefulSet/db')).toBeLessThan(order.indexOf(`Job/${job.jobName}`));
    });

    test('a workload that depends on the Job comes after it in the manifests, even when created first', () => {
      // GIVEN
      const env = newEnv();
      const web = new WebApp(env, 'web', { image: 'registry.example.com/team/web:2.0.0' });
      const job = new Job(env, 'migrate', { image: IMAGE });

      // WHEN: what runsAfter(job) records
      web.node.addDependency(job);

      // THEN
      const order = ids(synthObjects(env));
      expect(order.indexOf(`Job/${job.jobName}`)).toBeLessThan(order.indexOf('Deployment/web'));
    });

    test('isJob recognises a Job, also by the global symbol of another copy of the library, and nothing else', () => {
      // GIVEN
      const env = newEnv();
      const job = new Job(env, 'migrate', { image: IMAGE });
      const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '@daily' });
      const web = new WebApp(env, 'web', { image: 'registry.example.com/team/web:2.0.0' });
      const fromOtherCopy = { [Symbol.for('kubestack.Job')]: true };

      // WHEN / THEN
      expect(Job.isJob(job)).toBe(true);
      expect(Job.isJob(fromOtherCopy)).toBe(true);
      expect([cron, web, env, null, undefined, {}, 'migrate'].map((x) => Job.isJob(x))).toStrictEqual([false, false, false, false, false, false, false]);
    });
  });

  describe('policy gate', () => {
    test.each([Profiles.dev, Profiles.prod])('a wired Job passes the gate in $name', (profile) => {
      // GIVEN
      const env = newEnv(profile, profile.name);
      const db = new PostgresDb(env, 'db');
      const bundle = new ConfigBundle(env, 'migrate-config', { settings: { SCHEMA: 'public' } });
      const job = new Job(env, 'migrate', { image: IMAGE, config: [bundle], imagePullSecrets: ['regcred'] });
      job.connect(db);

      // WHEN
      const objs = Testing.synth(env);

      // THEN
      expect(env.checkPolicy(objs).violations).toStrictEqual([]);
      expect(ofKind(objs, 'Job')).toHaveLength(1);
    });
  });

  describe('errors', () => {
    const fails = (props: Partial<JobProps>, message: string, profile = Profiles.dev) =>
      expectValidationError(() => new Job(newEnv(profile, profile.name), 'migrate', { image: IMAGE, ...props }), message);

    test('fails on a name longer than 52 characters', () => {
      fails(
        { name: 'm'.repeat(53) },
        `job 'dev/migrate': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 52 characters), so that the Job's name '<name>-<10-character content hash>' fits in 63, got "${'m'.repeat(53)}"`,
      );
    });

    test('fails on a name that is not a DNS label', () => {
      fails(
        { name: 'Migrate_DB' },
        `job 'dev/migrate': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 52 characters), so that the Job's name '<name>-<10-character content hash>' fits in 63, got "Migrate_DB"`,
      );
    });

    test('fails on an unpinned image', () => {
      fails(
        { image: 'registry.example.com/team/migrate:latest' },
        `job 'dev/migrate': 'image' must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment), got "registry.example.com/team/migrate:latest"`,
      );
    });

    test('fails on an untagged image in production', () => {
      fails(
        { image: 'registry.example.com/team/migrate' },
        `job 'prod/migrate': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (untagged), got "registry.example.com/team/migrate"`,
        Profiles.prod,
      );
    });

    test('fails on a negative backoffLimit', () => {
      fails({ backoffLimit: -1 }, `job 'dev/migrate': 'backoffLimit' must be an integer from 0 to 2147483647, got -1`);
    });

    test('fails on a fractional backoffLimit', () => {
      fails({ backoffLimit: 1.5 }, `job 'dev/migrate': 'backoffLimit' must be an integer from 0 to 2147483647, got 1.5`);
    });

    test('fails on an activeDeadlineSeconds of 0', () => {
      fails({ activeDeadlineSeconds: 0 }, `job 'dev/migrate': 'activeDeadlineSeconds' must be an integer from 1 to 2147483647, got 0`);
    });

    test('fails on an activeDeadlineSeconds beyond int32', () => {
      fails({ activeDeadlineSeconds: 2 ** 31 }, `job 'dev/migrate': 'activeDeadlineSeconds' must be an integer from 1 to 2147483647, got 2147483648`);
    });

    test('fails on a negative ttlSecondsAfterFinished', () => {
      fails({ ttlSecondsAfterFinished: -5 }, `job 'dev/migrate': 'ttlSecondsAfterFinished' must be an integer from 0 to 2147483647, got -5`);
    });

    test('fails on runAsUser 0', () => {
      fails({ runAsUser: 0 }, `job 'dev/migrate': 'runAsUser' must be a non-zero UID (an integer >= 1), got 0`);
    });

    test('fails on a relative writable path', () => {
      fails({ writablePaths: ['tmp'] }, `job 'dev/migrate': 'writablePaths' must be absolute paths, got "tmp"`);
    });

    test('fails on a resources request above its limit', () => {
      expect(() => new Job(newEnv(), 'migrate', { image: IMAGE, resources: { cpuRequest: '2' } })).toThrow(/^job 'dev\/migrate': 'resources/);
    });

    test('fails on a second Job with the same base name', () => {
      // GIVEN
      const env = newEnv();
      new Job(env, 'migrate', { image: IMAGE });

      // WHEN / THEN
      expectValidationError(
        () => new Job(env, 'again', { name: 'migrate', image: IMAGE }),
        `job 'dev/again': 'name' must be unique per kind in namespace 'dev': Job 'migrate' is already created by 'dev/migrate', got "migrate"`,
      );
    });

    test('fails on a CronJob with the name of the Job, whose NetworkPolicy it would overwrite', () => {
      // GIVEN
      const env = newEnv();
      new Job(env, 'migrate', { image: IMAGE });

      // WHEN / THEN
      expectValidationError(
        () => new CronJob(env, 'nightly', { name: 'migrate', image: IMAGE, schedule: '@daily' }),
        `cron-job 'dev/nightly': 'name' must be unique per kind in namespace 'dev': NetworkPolicy 'migrate' is already created by 'dev/migrate', got "migrate"`,
      );
    });

    test('fails on connecting the same server twice', () => {
      // GIVEN
      const env = newEnv();
      const db = new PostgresDb(env, 'db');
      const job = new Job(env, 'migrate', { image: IMAGE });
      job.connect(db);

      // WHEN / THEN
      expectValidationError(() => job.connect(db), `job 'dev/migrate': 'connect' must not connect the same server twice, got "dev/db"`);
    });

    test('fails on an env var that connect() already set', () => {
      // GIVEN
      const env = newEnv();
      const job = new Job(env, 'migrate', { image: IMAGE, env: { DATABASE_URL: 'x' } });

      // WHEN / THEN
      expectValidationError(
        () => job.connect(new PostgresDb(env, 'db')),
        `job 'dev/migrate': 'connect' must not set an environment variable that is already set, got "DATABASE_URL"`,
      );
    });
  });
});

describe('Job lint waivers', () => {
  test('waive kube-linter TTL check only when no ttlSecondsAfterFinished is set', () => {
    const annotations = (props: Partial<JobProps>) => synthJob(props).manifest.metadata.annotations as Record<string, string>;
    expect(Object.keys(annotations({}))).toContain('ignore-check.kube-linter.io/job-ttl-seconds-after-finished');
    expect(Object.keys(annotations({ ttlSecondsAfterFinished: 3600 }))).not.toContain('ignore-check.kube-linter.io/job-ttl-seconds-after-finished');
  });
});

describe('Job inputs the API server rejects', () => {
  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    // GIVEN an environment with a 20-character name
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
    const build = (name: string) => () => new Job(newEnv(profile, 'long'), 'migrate', { image: IMAGE, name });

    // WHEN / THEN
    expect(build('a'.repeat(42))).not.toThrow();
    expectValidationError(
      build('a'.repeat(43)),
      `job 'long/migrate': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test.each([
    ['backoffLimit', 2 ** 31],
    ['activeDeadlineSeconds', 2 ** 31],
    ['ttlSecondsAfterFinished', 2 ** 31],
  ])('fails on %s beyond the int32 range', (prop, value) => {
    const min = prop === 'activeDeadlineSeconds' ? 1 : 0;
    expectValidationError(
      () => new Job(newEnv(), 'migrate', { image: IMAGE, [prop]: value }),
      `job 'dev/migrate': '${prop}' must be an integer from ${min} to 2147483647, got ${value}`,
    );
  });
});

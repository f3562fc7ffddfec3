import { ConfigBundle, CronJob, CronJobProps, Environment, PostgresDb, Profiles, defineProfile } from 'kubestack';
import { SCHEDULE_MACROS, checkSchedule, checkTimeZone } from '../lib/private/schedule';
import { K8sObject, envValue, expectValidationError, find, newEnv, ofKind, synthObjects } from './util';

const IMAGE = 'registry.example.com/team/report:1.0.0';

/** One CronJob `nightly` in a fresh environment, with optional wiring before synthesis. */
function synthCron(
  props: Partial<CronJobProps> = {},
  wire: (cron: CronJob, env: Environment) => void = () => undefined,
  profile = Profiles.dev,
): { cron: CronJob; env: Environment; objs: K8sObject[]; manifest: K8sObject } {
  const env = newEnv(profile, profile.name);
  const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '0 3 * * *', ...props });
  wire(cron, env);
  const objs = synthObjects(env);
  return { cron, env, objs, manifest: find(objs, 'CronJob', cron.name) };
}

/** The pod template spec of a CronJob's runs. */
const runPod = (cron: K8sObject) => cron.spec.jobTemplate.spec.template.spec;
const runContainer = (cron: K8sObject) => runPod(cron).containers[0];

describe('CronJob', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '0 3 * * *' });

    // THEN
    const labels = {
      'app.kubernetes.io/name': 'nightly',
      'app.kubernetes.io/instance': 'nightly-dev',
      'app.kubernetes.io/component': 'job',
      'app.kubernetes.io/part-of': 'app',
      'app.kubernetes.io/managed-by': 'kubestack',
    };
    const selector = { 'app.kubernetes.io/name': 'nightly', 'app.kubernetes.io/instance': 'nightly-dev' };
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: {
          name: 'nightly',
          namespace: 'dev',
          labels,
          annotations: {
            'kube-score/ignore':
              'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id,pod-networkpolicy',
          },
        },
        spec: {
          schedule: '0 3 * * *',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
          suspend: false,
          jobTemplate: {
            metadata: { labels },
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
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'nightly', namespace: 'dev', labels },
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress'] },
      },
    ]);
    expect(cron.name).toBe('nightly');
    expect(cron.schedule).toBe('0 3 * * *');
    expect(cron.timeZone).toBeUndefined();
    expect(cron.concurrencyPolicy).toBe('Forbid');
    expect(cron.startingDeadlineSeconds).toBe(300);
    expect(cron.successfulJobsHistoryLimit).toBe(3);
    expect(cron.failedJobsHistoryLimit).toBe(1);
    expect(cron.suspend).toBe(false);
    expect(cron.image).toBe(IMAGE);
    expect(cron.resources).toStrictEqual(Profiles.dev.resources.job);
    expect(cron.runAsUser).toBe(1000);
    expect(cron.backoffLimit).toBe(2);
    expect(cron.activeDeadlineSeconds).toBe(600);
    expect(cron.selector).toStrictEqual(selector);
    expect(cron.connections).toStrictEqual([]);
  });

  describe('props', () => {
    test('the CronJob settings reach its spec', () => {
      // GIVEN / WHEN
      const { manifest } = synthCron({
        schedule: '*/15 8-18 * 1-5 MON-FRI',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Replace',
        startingDeadlineSeconds: 60,
        successfulJobsHistoryLimit: 0,
        failedJobsHistoryLimit: 5,
        suspend: true,
      });

      // THEN
      const spec = { ...manifest.spec };
      delete spec.jobTemplate;
      expect(spec).toStrictEqual({
        schedule: '*/15 8-18 * 1-5 MON-FRI',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Replace',
        startingDeadlineSeconds: 60,
        successfulJobsHistoryLimit: 0,
        failedJobsHistoryLimit: 5,
        suspend: true,
      });
    });

    test('the Job settings reach the job template', () => {
      // GIVEN / WHEN
      const { manifest } = synthCron({ backoffLimit: 0, activeDeadlineSeconds: 1800 });

      // THEN
      expect(manifest.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 1800 });
      expect(manifest.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    });

    test('the pod props reach the pod of every run', () => {
      // GIVEN / WHEN
      const { manifest, env } = synthCron({
        command: ['/app/report'],
        args: ['--daily'],
        env: { LOG_LEVEL: 'info' },
        resources: { memoryLimit: '1Gi' },
        runAsUser: 10001,
        writablePaths: ['/tmp', '/app/out'],
        imagePullSecrets: ['regcred'],
      });

      // THEN
      const c = runContainer(manifest);
      expect(c).toMatchObject({ command: ['/app/report'], args: ['--daily'], env: [{ name: 'LOG_LEVEL', value: 'info' }] });
      expect(c.resources.limits.memory).toBe('1Gi');
      expect(c.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
      expect(c.volumeMounts.map((m: K8sObject) => m.mountPath)).toStrictEqual(['/tmp', '/app/out']);
      expect(runPod(manifest).imagePullSecrets).toStrictEqual([{ name: 'regcred' }]);
      expect(env.requiredSecrets.map((s) => s.secretName)).toStrictEqual(['regcred']);
      expect(manifest.metadata.annotations['kube-score/ignore']).toBe(
        'container-ephemeral-storage-request-and-limit,container-image-pull-policy,pod-networkpolicy',
      );
    });

    test.each([...SCHEDULE_MACROS])('the schedule may be %s', (schedule) => {
      // GIVEN / WHEN
      const { manifest } = synthCron({ schedule });

      // THEN
      expect(manifest.spec.schedule).toBe(schedule);
    });

    test('a 52-character name is allowed', () => {
      // GIVEN / WHEN
      const { manifest } = synthCron({ name: 'n'.repeat(52) });

      // THEN
      expect(manifest.metadata.name).toBe('n'.repeat(52));
    });

    test('the name carries no content hash: a changed template keeps it', () => {
      // GIVEN
      const before = synthCron().manifest;

      // WHEN
      const after = synthCron({ image: 'registry.example.com/team/report:2.0.0', backoffLimit: 5 }, (cron) => cron.addEnv('A', '1')).manifest;

      // THEN
      expect(after.metadata.name).toBe('nightly');
      expect(before.metadata.name).toBe('nightly');
      expect(runContainer(after).image).toBe('registry.example.com/team/report:2.0.0');
    });

    test('addConfig puts the bundle on the pod template with its hash', () => {
      // GIVEN
      const env = newEnv();
      const bundle = new ConfigBundle(env, 'report-config', { settings: { FORMAT: 'csv' } });
      const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '@daily' });

      // WHEN
      cron.addConfig(bundle);

      // THEN
      const manifest = ofKind(synthObjects(env), 'CronJob')[0];
      expect(runContainer(manifest).envFrom).toStrictEqual([{ configMapRef: { name: 'report-config' } }]);
      expect(manifest.spec.jobTemplate.spec.template.metadata.annotations).toStrictEqual({ 'config.kubestack.io/report-config': bundle.contentHash });
    });
  });

  describe('wiring', () => {
    test('connect() injects the connection env and lets the runs through the Postgres NetworkPolicy', () => {
      // GIVEN
      const env = newEnv();
      const db = new PostgresDb(env, 'db');
      const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '@hourly' });

      // WHEN
      cron.connect(db);

      // THEN
      const objs = synthObjects(env);
      expect(envValue(runContainer(find(objs, 'CronJob', 'nightly')), 'DATABASE_URL')).toBe('postgres://$(DB_USER):$(DB_PASS)@db:5432/app');
      expect(find(objs, 'NetworkPolicy', 'db').spec.ingress[0].from).toStrictEqual([{ podSelector: { matchLabels: cron.selector } }]);
      expect(cron.connections).toStrictEqual([db]);
      expect(cron.envVars.map((e) => e.name)).toContain('DATABASE_URL');
    });

    test('the deny-ingress NetworkPolicy selects the pods of the runs', () => {
      // GIVEN / WHEN
      const { objs, manifest } = synthCron();

      // THEN
      const np = find(objs, 'NetworkPolicy', 'nightly');
      const podLabels = manifest.spec.jobTemplate.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) expect(podLabels[k]).toBe(v);
      expect(np.spec.ingress).toBeUndefined();
      expect(np.spec.policyTypes).toStrictEqual(['Ingress']);
    });
  });

  describe('policy gate', () => {
    test.each([Profiles.dev, Profiles.prod])('a wired CronJob passes the gate in $name', (profile) => {
      // GIVEN
      const env = newEnv(profile, profile.name);
      const db = new PostgresDb(env, 'db');
      const bundle = new ConfigBundle(env, 'report-config', { settings: { FORMAT: 'csv' }, files: { 'query.sql': 'select 1' } });
      const cron = new CronJob(env, 'nightly', { image: IMAGE, schedule: '0 3 * * *', timeZone: 'UTC', config: [bundle] });
      cron.connect(db);

      // WHEN
      const objs = synthObjects(env);

      // THEN
      expect(env.checkPolicy(objs).violations).toStrictEqual([]);
      expect(runPod(find(objs, 'CronJob', 'nightly')).volumes.map((v: K8sObject) => v.name)).toStrictEqual(['tmp', 'config-1']);
    });
  });

  describe('checkSchedule', () => {
    test.each([
      '* * * * *',
      '0 3 * * *',
      '  0   3 * * *  ',
      '*/5 * * * *',
      '0-30/10 * * * *',
      '5/15 * * * *',
      '0,15,30,45 * * * *',
      '0 0 1 1 0',
      '59 23 31 12 6',
      '0 9 * jan-Mar mon',
      '0 9 1,15 JUN,DEC SUN-SAT',
      '0 0 * * 1-5/2',
      ...SCHEDULE_MACROS,
    ])('accepts %j', (schedule) => {
      expect(checkSchedule(schedule)).toBeUndefined();
    });

    test.each<[unknown, string]>([
      ['0 25 * * *', 'field 2 (hour) "25" must be * or 0-23 (ranges a-b, lists a,b, steps /n)'],
      ['60 * * * *', 'field 1 (minute) "60" must be * or 0-59 (ranges a-b, lists a,b, steps /n)'],
      ['0 0 0 * *', 'field 3 (day-of-month) "0" must be * or 1-31 (ranges a-b, lists a,b, steps /n)'],
      ['0 0 * 13 *', 'field 4 (month) "13" must be * or 1-12 or JAN-DEC (ranges a-b, lists a,b, steps /n)'],
      ['0 0 * JANUARY *', 'field 4 (month) "JANUARY" must be * or 1-12 or JAN-DEC (ranges a-b, lists a,b, steps /n)'],
      ['0 0 * * 7', 'field 5 (day-of-week) "7" must be * or 0-6 or SUN-SAT (ranges a-b, lists a,b, steps /n)'],
      ['0 0 * * MON-', 'field 5 (day-of-week) "MON-" must be * or 0-6 or SUN-SAT (ranges a-b, lists a,b, steps /n)'],
      ['0 0 JAN * *', 'field 3 (day-of-month) "JAN" must be * or 1-31 (ranges a-b, lists a,b, steps /n)'],
      ['1,,2 * * * *', 'field 1 (minute) "1,,2" must be * or 0-59 (ranges a-b, lists a,b, steps /n)'],
      ['*/x * * * *', 'field 1 (minute) "*/x" must be * or 0-59 (ranges a-b, lists a,b, steps /n)'],
      ['1-2-3 * * * *', 'field 1 (minute) "1-2-3" must be * or 0-59 (ranges a-b, lists a,b, steps /n)'],
      ['30-10 * * * *', 'field 1 (minute) "30-10" must have ranges a-b with a <= b'],
      ['*/0 * * * *', 'field 1 (minute) "*/0" must have steps of at least 1'],
    ])('rejects the field at fault in %j', (schedule, problem) => {
      expect(checkSchedule(schedule)).toBe(problem);
    });

    test.each<[unknown, string]>([
      ['0 3 * *', ' (it has 4 fields)'],
      ['0 3 * * * 2026', ' (it has 6 fields)'],
      ['', ' (it has 0 fields)'],
      ['daily', ' (it has 1 field)'],
      ['@reboot', ''],
      ['@every 5m', ''],
      ['@DAILY', ''],
      [undefined, ''],
      [5, ''],
    ])('rejects the shape of %j', (schedule, count) => {
      expect(checkSchedule(schedule)).toBe(
        `must have five fields (minute hour day-of-month month day-of-week) or be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly${count}`,
      );
    });

    test.each(['TZ=Europe/Berlin 0 3 * * *', 'CRON_TZ=UTC 0 3 * * *', 'tz=UTC @daily'])('rejects the time zone prefix of %j', (schedule) => {
      expect(checkSchedule(schedule)).toBe("must not set a time zone with a TZ= or CRON_TZ= prefix (Kubernetes rejects it): set the 'timeZone' prop instead");
    });
  });

  describe('checkTimeZone', () => {
    test.each(['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+1', 'America/Port-au-Prince'])('accepts %j', (tz) => {
      expect(checkTimeZone(tz)).toBeUndefined();
    });

    test.each([' UTC', 'Europe Berlin', 'Europe/', '/Berlin', '+01:00', 'Local', '', 42])('rejects the shape of %j', (tz) => {
      expect(checkTimeZone(tz)).toBe("must be an IANA time zone name such as 'Europe/Berlin' or 'UTC'");
    });

    test.each(['Europe/Berln', 'Mars/Olympus_Mons'])('rejects %j, which is not in the database', (tz) => {
      expect(checkTimeZone(tz)).toBe(
        "must be an IANA time zone name such as 'Europe/Berlin' or 'UTC' (it is not in the time zone database the API server embeds, Go's tzdata 2025c)",
      );
    });
  });

  describe('errors', () => {
    const fails = (props: Partial<CronJobProps>, message: string) =>
      expectValidationError(() => new CronJob(newEnv(), 'nightly', { image: IMAGE, schedule: '0 3 * * *', ...props }), message);

    test('fails on an hour out of range, naming the field', () => {
      fails(
        { schedule: '0 25 * * *' },
        `cron-job 'dev/nightly': 'schedule' field 2 (hour) "25" must be * or 0-23 (ranges a-b, lists a,b, steps /n), got "0 25 * * *"`,
      );
    });

    test('fails on a bad month name, naming the field', () => {
      fails(
        { schedule: '0 3 1 FOO *' },
        `cron-job 'dev/nightly': 'schedule' field 4 (month) "FOO" must be * or 1-12 or JAN-DEC (ranges a-b, lists a,b, steps /n), got "0 3 1 FOO *"`,
      );
    });

    test('fails on a reversed range', () => {
      fails({ schedule: '0 18-8 * * *' }, `cron-job 'dev/nightly': 'schedule' field 2 (hour) "18-8" must have ranges a-b with a <= b, got "0 18-8 * * *"`);
    });

    test('fails on a step of 0', () => {
      fails({ schedule: '*/0 * * * *' }, `cron-job 'dev/nightly': 'schedule' field 1 (minute) "*/0" must have steps of at least 1, got "*/0 * * * *"`);
    });

    test('fails on six fields', () => {
      fails(
        { schedule: '0 0 3 * * *' },
        `cron-job 'dev/nightly': 'schedule' must have five fields (minute hour day-of-month month day-of-week) or be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly (it has 6 fields), got "0 0 3 * * *"`,
      );
    });

    test('fails on an unknown macro', () => {
      fails(
        { schedule: '@reboot' },
        `cron-job 'dev/nightly': 'schedule' must have five fields (minute hour day-of-month month day-of-week) or be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got "@reboot"`,
      );
    });

    test('fails on a missing schedule', () => {
      fails(
        { schedule: undefined },
        `cron-job 'dev/nightly': 'schedule' must have five fields (minute hour day-of-month month day-of-week) or be one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got undefined`,
      );
    });

    test('fails on a CRON_TZ= prefix, pointing to timeZone', () => {
      fails(
        { schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' },
        `cron-job 'dev/nightly': 'schedule' must not set a time zone with a TZ= or CRON_TZ= prefix (Kubernetes rejects it): set the 'timeZone' prop instead, got "CRON_TZ=Europe/Berlin 0 3 * * *"`,
      );
    });

    test('fails on a time zone that is not an IANA name', () => {
      fails({ timeZone: '+02:00' }, `cron-job 'dev/nightly': 'timeZone' must be an IANA time zone name such as 'Europe/Berlin' or 'UTC', got "+02:00"`);
    });

    test('fails on a misspelt time zone', () => {
      fails(
        { timeZone: 'Europe/Berln' },
        `cron-job 'dev/nightly': 'timeZone' must be an IANA time zone name such as 'Europe/Berlin' or 'UTC' (it is not in the time zone database the API server embeds, Go's tzdata 2025c), got "Europe/Berln"`,
      );
    });

    test('fails on an unknown concurrencyPolicy', () => {
      fails(
        { concurrencyPolicy: 'Skip' as CronJobProps['concurrencyPolicy'] },
        `cron-job 'dev/nightly': 'concurrencyPolicy' must be one of 'Allow', 'Forbid', 'Replace', got "Skip"`,
      );
    });

    test('fails on a startingDeadlineSeconds below 10', () => {
      fails(
        { startingDeadlineSeconds: 5 },
        `cron-job 'dev/nightly': 'startingDeadlineSeconds' must be an integer of at least 10 (the CronJob controller checks every 10 seconds), got 5`,
      );
    });

    test('fails on a negative successfulJobsHistoryLimit', () => {
      fails({ successfulJobsHistoryLimit: -1 }, `cron-job 'dev/nightly': 'successfulJobsHistoryLimit' must be an integer from 0 to 2147483647, got -1`);
    });

    test('fails on a fractional failedJobsHistoryLimit', () => {
      fails({ failedJobsHistoryLimit: 0.5 }, `cron-job 'dev/nightly': 'failedJobsHistoryLimit' must be an integer from 0 to 2147483647, got 0.5`);
    });

    test('fails on a suspend that is not a boolean', () => {
      fails({ suspend: 'yes' as unknown as boolean }, `cron-job 'dev/nightly': 'suspend' must be true or false, got "yes"`);
    });

    test('fails on a negative backoffLimit', () => {
      fails({ backoffLimit: -1 }, `cron-job 'dev/nightly': 'backoffLimit' must be an integer from 0 to 2147483647, got -1`);
    });

    test('fails on a name longer than 52 characters', () => {
      fails(
        { name: 'n'.repeat(53) },
        `cron-job 'dev/nightly': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 52 characters), since Kubernetes appends an 11-character suffix to the name of each Job it creates, got "${'n'.repeat(53)}"`,
      );
    });

    test('fails on an unpinned image', () => {
      fails(
        { image: 'registry.example.com/team/report' },
        `cron-job 'dev/nightly': 'image' must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment), got "registry.example.com/team/report"`,
      );
    });

    test('fails on a second CronJob with the same name', () => {
      // GIVEN
      const env = newEnv();
      new CronJob(env, 'nightly', { image: IMAGE, schedule: '@daily' });

      // WHEN / THEN
      expectValidationError(
        () => new CronJob(env, 'other', { name: 'nightly', image: IMAGE, schedule: '@daily' }),
        `cron-job 'dev/other': 'name' must be unique per kind in namespace 'dev': CronJob 'nightly' is already created by 'dev/nightly', got "nightly"`,
      );
    });

    test('fails on a config that is not an array', () => {
      fails({ config: {} as unknown as ConfigBundle[] }, `cron-job 'dev/nightly': 'config' must be an array of ConfigBundle, got {}`);
    });
  });
});

describe('CronJob inputs the API server rejects', () => {
  test.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['utc', 'UTC'],
    ['EUROPE/BERLIN', 'Europe/Berlin'],
  ])('fails on the time zone %s, whose case differs from the database', (timeZone, spelled) => {
    expectValidationError(
      () => new CronJob(newEnv(), 'nightly', { image: 'registry.example.com/t/a:1.0', schedule: '0 3 * * *', timeZone }),
      `cron-job 'dev/nightly': 'timeZone' must be an IANA time zone name such as 'Europe/Berlin' or 'UTC' (spelled '${spelled}': the API server matches the case), got "${timeZone}"`,
    );
  });

  test('fails on a step larger than the API server can parse', () => {
    const schedule = '*/99999999999999999999 * * * *';
    expectValidationError(
      () => new CronJob(newEnv(), 'nightly', { image: 'registry.example.com/t/a:1.0', schedule }),
      `cron-job 'dev/nightly': 'schedule' field 1 (minute) "*/99999999999999999999" must have steps of at most 9223372036854775807, got "${schedule}"`,
    );
  });
});

describe('CronJob names and int32 fields the API server checks', () => {
  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    // GIVEN an environment with a 20-character name
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
    const build = (name: string) => () => new CronJob(newEnv(profile, 'long'), 'nightly', { image: IMAGE, schedule: '0 3 * * *', name });

    // WHEN / THEN
    expect(build('a'.repeat(42))).not.toThrow();
    expectValidationError(
      build('a'.repeat(43)),
      `cron-job 'long/nightly': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test.each([
    ['successfulJobsHistoryLimit', 0],
    ['failedJobsHistoryLimit', 0],
  ])('fails on %s beyond the int32 range or fractional', (prop, min) => {
    for (const value of [2 ** 31, 1.5]) {
      expectValidationError(
        () => new CronJob(newEnv(), 'nightly', { image: IMAGE, schedule: '0 3 * * *', [prop]: value }),
        `cron-job 'dev/nightly': '${prop}' must be an integer from ${min} to 2147483647, got ${value}`,
      );
    }
  });
});

import { PostgresDb, PostgresDbProps, Profiles, WebApp, defineProfile } from 'kubestack';
import { K8sObject, container, expectValidationError, find, newEnv, podSpec, synthObjects } from './util';

function synthPostgres(props: PostgresDbProps = {}, profile = Profiles.dev) {
  const env = newEnv(profile, profile.name);
  const db = new PostgresDb(env, 'postgres', props);
  return { env, db, objs: synthObjects(env) };
}

const statefulSetOf = (objs: K8sObject[], name = 'postgres') => find(objs, 'StatefulSet', name);

describe('PostgresDb', () => {
  test('defaults', () => {
    // GIVEN
    const env = newEnv();

    // WHEN
    const db = new PostgresDb(env, 'postgres');

    // THEN
    const labels = {
      'app.kubernetes.io/name': 'postgres',
      'app.kubernetes.io/instance': 'postgres-dev',
      'app.kubernetes.io/component': 'database',
      'app.kubernetes.io/part-of': 'app',
      'app.kubernetes.io/managed-by': 'kubestack',
    };
    const selector = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres-dev' };
    const ready = ['sh', '-c', 'pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'];
    const ports = [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }];
    expect(synthObjects(env).slice(1)).toStrictEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: {
          name: 'postgres',
          namespace: 'dev',
          labels,
          annotations: {
            'kube-score/ignore': 'container-ephemeral-storage-request-and-limit,container-image-pull-policy,container-security-context-user-group-id',
          },
        },
        spec: {
          serviceName: 'postgres-headless',
          replicas: 1,
          selector: { matchLabels: selector },
          updateStrategy: { type: 'RollingUpdate' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 70,
                runAsGroup: 70,
                fsGroup: 70,
                fsGroupChangePolicy: 'OnRootMismatch',
                seccompProfile: { type: 'RuntimeDefault' },
              },
              terminationGracePeriodSeconds: 60,
              containers: [
                {
                  name: 'postgres',
                  image: 'postgres:16.6-alpine',
                  imagePullPolicy: 'IfNotPresent',
                  ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
                  env: [
                    { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'username' } } },
                    { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
                    { name: 'POSTGRES_DB', value: 'app' },
                    { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
                  ],
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 70,
                    runAsGroup: 70,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ['ALL'] },
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                  readinessProbe: { exec: { command: ready }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                  livenessProbe: { tcpSocket: { port: 'postgres' }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                  volumeMounts: [
                    { name: 'data', mountPath: '/var/lib/postgresql/data' },
                    { name: 'run', mountPath: '/var/run/postgresql' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data', labels: selector },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'postgres-headless', namespace: 'dev', labels },
        spec: { clusterIP: 'None', selector, ports },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'postgres', namespace: 'dev', labels },
        spec: { type: 'ClusterIP', selector, ports },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'postgres', namespace: 'dev', labels },
        spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'] },
      },
    ]);
    expect(db.name).toBe('postgres');
    expect(db.host).toBe('postgres');
    expect(db.port).toBe(5432);
    expect(db.database).toBe('app');
    expect(db.storage).toBe('10Gi');
    expect(db.storageClassName).toBeUndefined();
    expect(db.credentialsSecret).toBe('postgres-credentials');
    expect(db.headlessServiceName).toBe('postgres-headless');
    expect(db.runAsUser).toBe(70);
    expect(db.resources).toStrictEqual(Profiles.dev.resources.postgres);
    expect(db.clients).toStrictEqual([]);
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'postgres-credentials', keys: ['password', 'username'], requiredBy: 'dev/postgres', urlKeys: ['password', 'username'] },
    ]);
  });

  test('with no client, the NetworkPolicy has no ingress rule, which denies all ingress', () => {
    // GIVEN / WHEN
    const policy = find(synthPostgres().objs, 'NetworkPolicy', 'postgres');

    // THEN
    expect(policy.spec).not.toHaveProperty('ingress');
    expect(policy.spec.policyTypes).toContain('Ingress');
  });

  test('name renames the StatefulSet, both Services, the policy and the default Secret', () => {
    // GIVEN / WHEN
    const { objs, db, env } = synthPostgres({ name: 'orders-db' });

    // THEN
    expect(objs.slice(1).map((o) => `${o.kind}/${o.metadata.name}`)).toStrictEqual([
      'StatefulSet/orders-db',
      'Service/orders-db-headless',
      'Service/orders-db',
      'NetworkPolicy/orders-db',
    ]);
    expect(statefulSetOf(objs, 'orders-db').spec.serviceName).toBe('orders-db-headless');
    expect(db.credentialsSecret).toBe('orders-db-credentials');
    expect(env.requiredSecrets.map((s) => s.secretName)).toStrictEqual(['orders-db-credentials']);
  });

  test('storage and storageClassName set the volume claim template', () => {
    // GIVEN / WHEN
    const { objs } = synthPostgres({ storage: '50Gi', storageClassName: 'fast-ssd' });

    // THEN
    expect(statefulSetOf(objs).spec.volumeClaimTemplates[0].spec).toStrictEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '50Gi' } },
    });
  });

  test('storage defaults to the profile postgresStorage', () => {
    const profile = { ...Profiles.dev, postgresStorage: '20Gi' };
    expect(statefulSetOf(synthPostgres({}, profile).objs).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
  });

  test('credentialsSecret is referenced by the server, the clients and env.requiredSecrets', () => {
    // GIVEN
    const env = newEnv();
    const db = new PostgresDb(env, 'postgres', { credentialsSecret: 'pg-auth' });
    const web = new WebApp(env, 'web', { image: 'app:1.0' });

    // WHEN
    web.connect(db);
    const objs = synthObjects(env);

    // THEN
    const refs = (c: K8sObject) => c.env.filter((e: K8sObject) => e.valueFrom).map((e: K8sObject) => e.valueFrom.secretKeyRef);
    expect(refs(container(statefulSetOf(objs)))).toStrictEqual([
      { name: 'pg-auth', key: 'username' },
      { name: 'pg-auth', key: 'password' },
    ]);
    expect(refs(container(find(objs, 'Deployment', 'web')))).toStrictEqual([
      { name: 'pg-auth', key: 'username' },
      { name: 'pg-auth', key: 'password' },
    ]);
    expect(env.requiredSecrets).toStrictEqual([
      { secretName: 'pg-auth', keys: ['password', 'username'], requiredBy: 'dev/postgres', urlKeys: ['password', 'username'] },
    ]);
  });

  test('database sets POSTGRES_DB and the client DB_NAME and URL', () => {
    // GIVEN / WHEN
    const { objs, db } = synthPostgres({ database: 'orders_v2' });

    // THEN
    const c = container(statefulSetOf(objs));
    expect(c.env.find((e: K8sObject) => e.name === 'POSTGRES_DB').value).toBe('orders_v2');
    expect(db.connectionEnv().find((e) => e.name === 'DB_NAME')?.value).toBe('orders_v2');
    expect(db.connectionEnv().find((e) => e.name === 'DATABASE_URL')?.value).toBe('postgres://$(DB_USER):$(DB_PASS)@postgres:5432/orders_v2');
  });

  test('PGDATA is a subdirectory of the volume mount, so the volume root (lost+found) is not the data directory', () => {
    // GIVEN / WHEN
    const c = container(statefulSetOf(synthPostgres().objs));

    // THEN
    const mount = c.volumeMounts.find((m: K8sObject) => m.name === 'data').mountPath;
    const pgdata = c.env.find((e: K8sObject) => e.name === 'PGDATA').value;
    expect(pgdata.startsWith(`${mount}/`)).toBe(true);
    expect(pgdata).not.toBe(mount);
  });

  test('image, resources and runAsUser are configurable', () => {
    // GIVEN / WHEN
    const { objs } = synthPostgres({ image: 'postgres:16.4-bookworm', resources: { memoryLimit: '1Gi' }, runAsUser: 999 });
    const sts = statefulSetOf(objs);

    // THEN
    expect(container(sts).image).toBe('postgres:16.4-bookworm');
    expect(container(sts).resources.limits).toStrictEqual({ cpu: '500m', memory: '1Gi' });
    expect(podSpec(sts).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(container(sts).securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999 });
  });

  test('connectionEnv defines DB_USER and DB_PASS before DATABASE_URL refers to them', () => {
    // GIVEN
    const { db } = synthPostgres();

    // WHEN
    const names = db.connectionEnv().map((e) => e.name);

    // THEN
    expect(names).toStrictEqual(['DB_USER', 'DB_PASS', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DATABASE_URL']);
    expect(JSON.stringify(db.connectionEnv())).not.toMatch(/"value":"[^"]*password/i);
  });
});

describe('PostgresDb validation', () => {
  const build =
    (props: PostgresDbProps, profile = Profiles.dev) =>
    () =>
      synthPostgres(props, profile);

  test('fails on a name that is not a DNS-1123 label', () => {
    expectValidationError(
      build({ name: 'Orders_DB' }),
      "postgres-db 'dev/postgres': 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 54 characters), got \"Orders_DB\"",
    );
  });

  test('fails on a storage size such as 10GB', () => {
    expectValidationError(
      build({ storage: '10GB' }),
      "postgres-db 'dev/postgres': 'storage' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got \"10GB\"",
    );
  });

  test('fails on a database name that is not a SQL identifier', () => {
    for (const database of ['my-db', '1db', 'Orders', '', 'a'.repeat(64)]) {
      expectValidationError(
        build({ database }),
        `postgres-db 'dev/postgres': 'database' must be a lowercase SQL identifier (letters, digits and _, at most 63 characters), got "${database}"`,
      );
    }
  });

  test('fails on a storage class or Secret name that is not a DNS-1123 subdomain', () => {
    const allowed = "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)";
    expectValidationError(build({ storageClassName: 'Fast SSD' }), `postgres-db 'dev/postgres': 'storageClassName' ${allowed}, got "Fast SSD"`);
    expectValidationError(build({ credentialsSecret: 'pg_creds' }), `postgres-db 'dev/postgres': 'credentialsSecret' ${allowed}, got "pg_creds"`);
  });

  test('fails on runAsUser 0 (root)', () => {
    expectValidationError(build({ runAsUser: 0 }), "postgres-db 'dev/postgres': 'runAsUser' must be a non-zero UID (an integer >= 1), got 0");
  });

  test('fails on an empty image, and on latest or untagged images in every environment', () => {
    expectValidationError(
      build({ image: '' }),
      "postgres-db 'dev/postgres': 'image' must be a container image reference such as 'registry.example.com/team/app:1.2.3' or 'app@sha256:<digest>', got \"\"",
    );
    for (const image of ['postgres', 'postgres:latest']) {
      expectValidationError(
        build({ image }, Profiles.prod),
        `postgres-db 'prod/postgres': 'image' must be pinned in a production environment by a digest or a tag naming major.minor at least, such as '16.6-alpine' (${image.endsWith(':latest') ? "tagged 'latest'" : 'untagged'}), got "${image}"`,
      );
    }
    expectValidationError(
      build({ image: 'postgres' }),
      `postgres-db 'dev/postgres': 'image' must name a tag other than 'latest', or a digest (the policy gate's 'image-tag' rule holds in every environment), got "postgres"`,
    );
  });

  test('fails when a request exceeds its limit', () => {
    expectValidationError(
      build({ resources: { memoryRequest: '4Gi' } }),
      "postgres-db 'dev/postgres': 'resources.memoryRequest' must not exceed memoryLimit 256Mi, got \"4Gi\"",
    );
  });

  test('fails on values of the wrong JavaScript type with a ValidationError, not a TypeError', () => {
    const cases: [PostgresDbProps, string][] = [
      [
        { storage: 10 as unknown as string },
        "'storage' must be a Kubernetes quantity such as '500m', '256Mi' or '10Gi' (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T), got 10",
      ],
      [
        { database: ['app'] as unknown as string },
        '\'database\' must be a lowercase SQL identifier (letters, digits and _, at most 63 characters), got ["app"]',
      ],
      [{ runAsUser: '70' as unknown as number }, '\'runAsUser\' must be a non-zero UID (an integer >= 1), got "70"'],
      [{ resources: 'small' as never }, '\'resources\' must be an object, got "small"'],
      [
        { name: 5 as unknown as string },
        "'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 54 characters), got 5",
      ],
      ['postgres' as unknown as PostgresDbProps, '\'props\' must be an object, got "postgres"'],
    ];
    for (const [props, message] of cases) expectValidationError(build(props), `postgres-db 'dev/postgres': ${message}`);
  });

  test('fails when its name or its headless Service name is already taken', () => {
    // GIVEN
    const env = newEnv();
    new PostgresDb(env, 'postgres');
    new WebApp(env, 'web', { image: 'app:1.0', name: 'orders-headless' });

    // WHEN / THEN
    expectValidationError(
      () => new PostgresDb(env, 'postgres2', { name: 'postgres' }),
      "postgres-db 'dev/postgres2': 'name' must be unique per kind in namespace 'dev': StatefulSet 'postgres' is already created by 'dev/postgres', got \"postgres\"",
    );
    expectValidationError(
      () => new PostgresDb(env, 'orders'),
      "postgres-db 'dev/orders': 'name' must be unique per kind in namespace 'dev': Service 'orders-headless' is already created by 'dev/web', got \"orders-headless\"",
    );
  });
});

describe('PostgresDb inputs the API server or the StatefulSet controller reject', () => {
  test('fails on a name longer than 52 characters, which leaves no room for the controller-revision-hash label', () => {
    // GIVEN / WHEN / THEN: 52 characters give a 63-character label '<name>-<10-character hash>'
    expect(() => new PostgresDb(newEnv(), 'postgres', { name: 'a'.repeat(52) })).not.toThrow();
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { name: 'a'.repeat(53) }),
      `postgres-db 'dev/postgres': 'name' must be at most 52 characters for a StatefulSet, whose controller labels each pod controller-revision-hash '<name>-<hash of up to 10 characters>', which must fit in 63, got "${'a'.repeat(53)}"`,
    );
  });

  test('names the claim of each pod as a valid DNS subdomain at the longest name', () => {
    // GIVEN
    const env = newEnv();
    const name = 'a'.repeat(52);
    new PostgresDb(env, 'postgres', { name });

    // WHEN
    const sts = find(synthObjects(env), 'StatefulSet', name);

    // THEN the claim of pod 0, '<template>-<statefulset>-<ordinal>', and the pod name fit
    const claim = `${sts.spec.volumeClaimTemplates[0].metadata.name}-${name}-0`;
    expect(claim.length).toBeLessThanOrEqual(253);
    expect(`${name}-0`.length).toBeLessThanOrEqual(63);
  });

  test('fails on a name that starts with a digit, which a Service name cannot', () => {
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { name: '1db' }),
      "postgres-db 'dev/postgres': 'name' must start with a letter: it names a Service, whose name the API server requires to be a DNS-1035 label, got \"1db\"",
    );
  });

  test('fails on a name whose app.kubernetes.io/instance label would be longer than 63 characters in its environment', () => {
    const profile = defineProfile(Profiles.dev, { name: 'eeeeeeeeeeeeeeeeeeee', namespace: 'long-env' });
    expectValidationError(
      () => new PostgresDb(newEnv(profile, 'long'), 'postgres', { name: 'a'.repeat(43) }),
      `postgres-db 'long/postgres': 'name' must be at most 42 characters in environment 'eeeeeeeeeeeeeeeeeeee', so that the label app.kubernetes.io/instance '<name>-eeeeeeeeeeeeeeeeeeee' fits in 63 characters, got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
    );
  });

  test('fails on a storage size in fractions of a byte', () => {
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { storage: '1.5' }),
      "postgres-db 'dev/postgres': 'storage' must be a whole number of bytes (a fractional byte value such as '100m' is invalid), got \"1.5\"",
    );
  });
});

describe('PostgresDb data protection and backups', () => {
  const KEEP_CLAIM = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' };

  test('in prod, the StatefulSet is marked protected, its claims are retained and kept by Argo CD, and a nightly backup runs', () => {
    // GIVEN / WHEN
    const { db, objs } = synthPostgres({}, Profiles.prod);

    // THEN the StatefulSet carries the protect annotation and retains its claims
    const sts = statefulSetOf(objs);
    expect(db.protectData).toBe(true);
    expect(sts.metadata.annotations['kubestack.io/protect']).toBe('true');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toStrictEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toStrictEqual(KEEP_CLAIM);
    // AND a backup CronJob, its claim (protected too) and NetworkPolicy exist
    expect(db.backup).toBeDefined();
    const claim = find(objs, 'PersistentVolumeClaim', 'postgres-backup');
    expect(claim.metadata.annotations).toStrictEqual({ 'kubestack.io/protect': 'true', ...KEEP_CLAIM });
    expect(claim.spec).toStrictEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    const cron = find(objs, 'CronJob', 'postgres-backup');
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', suspend: false });
    const c = container(cron);
    expect(c.image).toBe(db.image);
    expect(c.command).toStrictEqual(['sh', '-c']);
    expect(c.args[0]).toContain('pg_dump --format=custom --file=".partial-$name"');
    expect(c.env).toStrictEqual([
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'password' } } },
      { name: 'PGHOST', value: 'postgres' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'BACKUP_DIR', value: '/backups' },
      { name: 'BACKUP_KEEP', value: '7' },
    ]);
    expect(c.volumeMounts).toContainEqual({ name: 'backups', mountPath: '/backups' });
    const pod = podSpec(cron);
    expect(pod.volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'postgres-backup' } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70, fsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
    // AND the database admits the backup pods; their own policy admits nothing
    const dbPolicy = find(objs, 'NetworkPolicy', 'postgres');
    expect(dbPolicy.spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: db.backup!.selector } });
    expect(find(objs, 'NetworkPolicy', 'postgres-backup').spec).toStrictEqual({
      podSelector: { matchLabels: db.backup!.selector },
      policyTypes: ['Ingress'],
    });
  });

  test('in dev, nothing is marked protected and there is no backup', () => {
    const { db, objs } = synthPostgres();
    const sts = statefulSetOf(objs);
    expect(db.protectData).toBe(false);
    expect(db.backup).toBeUndefined();
    expect(sts.metadata.annotations['kubestack.io/protect']).toBeUndefined();
    expect(sts.spec.volumeClaimTemplates[0].metadata.annotations).toBeUndefined();
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toStrictEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(objs.filter((o) => o.kind === 'CronJob' || o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('protectData: false and backup: false turn both off in prod', () => {
    const { db, objs } = synthPostgres({ protectData: false, backup: false }, Profiles.prod);
    expect(db.backup).toBeUndefined();
    expect(statefulSetOf(objs).metadata.annotations['kubestack.io/protect']).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'CronJob')).toEqual([]);
  });

  test('backup props set the schedule, retention and claim, in dev too', () => {
    const { db, objs } = synthPostgres({ backup: { schedule: '30 1 * * *', timeZone: 'Europe/Berlin', keep: 3, storage: '2Gi', storageClassName: 'slow' } });
    expect(db.backup).toMatchObject({ name: 'postgres-backup', keep: 3, storage: '2Gi', storageClassName: 'slow', protectData: false });
    const cron = find(objs, 'CronJob', 'postgres-backup');
    expect(cron.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Europe/Berlin' });
    expect(container(cron).env).toContainEqual({ name: 'BACKUP_KEEP', value: '3' });
    const claim = find(objs, 'PersistentVolumeClaim', 'postgres-backup');
    expect(claim.metadata.annotations).toBeUndefined();
    expect(claim.spec).toStrictEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'slow', resources: { requests: { storage: '2Gi' } } });
  });

  test('fails when keep is not at least 1', () => {
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { backup: { keep: 0 } }),
      "postgres-backup 'dev/postgres/Backup': 'keep' must be an integer of at least 1, got 0",
    );
  });

  test('fails when the name leaves no room for the backup CronJob', () => {
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { name: 'a'.repeat(46), backup: {} }),
      `postgres-db 'dev/postgres': 'name' must be at most 45 characters with backups on (it has 46; 'backup: false' turns them off): the backup CronJob is named <name>-backup, and Kubernetes appends 11 characters to the name of each Job it creates, got "${'a'.repeat(46)}"`,
    );
  });
});

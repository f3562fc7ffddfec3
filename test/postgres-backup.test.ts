/**
 * The Postgres backup against a real PostgreSQL server: the script the backup CronJob's container
 * runs, taken from the synthesized CronJob (command, args and env, with the Secret values a
 * `kubectl create secret` would hold), and the restore commands of the README, taken from its
 * "Restore a Postgres backup" section. The only translations are the ones a cluster makes: the
 * Service name `postgres` resolves to the server's address, and the backup claim's mount path
 * (`BACKUP_DIR`) is a temp directory.
 *
 * Needs Debian's PostgreSQL server (initdb, postgres, pg_dump, pg_restore, psql); without it the
 * test fails with the install command. The server runs as the `postgres` user when the test runs
 * as root (initdb refuses root), on a loopback address of its own.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PostgresDb, Profiles } from 'kubestack';
import { containerEnv } from './support/kube-env';
import { PostgresServer, postgresServer } from './support/real-servers';
import { K8sObject, container, find, newEnv, synthObjects } from './util';

jest.setTimeout(180_000);

const USER = 'app';
const PASSWORD = 'backup-test-' + Math.random().toString(36).slice(2);
const ROWS = 2500;

/** The backup CronJob of a prod PostgresDb, as synthesized. */
function backupCronJob(): { cron: K8sObject; db: PostgresDb } {
  const env = newEnv(Profiles.prod, 'prod');
  const db = new PostgresDb(env, 'postgres');
  return { cron: find(synthObjects(env), 'CronJob', 'postgres-backup'), db };
}

/** The restore commands of the README: each `kubectl exec … -- sh -c '<script>' <args>` of the section, in order. */
function readmeRestoreScripts(): { script: string; args: string }[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('### Restore a Postgres backup');
  if (start < 0) throw new Error('README.md has no "### Restore a Postgres backup" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start) < 0 ? undefined : readme.indexOf('\n## ', start));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('the README restore section has no ```sh block');
  return block
    .split('\n')
    .map((l) => /exec job\/postgres-restore -- sh -c '([^']*)'(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ script: m[1], args: m[2].replace(/\)$/, '').trim() }));
}

describe('PostgresBackup against a real PostgreSQL server', () => {
  let server: PostgresServer;
  let backupDir: string;
  let env: NodeJS.ProcessEnv;
  let cron: K8sObject;

  beforeAll(async () => {
    // GIVEN a server with the app's role and database, as the postgres image creates them
    server = postgresServer(); // throws 'install it with `apt-get install -y postgresql …`' when missing
    await server.start();
    server.psql(`CREATE ROLE ${USER} LOGIN SUPERUSER PASSWORD '${PASSWORD}'`);
    server.psql(`CREATE DATABASE app OWNER ${USER}`);
    // AND the container's environment from the synthesized CronJob
    cron = backupCronJob().cron;
    const c = container(cron);
    const vars = containerEnv(c, { configMaps: {}, secrets: { 'postgres-credentials': { username: USER, password: PASSWORD } } });
    expect(vars.get('PGHOST')).toBe('postgres');
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-backups-'));
    vars.set('PGHOST', server.host); // the Service name resolves to the server
    vars.set('BACKUP_DIR', backupDir); // the claim's mountPath
    env = { PATH: `${server.binDir}:${process.env.PATH}`, ...Object.fromEntries(vars) };
  });

  afterAll(() => {
    server?.stop();
    if (backupDir) fs.rmSync(backupDir, { recursive: true, force: true });
  });

  /** Runs the CronJob container's command and args, as the kubelet would. */
  function runBackup(overrides: NodeJS.ProcessEnv = {}) {
    const c = container(cron);
    const argv: string[] = [...c.command, ...c.args];
    return spawnSync(argv[0], argv.slice(1), { env: { ...env, ...overrides }, encoding: 'utf8' });
  }

  function runRestoreScript(script: string, args: string[]) {
    return spawnSync('sh', ['-c', script, ...args], { env, encoding: 'utf8' });
  }

  const dumps = () =>
    fs
      .readdirSync(backupDir)
      .filter((f) => !f.startsWith('.') && f.endsWith('.dump'))
      .sort();
  const rows = () => server.psql('SELECT count(*) FROM orders', 'app');
  const digest = () => server.psql("SELECT md5(string_agg(o::text, ',' ORDER BY o.id)) FROM orders o", 'app');

  test('the backup script dumps the database, and the README restore brings back every row after the database is dropped', () => {
    // GIVEN data in the app database
    server.psql(
      `CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2), placed timestamptz DEFAULT now());
       CREATE INDEX orders_customer ON orders (customer);
       INSERT INTO orders (customer, total) SELECT 'customer-' || (i % 97), i * 1.25 FROM generate_series(1, ${ROWS}) AS i;`,
      'app',
    );
    const before = { rows: rows(), digest: digest() };

    // WHEN the CronJob's container runs
    const t0 = Date.now();
    const backup = runBackup();
    const backupMs = Date.now() - t0;

    // THEN it wrote one custom-format dump, named by database and time, and no partial file
    expect({ status: backup.status, stderr: backup.stderr }).toEqual({ status: 0, stderr: '' });
    expect(dumps()).toEqual([expect.stringMatching(/^app-\d{8}T\d{6}Z\.dump$/)]);
    expect(fs.readdirSync(backupDir).filter((f) => f.startsWith('.partial'))).toEqual([]);
    expect(fs.readFileSync(path.join(backupDir, dumps()[0])).subarray(0, 5).toString()).toBe('PGDMP');

    // WHEN the database is dropped and the README's restore commands run in a pod like the backup's
    server.psql('DROP DATABASE app');
    expect(server.psql("SELECT count(*) FROM pg_database WHERE datname = 'app'")).toBe('0');
    const [pick, restore] = readmeRestoreScripts();
    expect(restore.args).toBe('- "$DUMP"');
    const picked = runRestoreScript(pick.script, []);
    expect(picked.status).toBe(0);
    const dump = picked.stdout.trim();
    expect(dump).toBe(dumps()[0]);
    const t1 = Date.now();
    const restored = runRestoreScript(restore.script, ['-', dump]);
    const restoreMs = Date.now() - t1;

    // THEN every row is back, equal to the original
    expect({ status: restored.status, stderr: restored.stderr }).toEqual({ status: 0, stderr: '' });
    const after = { rows: rows(), digest: digest() };
    expect(after).toEqual(before);
    expect(after.rows).toBe(String(ROWS));
    console.log(
      `postgres backup/restore: ${before.rows} rows before the backup, ${after.rows} after the restore (md5 ${after.digest}); ` +
        `dump ${fs.statSync(path.join(backupDir, dump)).size} bytes in ${backupMs} ms, restore in ${restoreMs} ms (${server.binDir})`,
    );
  });

  test('keeps the newest BACKUP_KEEP dumps after N+2 runs', () => {
    // GIVEN the CronJob's retention
    const keep = Number(container(cron).env.find((e: K8sObject) => e.name === 'BACKUP_KEEP').value);
    expect(keep).toBe(7);
    fs.rmSync(backupDir, { recursive: true, force: true });
    fs.mkdirSync(backupDir);
    fs.writeFileSync(path.join(backupDir, 'notes.txt'), 'not a dump of ours\n');

    // WHEN the backup runs keep + 2 times (names have a one-second resolution)
    const written: string[] = [];
    for (let i = 0; i < keep + 2; i++) {
      if (i > 0) execFileSync('sleep', ['1.05']);
      const r = runBackup();
      expect({ run: i, status: r.status, stderr: r.stderr }).toEqual({ run: i, status: 0, stderr: '' });
      written.push(/wrote \S+\/(\S+\.dump)/.exec(r.stdout)![1]);
    }

    // THEN the newest `keep` dumps remain, and files that are not its dumps are left alone
    expect(dumps()).toEqual(written.slice(-keep).sort());
    expect(fs.existsSync(path.join(backupDir, 'notes.txt'))).toBe(true);
    console.log(`postgres backup retention: ${keep + 2} runs, ${dumps().length} dumps kept (BACKUP_KEEP=${keep})`);
  });

  test('a failed dump deletes nothing and fails the run', () => {
    // GIVEN the dumps of the previous test
    const kept = dumps();
    expect(kept.length).toBeGreaterThan(0);
    execFileSync('sleep', ['1.05']);

    // WHEN pg_dump cannot log in
    const r = runBackup({ PGPASSWORD: 'wrong' });

    // THEN the run fails, no dump is removed, and no partial file is left
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/password authentication failed/);
    expect(dumps()).toEqual(kept);
    expect(fs.readdirSync(backupDir).filter((f) => f.startsWith('.partial'))).toEqual([]);
  });
});

// The reference web app (apps/web) as a real process against a real PostgreSQL and a real Redis,
// with the environment exactly as the synthesized dev manifests define it: the kubelet's env
// order and `$(VAR)` expansion (support/kube-env.ts), Secret values where the manifests read
// them, Redis started with its container's own command and arguments. Service names resolve to
// the servers' loopback addresses as cluster DNS would resolve them (support/cluster-shim.js).
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { containerEnv, EnvSources, expand } from './support/kube-env';
import { loopbackAddress, PostgresServer, postgresServer, RedisServer, redisServer } from './support/real-servers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.join(__dirname, '..');
const WEB = path.join(ROOT, 'apps', 'web');
const SHIM = path.join(__dirname, 'support', 'cluster-shim.js');

const objects: Json[] = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', 'dev', 'three-tier.k8s.yaml'), 'utf8')).map((d) => d.toJS());
const find = (kind: string, name: string): Json => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`dist/dev has no ${kind}/${name}`);
  return o;
};
const podSpecOf = (o: Json): Json => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const urlSafe = (n: number) => randomBytes(n).toString('base64url');

// What `kubectl create secret` would have put into the namespace (see `npm run secrets`).
const sources: EnvSources = {
  configMaps: Object.fromEntries(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}])),
  secrets: {
    'postgres-credentials': { username: 'app_owner', password: urlSafe(18) },
    'redis-auth': { password: urlSafe(18) },
    'web-secrets': { 'session-secret': urlSafe(24) },
  },
};

function get(base: string, p: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${p}`, { timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${p} timed out`)));
  });
}

/** Polls until `check` holds, for at most `ms`; returns the last answer either way. */
async function until<T>(ms: number, probe: () => Promise<T>, check: (t: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

describe('the reference web app against real PostgreSQL and Redis', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let web: ChildProcess | undefined;
  let webLog = '';
  const podIp = loopbackAddress();
  const base = `http://${podIp}:8080`;
  let shimEnv: Record<string, string>;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(WEB, 'node_modules', 'pg'))) {
      // the app's own dependencies, from its own lock file
      execFileSync('npm', ['ci', '--prefix', WEB, '--no-audit', '--no-fund'], { stdio: 'ignore' });
    }
    // Postgres as the postgres image sets it up: the user, password and database of its env
    const pgEnv = containerEnv(podSpecOf(find('StatefulSet', 'postgres')).containers[0], sources);
    pg = postgresServer({ port: Number(containerEnv(podSpecOf(find('Deployment', 'web')).containers[0], sources).get('DB_PORT')) });
    await pg.start();
    pg.psql(`CREATE ROLE ${pgEnv.get('POSTGRES_USER')} LOGIN PASSWORD '${pgEnv.get('POSTGRES_PASSWORD')}'`);
    pg.psql(`CREATE DATABASE ${pgEnv.get('POSTGRES_DB')} OWNER ${pgEnv.get('POSTGRES_USER')}`);
    // Redis with its container's command and arguments, expanded as the kubelet expands them
    const rc = podSpecOf(find('Deployment', 'redis')).containers[0];
    const rEnv = containerEnv(rc, sources);
    const [, ...args] = [...rc.command, ...(rc.args ?? [])].map((a: string) => expand(a, rEnv));
    redis = redisServer(args);
    await redis.start();
    shimEnv = { KUBESTACK_TEST_DNS: JSON.stringify({ postgres: pg.host, redis: redis.host }), KUBESTACK_TEST_POD_IP: podIp };
  }, 120_000);

  afterAll(async () => {
    web?.kill('SIGKILL');
    await redis?.stop();
    pg?.stop();
  });

  /** Runs a workload's first container as a process in apps/web (the image's WORKDIR), with the pod's env only. */
  function runContainer(workload: Json, argv: string[]): ChildProcess {
    const c = podSpecOf(workload).containers[0];
    const env = Object.fromEntries(containerEnv(c, sources));
    return spawn(process.execPath, ['-r', SHIM, ...argv], {
      cwd: WEB,
      env: { PATH: process.env.PATH ?? '', ...env, ...shimEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  test('the migrate Job creates the schema with the Job env', async () => {
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('migrate-'));
    const c = podSpecOf(job as Json).containers[0];
    expect(c.command).toEqual(['node', 'src/maintenance.js', 'migrate']);
    const p = runContainer(job as Json, c.command.slice(1));
    let out = '';
    p.stdout?.on('data', (d) => (out += String(d)));
    p.stderr?.on('data', (d) => (out += String(d)));
    const code = await new Promise((r) => p.on('exit', r));
    expect({ code, out }).toEqual({ code: 0, out: expect.any(String) });
    expect(pg.psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'visits_log'", 'app')).toBe('1');
  });

  test('is ready, counts visits in Redis, turns unready without Postgres and stays ready without Redis', async () => {
    // GIVEN the web Deployment's container, run with the image's CMD
    const deployment = find('Deployment', 'web');
    web = runContainer(deployment, ['src/server.js']);
    web.stdout?.on('data', (d) => (webLog += String(d)));
    web.stderr?.on('data', (d) => (webLog += String(d)));
    const probe = (): Promise<{ status: number; body: Json }> => get(base, '/ready').catch((e: Error) => ({ status: 0, body: { error: e.message } }));

    // THEN it is ready with both dependencies, and the counter increments across requests
    expect(await until(20_000, probe, (r) => r.status === 200)).toEqual({ status: 200, body: { status: 'ready' } });
    const first = await get(base, '/');
    const second = await get(base, '/');
    expect(first.body).toEqual({ message: 'Hello', env: 'dev', visits: expect.any(Number) });
    expect(second.body.visits).toBe(first.body.visits + 1);

    // WHEN Postgres stops, readiness fails and liveness does not
    pg.stop();
    const down = await until(15_000, probe, (r) => r.status === 503);
    expect(down).toEqual({ status: 503, body: { status: 'not ready', reason: expect.stringMatching(/^postgres: /) } });
    expect(await get(base, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    // AND it recovers when Postgres is back
    await pg.start();
    expect(await until(20_000, probe, (r) => r.status === 200)).toEqual({ status: 200, body: { status: 'ready' } });

    // WHEN Redis stops, the pod stays ready (degraded) and serves without the counter
    await redis.stop();
    const degraded = await until(10_000, probe, (r) => r.status === 200 && r.body.degraded !== undefined);
    expect(degraded).toEqual({ status: 200, body: { status: 'ready', degraded: [expect.stringMatching(/^redis: /)] } });
    expect(await get(base, '/')).toEqual({ status: 200, body: { message: 'Hello', env: 'dev', visits: null, degraded: [expect.stringMatching(/^redis: /)] } });
    // AND counts again once Redis is back (an empty cache: Redis runs without persistence here)
    await redis.start();
    const back = await until(
      20_000,
      () => get(base, '/'),
      (r) => typeof r.body.visits === 'number',
    );
    expect(back.body.visits).toBeGreaterThanOrEqual(1);
    expect(webLog).not.toMatch(/Unhandled|TypeError/);
  }, 120_000);
});

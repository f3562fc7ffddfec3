// Real PostgreSQL and Redis servers for tests, from Debian's packages, started on a loopback
// address of their own and stopped by PID. CI installs them (`.ci/run`: apt-get install
// postgresql redis-server); a machine without them fails the test with the install command,
// never skips it.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const INSTALL = 'apt-get install -y postgresql redis-server';

/** The directory of Debian's PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_dump…), newest major first. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'initdb'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error(`no PostgreSQL server under ${root}: install it with \`${INSTALL}\``);
  return path.join(root, majors[0], 'bin');
}

export function redisServerBinary(): string {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(p)) return p;
  throw new Error(`no redis-server on this machine: install it with \`${INSTALL}\``);
}

/** A free-looking loopback address 127.<a>.<b>.<c>, so a server can take its standard port without clashing. */
export function loopbackAddress(): string {
  const r = () => 1 + Math.floor(Math.random() * 250);
  return `127.${r()}.${r()}.${r()}`;
}

export async function waitForPort(host: string, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host);
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** The user that runs the server (initdb refuses root). */
  readonly osUser: string;
  readonly binDir: string;
  start(): Promise<void>;
  stop(): void;
  /** Runs SQL as the superuser over TCP and returns psql's unaligned, tuples-only output. */
  psql(sql: string, database?: string): string;
}

/**
 * A PostgreSQL cluster in a temp directory, with a superuser `superuser` (trust on the socket
 * only) and password (scram) authentication over TCP, as a server in a cluster would demand.
 */
export function postgresServer(opts: { host?: string; port?: number } = {}): PostgresServer {
  const binDir = postgresBinDir();
  const host = opts.host ?? loopbackAddress();
  const port = opts.port ?? 5432;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kubestack-pg-'));
  const dataDir = path.join(base, 'data');
  const osUser = process.getuid?.() === 0 ? 'postgres' : os.userInfo().username;
  fs.chmodSync(base, 0o777);
  const asUser = (cmd: string, args: string[]): string[] => (process.getuid?.() === 0 ? ['runuser', '-u', osUser, '--', cmd, ...args] : [cmd, ...args]);
  const run = (cmd: string, args: string[]) => {
    const [c, ...a] = asUser(cmd, args);
    return execFileSync(c, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: base });
  };
  run(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'superuser', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions']);
  let proc: ChildProcess | undefined;
  const server: PostgresServer = {
    host,
    port,
    dataDir,
    osUser,
    binDir,
    async start() {
      const [c, ...a] = asUser(path.join(binDir, 'postgres'), ['-D', dataDir, '-h', host, '-p', String(port), '-k', base, '-c', 'fsync=off']);
      proc = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'], cwd: base });
      let stderr = '';
      proc.stderr?.on('data', (d) => (stderr += String(d)));
      await waitForPort(host, port).catch((e) => {
        throw new Error(`${(e as Error).message}; postgres said: ${stderr}`);
      });
    },
    stop() {
      if (proc === undefined || proc.exitCode !== null) return;
      // fast shutdown: disconnect the clients, then exit; pg_ctl waits until the server is gone
      run(path.join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '20']);
      proc = undefined;
    },
    psql(sql, database = 'postgres') {
      return run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-h', base, '-p', String(port), '-U', 'superuser', '-d', database, '-c', sql]).trim();
    },
  };
  return server;
}

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Redis server run with the arguments a container would pass it (`--requirepass`, `--maxmemory`…),
 * bound to its own loopback address as a pod's IP.
 */
export function redisServer(args: readonly string[], opts: { host?: string; port?: number } = {}): RedisServer {
  const binary = redisServerBinary();
  const host = opts.host ?? loopbackAddress();
  const port = opts.port ?? 6379;
  let proc: ChildProcess | undefined;
  return {
    host,
    port,
    async start() {
      proc = spawn(binary, [...args, '--bind', host, '--port', String(port)], { stdio: 'ignore' });
      await waitForPort(host, port);
    },
    async stop() {
      if (proc === undefined || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc?.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

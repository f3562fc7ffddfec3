// Disagreements that the differential fuzzer (e2e/fuzz-apiserver.ts, `npm run test:fuzz-api`)
// found between the library and a real kube-apiserver, each a named regression test with the
// exact message. e2e/fuzz-findings.md holds their reproductions and what the server said.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigBundle, CronJob, PolicyViolationError, PostgresDb, ValidationError, Worker, WebApp } from 'kubestack';
import { API_SERVER_TIME_ZONES } from '../lib/private/time-zones';
import { expectValidationError, newEnv, thrown } from './util';

const worker = { image: 'worker:1.0.0', probe: { exec: ['true'] } };

describe('fuzz finding 1: the deprecated ingress class annotation', () => {
  test('fails on kubernetes.io/ingress.class, which the API server rejects unless it equals ingressClassName', () => {
    expectValidationError(
      () => new WebApp(newEnv(), 'web', { image: 'web:1.0.0', ingress: { annotations: { 'kubernetes.io/ingress.class': 'traefik' } } }),
      "web-app 'dev/web': 'ingress.annotations' must not set 'kubernetes.io/ingress.class' (deprecated): the class is 'ingress.ingressClassName', got \"kubernetes.io/ingress.class\"",
    );
  });
});

describe('fuzz finding 2: objects too large for kubectl apply', () => {
  function gateMessage(build: (env: ReturnType<typeof newEnv>) => void): string {
    const env = newEnv();
    build(env);
    const error = thrown(() => env.synthesize());
    expect(error).toBeInstanceOf(PolicyViolationError);
    return (error as PolicyViolationError).violations.map((v) => `${v.rule}: ${v.object.kind}/${v.object.name}: ${v.message}`).join('\n');
  }

  test('fails a ConfigBundle file that makes its ConfigMap larger than the last-applied annotation can hold', () => {
    expect(gateMessage((env) => new ConfigBundle(env, 'config', { files: { 'big.txt': 'c'.repeat(300_000) } }))).toBe(
      "well-formed: ConfigMap/config-files: is 300317 bytes as JSON; `kubectl apply` and Argo CD record the whole object in the annotation kubectl.kubernetes.io/last-applied-configuration, and an object's annotations may hold at most 262144 bytes in all (this one would need 300365)",
    );
  });

  test('fails a workload whose env makes the Deployment too large for the last-applied annotation', () => {
    expect(gateMessage((env) => new Worker(env, 'worker', { ...worker, env: { BIG: 'v'.repeat(300_000) } }))).toMatch(
      /^well-formed: Deployment\/worker: is \d+ bytes as JSON; `kubectl apply` and Argo CD record the whole object/,
    );
  });

  test('accepts a ConfigBundle file of 200 KB, which fits', () => {
    const env = newEnv();
    new ConfigBundle(env, 'config', { files: { 'big.txt': 'c'.repeat(200_000) } });
    expect(() => env.synthesize()).not.toThrow();
  });
});

describe("fuzz finding 3: ConfigMap and Secret keys starting with '..'", () => {
  const message = (prop: string, value: string) =>
    `config-bundle 'dev/config': '${prop}' must not be '.' or start with '..' (the API server rejects them as ConfigMap and Secret keys: a mounted volume keeps its own '..data' entries), got "${value}"`;

  test("fails a file named '..conf'", () => {
    expectValidationError(() => new ConfigBundle(newEnv(), 'config', { files: { '..conf': 'x' } }), message('files', '..conf'));
  });

  test("fails a Secret key '..v'", () => {
    expectValidationError(
      () => new ConfigBundle(newEnv(), 'config', { secrets: { API_SECRET: { secretName: 'app', key: '..v' } } }),
      message('secrets.API_SECRET.key', '..v'),
    );
  });
});

describe('fuzz finding 4: repeated imagePullSecrets', () => {
  test('fails a repeated Secret name, which the API server keeps twice with a warning', () => {
    const error = thrown(() => new Worker(newEnv(), 'worker', { ...worker, imagePullSecrets: ['regcred', 'regcred'] }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe("worker 'dev/worker': 'imagePullSecrets' must not repeat a Secret name, got \"regcred\"");
  });

  test('fails it the same way in a WebApp', () => {
    expectValidationError(
      () => new WebApp(newEnv(), 'web', { image: 'web:1.0.0', imagePullSecrets: ['regcred', 'regcred'] }),
      "web-app 'dev/web': 'imagePullSecrets' must not repeat a Secret name, got \"regcred\"",
    );
  });
});

describe('fuzz finding 5: time zones the API server does not know', () => {
  test("fails on 'US/Pacific-New', which Node's ICU still resolves but tzdata removed in 2020b", () => {
    expectValidationError(
      () => new CronJob(newEnv(), 'nightly', { image: 'jobs:1.0.0', schedule: '0 3 * * *', timeZone: 'US/Pacific-New' }),
      "cron-job 'dev/nightly': 'timeZone' must be an IANA time zone name such as 'Europe/Berlin' or 'UTC' (it is not in the time zone database the API server embeds, Go's tzdata 2025c), got \"US/Pacific-New\"",
    );
  });

  test('the list is exactly the time zone database that the kit builds kube-apiserver with (Go lib/time/zoneinfo.zip)', () => {
    // GIVEN the zip of the Go toolchain on this machine (the kit builds the API server with it)
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const zip = path.join(goroot, 'lib', 'time', 'zoneinfo.zip');
    expect(fs.existsSync(zip)).toBe(true);
    const script = 'import sys, zipfile; print("\\n".join(sorted(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if not n.endswith("/"))))';
    const names = execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' }).trim().split('\n');
    // THEN the library's list holds the same names
    expect([...API_SERVER_TIME_ZONES].sort()).toEqual(names);
  });
});

describe('fuzz finding 6: byte quantities the API server cannot hold in milli-units', () => {
  test.each(['1Ei', '9Pi', '9223372036854776'])('fails on the storage %p, which the server warns is a fractional byte value', (storage) => {
    expectValidationError(
      () => new PostgresDb(newEnv(), 'postgres', { storage }),
      `postgres-db 'dev/postgres': 'storage' must be at most 9223372036854775 bytes (about 8 PiB: the API server keeps quantities in milli-units of an int64), got "${storage}"`,
    );
  });

  test('accepts 8Pi', () => {
    expect(() => new PostgresDb(newEnv(), 'postgres', { storage: '8Pi' })).not.toThrow();
  });
});

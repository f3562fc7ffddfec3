import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildEnvironment } from '../apps/main';
import { kubectlSecretCommands, secretEnvVar } from 'kubestack';

const URL_GUARD = (v: string) =>
  `{ case "$${v}" in '' | *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-]*) false ;; esac || { echo '${v} goes into a connection URL unencoded: use only A-Z a-z 0-9 - . _ ~' >&2; false; }; }`;

/** Runs one printed command in sh with a fake kubectl that records its arguments. */
function runCommand(command: string, vars: Record<string, string>): { status: number; stderr: string; kubectl: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-'));
  fs.writeFileSync(path.join(dir, 'kubectl'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$KUBECTL_LOG"\n', { mode: 0o755 });
  const log = path.join(dir, 'log');
  try {
    execFileSync('sh', ['-c', command], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECTL_LOG: log, ...vars }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stderr: '', kubectl: fs.readFileSync(log, 'utf8') };
  } catch (e) {
    const err = e as { status: number; stderr: Buffer };
    return { status: err.status, stderr: String(err.stderr), kubectl: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' };
  }
}

describe('kubectl secret commands', () => {
  test('create every Secret the dev manifests reference, with values from shell variables', () => {
    // GIVEN the dev environment of the reference app
    const { env } = buildEnvironment('dev');
    // WHEN the commands are generated
    const commands = kubectlSecretCommands(env);
    // THEN there is one per referenced Secret, in the environment's namespace, and no value is inlined
    expect(commands).toEqual([
      `${URL_GUARD('POSTGRES_CREDENTIALS_PASSWORD')} && ${URL_GUARD('POSTGRES_CREDENTIALS_USERNAME')} && kubectl -n three-tier-dev create secret generic postgres-credentials --from-literal=password="$POSTGRES_CREDENTIALS_PASSWORD" --from-literal=username="$POSTGRES_CREDENTIALS_USERNAME"`,
      `${URL_GUARD('REDIS_AUTH_PASSWORD')} && kubectl -n three-tier-dev create secret generic redis-auth --from-literal=password="$REDIS_AUTH_PASSWORD"`,
      'kubectl -n three-tier-dev create secret generic web-secrets --from-literal=session-secret="$WEB_SECRETS_SESSION_SECRET"',
    ]);
  });

  test('create the Ingress certificate of staging as a kubernetes.io/tls Secret from files', () => {
    const { env } = buildEnvironment('staging');
    expect(kubectlSecretCommands(env)).toContain(
      'kubectl -n three-tier-staging create secret tls web-tls --cert="$WEB_TLS_CERT_FILE" --key="$WEB_TLS_KEY_FILE"',
    );
  });

  test('create a Secret whose values go into a connection URL only when they are URL-safe', () => {
    // GIVEN the command for the Postgres credentials, which DATABASE_URL interpolates
    const { env } = buildEnvironment('dev');
    const command = kubectlSecretCommands(env).find((c) => c.includes('postgres-credentials')) as string;
    // WHEN the values are URL-safe THEN kubectl runs with them
    const ok = runCommand(command, { POSTGRES_CREDENTIALS_PASSWORD: 'Zx-9_a.b~c', POSTGRES_CREDENTIALS_USERNAME: 'app' });
    expect(ok).toEqual({ status: 0, stderr: '', kubectl: expect.stringContaining('--from-literal=password=Zx-9_a.b~c\n') });
    // WHEN the password has '@' (or is empty) THEN the command fails naming the variable, and kubectl never runs
    for (const password of ['pa@ss', 'a b', '', 'abc\n@evil.example.com:1/x', 'ünï']) {
      const bad = runCommand(command, { POSTGRES_CREDENTIALS_PASSWORD: password, POSTGRES_CREDENTIALS_USERNAME: 'app' });
      expect(bad).toEqual({
        status: 1,
        stderr: 'POSTGRES_CREDENTIALS_PASSWORD goes into a connection URL unencoded: use only A-Z a-z 0-9 - . _ ~\n',
        kubectl: '',
      });
    }
  });

  test('name shell variables after the Secret and key', () => {
    expect(secretEnvVar('web-secrets', 'session-secret')).toBe('WEB_SECRETS_SESSION_SECRET');
  });
});

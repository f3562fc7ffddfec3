/**
 * Secret values from Pulumi config (kubestack/pulumi): pure, tested without mocks.
 */
import { ConfigError, ConfigSource, readSecretValues, secretPath } from 'kubestack/pulumi';

/** A ConfigSource for `stack`: values by short key (objects JSON-encoded, as the CLI passes them). */
function source(values: Record<string, unknown>, opts: { stack?: string; secret?: string[] } = {}): ConfigSource {
  const wire: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) wire[`three-tier:${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  return { project: 'three-tier', stack: opts.stack ?? 'dev', values: wire, secretKeys: new Set((opts.secret ?? []).map((k) => `three-tier:${k}`)) };
}

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('readSecretValues', () => {
  const required = [
    { secretName: 'postgres-credentials', keys: ['password', 'username'], requiredBy: 'three-tier/postgres' },
    { secretName: 'web-tls', keys: ['tls.crt', 'tls.key'], requiredBy: 'three-tier/web' },
  ];
  const values = { 'postgres-credentials': { password: 'p', username: 'u' }, 'web-tls': { 'tls.crt': 'CERT', 'tls.key': 'KEY' } };

  test('reads every referenced key from the secret object', () => {
    expect(readSecretValues(source({ secrets: values }, { secret: ['secrets'] }), required)).toEqual(values);
  });

  test('fails on a value that would change the connection URL it is interpolated into, without printing it', () => {
    // GIVEN a password with '@' and '/', which $(DB_PASS) would put unencoded into DATABASE_URL
    const inUrl = [{ ...required[0], urlKeys: ['password', 'username'] }];
    const bad = { 'postgres-credentials': { password: 'pa@ss/w0rd', username: 'u' } };
    // THEN the stack fails naming the key and the characters, and the value appears nowhere
    const message = errorOf(() => readSecretValues(source({ secrets: bad }, { secret: ['secrets'] }), inUrl)).message;
    expect(message).toBe(
      "stack 'dev': config 'three-tier:secrets.postgres-credentials.password' goes into a connection URL by $(VAR) interpolation, where Kubernetes does not percent-encode it; the value contains characters outside A-Z a-z 0-9 - . _ ~, which would change the URL\n" +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.password <value> --stack dev',
    );
    expect(message).not.toContain('pa@ss');
    // AND URL-safe values, and unsafe values of keys that go into no URL, are read as they are
    const ok = { 'postgres-credentials': { password: 'Zx-9_a.b~c', username: 'u' } };
    expect(readSecretValues(source({ secrets: ok }, { secret: ['secrets'] }), inUrl)).toEqual(ok);
    expect(readSecretValues(source({ secrets: bad }, { secret: ['secrets'] }), required.slice(0, 1))).toEqual(bad);
  });

  test('needs nothing when no Secret is referenced', () => {
    expect(readSecretValues(source({}), [])).toEqual({});
  });

  test('writes paths with dotted keys in brackets, as --path reads them', () => {
    expect(secretPath('web-tls', 'tls.crt')).toBe('secrets.web-tls["tls.crt"]');
    expect(secretPath('pull', '.dockerconfigjson')).toBe('secrets.pull[".dockerconfigjson"]');
    expect(secretPath('redis-auth', 'password')).toBe('secrets.redis-auth.password');
  });

  test('fails when no secret is set, listing the command for every key', () => {
    expect(errorOf(() => readSecretValues(source({}), required)).message).toBe(
      "stack 'dev': config 'three-tier:secrets.postgres-credentials.password' is missing; the Secret 'postgres-credentials' (key 'password') is read by 'three-tier/postgres'\n" +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.password <value> --stack dev\n' +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.username <value> --stack dev\n' +
        `  fix: pulumi config set --secret --path 'three-tier:secrets.web-tls["tls.crt"]' <value> --stack dev\n` +
        `  fix: pulumi config set --secret --path 'three-tier:secrets.web-tls["tls.key"]' <value> --stack dev`,
    );
  });

  test('fails on a missing key, listing only the missing ones', () => {
    const partial = { ...values, 'web-tls': { 'tls.crt': 'CERT' } };
    expect(errorOf(() => readSecretValues(source({ secrets: partial }, { secret: ['secrets'] }), required)).message).toBe(
      `stack 'dev': config 'three-tier:secrets.web-tls["tls.key"]' is missing; the Secret 'web-tls' (key 'tls.key') is read by 'three-tier/web'\n` +
        `  fix: pulumi config set --secret --path 'three-tier:secrets.web-tls["tls.key"]' <value> --stack dev`,
    );
  });

  test('fails on secrets set without --secret, without printing them', () => {
    const message = errorOf(() => readSecretValues(source({ secrets: values }), required)).message;
    expect(message).toMatch(
      /^stack 'dev': config 'three-tier:secrets' must be set with --secret, so that it is encrypted in the stack file and the state; it is stored in plain text now\n {2}fix: pulumi config rm three-tier:secrets --stack dev\n/,
    );
    expect(message).not.toContain('CERT');
  });

  test('fails on a key that no workload reads, so that a typo is not ignored', () => {
    const typo = { ...values, 'postgres-credentials': { ...values['postgres-credentials'], pasword: 'x' } };
    expect(errorOf(() => readSecretValues(source({ secrets: typo }, { secret: ['secrets'] }), required)).message).toBe(
      "stack 'dev': config 'three-tier:secrets.postgres-credentials.pasword' is not read by any workload of this stack; the keys read are " +
        'postgres-credentials.password, postgres-credentials.username, web-tls["tls.crt"], web-tls["tls.key"]\n' +
        '  fix: pulumi config rm --path three-tier:secrets.postgres-credentials.pasword --stack dev',
    );
  });

  test('fails on an empty value', () => {
    const empty = { ...values, 'postgres-credentials': { password: '', username: 'u' } };
    expect(errorOf(() => readSecretValues(source({ secrets: empty }, { secret: ['secrets'] }), required)).message).toBe(
      "stack 'dev': config 'three-tier:secrets.postgres-credentials.password' must be a non-empty string, got an empty string\n" +
        '  fix: pulumi config set --secret --path three-tier:secrets.postgres-credentials.password <value> --stack dev',
    );
  });

  test('fails on a secret object that is not JSON, without printing it', () => {
    const message = errorOf(() => readSecretValues(source({ secrets: 'hunter2' }, { secret: ['secrets'] }), required)).message;
    expect(message).toBe(
      "stack 'dev': config 'three-tier:secrets' must be structured (set its fields with --path), got a secret value\n" +
        '  fix: pulumi config rm three-tier:secrets --stack dev\n' +
        "  fix: pulumi config set --secret --path 'three-tier:secrets.<secret-name>.<key>' <value> --stack dev",
    );
  });
});

import { buildEnvironment } from '../apps/main';
import { kubectlSecretCommands, secretEnvVar } from 'kubestack';

describe('kubectl secret commands', () => {
  test('create every Secret the dev manifests reference, with values from shell variables', () => {
    // GIVEN the dev environment of the reference app
    const { env } = buildEnvironment('dev');
    // WHEN the commands are generated
    const commands = kubectlSecretCommands(env);
    // THEN there is one per referenced Secret, in the environment's namespace, and no value is inlined
    expect(commands).toEqual([
      'kubectl -n three-tier-dev create secret generic postgres-credentials --from-literal=password="$POSTGRES_CREDENTIALS_PASSWORD" --from-literal=username="$POSTGRES_CREDENTIALS_USERNAME"',
      'kubectl -n three-tier-dev create secret generic redis-auth --from-literal=password="$REDIS_AUTH_PASSWORD"',
      'kubectl -n three-tier-dev create secret generic web-secrets --from-literal=session-secret="$WEB_SECRETS_SESSION_SECRET"',
    ]);
  });

  test('create the Ingress certificate of staging as a kubernetes.io/tls Secret from files', () => {
    const { env } = buildEnvironment('staging');
    expect(kubectlSecretCommands(env)).toContain(
      'kubectl -n three-tier-staging create secret tls web-tls --cert="$WEB_TLS_CERT_FILE" --key="$WEB_TLS_KEY_FILE"',
    );
  });

  test('name shell variables after the Secret and key', () => {
    expect(secretEnvVar('web-secrets', 'session-secret')).toBe('WEB_SECRETS_SESSION_SECRET');
  });
});

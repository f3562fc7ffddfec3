import { Environment } from './environment';
import { secretTypeFor } from './private/object';

/**
 * The `kubectl create secret` commands that create every Secret an Environment references
 * (`env.requiredSecrets`), with shell variables in place of the values: the YAML path's manifests
 * never contain secret values. A certificate (`tls.crt` + `tls.key`) becomes `create secret tls`,
 * registry credentials (`.dockerconfigjson`) `create secret docker-registry`, anything else
 * `create secret generic` with one `--from-literal` per key.
 *
 * @example kubectlSecretCommands(env) // kubectl -n shop-prod create secret generic postgres-credentials --from-literal=password="$POSTGRES_CREDENTIALS_PASSWORD" …
 */
export function kubectlSecretCommands(env: Environment): string[] {
  const ns = env.namespaceName;
  return env.requiredSecrets.map((s) => {
    switch (secretTypeFor(s.keys)) {
      case 'kubernetes.io/tls':
        return `kubectl -n ${ns} create secret tls ${s.secretName} --cert="$${secretEnvVar(s.secretName, 'cert_file')}" --key="$${secretEnvVar(s.secretName, 'key_file')}"`;
      case 'kubernetes.io/dockerconfigjson':
        return `kubectl -n ${ns} create secret docker-registry ${s.secretName} --docker-server="$REGISTRY" --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASSWORD"`;
      default:
        return `kubectl -n ${ns} create secret generic ${s.secretName} ${s.keys.map((k) => `--from-literal=${k}="$${secretEnvVar(s.secretName, k)}"`).join(' ')}`;
    }
  });
}

/** The shell variable that holds one secret value in {@link kubectlSecretCommands}, e.g. `POSTGRES_CREDENTIALS_PASSWORD`. */
export function secretEnvVar(secretName: string, key: string): string {
  return `${secretName}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

import { Environment } from './environment';
import { secretTypeFor } from './private/object';
import { URL_SAFE_CHARACTERS, shellUrlSafeTest } from './private/url-safe';

/**
 * The `kubectl create secret` commands that create every Secret an Environment references
 * (`env.requiredSecrets`), with shell variables in place of the values: the YAML path's manifests
 * never contain secret values. A certificate (`tls.crt` + `tls.key`) becomes `create secret tls`,
 * registry credentials (`.dockerconfigjson`) `create secret docker-registry`, anything else
 * `create secret generic` with one `--from-literal` per key. A key whose value goes into a
 * connection URL (`RequiredSecret.urlKeys`) is checked first: the command fails, creating nothing,
 * unless the value uses only URL-safe characters.
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
      default: {
        const create = `kubectl -n ${ns} create secret generic ${s.secretName} ${s.keys.map((k) => `--from-literal=${k}="$${secretEnvVar(s.secretName, k)}"`).join(' ')}`;
        // values that $(VAR) interpolation puts into a URL are checked before anything is created
        const guards = (s.urlKeys ?? []).map((k) => {
          const v = secretEnvVar(s.secretName, k);
          return `{ ${shellUrlSafeTest(v)} || { echo '${v} goes into a connection URL unencoded: use only ${URL_SAFE_CHARACTERS}' >&2; false; }; }`;
        });
        return [...guards, create].join(' && ');
      }
    }
  });
}

/** The shell variable that holds one secret value in {@link kubectlSecretCommands}, e.g. `POSTGRES_CREDENTIALS_PASSWORD`. */
export function secretEnvVar(secretName: string, key: string): string {
  return `${secretName}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

import { Environment } from '../lib';
import { buildEnvironment } from './main';
import { ENVIRONMENT_NAMES, EnvironmentName } from './environments';

/**
 * The `kubectl create secret` commands that create every Secret an environment references,
 * with placeholders for the values. The manifests under dist/ never contain secret values.
 */
export function kubectlSecretCommands(env: Environment): string[] {
  return env.requiredSecrets.map((s) => {
    const ns = env.namespaceName;
    if (s.keys.length === 2 && s.keys.includes('tls.crt') && s.keys.includes('tls.key')) {
      // An Ingress certificate: a kubernetes.io/tls Secret (or let cert-manager issue it).
      return `kubectl -n ${ns} create secret tls ${s.secretName} --cert="$${envVarFor(s.secretName, 'cert_file')}" --key="$${envVarFor(s.secretName, 'key_file')}"`;
    }
    if (s.keys.length === 1 && s.keys[0] === '.dockerconfigjson') {
      return `kubectl -n ${ns} create secret docker-registry ${s.secretName} --docker-server="$REGISTRY" --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASSWORD"`;
    }
    const literals = s.keys.map((k) => `--from-literal=${k}="$${envVarFor(s.secretName, k)}"`).join(' ');
    return `kubectl -n ${ns} create secret generic ${s.secretName} ${literals}`;
  });
}

/** Shell variable that holds a secret value, e.g. POSTGRES_CREDENTIALS_PASSWORD. */
export function envVarFor(secretName: string, key: string): string {
  return `${secretName}_${key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

if (require.main === module) {
  const name = process.argv[2] as EnvironmentName;
  if (!ENVIRONMENT_NAMES.includes(name)) {
    console.error(`usage: npm run secrets -- <${ENVIRONMENT_NAMES.join('|')}>`);
    process.exit(2);
  }
  const { env } = buildEnvironment(name);
  console.log(`# Secrets referenced by dist/${name}/ (set the shell variables first)`);
  for (const line of kubectlSecretCommands(env)) console.log(line);
}

import { Environment } from '../lib';
import { buildEnvironment } from './main';
import { ENVIRONMENT_NAMES, EnvironmentName } from './environments';

/**
 * The `kubectl create secret` commands that create every Secret an environment references,
 * with placeholders for the values. The manifests under dist/ never contain secret values.
 */
export function kubectlSecretCommands(env: Environment): string[] {
  return env.requiredSecrets.map((s) => {
    const literals = s.keys.map((k) => `--from-literal=${k}="$${envVarFor(s.secretName, k)}"`).join(' ');
    return `kubectl -n ${env.namespaceName} create secret generic ${s.secretName} ${literals}`;
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

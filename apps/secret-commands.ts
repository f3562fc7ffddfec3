import { kubectlSecretCommands } from 'kubestack';
import { buildEnvironment } from './main';
import { ENVIRONMENT_NAMES, EnvironmentName } from './environments';

/** `npm run secrets -- <env>`: the `kubectl create secret` commands for one environment of the reference app. */
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

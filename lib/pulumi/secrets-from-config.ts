import * as pulumi from '@pulumi/pulumi';
import { Environment } from '../environment';
import { secretTypeFor } from '../private/object';
import { ConfigError, ConfigSource, readSecretValues } from './config-source';
import { KubeManifest } from './plan';

/**
 * The Secrets an Environment's workloads reference (`env.requiredSecrets`), with their values read
 * from Pulumi config as Pulumi secrets: every key from `<namespace>:secrets.<Secret name>.<key>`,
 * set with `pulumi config set --secret --path`. Pass the result to `ChartResources` as
 * `extraObjects`. The values stay encrypted in the stack file and the state and never reach YAML.
 *
 * A missing key fails with the exact command that sets it, e.g.
 * `pulumi config set --secret --path shop:secrets.postgres-credentials.password <value> --stack prod`.
 *
 * @param config whose namespace holds the `secrets` object
 * @default config - `new pulumi.Config()`, the project's own namespace
 */
export function secretsFromConfig(env: Environment, config?: pulumi.Config): KubeManifest[] {
  if (!(env instanceof Environment)) throw new pulumi.RunError(`secretsFromConfig: 'env' must be a kubestack Environment, got ${typeof env}`);
  const required = env.requiredSecrets;
  let values;
  try {
    values = readSecretValues(currentConfig(config?.name ?? pulumi.getProject()), required);
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
  return required.map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: s.secretName,
      namespace: env.namespaceName,
      labels: { 'app.kubernetes.io/part-of': env.partOf, 'app.kubernetes.io/managed-by': env.managedBy },
    },
    type: secretTypeFor(s.keys),
    stringData: Object.fromEntries(s.keys.map((k) => [k, pulumi.secret(values[s.secretName][k])])),
  }));
}

/** The config as the CLI passed it to this program, with which keys are secret. */
export function currentConfig(namespace: string = pulumi.getProject()): ConfigSource {
  // `isConfigSecret` is exported by the runtime but not declared in its types (3.248); fail loudly
  // rather than treat every value as plain text if an upgrade removes it.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const isSecret = runtime.isConfigSecret;
  if (typeof isSecret !== 'function') throw new pulumi.RunError('@pulumi/pulumi no longer exposes runtime.isConfigSecret; kubestack/pulumi needs an update');
  const values = pulumi.runtime.allConfig();
  return { project: namespace, stack: pulumi.getStack(), values, secretKeys: new Set(Object.keys(values).filter((k) => isSecret(k))) };
}

/**
 * The Pulumi program (Pulumi.yaml `main: build/pulumi/`), one stack per environment (`dev`,
 * `prod`): deploys the same construct tree that `cdk8s synth` writes to dist/<stack>/, with the
 * Secrets' values from secret config and the api image that CI pushed (which every workload runs).
 *
 *   pulumi config set --path orders:apiImage registry.example.com/orders/api@sha256:… --stack prod
 *   pulumi config set --secret --path orders:secrets.db-credentials.password … --stack prod
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ChartResources, PLACEHOLDER_IMAGE, secretsFromConfig } from 'kubestack/pulumi';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, isEnvironmentName } from '../src/environments';
import { buildEnvironment } from '../src/main';

const stack = pulumi.getStack();
if (!isEnvironmentName(stack)) {
  throw new pulumi.RunError(`stack '${stack}' is not an environment of the orders service; the stacks are ${ENVIRONMENT_NAMES.join(', ')}`);
}
const config = new pulumi.Config();

const { env, parts } = buildEnvironment(stack, { apiImage: PLACEHOLDER_IMAGE });
const apiImage = config.get('apiImage') ?? ENVIRONMENTS[stack].apiImage;
const provider = new k8s.Provider('cluster', { context: config.get('kubeContext') });

// The api, the worker, the migration Job and the nightly CronJob all run the api image: each
// container with the placeholder gets the pushed one. The Job's name hashes its spec with the
// placeholder, so it is not the name in dist/ and stays the same when only the image changes;
// the kubernetes provider replaces a Job whose template changed (not exercised by the mocks), and
// the Deployments wait for it to complete.
new ChartResources(env.node.id, {
  environment: env,
  provider,
  images: { [PLACEHOLDER_IMAGE]: apiImage },
  extraObjects: secretsFromConfig(env),
});

/** Namespace of every object. */
export const namespace = env.namespaceName;
/** Public URL of the api. */
export const url = `${parts.api.tlsSecretName ? 'https' : 'http'}://${parts.api.ingressHosts[0]}/`;

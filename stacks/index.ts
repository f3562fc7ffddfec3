/**
 * The Pulumi program (Pulumi.yaml `main: stacks/`): deploys the reference app of apps/ to the
 * stack's cluster, from the same construct tree that `npm run synth` writes to dist/<env>/. It is
 * a thin program on top of `kubestack/pulumi`, as a user's own would be:
 *
 * 1. Read and validate the stack config (stacks/config.ts).
 * 2. Build the environment with the placeholder image, so that preview shows every object.
 * 3. Build and push apps/web with @pulumi/docker, unless the stack names a prebuilt image.
 * 4. Deploy every object with ChartResources (policy gate first), through the stack's provider,
 *    with the pushed digest in place of the placeholder and the Secrets from secret config.
 */
import * as docker from '@pulumi/docker';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PolicyViolationError, ValidationError } from 'kubestack';
import { ChartResources, PLACEHOLDER_IMAGE, currentConfig, secretsFromConfig } from 'kubestack/pulumi';
import { buildEnvironment } from '../apps/main';
import { ConfigValue, StackConfigError, loadStackConfig } from './config';

const config = guard(() => loadStackConfig(currentConfig()));
const { env, parts } = guard(() => buildEnvironment(config.environment, { image: PLACEHOLDER_IMAGE, hosts: config.hosts, profile: config.profile }));
// The policy gate (ChartResources runs it again) and the secret config, before an image is built.
guard(() => env.synthesize());
const secrets = secretsFromConfig(env);

const provider = new k8s.Provider('cluster', {
  kubeconfig: config.cluster.kubeconfig ? asInput(config.cluster.kubeconfig) : undefined,
  context: config.cluster.context,
});

let image: pulumi.Output<string>;
if (config.image.kind === 'build') {
  const { registry, build } = config.image;
  const built = new docker.Image(parts.web.name, {
    imageName: `${registry.prefix}/${parts.web.name}:${build.tag}`,
    build: { context: build.context, dockerfile: build.dockerfile, platform: build.platform },
    registry: {
      server: registry.server,
      username: registry.username ? asInput(registry.username) : undefined,
      password: registry.password ? asInput(registry.password) : undefined,
    },
  });
  // The digest, not the tag: a new build rolls the pods out, an unchanged one does not.
  image = built.repoDigest;
} else {
  image = pulumi.output(config.image.reference);
}

// Every object, through the stack's provider, with the pushed digest and the Secrets.
new ChartResources(env.node.id, { environment: env, provider, images: { [PLACEHOLDER_IMAGE]: image }, extraObjects: secrets });

const scheme = parts.web.tlsSecretName ? 'https' : 'http';

/** Namespace of every object. */
export const namespace = env.namespaceName;
/** Public URL of each Ingress host. */
export const urls = parts.web.ingressHosts.map((host) => `${scheme}://${host}/`);
/** The image the web Deployment runs: the pushed `repository@sha256:…`, or the configured one. */
export const imageDigest = image;
/** In-cluster DNS names of the services. */
export const serviceHosts = Object.fromEntries(
  [parts.web, parts.postgres, parts.redis].map((p) => [p.name, `${p.host}.${env.namespaceName}.svc.cluster.local`]),
);

/** A config value as an Input, secret when it was set with --secret. */
function asInput(v: ConfigValue): pulumi.Input<string> {
  return v.secret ? pulumi.secret(v.value) : v.value;
}

/** Runs `f`; config and construct errors become RunErrors, which Pulumi prints without a stack trace. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StackConfigError) throw new pulumi.RunError(e.message);
    if (e instanceof PolicyViolationError) throw new pulumi.RunError(`stack '${pulumi.getStack()}': ${e.message}`);
    if (e instanceof ValidationError) throw new pulumi.RunError(`stack '${pulumi.getStack()}': the app does not build with this config: ${e.message}`);
    throw e;
  }
}

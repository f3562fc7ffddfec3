/**
 * The Pulumi program (Pulumi.yaml `main: stacks/`): deploys the reference app of apps/ to the
 * stack's cluster, from the same construct tree that `npm run synth` writes to dist/<env>/.
 *
 * 1. Read and validate the stack config (stacks/config.ts).
 * 2. Build the environment's chart in memory with a placeholder image.
 * 3. Build and push apps/web with @pulumi/docker, unless the stack names a prebuilt image.
 * 4. Create the Secrets the constructs reference, from secret config.
 * 5. Deploy every object through the stack's Kubernetes provider (stacks/bridge.ts), with the
 *    pushed digest in place of the placeholder.
 */
import * as docker from '@pulumi/docker';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { buildEnvironment, checkEnvironmentPolicy } from '../apps/main';
import { PolicyViolationError, ValidationError, formatWaivers } from '../lib';
import { ChartResources, KubeManifest, PLACEHOLDER_IMAGE } from './bridge';
import { ConfigSource, ConfigValue, StackConfigError, loadStackConfig, readSecretValues } from './config';

const source = configSource();
const config = guard(() => loadStackConfig(source));
const { env, parts } = guard(() => buildEnvironment(config.environment, { image: PLACEHOLDER_IMAGE, hosts: config.hosts, profile: config.profile }));
// The same policy gate as `npm run synth`, on the objects this stack is about to register (its
// namespace, hosts and profile overrides included), before any resource exists.
const waivers = guard(() => checkEnvironmentPolicy(env));
for (const line of formatWaivers(waivers, env.profile.name)) pulumi.log.info(line);
const secretValues = guard(() => readSecretValues(source, env.requiredSecrets));

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

const secrets: KubeManifest[] = env.requiredSecrets.map((s) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: s.secretName,
    namespace: env.namespaceName,
    labels: { 'app.kubernetes.io/part-of': env.partOf, 'app.kubernetes.io/managed-by': env.managedBy },
  },
  type: secretType(s.keys),
  stringData: Object.fromEntries(s.keys.map((k) => [k, pulumi.secret(secretValues[s.secretName][k])])),
}));

guard(() => new ChartResources(env.node.id, { chart: env, provider, images: { [PLACEHOLDER_IMAGE]: image }, extraObjects: secrets }));

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

// --- helpers -----------------------------------------------------------------------------------------

/** The config as the CLI passed it, with which keys are secret. */
function configSource(): ConfigSource {
  // `isConfigSecret` is exported by the runtime but not declared in its types (3.248.0, pinned);
  // fail loudly rather than treat every value as plain text if an upgrade removes it.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret !== 'function')
    throw new pulumi.RunError('@pulumi/pulumi no longer exposes runtime.isConfigSecret; stacks/index.ts needs updating');
  const values = pulumi.runtime.allConfig();
  return {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    values,
    secretKeys: new Set(Object.keys(values).filter((k) => runtime.isConfigSecret!(k))),
  };
}

/** The Secret type that its keys imply: a TLS certificate, registry credentials, or Opaque. */
function secretType(keys: readonly string[]): string {
  if (keys.includes('.dockerconfigjson')) return 'kubernetes.io/dockerconfigjson';
  if (keys.includes('tls.crt') && keys.includes('tls.key')) return 'kubernetes.io/tls';
  return 'Opaque';
}

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

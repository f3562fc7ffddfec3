import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { Environment, EnvironmentProfile, formatWaivers, writeEnvironments } from 'kubestack';
import { ThreeTierApp, buildThreeTier } from './three-tier';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName, PART_OF } from './environments';

/** Options for building one environment of the reference app in memory. */
export interface BuildOptions {
  /** Override the image (the Pulumi stacks pass the placeholder that the built digest replaces). */
  readonly image?: string;
  /** Override the Ingress hosts. */
  readonly hosts?: string[];
  /**
   * Use this profile instead of the environment's own (the Pulumi stacks pass the environment's
   * profile with the stack's namespace and overrides applied).
   */
  readonly profile?: EnvironmentProfile;
  /** Output folder for `app.synth()`. */
  readonly outdir?: string;
}

/** Builds one environment: a cdk8s App holding one Environment chart with the three-tier app. */
export function buildEnvironment(name: EnvironmentName, options: BuildOptions = {}): { app: App; env: Environment; parts: ThreeTierApp } {
  const target = ENVIRONMENTS[name];
  if (!target) throw new Error(`unknown environment '${name}'; known: ${ENVIRONMENT_NAMES.join(', ')}`);
  const app = new App({ outdir: options.outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const env = new Environment(app, PART_OF, { profile: options.profile ?? target.profile, partOf: PART_OF });
  const parts = buildThreeTier(env, { image: options.image ?? target.image, hosts: options.hosts });
  return { app, env, parts };
}

/**
 * Writes dist/<env>/ for every environment (CDK8S_OUTDIR, set by `cdk8s synth`, moves dist).
 * Every environment passes the policy gate first: on a violation nothing is written and the
 * error lists the violations; waivers are printed to stderr on every run.
 */
export function main(): void {
  const root = process.env.CDK8S_OUTDIR ?? path.join(__dirname, '..', 'dist');
  const written = writeEnvironments(
    ENVIRONMENT_NAMES.map((name) => buildEnvironment(name).env),
    { outdir: root },
  );
  for (const w of written) for (const line of formatWaivers(w.waivers, w.name)) process.stderr.write(line + '\n');
}

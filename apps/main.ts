import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { Environment, EnvironmentProfile, PolicyViolationError, PolicyWaiver, enforcePolicy, formatWaivers } from '../lib';
import { ThreeTierApp, buildThreeTier } from './three-tier';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName, PART_OF } from './environments';

/** Options for building one environment of the reference app in memory. */
export interface BuildOptions {
  /** Override the image (the Pulumi stacks pass the built digest or a configured image). */
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
 * Runs the policy gate over one environment's objects: returns the waivers, or throws a
 * PolicyViolationError whose message lists every violation with its fix.
 */
export function checkEnvironmentPolicy(env: Environment): PolicyWaiver[] {
  return enforcePolicy(env.toJson(), {
    production: env.profile.production,
    requiredSecrets: env.requiredSecrets,
    environment: env.profile.name,
  }).waivers;
}

/**
 * Writes dist/<env>/ for every environment (CDK8S_OUTDIR, set by `cdk8s synth`, moves dist).
 * Every environment passes the policy gate first: on a violation nothing is written and the
 * error lists the violations; waivers are printed to stderr on every run.
 */
export function main(): void {
  const root = process.env.CDK8S_OUTDIR ?? path.join(__dirname, '..', 'dist');
  const built = ENVIRONMENT_NAMES.map((name) => ({ name, ...buildEnvironment(name, { outdir: path.join(root, name) }) }));
  const failures: PolicyViolationError[] = [];
  for (const { env } of built) {
    try {
      for (const line of formatWaivers(checkEnvironmentPolicy(env), env.profile.name)) process.stderr.write(line + '\n');
    } catch (e) {
      if (!(e instanceof PolicyViolationError)) throw e;
      failures.push(e);
    }
  }
  if (failures.length > 0) {
    const error = new PolicyViolationError(failures.flatMap((f) => f.violations), failures.flatMap((f) => f.waivers));
    error.message = failures.map((f) => f.message).join('\n');
    throw error;
  }
  for (const { name, app } of built) {
    // Start from an empty folder so that a renamed chart leaves no stale file behind.
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    app.synth();
  }
}

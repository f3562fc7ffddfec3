import * as fs from 'fs';
import * as path from 'path';
import { App, Names, Yaml, YamlOutputType } from 'cdk8s';
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
export function checkEnvironmentPolicy(env: Environment, objects: unknown[] = env.toJson()): PolicyWaiver[] {
  return enforcePolicy(objects, {
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
  // Each environment is synthesized once: the gate checks exactly the objects that are written.
  const built = ENVIRONMENT_NAMES.map((name) => {
    const { env } = buildEnvironment(name);
    // What app.synth() validates before writing: every construct's node.addValidation() checks.
    const errors = env.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
    if (errors.length > 0) throw new Error(`validation failed:\n  ${errors.join('\n  ')}`);
    return { name, env, objects: env.toJson() };
  });
  const failures: PolicyViolationError[] = [];
  for (const { env, objects } of built) {
    try {
      for (const line of formatWaivers(checkEnvironmentPolicy(env, objects), env.profile.name)) process.stderr.write(line + '\n');
    } catch (e) {
      if (!(e instanceof PolicyViolationError)) throw e;
      failures.push(e);
    }
  }
  if (failures.length > 0) {
    const error = new PolicyViolationError(
      failures.flatMap((f) => f.violations),
      failures.flatMap((f) => f.waivers),
    );
    error.message = failures.map((f) => f.message).join('\n');
    throw error;
  }
  for (const { name, env, objects } of built) {
    // Start from an empty folder so that a renamed chart leaves no stale file behind. The file is
    // the one app.synth() would write (YamlOutputType.FILE_PER_CHART).
    const dir = path.join(root, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    Yaml.save(path.join(dir, `${Names.toDnsLabel(env)}.k8s.yaml`), objects);
  }
}

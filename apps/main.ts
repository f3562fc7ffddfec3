import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { Environment } from '../lib';
import { ThreeTierApp, buildThreeTier } from './three-tier';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName, PART_OF } from './environments';

/** Options for building one environment of the reference app in memory. */
export interface BuildOptions {
  /** Override the image (the Pulumi stacks pass the built digest or a configured image). */
  readonly image?: string;
  /** Override the Ingress hosts. */
  readonly hosts?: string[];
  /** Output folder for `app.synth()`. */
  readonly outdir?: string;
}

/** Builds one environment: a cdk8s App holding one Environment chart with the three-tier app. */
export function buildEnvironment(name: EnvironmentName, options: BuildOptions = {}): { app: App; env: Environment; parts: ThreeTierApp } {
  const target = ENVIRONMENTS[name];
  if (!target) throw new Error(`unknown environment '${name}'; known: ${ENVIRONMENT_NAMES.join(', ')}`);
  const app = new App({ outdir: options.outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const env = new Environment(app, PART_OF, { profile: target.profile, partOf: PART_OF });
  const parts = buildThreeTier(env, { image: options.image ?? target.image, hosts: options.hosts });
  return { app, env, parts };
}

/** Writes dist/<env>/ for every environment (CDK8S_OUTDIR, set by `cdk8s synth`, moves dist). */
export function main(): void {
  const root = process.env.CDK8S_OUTDIR ?? path.join(__dirname, '..', 'dist');
  for (const name of ENVIRONMENT_NAMES) {
    // Start from an empty folder so that a renamed chart leaves no stale file behind.
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    const { app } = buildEnvironment(name, { outdir: path.join(root, name) });
    app.synth();
  }
}

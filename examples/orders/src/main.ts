import * as path from 'node:path';
import { App } from 'cdk8s';
import { Environment, EnvironmentProfile, PolicyViolationError, ValidationError, formatWaivers, writeEnvironments } from 'kubestack';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName, PART_OF } from './environments';
import { OrdersApp, buildOrders } from './orders';

/** Overrides for one build of an environment. */
export interface BuildOptions {
  /** Image of the api instead of the environment's (the Pulumi program passes the placeholder). */
  readonly apiImage?: string;
  /** Profile instead of the environment's own. */
  readonly profile?: EnvironmentProfile;
}

/** One environment of the orders service: a cdk8s App holding one Environment chart. */
export function buildEnvironment(name: EnvironmentName, options: BuildOptions = {}): { env: Environment; parts: OrdersApp } {
  const target = ENVIRONMENTS[name];
  const env = new Environment(new App(), PART_OF, { profile: options.profile ?? target.profile, partOf: PART_OF });
  const parts = buildOrders(env, { apiImage: options.apiImage ?? target.apiImage, host: target.host });
  return { env, parts };
}

/** Writes <outdir>/dev/orders.k8s.yaml and <outdir>/prod/orders.k8s.yaml, after the policy gate. */
export function main(outdir: string = process.env.CDK8S_OUTDIR ?? path.join(__dirname, '..', '..', 'dist')): void {
  const written = writeEnvironments(
    ENVIRONMENT_NAMES.map((name) => buildEnvironment(name).env),
    { outdir },
  );
  for (const w of written) {
    for (const line of formatWaivers(w.waivers, w.name)) process.stderr.write(line + '\n');
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    // kubestack's own errors say what to fix; print them without a stack trace.
    if (!(e instanceof PolicyViolationError || e instanceof ValidationError)) throw e;
    process.stderr.write(`synth failed: ${e.message}\n`);
    process.exitCode = 1;
  }
}

/**
 * `kubestack/pulumi`: the deploy side. Needs the optional peers `@pulumi/pulumi` and
 * `@pulumi/kubernetes`; the main entry point `kubestack` never loads them.
 */
import './require-peers';

export * from './chart-resources';
export * from './secrets-from-config';
export { ConfigError, configSetCommand, kindOf, quotedConfigKey, readSecretValues, secretPath } from './config-source';
export type { ConfigSource, SecretValues } from './config-source';
export { PLACEHOLDER_IMAGE, PlanError, environmentObjects, isProtected, manifestKey, planObjects, withImages } from './plan';
export type { ChartObject, KubeManifest, PlannedObject } from './plan';

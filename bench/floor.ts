// "floor": serializing the final objects to YAML, exactly as cdk8s does it, with the very module
// cdk8s loads. No construct library can synthesize for less than this.
import * as path from 'path';

/** The subset of the `yaml` package's API that the floor uses. */
interface YamlModule {
  stringify(value: unknown, options: { keepUndefined: boolean; lineWidth: number; version: '1.1' }): string;
}

/**
 * Path of the `yaml` module that cdk8s itself requires. cdk8s bundles its own copy
 * (node_modules/cdk8s/node_modules/yaml, listed in its `bundledDependencies`), so resolving from
 * cdk8s's lib folder finds exactly the file that `cdk8s/lib/yaml.js` loads, whatever version the
 * project root has.
 */
export function cdk8sYamlPath(): string {
  const cdk8sLib = path.dirname(require.resolve('cdk8s'));
  return require.resolve('yaml', { paths: [cdk8sLib] });
}

let yamlModule: YamlModule | undefined;

/** Loads cdk8s's `yaml` module (without loading cdk8s). */
export function loadYaml(): YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule = yamlModule ?? (require(cdk8sYamlPath()) as YamlModule);
  return yamlModule;
}

/** The same call as cdk8s's `Yaml.stringify(...docs)` (cdk8s/lib/yaml.js), options included. */
export function floorStringify(docs: readonly unknown[]): string {
  const yaml = loadYaml();
  return docs.map((d) => (d === undefined ? '\n' : yaml.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' }))).join('---\n');
}

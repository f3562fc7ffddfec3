import * as path from 'path';
import { App, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

let checkedPlus = false;

/**
 * Fails with a fix when two copies of cdk8s or constructs are loaded. cdk8s resolves values with
 * `instanceof` checks, so an App from one copy cannot render the Lazy values that kubestack or
 * cdk8s-plus-28 create with another: synthesis would fail deep inside cdk8s with
 * "can't render non-simple object of type 'Lazy'". Called by every Environment.
 */
export function assertSinglePeerCopies(scope: IConstruct): void {
  if (!(scope instanceof Construct)) {
    throw new Error(duplicateMessage('constructs', [moduleOf(Construct), moduleOf(scope.constructor)]));
  }
  const root = scope.node.root;
  if (!(root instanceof App) && typeof (root as { synth?: unknown }).synth === 'function' && 'resolvers' in root) {
    throw new Error(duplicateMessage('cdk8s', [moduleOf(App), moduleOf(root.constructor)]));
  }
  if (!checkedPlus) {
    const plusLazy = cdk8sOfPlus();
    if (plusLazy !== undefined && plusLazy !== Lazy) throw new Error(duplicateMessage('cdk8s', [moduleOf(Lazy), moduleOf(plusLazy)]));
    checkedPlus = true;
  }
}

/** The Lazy class of the cdk8s copy that cdk8s-plus-28 loads, if that is a different module. */
function cdk8sOfPlus(): unknown {
  try {
    const plus = require.resolve('cdk8s-plus-28');
    const cdk8s = require.resolve('cdk8s', { paths: [path.dirname(plus)] });
    return cdk8s === require.resolve('cdk8s') ? Lazy : (require(cdk8s) as { Lazy: unknown }).Lazy; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    return undefined;
  }
}

/** The package folder a class was loaded from, found through the module cache. */
function moduleOf(cls: unknown): string {
  for (const [file, mod] of Object.entries(require.cache)) {
    const exports = mod?.exports as Record<string, unknown> | undefined;
    if (exports && typeof exports === 'object' && Object.values(exports).includes(cls)) {
      const i = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
      if (i < 0) return path.dirname(file);
      const rest = file.slice(i + 14).split(path.sep);
      return file.slice(0, i + 14) + (rest[0].startsWith('@') ? rest.slice(0, 2) : rest.slice(0, 1)).join(path.sep);
    }
  }
  return 'an unknown location';
}

function duplicateMessage(pkg: string, where: string[]): string {
  return (
    `kubestack: two copies of '${pkg}' are loaded (${[...new Set(where)].join(' and ')}). ` +
    `cdk8s checks values with instanceof, so objects of one copy cannot be rendered by the other. ` +
    `Install exactly one: \`npm ls ${pkg}\` shows the copies; make every package use one version within kubestack's peer range ` +
    `(see \`npm view kubestack peerDependencies\`), then run \`npm dedupe\`.`
  );
}

// A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go,
// makeEnvironmentVariables): `envFrom` sources first, in order, then `env` in order, each value
// expanded against the variables defined before it (third_party/forked/golang/expansion):
// `$(NAME)` becomes the value of NAME if it is defined so far and stays as written otherwise,
// `$$` becomes `$`. `enableServiceLinks: false` on our pods means no service variables are added.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface EnvSources {
  /** ConfigMaps of the namespace, by name. */
  readonly configMaps: Record<string, Record<string, string>>;
  /** Secret values, by Secret name and key (what `kubectl create secret` put there). */
  readonly secrets: Record<string, Record<string, string>>;
}

/** Kubernetes `$(VAR)` expansion of one value against the variables defined so far. */
export function expand(value: string, defined: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '$' || i + 1 >= value.length) {
      out += c;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = value.indexOf(')', i + 2);
      if (close < 0) {
        out += value.slice(i);
        break;
      }
      const name = value.slice(i + 2, close);
      out += defined.has(name) ? defined.get(name) : `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

export function containerEnv(container: Json, sources: EnvSources): Map<string, string> {
  const env = new Map<string, string>();
  const lookup = (kind: 'configMaps' | 'secrets', name: string, key?: string): Record<string, string> | string => {
    const source = sources[kind][name];
    if (source === undefined) throw new Error(`the container reads ${kind === 'secrets' ? 'Secret' : 'ConfigMap'} '${name}', which the test does not provide`);
    if (key === undefined) return source;
    if (!(key in source)) throw new Error(`${kind === 'secrets' ? 'Secret' : 'ConfigMap'} '${name}' has no key '${key}'`);
    return source[key];
  };
  for (const from of (container.envFrom ?? []) as Json[]) {
    const ref = from.configMapRef ?? from.secretRef;
    const data = lookup(from.configMapRef ? 'configMaps' : 'secrets', ref.name) as Record<string, string>;
    for (const [k, v] of Object.entries(data)) env.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of (container.env ?? []) as Json[]) {
    if (typeof e.value === 'string') env.set(e.name, expand(e.value, env));
    else if (e.valueFrom?.secretKeyRef) env.set(e.name, lookup('secrets', e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key) as string);
    else if (e.valueFrom?.configMapKeyRef) env.set(e.name, lookup('configMaps', e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key) as string);
    else if (e.value === undefined && e.valueFrom === undefined) env.set(e.name, '');
    else throw new Error(`env ${e.name}: valueFrom ${JSON.stringify(e.valueFrom)} is not supported by this test`);
  }
  return env;
}

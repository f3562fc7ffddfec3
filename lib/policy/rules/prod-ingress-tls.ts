import { list, rec, records, str } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `prod-ingress-tls`: production traffic is encrypted. */
export const prodIngressTls = {
  id: 'prod-ingress-tls',
  group: 'production',
  upstream: [],
  description: 'in production, every Ingress terminates TLS for all its hosts',
  fix: "add spec.tls with every rule host and a secretName (WebApp 'ingress.tlsSecretName' or a profile with tls: true)",
  checkObject({ obj, ref }, gate, fail) {
    if (ref.kind !== 'Ingress' || !gate.options.production) return;
    const spec = rec(obj.spec);
    const tls = records(spec.tls);
    const covered = new Set(tls.flatMap((t) => list(t.hosts)));
    const hosts = records(spec.rules).map((r) => str(r.host) ?? '');
    if (tls.length === 0) fail('has no TLS section');
    else for (const h of hosts) if (h && !covered.has(h)) fail(`host '${h}' is not covered by TLS`);
  },
} satisfies RuleDefinition;

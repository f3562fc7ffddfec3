import { isRecord, rec, records, str } from '../../private/object';
import { ingressBackends, show, type RuleDefinition } from '../rule';

/** `ingress-backend`: every backend is a Service of the namespace, on one of its ports. */
export const ingressBackend = {
  id: 'ingress-backend',
  group: 'hygiene',
  upstream: [],
  description: 'every Ingress backend names a Service of the same namespace and one of its ports',
  fix: 'point backend.service.name at an existing Service and port.number/port.name at one of its ports',
  checkObject({ obj, ref }, gate, fail) {
    if (ref.kind !== 'Ingress') return;
    for (const b of ingressBackends(obj)) {
      if (isRecord(b.resource)) continue;
      const svc = rec(b.service);
      const name = str(svc.name);
      const service = name ? gate.object('Service', ref.namespace, name) : undefined;
      if (!service) {
        fail(`backend Service ${show(name ?? svc.name)} is not in namespace ${show(ref.namespace)}`);
        continue;
      }
      const port = rec(svc.port);
      const ports = records(rec(service.spec).ports);
      const ok = port.number !== undefined ? ports.some((p) => p.port === port.number) : ports.some((p) => p.name === port.name && port.name !== undefined);
      if (!ok) fail(`backend port ${show(port.number ?? port.name)} is not a port of Service '${name}'`);
    }
  },
} satisfies RuleDefinition;

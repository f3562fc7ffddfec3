import { isRecord, rec, records } from '../../private/object';
import { show, type RuleDefinition } from '../rule';

/** Kinds whose pods run to completion: probes do not apply. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** `probes`: readiness and liveness on every long-running container, on ports it declares. */
export const probes = {
  id: 'probes',
  group: 'hygiene',
  upstream: [],
  description: 'every long-running container has a readiness and a liveness probe, and every probe port is a container port',
  fix: "add readinessProbe and livenessProbe; probe a port the container declares (by name, e.g. 'http', or number)",
  checkWorkload({ ref, containers }, _gate, fail) {
    if (BATCH_KINDS.has(ref.kind)) return;
    for (const c of containers) {
      if (c.type !== 'regular') continue;
      const ports = records(c.spec.ports);
      for (const probe of ['readinessProbe', 'livenessProbe']) if (!isRecord(c.spec[probe])) fail(`${c.label} has no ${probe}`);
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const p = rec(c.spec[probe]);
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const h = p[handler];
          if (!isRecord(h)) continue;
          const port = h.port;
          const exists = typeof port === 'string' ? ports.some((cp) => cp.name === port) : ports.some((cp) => cp.containerPort === port);
          if (!exists) fail(`${c.label} ${probe} probes port ${show(port)}, which the container does not declare`);
        }
      }
    }
  },
} satisfies RuleDefinition;

import { rec } from '../../private/object';
import type { RuleDefinition } from '../rule';

/** `windows-host-process` mirrors upstream `windowsHostProcess` (check_windowsHostProcess.go): no pod or container sets windowsOptions.hostProcess: true. */
export const windowsHostProcess = {
  id: 'windows-host-process',
  group: 'pod-security',
  upstream: ['windowsHostProcess'],
  description: 'no pod or container runs as a Windows HostProcess container',
  fix: 'remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and its containers',
  checkWorkload({ podSc, containers }, _gate, fail) {
    if (rec(podSc.windowsOptions).hostProcess === true) fail('the pod securityContext sets windowsOptions.hostProcess: true');
    for (const c of containers) if (rec(c.sc.windowsOptions).hostProcess === true) fail(`${c.label} sets windowsOptions.hostProcess: true`);
  },
} satisfies RuleDefinition;

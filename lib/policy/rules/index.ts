/** Every rule of the gate, one unit per file, in the order the report and docs/policy.md list them. */

import type { RuleDefinition } from '../rule';
import type { PolicyRule, PolicyRuleId } from '../types';
import { apparmor } from './apparmor';
import { capabilities } from './capabilities';
import { clusterRbac } from './cluster-rbac';
import { explicitUid } from './explicit-uid';
import { hostNamespaces } from './host-namespaces';
import { hostPath } from './host-path';
import { hostPorts } from './host-ports';
import { imageTag } from './image-tag';
import { ingressBackend } from './ingress-backend';
import { namespace } from './namespace';
import { namespacePss } from './namespace-pss';
import { networkPolicy } from './network-policy';
import { privilegeEscalation } from './privilege-escalation';
import { privileged } from './privileged';
import { probes } from './probes';
import { procMount } from './proc-mount';
import { prodImagePinned } from './prod-image-pinned';
import { prodIngressTls } from './prod-ingress-tls';
import { prodPdb } from './prod-pdb';
import { prodReplicas } from './prod-replicas';
import { prodTopologySpread } from './prod-topology-spread';
import { references } from './references';
import { resources } from './resources';
import { runAsNonRoot } from './run-as-non-root';
import { seccomp } from './seccomp';
import { secretData } from './secret-data';
import { secretLiteral } from './secret-literal';
import { selectorMatch } from './selector-match';
import { selinux } from './selinux';
import { serviceSelectsPods } from './service-selects-pods';
import { sysctls } from './sysctls';
import { uniqueObjects } from './unique-objects';
import { volumeTypes } from './volume-types';
import { waiver } from './waiver';
import { wellFormed } from './well-formed';
import { windowsHostProcess } from './windows-host-process';

/** The rules with their checks; the engine runs them in this order. */
export const RULE_DEFINITIONS = [
  wellFormed,
  namespace,
  uniqueObjects,
  namespacePss,
  hostNamespaces,
  hostPath,
  hostPorts,
  privileged,
  capabilities,
  runAsNonRoot,
  privilegeEscalation,
  seccomp,
  apparmor,
  procMount,
  windowsHostProcess,
  volumeTypes,
  selinux,
  sysctls,
  clusterRbac,
  resources,
  explicitUid,
  imageTag,
  probes,
  selectorMatch,
  serviceSelectsPods,
  ingressBackend,
  references,
  networkPolicy,
  prodReplicas,
  prodPdb,
  prodTopologySpread,
  prodImagePinned,
  prodIngressTls,
  secretData,
  secretLiteral,
  waiver,
] as const satisfies readonly RuleDefinition[];

/** Fails to compile when a PolicyRuleId has no rule above. */
type Missing = Exclude<PolicyRuleId, (typeof RULE_DEFINITIONS)[number]['id']>;
const everyIdHasARule: [Missing] extends [never] ? true : Missing = true;
void everyIdHasARule;

/** Rules that no annotation waives: a waiver could otherwise switch off the waiver checks, hide an object that overwrites another, or the namespace's own Pod Security. */
export const UNWAIVABLE: ReadonlySet<PolicyRuleId> = new Set<PolicyRuleId>(['waiver', 'unique-objects', 'namespace', 'namespace-pss']);

/** Every rule of the gate, in the order the report lists them. */
export const POLICY_RULES: readonly PolicyRule[] = RULE_DEFINITIONS.map(({ id, group, upstream, description, fix }) => ({
  id,
  group,
  upstream,
  description,
  fix,
}));

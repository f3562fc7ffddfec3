/**
 * The policy gate (lib/policy/): the public names only. Rules are one unit per file in `rules/`,
 * the walk and the indexes in `engine.ts`, the printing in `format.ts`.
 */
export {
  type PolicyRuleId,
  type PodSecurityCheckId,
  type PolicyRule,
  type PolicyObjectRef,
  type PolicyViolation,
  type PolicyWaiver,
  type ExpectedSecret,
  type PolicyOptions,
  type PolicyReport,
  WAIVER_ANNOTATION_PREFIX,
  waiverAnnotation,
} from './types';
export { POLICY_RULES } from './rules';
export { checkPolicy, enforcePolicy } from './engine';
export { PolicyViolationError, describeObject, formatViolations, formatWaivers } from './format';
export { isSecretName } from './secret-scan';

/** The HumanGov eligibility example service (see examples/README.md for the service contract). */

export { type ActiveAward, type CitizenProjection, createHandlers, type EligibilityHandlers } from './handlers.js';
export {
  type Decision,
  type DeclaredCircumstances,
  evaluate,
  incomeLimitMinor,
  RULE_SET_VERSION,
} from './rules.js';
export {
  ELIGIBILITY_SOURCE,
  type EligibilityOptions,
  type RunningEligibility,
  startEligibility,
} from './service.js';

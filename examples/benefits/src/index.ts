/**
 * @humangov-examples/benefits: the benefits service of the HumanGov examples (see README.md): the benefits HTTP
 * API and one saga per application, eligibility -> entitlement -> approval -> payment -> notification.
 */

export {
  ApplicationMissingError,
  BenefitsError,
  type BenefitsErrorCode,
  BenefitsOptionsError,
  PaymentFailedError,
} from './errors.js';
export { type ApplicationSagaState, SAGA_NAME } from './saga.js';
export { type BenefitsOptions, type BenefitsService, startBenefits } from './service.js';

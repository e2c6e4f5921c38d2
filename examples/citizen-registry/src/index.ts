/** The HumanGov citizen registry example service (see examples/README.md for the service contract). */
export { type ErasureAccepted, type LegacyRegistration, pseudonymise, UNRECORDED_ADDRESS } from './citizens.js';
export type { Citizen } from './requests.js';
export {
  type CitizenRegistryOptions,
  REGISTRY_SOURCE,
  type RunningCitizenRegistry,
  startCitizenRegistry,
} from './service.js';

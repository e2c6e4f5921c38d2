/**
 * @humangov/sdk. Today it carries the generated HTTP API types of the HumanGov services (openapi-typescript
 * `paths`, `components` and `operations`, generated from `specs/openapi`); typed messaging over Kafka, RabbitMQ
 * and memory and the typed HTTP clients follow in later issues.
 */
export type {
  BenefitsComponents,
  BenefitsOperations,
  BenefitsPaths,
  CitizenRegistryComponents,
  CitizenRegistryOperations,
  CitizenRegistryPaths,
} from './http/generated/index.js';

export const version = '0.1.0';

/**
 * @humangov/testing/pact: contract tests with Pact (Pact JS 16.5, an optional peer dependency), keyed by the
 * generated event catalog and HTTP `paths` types.
 *
 * - Consumers: `messagePact(...).expectsEvent(type, expectation).verify(handler)` and
 *   `httpPact<Paths>(...).interaction(expectation).verify(test)` write Pact V4 files to one `pacts/` folder at
 *   the repository root (or `$HUMANGOV_PACT_DIR`).
 * - Providers: `verifyMessageProvider` produces each expected event through the service's real producing code;
 *   `verifyHttpProvider` replays requests against the running service, with provider states.
 */
export {
  HumanGovPactError,
  isPactError,
  PactConsumerError,
  type PactErrorCode,
  PactExpectationError,
  PactOptionsError,
  type PactProblem,
  PactVerificationError,
  type PactVerificationFailure,
} from './errors.js';
export {
  type HeaderValues,
  type HttpExpectation,
  type HttpInteraction,
  type HttpMethodName,
  type HttpPact,
  type HttpPactOptions,
  httpPact,
  type MockServer,
  type StatusOf,
} from './pact/http-consumer.js';
export { type VerifyHttpProviderOptions, verifyHttpProvider } from './pact/http-provider.js';
export type { Matchable, PactMatcher } from './pact/matchable.js';
export {
  type EventExpectation,
  type EventInteraction,
  type MessagePact,
  type MessagePactOptions,
  messagePact,
} from './pact/message-consumer.js';
export { messageDescription, parseMessageDescription } from './pact/message-interaction.js';
export {
  type EventProducer,
  type ProducerContext,
  type StateHandler,
  type VerifyMessageProviderOptions,
  verifyMessageProvider,
} from './pact/message-provider.js';
export { PACT_DIR_ENV, type PactDirOptions, pactFilesFor, resolvePactDir } from './pact/pact-dir.js';
export type { Given, PactLogLevel, PactOptions, ProviderState } from './pact/pact-options.js';

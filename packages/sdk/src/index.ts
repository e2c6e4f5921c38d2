/**
 * @humangov/sdk: typed publish and handle of HumanGov events over a transport (memory here; Kafka in
 * `@humangov/sdk/kafka`, RabbitMQ in `@humangov/sdk/rabbitmq`), and the generated HTTP API types.
 */
export { type DecodeOptions, fromTransportMessage, toTransportMessage } from './binary-mode.js';
export { channelBindings } from './channels.js';
export { DEAD_LETTER_HEADERS } from './dead-letter.js';
// Dead-letter queue tooling (list, show, replay); Kafka and RabbitMQ queues are in their subpaths.
export { type DeadLetterEntry, REPLAY_HEADERS } from './dlq/entry.js';
export { createMemoryDeadLetterQueue, type MemoryDeadLetterQueueOptions } from './dlq/memory.js';
export type {
  DeadLetterFilter,
  DeadLetterListOptions,
  DeadLetterQueue,
  DeadLetterQueueOptions,
  DeadLetterReplayResult,
  DeadLetterSelection,
} from './dlq/queue.js';
export {
  ClosedError,
  ConnectionError,
  isSdkError,
  PublishError,
  PublishTimeoutError,
  SdkError,
  type SdkErrorCode,
} from './errors.js';
export type {
  BenefitsComponents,
  BenefitsOperations,
  BenefitsPaths,
  CitizenRegistryComponents,
  CitizenRegistryOperations,
  CitizenRegistryPaths,
} from './http/generated/index.js';
// Idempotent inbox and transactional outbox; their stores are in @humangov/resilience (/sqlite, /postgres).
export { type Inbox, type InboxContext, type InboxOptions, inbox } from './inbox/inbox.js';
export type { DeadLetterReason, LifecycleEvent, LifecycleListener } from './lifecycle.js';
export { createOutbox, type Outbox, type OutboxAddOptions, type OutboxOptions } from './outbox/outbox.js';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayStore } from './outbox/relay.js';
export type { OutboxRelayEvent, OutboxRelayListener } from './outbox/relay-events.js';
export {
  type SagaTransitionEventsOptions,
  sagaTransitionEvents,
  transitionData as sagaTransitionData,
} from './outbox/saga-transitions.js';
export { createPublisher, type PublishEventOptions, type Publisher, type PublisherOptions } from './publisher.js';
// Recoverability: policies as middleware, retries -> delayed redelivery -> dead letter, x-pii redaction.
export { REDELIVERY_HEADERS } from './recoverability/headers.js';
export {
  DeadLetterRequest,
  isDeadLetterRequest,
  isRedeliveryRequest,
  RedeliveryRequest,
} from './recoverability/outcome.js';
export { policyMiddleware, retryHandler } from './recoverability/policy-middleware.js';
export {
  DEFAULT_REDELIVERIES,
  type RecoverabilityOptions,
  recoverability,
} from './recoverability/recoverability.js';
export { REDACTED, redact, redactLifecycleEvent, scrubPayloadValues } from './recoverability/redact.js';
export {
  type AnyHandler,
  createRouter,
  type Handler,
  type HandlerContext,
  type Middleware,
  type RouteOptions,
  type Router,
  type RouterOptions,
} from './router.js';
export {
  createMemoryBroker,
  createMemoryTransport,
  type MemoryBroker,
  type MemoryBrokerOptions,
  type MemoryTimers,
  type MemoryTransport,
  type MemoryTransportOptions,
} from './transport/memory.js';
export {
  type BatchPublisher,
  type ChannelBinding,
  type DelayedRedeliverer,
  type DeliveryHandler,
  isBatchPublisher,
  isDelayedRedeliverer,
  isProvisioner,
  type Provisioner,
  type PublisherPort,
  type PublishOptions,
  type ReceivedMessage,
  type Redelivery,
  type RedeliverySpec,
  type SubscriberPort,
  type Subscription,
  type SubscriptionSpec,
  type Transport,
  type TransportMessage,
} from './transport/port.js';

export const version = '0.1.0';

export {
  HttpAbortedError,
  HttpCircuitOpenError,
  HttpClientError,
  type HttpClientErrorByCode,
  type HttpClientErrorCode,
  HttpNetworkError,
  HttpTimeoutError,
  httpClientErrorCodes,
  isHttpClientError,
} from './errors.js';
// Resilient, typed HTTP clients for the generated `paths` types (openapi-fetch underneath).
export {
  createClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpFailure,
  type HttpMethodCall,
  type HttpResult,
  type PathsWithMethod,
} from './http/client.js';
export {
  createResilientFetch,
  type FetchFn,
  type HttpClientEvent,
  type ResilientFetch,
  type ResilientFetchOptions,
} from './http/client-fetch.js';

import { ConnectionError, isSdkError, PublishError, SdkError, TopologyError } from '../../errors.js';
import { type Scrub, scrubError } from './scrub.js';

const TRANSPORT = 'kafka';
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const CONNECTION = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSRequestTimeoutError',
]);

function isConnectionFailure(chain: ReadonlyArray<{ name?: unknown }>): boolean {
  return chain.some((e) => typeof e.name === 'string' && CONNECTION.has(e.name));
}

/** Maps a failed topic creation: `ConnectionError` when no broker answered, `TopologyError` when one said no. */
export function toTopologyError(error: unknown, scrub: Scrub): SdkError {
  const safe = scrubError(error, scrub);
  const chain = causes(error) as Array<{ name?: unknown; retriable?: unknown }>;
  if (isConnectionFailure(chain)) return new ConnectionError(TRANSPORT, safe.message, { cause: safe });
  return new TopologyError(TRANSPORT, safe.message, chain.at(-1)?.retriable === true, { cause: safe });
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (typeof e !== 'object') break;
  }
  return chain;
}

/**
 * Maps a failed kafkajs send to an SdkError, scrubbed of credentials: a record too large for the broker ->
 * `HUMANGOV_MESSAGE_TOO_LARGE`; no broker reachable -> `ConnectionError`; anything else -> `PublishError`,
 * retryable when kafkajs says the cause is (retries exhausted count as retryable).
 */
export function toPublishError(error: unknown, scrub: Scrub): SdkError {
  if (isSdkError(error)) return error;
  const safe = scrubError(error, scrub);
  const chain = causes(error) as Array<{ name?: unknown; type?: unknown; retriable?: unknown }>;
  if (chain.some((e) => typeof e.type === 'string' && TOO_LARGE.has(e.type))) {
    return new SdkError('HUMANGOV_MESSAGE_TOO_LARGE', `${TRANSPORT}: ${safe.message}`, false, { cause: safe });
  }
  if (isConnectionFailure(chain)) {
    return new ConnectionError(TRANSPORT, safe.message, { cause: safe });
  }
  const root = chain[chain.length - 1];
  const retryable = chain.some((e) => e.name === 'KafkaJSNumberOfRetriesExceeded') || root?.retriable === true;
  return new PublishError(TRANSPORT, safe.message, retryable, { cause: safe });
}

/**
 * @humangov/testing: helpers for testing HumanGov services and transports. Only tests and examples import it.
 * The transport conformance suite is on its own subpath, `@humangov/testing/conformance` (it needs vitest).
 */
export { type Collector, type CollectorOptions, collect, createCollector } from './collect.js';
export { type Deferred, deferred, delay, type WaitForOptions, waitFor } from './wait.js';

export const version = '0.1.0';

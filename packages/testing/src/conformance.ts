/**
 * @humangov/testing/conformance: the transport conformance suite. Registers vitest cases, so it needs vitest
 * (an optional peer dependency); the main entry of @humangov/testing does not load vitest.
 */
export type { TransportConformanceFeatures, TransportConformanceOptions } from './conformance/context.js';
export { describeTransportConformance } from './conformance/transport-conformance.js';

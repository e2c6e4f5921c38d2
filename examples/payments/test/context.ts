/** The shared test plumbing of the example services (see examples/kit/src/testing.ts). */
export {
  createTestContext,
  forwardingTransport,
  listen,
  type Seen,
  type TestContext,
  TOKEN_SECRET,
  until,
} from '@humangov-examples/kit/testing';

export { issueToken, type Principal, verifyToken } from './auth.js';
export {
  type DatabaseConfig,
  openDatabase,
  type Records,
  type ServiceDatabase,
  type StoredRecord,
  type Tx,
} from './db.js';
export {
  createHealthServer,
  createReadiness,
  type HealthServer,
  type HealthServerOptions,
  healthReply,
  type Readiness,
  type ReadinessOptions,
  type ReadinessReport,
} from './health.js';
export {
  createHttpApp,
  type HttpApp,
  type HttpAppOptions,
  type HttpHandler,
  type HttpReply,
  type HttpRequest,
  ProblemError,
} from './http.js';
export { isoDate, uuidFrom } from './ids.js';
export { type DrainOptions, drainOutbox } from './outbox-drain.js';
export {
  createTransport,
  type Log,
  type RunningService,
  type ServiceContext,
  type Transport,
  type TransportConfig,
} from './service.js';

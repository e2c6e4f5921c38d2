/** The HumanGov audit example service (see examples/README.md for the service contract). */
export {
  type AuditedEvent,
  type AuditRecord,
  auditedEvent,
  type BrokenLink,
  type ChainVerification,
  canonicalJson,
  GENESIS_HASH,
  hashOf,
  recordId,
  verifyChain as verifyAuditChain,
} from './chain.js';
export { ChainContentionError, UsageError } from './errors.js';
export { AUDIT_SOURCE, type AuditOptions, type RunningAudit, startAudit } from './service.js';

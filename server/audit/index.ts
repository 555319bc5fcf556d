/** The audit trail: an append-only, hash-chained record of who did what, to what, and when. */
export { AuditLog, actorOf, boundsOf, type AuditFilter, type AuditPage, type AuditVerification } from './AuditLog'
export { auditToCsv } from './auditToCsv'
// The vocabulary lives in src/ (the app names the actions too); the server's
// recorders import everything audit from here.
export {
  AUDIT_ACTIONS,
  isAuditAction,
  type AuditAction,
  type AuditActor,
  type AuditDetails,
  type AuditEntry,
  type AuditRecord,
  type AuditTarget
} from '../../src'

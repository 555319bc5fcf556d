/** The audit trail: an append-only, hash-chained record of who did what, to what, and when. */
export { AuditLog, actorOf, boundsOf, type AuditFilter } from './AuditLog'
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
  type AuditPage,
  type AuditRecord,
  type AuditTarget,
  type AuditVerification
} from '../../src'

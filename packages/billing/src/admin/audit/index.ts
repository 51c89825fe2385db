// The audit log for admins: reading it (writing is `audit()` in ../../audit/audit.ts).
export { listAuditLog, type AuditLogEntry, type AuditLogFilters } from "./list.ts";

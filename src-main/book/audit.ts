import type { BookDb } from './database'

export interface AuditEntry {
  bookId: number | null
  entity: string
  entityId: string | number | null
  action: string
  detail?: unknown
}

/** Append to the audit log; call inside the transaction that makes the change so both land or neither. */
export function recordAudit(db: BookDb, e: AuditEntry, at = new Date()): void {
  db.prepare(
    'INSERT INTO audit_log (at, book_id, entity, entity_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)'
  ).run(
    at.toISOString(),
    e.bookId,
    e.entity,
    e.entityId === null ? null : String(e.entityId),
    e.action,
    e.detail === undefined ? null : JSON.stringify(e.detail)
  )
}

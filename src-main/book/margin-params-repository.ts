import { recordAudit } from './audit'
import type { BookDb } from './database'

export interface StoredParamSet {
  kind: string
  document: unknown
  updatedAt: string
}

/** The user's edited parameter sets (already validated when saved). */
export function listUserParamSets(db: BookDb): StoredParamSet[] {
  const rows = db.prepare('SELECT kind, document, updated_at FROM margin_params ORDER BY kind').all() as { kind: string; document: string; updated_at: string }[]
  return rows.map((r) => ({ kind: r.kind, document: JSON.parse(r.document) as unknown, updatedAt: r.updated_at }))
}

/** Save (or replace) one kind's set, with an audit entry in the same transaction. */
export function saveUserParamSet(db: BookDb, kind: string, document: unknown, now = new Date()): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO margin_params (kind, document, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`
    ).run(kind, JSON.stringify(document), now.toISOString())
    recordAudit(db, { bookId: null, entity: 'margin_params', entityId: kind, action: 'save', detail: { id: (document as { id?: unknown }).id ?? null } }, now)
  }).immediate()
}

/** Drop the user's set of one kind: the shipped file applies again. */
export function deleteUserParamSet(db: BookDb, kind: string, now = new Date()): boolean {
  return db.transaction(() => {
    const changed = db.prepare('DELETE FROM margin_params WHERE kind = ?').run(kind).changes > 0
    if (changed) recordAudit(db, { bookId: null, entity: 'margin_params', entityId: kind, action: 'reset' }, now)
    return changed
  }).immediate()
}

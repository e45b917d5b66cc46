import type { BookDb } from './database'
import { recordAudit } from './audit'

export interface SavedScenarioRow {
  name: string
  document: unknown
  updatedAtUtc: string
}

export function listSavedScenarios(db: BookDb): SavedScenarioRow[] {
  return (db.prepare('SELECT name, document, updated_at FROM saved_scenarios ORDER BY name COLLATE NOCASE').all() as { name: string; document: string; updated_at: string }[]).map((r) => ({
    name: r.name,
    document: JSON.parse(r.document) as unknown,
    updatedAtUtc: r.updated_at
  }))
}

/** Insert or replace by name (the caller validated the document). */
export function saveScenario(db: BookDb, name: string, document: unknown, now = new Date()): void {
  db.transaction(() => {
    db.prepare('INSERT INTO saved_scenarios (name, document, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at').run(name, JSON.stringify(document), now.toISOString())
    recordAudit(db, { bookId: null, entity: 'scenario', entityId: name, action: 'save', detail: document }, now)
  }).immediate()
}

export function deleteScenario(db: BookDb, name: string, now = new Date()): boolean {
  return db.transaction(() => {
    const gone = db.prepare('DELETE FROM saved_scenarios WHERE name = ?').run(name).changes > 0
    if (gone) recordAudit(db, { bookId: null, entity: 'scenario', entityId: name, action: 'delete' }, now)
    return gone
  }).immediate()
}

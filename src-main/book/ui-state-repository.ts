import type { BookDb } from './database'

/** Small JSON blobs the workstation keeps between launches (grid column state, theme, filters). */
export function getUiState(db: BookDb, key: string): unknown {
  const row = db.prepare('SELECT value FROM ui_state WHERE key = ?').get(key) as { value: string } | undefined
  return row ? (JSON.parse(row.value) as unknown) : null
}

export function setUiState(db: BookDb, key: string, value: unknown, now = new Date()): void {
  db.prepare(
    `INSERT INTO ui_state (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`
  ).run(key, JSON.stringify(value), now.toISOString())
}

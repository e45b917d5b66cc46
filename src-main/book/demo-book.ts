/**
 * The demo book's life in a file: the trader removes it when done with it (with the what-if books
 * copied from it, which hold demo accounts), and can have it back, seeded afresh.
 */
import type { BookDb } from './database'
import { demoBook, findBook, type BookRecord } from './books-repository'
import { recordAudit } from './audit'
import { seedDemoBook } from './demo-seed'

/** Returns how many books were removed (the demo and its what-if descendants); 0 when there is no demo. */
export function removeDemoBook(db: BookDb, now = new Date()): number {
  const demo = demoBook(db)
  if (!demo) return 0
  return db.transaction(() => {
    const ids = (
      db
        .prepare(
          `WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT b.id FROM books b JOIN tree t ON b.parent_id = t.id)
           SELECT id FROM tree`
        )
        .all(demo.id) as { id: number }[]
    ).map((r) => r.id)
    const remove = db.prepare('DELETE FROM books WHERE id = ?')
    // Children first, so no parent link is left dangling mid-way.
    for (const id of [...ids].reverse()) remove.run(id)
    // Its market snapshot, unless another book still prices on it.
    if (demo.marketSnapshotId) db.prepare('DELETE FROM market_snapshots WHERE id = ? AND NOT EXISTS (SELECT 1 FROM books WHERE market_snapshot_id = ?)').run(demo.marketSnapshotId, demo.marketSnapshotId)
    recordAudit(db, { bookId: null, entity: 'book', entityId: demo.id, action: 'remove demo', detail: { removed: ids } }, now)
    return ids.length
  }).immediate()
}

export function restoreDemoBook(db: BookDb, now = new Date()): BookRecord {
  const existing = demoBook(db)
  if (existing) return existing
  return findBook(db, seedDemoBook(db, now))!
}

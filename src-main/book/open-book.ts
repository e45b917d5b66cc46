import { openBookDatabase, type OpenedBook } from './database'
import { seedDemoBook } from './demo-seed'
import { insertBook } from './books-repository'

/**
 * Open (creating and migrating as needed) the book file, checked first (`PRAGMA quick_check`): a
 * damaged or read-only file opens view-only (OpenedBook.state). A new file gets an empty live book
 * (the trader's own, which only imports fill) and, apart from it, the clearly labelled demo book.
 */
export function openBook(path: string): OpenedBook & { seededDemo: boolean } {
  const opened = openBookDatabase(path, { quickCheck: true })
  const count = (): number => (opened.db.prepare('SELECT COUNT(*) AS n FROM books').get() as { n: number }).n
  if (count() > 0 || opened.state !== 'ok') return { ...opened, seededDemo: false }
  let seeded = false
  try {
    // Two processes creating the same book at once: the second waits, then finds it seeded.
    opened.db.transaction(() => {
      if (count() > 0) return
      seedDemoBook(opened.db)
      insertBook(opened.db, { name: 'Live book', kind: 'live' })
      seeded = true
    }).immediate()
  } catch (e) {
    opened.db.close()
    throw e
  }
  return { ...opened, seededDemo: seeded }
}

import { openBookDatabase, type OpenedBook } from './database'
import { seedDemoBook } from './demo-seed'
import { insertBook } from './books-repository'

/**
 * Open (creating and migrating as needed) the book file. A new file gets an empty live book (the
 * trader's own, which only imports fill) and, apart from it, the clearly labelled demo book.
 */
export function openBook(path: string): OpenedBook & { seededDemo: boolean } {
  const opened = openBookDatabase(path)
  const { n } = opened.db.prepare('SELECT COUNT(*) AS n FROM books').get() as { n: number }
  if (n > 0) return { ...opened, seededDemo: false }
  try {
    opened.db.transaction(() => {
      seedDemoBook(opened.db)
      insertBook(opened.db, { name: 'Live book', kind: 'live' })
    })()
  } catch (e) {
    opened.db.close()
    throw e
  }
  return { ...opened, seededDemo: true }
}

import { openBookDatabase, type OpenedBook } from './database'
import { seedDemoBook } from './demo-seed'

/** Open (creating and migrating as needed) the book file; a file with no books gets the demo book. */
export function openBook(path: string): OpenedBook & { seededDemo: boolean } {
  const opened = openBookDatabase(path)
  const { n } = opened.db.prepare('SELECT COUNT(*) AS n FROM books').get() as { n: number }
  if (n > 0) return { ...opened, seededDemo: false }
  try {
    seedDemoBook(opened.db)
  } catch (e) {
    opened.db.close()
    throw e
  }
  return { ...opened, seededDemo: true }
}

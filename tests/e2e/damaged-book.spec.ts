/**
 * Issue 19, acceptance 3 in the workstation: the browser host started on a book with a damaged data
 * page shows the damaged-book banner, still shows the demo book's positions, and its "Save a
 * repaired copy" button writes a copy that passes SQLite's integrity check; a read-only book shows
 * the read-only banner and its positions.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { test, expect } from './fixtures'
import { addTrades, damageTradesPage } from '../support/damaged-book'

const ROOT = resolve(import.meta.dirname, '../..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: false })

/** A book made by the CLI (the demo and an empty live book), with 6,000 more trades. */
function makeBook(path: string): void {
  const made = spawnSync(NODE, [join(ROOT, 'out/main/cli.js'), 'books', '--book', path], { encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`cli books failed: ${made.stderr}`)
  addTrades(path, 6000)
}

test.describe('a damaged book', () => {
  test.use({
    bookFile: {
      prepare(path) {
        makeBook(path)
        damageTradesPage(path)
      }
    }
  })

  test('opens read-only with the banner; the repair button writes a copy that passes integrity_check', async ({ page, workstation }) => {
    await workstation.openBare(page)
    const banner = page.getByTestId('book-state-banner')
    await expect(banner).toBeVisible()
    await expect(banner).toContainText('This book file is damaged')
    await expect(banner).toContainText('opened read-only')
    // Viewable: the demo book's positions from the empty live book's offer.
    await page.getByTestId('empty-open-demo').click()
    await expect(page.locator('.ag-row.position-row').first()).toBeVisible()
    await page.screenshot(shot('damaged-book-banner'))

    await page.getByTestId('book-repair').click()
    const result = page.getByTestId('book-repair-result')
    await expect(result).toContainText('integrity ok', { timeout: 30_000 })
    const written = (await result.locator('code').innerText()).trim()
    expect(dirname(written)).toBe(dirname(workstation.bookPath))
    expect(written).toMatch(/book-repaired-[\d-]+\.sqlite$/)
    expect(readdirSync(dirname(workstation.bookPath))).toContain(written.split('/').pop())
    const copy = new Database(written, { readonly: true, fileMustExist: true })
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      expect((copy.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n).toBeGreaterThan(0)
    } finally {
      copy.close()
    }
    await page.screenshot(shot('damaged-book-repaired'))
  })
})

test.describe('a read-only book', () => {
  test.use({
    bookFile: {
      prepare(path) {
        makeBook(path)
        chmodSync(path, 0o444)
      }
    }
  })

  test('shows the read-only banner and its positions', async ({ page, workstation }) => {
    await workstation.openBare(page)
    await expect(page.getByTestId('book-state-banner')).toContainText('View only — the file is read-only: imports and changes are refused.')
    await page.getByTestId('empty-open-demo').click()
    await expect(page.locator('.ag-row.position-row').first()).toBeVisible()
    await page.screenshot(shot('read-only-book-banner'))
    chmodSync(workstation.bookPath, 0o644)
    expect(existsSync(workstation.bookPath)).toBe(true)
  })
})

/**
 * Issue 20: a desk-scale book (10,000 synthetic positions in 4 accounts, written by
 * `cli synthetic-book`) opens in Chromium, scrolls to its last row, filters and folds its groups.
 * Checks behaviour against the book's own rows (`cli positions --json`), never time: the bench
 * (src-main/bench/grid-bench.ts) measures the time.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { PositionRow } from '../../src-preload/contract/api'
import { test, expect } from './fixtures'

const POSITIONS = 10_000
const CLI = resolve(import.meta.dirname, '../../out/main/cli.js')
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node')
const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: false })

function cli(args: string[]): string {
  const r = spawnSync(NODE, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`)
  return r.stdout
}

// The book's rows as the positions grid receives them, read once from the file the host opens.
let bookRows: PositionRow[] = []
test.use({
  bookFile: {
    prepare(bookPath: string): void {
      cli(['synthetic-book', '--book', bookPath, '--positions', String(POSITIONS)])
      bookRows = (JSON.parse(cli(['positions', '--book', bookPath, '--json'])) as { rows: PositionRow[] }).rows
    }
  }
})

// ag-grid 36 scrolls rows in .ag-grid-viewport (.ag-body-viewport before), beside its own
// vertical scroll bar: both are moved, as dragging the bar does.
const scrollTo = async (page: Page, where: 'top' | 'end'): Promise<void> => {
  for (const el of await page.getByTestId('positions-grid').locator('.ag-grid-viewport, .ag-body-viewport, .ag-body-vertical-scroll-viewport').all())
    await el.evaluate((e, end) => (e.scrollTop = end ? e.scrollHeight : 0), where === 'end')
}
const positionCount = (page: Page) => page.getByTestId('position-count')
/** Instrument cells of the position rows rendered now (the grid renders only what is in view). */
const shownSymbols = (page: Page) => page.getByTestId('positions-grid').locator('.ag-row.position-row [col-id="position"] .tree-cell').allTextContents()

test('a 10,000-position book opens, scrolls to its last row, filters and folds its groups', async ({ page, workstation }) => {
  test.setTimeout(300_000)
  expect(bookRows).toHaveLength(POSITIONS)
  const accounts = [...new Set(bookRows.map((r) => r.accountName))].sort()
  expect(accounts.length).toBeGreaterThanOrEqual(4)

  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(workstation.url)
  const grid = page.getByTestId('positions-grid')
  await expect(grid.locator('.ag-row.position-row').first()).toBeVisible({ timeout: 180_000 })
  await expect(positionCount(page)).toHaveText(`${POSITIONS} of ${POSITIONS} positions`)
  // Grouped account → underlying → expiry: the first row is the first account's group, counting its positions.
  const firstAccount = grid.locator('.ag-row.group-level-0').first()
  await expect(firstAccount.locator('.group-label')).toHaveText(`${accounts[0]} · deribit`)
  await expect(firstAccount.locator('.group-count')).toHaveText(String(bookRows.filter((r) => r.accountName === accounts[0]).length))
  // Virtualised: a screenful of rows in the DOM, not ten thousand.
  expect(await grid.locator('.ag-row').count()).toBeLessThan(200)
  await page.screenshot(shot('large-book-open'))

  // Scroll to the end: the grid's last row (its aria-rowindex is the grid's aria-rowcount) is in
  // view, and it is a position of the last account.
  const rowCount = Number(await grid.locator('[aria-rowcount]').first().getAttribute('aria-rowcount'))
  expect(rowCount).toBeGreaterThan(POSITIONS)
  // (ag-grid 36 keeps a pinned column's cells in the row itself: one row element per row.)
  const lastRow = grid.locator(`.ag-row[aria-rowindex="${rowCount}"]`).first()
  // The grid grows its scroll height as it renders: scroll again until the last row is in view.
  await expect(async () => {
    await scrollTo(page, 'end')
    await expect(lastRow).toBeInViewport({ timeout: 1000 })
  }).toPass({ timeout: 30_000 })
  await expect(lastRow).toHaveClass(/position-row/)
  const lastSymbol = (await lastRow.locator('[col-id="position"] .tree-cell').textContent())!
  expect(bookRows.filter((r) => r.accountName === accounts.at(-1) && r.symbol === lastSymbol)).toHaveLength(1)
  expect(await grid.locator('.ag-row').count()).toBeLessThan(200)
  await page.screenshot(shot('large-book-scrolled-to-end'))

  // Filter by text and kind: "ETH" options. Every term must appear in the symbol, account, venue,
  // underlying or kind (the filter bar's rule); the count is the book's, and the rows shown match.
  const ethOptions = bookRows.filter((r) => r.kind === 'option' && `${r.symbol} ${r.accountName} ${r.venue} ${r.underlying} ${r.kind}`.toLowerCase().includes('eth'))
  expect(ethOptions.length).toBeGreaterThan(0)
  expect(ethOptions.length).toBeLessThan(POSITIONS)
  await page.getByRole('searchbox', { name: 'Filter positions' }).fill('eth')
  await page.getByRole('group', { name: 'Instrument kinds' }).getByRole('button', { name: 'option' }).click()
  await expect(positionCount(page)).toHaveText(`${ethOptions.length} of ${POSITIONS} positions`)
  await scrollTo(page, 'top')
  await expect(grid.locator('.ag-row.position-row').first()).toBeVisible()
  const filtered = await shownSymbols(page)
  expect(filtered.length).toBeGreaterThan(0)
  const ethOptionSymbols = new Set(ethOptions.map((r) => r.symbol))
  expect(filtered.filter((s) => !ethOptionSymbols.has(s))).toEqual([])
  // Group counts follow the filter: the first account shows its matches of all its positions.
  const firstMatches = ethOptions.filter((r) => r.accountName === accounts[0]).length
  await expect(firstAccount.locator('.group-count')).toHaveText(`${firstMatches} of ${bookRows.filter((r) => r.accountName === accounts[0]).length}`)
  await page.screenshot(shot('large-book-filtered'))

  // Fold the first account: its positions leave the grid, the next account's group follows it.
  await firstAccount.locator('.twisty').click()
  await expect(grid.locator('.ag-row.group-level-0').nth(1).locator('.group-label')).toHaveText(`${accounts[1]} · deribit`)
  await expect(grid.locator('.ag-row.group-row').nth(1)).toHaveClass(/group-level-0/)
  await page.screenshot(shot('large-book-folded'))
  await firstAccount.locator('.twisty').click()
  await expect(grid.locator('.ag-row.group-row').nth(1)).toHaveClass(/group-level-1/)

  // Cleared, the whole book is back.
  await page.getByRole('group', { name: 'Instrument kinds' }).getByRole('button', { name: 'option' }).click()
  await page.getByRole('searchbox', { name: 'Filter positions' }).fill('')
  await expect(positionCount(page)).toHaveText(`${POSITIONS} of ${POSITIONS} positions`)
  expect(errors).toEqual([])
})

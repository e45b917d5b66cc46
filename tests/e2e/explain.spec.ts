/**
 * P&L explain in the workstation (issue 22 §2): the demo book, with its market moved (+5 %, +3 vol
 * points, a day later) stored beside it as an imported chain would be. Alt+L opens the view; the end
 * of day set to the markets' 09:00 and the two dates picked, the table and the waterfall show the
 * explain between the two markets, the book's total equals the sum of its components in the table,
 * and the end-of-day time is kept in the book file.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { test, expect } from './fixtures'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../src-main/book/market-repository'
import { shiftMarket } from '../engine/explain/shift-market'

const DAY_MS = 24 * 3600 * 1000
const NAMES = ['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual'] as const

async function call(ws: { origin: string; token: string }, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${ws.origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': ws.token }, body: JSON.stringify(body) })
  const json = await res.json()
  if (!json.ok) throw new Error(`${method}: ${json.error.message}`)
  return json.value
}

const num = (s: string): number => Number(s.trim().replace(/,/g, '').replace('−', '-'))

test('P&L explain: two markets a day apart, table and waterfall; book total = sum of the components', async ({ page, workstation }, info) => {
  await page.setViewportSize({ width: 1500, height: 1100 })
  await workstation.open(page)
  const demo = (await call(workstation, 'listBooks', {})).find((b: { kind: string }) => b.kind === 'demo')
  const { snapshot } = await call(workstation, 'currentMarket', { bookId: demo.id })
  // The second market, written into the book file beside the first (the host reads every snapshot from it).
  const db = new Database(workstation.bookPath)
  try {
    const market = loadMarketSnapshot(db, snapshot.id)!
    saveMarketSnapshot(db, shiftMarket(market, { move: 0.05, volPoints: 3, elapsedMs: DAY_MS, id: 'demo-moved' }))
  } finally {
    db.close()
  }
  const fromDate = snapshot.asOfUtc.slice(0, 10)
  const toDate = new Date(Date.parse(snapshot.asOfUtc) + DAY_MS).toISOString().slice(0, 10)
  const eod = snapshot.asOfUtc.slice(11, 16)

  await page.keyboard.press('Alt+L')
  const view = page.getByTestId('explain-view')
  await expect(view).toBeVisible()
  // Defaults: the end of day (08:00) after the book's market and the day before it.
  await expect(page.getByTestId('explain-eod')).toHaveValue('08:00')
  await expect(page.getByTestId('explain-to')).toHaveValue(toDate)

  await page.getByTestId('explain-eod').fill(eod)
  await page.getByTestId('explain-from').fill(fromDate)
  await page.getByTestId('explain-to').fill(toDate)
  await page.getByTestId('explain-run').click()
  await expect(page.getByTestId('explain-to-market')).toContainText('demo-moved')
  await expect(page.getByTestId('explain-from-market')).toContainText(snapshot.id)
  await expect(page.getByTestId('explain-error')).toHaveCount(0)

  // The book row: its total equals the sum of its components as printed (cents), the residual shown.
  const bookRow = page.locator('[data-testid="explain-row"][data-row="book"]')
  await expect(bookRow).toBeVisible()
  const cell = async (c: string): Promise<number> => num(await bookRow.locator(`td[data-component="${c}"]`).innerText())
  const parts = await Promise.all(NAMES.map(cell))
  const total = await cell('total')
  expect(Math.abs(parts.reduce((s, x) => s + x, 0) - total)).toBeLessThanOrEqual(0.01 * NAMES.length)
  expect(total).not.toBe(0)
  expect(await cell('vega')).not.toBe(0)
  // The same numbers the API gives.
  const reply = await call(workstation, 'explainPnl', { bookId: demo.id, fromUtc: fromDate, toUtc: toDate, eodUtc: eod })
  expect(Math.abs(total - reply.book.usd.total)).toBeLessThanOrEqual(0.005)
  expect(Math.abs((await cell('residual')) - reply.book.usd.residual)).toBeLessThanOrEqual(0.005)

  await expect(page.getByTestId('explain-waterfall').locator('svg')).toBeVisible()
  await page.getByTestId('explain-group-by').selectOption('account')
  await expect(page.locator('[data-testid="explain-row"]')).toHaveCount(reply.byAccount.length + 1)
  await page.screenshot({ path: 'test-results/screenshots/explain-view.png', fullPage: false })
  await page.getByTestId('explain-units').selectOption('settle')
  await expect(page.locator('[data-testid="explain-row"]').first()).toBeVisible()
  await page.screenshot({ path: 'test-results/screenshots/explain-view-settle.png', fullPage: false })

  // The end-of-day time is kept in the book file: a reload brings it back.
  await expect.poll(async () => (await call(workstation, 'getUiState', { key: 'explain.eodUtc' })).value).toBe(eod)

  // The report dialog offers the section with the view's dates and end of day, and sends them.
  await page.keyboard.press('Control+p')
  const dialog = page.getByTestId('report-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('report-statistics').uncheck()
  await dialog.getByTestId('report-explain').check()
  await expect(dialog.getByTestId('report-explain-from')).toHaveValue(fromDate)
  await expect(dialog.getByTestId('report-explain-to')).toHaveValue(toDate)
  await page.screenshot({ path: 'test-results/screenshots/explain-report-dialog.png' })
  const sent = page.waitForRequest((r) => r.url().includes('/api/call/marginReport'))
  await dialog.getByTestId('report-generate').click()
  expect((await sent).postDataJSON().explain).toEqual({ fromUtc: fromDate, toUtc: toDate, eodUtc: eod })
  await expect(dialog.getByTestId('report-done')).toBeVisible({ timeout: 60_000 })
  // The PDF carries section 9, read back with pdftotext.
  const download = page.waitForEvent('download')
  await dialog.getByTestId('report-save').click()
  const file = join(info.outputDir, 'explain-report.pdf')
  await (await download).saveAs(file)
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ')
  expect(text).toContain('9. P&L explain')
  expect(text).toContain('Residual (full revaluation minus the explained parts)')
})

test('P&L explain over an expiry: settled options valued at the delivery price, said in the view; one without a price listed', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1100 })
  await workstation.open(page)
  const demo = (await call(workstation, 'listBooks', {})).find((b: { kind: string }) => b.kind === 'demo')
  const { snapshot } = await call(workstation, 'currentMarket', { bookId: demo.id })
  // A market eight days on, past the demo's 27 November options; the venue's BTC delivery price only.
  const expiryMs = Date.parse('2026-11-27T08:00:00Z')
  const db = new Database(workstation.bookPath)
  try {
    const market = loadMarketSnapshot(db, snapshot.id)!
    saveMarketSnapshot(db, shiftMarket(market, { move: 0.02, volPoints: 1, elapsedMs: 8 * DAY_MS, id: 'demo-8-days-on' }))
    db.prepare('INSERT INTO delivery_prices (venue, underlying, expiry_ms, price_usd, source, import_id) VALUES (?, ?, ?, ?, ?, NULL)').run('deribit', 'BTC', expiryMs, 93_000, "the venue's delivery price (test)")
  } finally {
    db.close()
  }
  const fromDate = snapshot.asOfUtc.slice(0, 10)
  const toDate = new Date(Date.parse(snapshot.asOfUtc) + 8 * DAY_MS).toISOString().slice(0, 10)
  await page.keyboard.press('Alt+L')
  // The view sets its default dates and end of day once it has read them (the book's market, the
  // saved end of day): what is typed before that is overwritten, so wait for the defaults first.
  await expect(page.getByTestId('explain-to')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/)
  await page.getByTestId('explain-eod').fill(snapshot.asOfUtc.slice(11, 16))
  await page.getByTestId('explain-from').fill(fromDate)
  await page.getByTestId('explain-to').fill(toDate)
  await page.getByTestId('explain-run').click()
  await expect(page.getByTestId('explain-to-market')).toContainText('demo-8-days-on')
  await expect(page.getByTestId('explain-notes')).toContainText('2 positions expired before the "to" instant, valued at the deribit BTC settlement price of 2026-11-27 08:00 UTC: 93000 USD')
  const notExplained = page.getByTestId('explain-not-explained')
  await expect(notExplained).toContainText('ETH-27NOV26-3200-C')
  await expect(notExplained).toContainText('no settlement price is known')
  await expect(notExplained).not.toContainText('BTC-27NOV26')
  await page.screenshot({ path: 'test-results/screenshots/explain-view-expiry.png', fullPage: true })
})

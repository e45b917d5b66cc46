/**
 * Hedging suggestions in the browser: open the panel, run the exact Deribit PM hedge of the demo
 * book, apply it to a what-if book in one click, and see the margin drop in the dashboard; the live
 * book is untouched.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { test, expect } from './fixtures'
import { writeBinanceDaily } from '../support/synthetic-history'

const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })
const imOf = async (page: import('@playwright/test').Page): Promise<number> => {
  const text = (await page.getByTestId('pool-Deribit main · BTC').locator('.figures').first().textContent())!
  return Number(/IM\s*([\d.]+)/.exec(text)![1])
}

test('hedging: suggest the Deribit PM hedge, apply it to a what-if book, see the margin drop in the dashboard', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1200 })
  await workstation.open(page)
  await page.getByTestId('method-select').selectOption('deribit-pm')
  await expect(page.getByTestId('pool-Deribit main · BTC')).toContainText('IM 1.0943')
  const before = await imOf(page)

  await page.keyboard.press('Alt+h')
  await expect(page.getByRole('heading', { name: 'Hedging suggestions' })).toBeVisible()
  await expect(page.getByLabel('Margin group')).toHaveValue('Deribit main · BTC')
  await expect(page.getByLabel('Objective')).toHaveValue('deribit-pm')
  await page.getByLabel('Maximum legs').fill('3')
  await page.getByTestId('run-hedge').click()
  const summary = page.getByTestId('hedge-summary')
  await expect(summary).toContainText('Deribit main · BTC')
  await expect(summary).toContainText('on the method itself (exact)')
  const m = /IM\s*([\d.]+) → ([\d.]+) BTC/.exec((await summary.textContent())!)!
  expect(Number(m[1])).toBeCloseTo(before, 4)
  const suggested = Number(m[2])
  expect(suggested).toBeLessThan(before)
  const trades = page.getByTestId('hedge-trades').locator('tbody tr')
  expect(await trades.count()).toBeGreaterThan(0)
  expect(await trades.count()).toBeLessThanOrEqual(3)
  await expect(page.getByTestId('margin-diff').getByTestId('diff-Deribit main · BTC-deribit-pm')).toBeVisible()
  // Ranked alternatives with fewer legs, and the stress library before → after.
  await expect(page.getByTestId('hedge-alternatives').locator('tbody tr')).toHaveCount(await trades.count())
  await expect(page.getByTestId('hedge-stress').locator('tbody tr').first()).toBeVisible()
  await page.screenshot(shot('hedge-suggestion'))

  await page.getByTestId('apply-hedge').click()
  await expect(page.getByTestId('hedge-applied')).toContainText('Hedge deribit-pm')
  await expect(page.getByTestId('whatif-badge')).toBeVisible()
  // The dashboard (pinned above every view) now shows the hedged what-if book's margin.
  await expect.poll(() => imOf(page)).toBeCloseTo(suggested, 4)
  await page.screenshot(shot('hedge-applied-dashboard'))

  // Back on the live book: nothing changed there.
  await page.getByLabel('Book', { exact: true }).selectOption({ label: 'Demo book (demo)' })
  await expect.poll(() => imOf(page)).toBeCloseTo(before, 4)
})

test('a SPAN hedge: no new short options by default, a warning list of what it makes worse, its cost reconciled with equity', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1400 })
  await workstation.open(page)
  await page.keyboard.press('Alt+h')
  await expect(page.getByLabel('No new short options', { exact: true })).toBeChecked()
  await page.getByLabel('Objective').selectOption('span')
  await page.getByTestId('run-hedge').click()
  await expect(page.getByTestId('hedge-summary')).toContainText('SPAN')
  // Standard IM rises under a SPAN hedge of the demo book (3.3855 → 4.0230 BTC): the list says so, above the trades.
  const worse = page.getByTestId('hedge-worsens')
  await expect(worse).toContainText(/These trades make \d+ figures worse/)
  await expect(worse).toContainText('Deribit main · BTC · Standard IM: 3.3855 BTC → 4.0230 BTC')
  const reconciliation = page.getByTestId('hedge-reconciliation')
  await expect(reconciliation).toContainText(/Deribit main · BTC: equity 1\.9660 → 1\.958\d BTC\. Equity −0\.00\d{4} BTC = cash/)
  await expect(reconciliation).toContainText('loses the estimated cost, −0.007890 BTC, at once')
  await expect(page.getByTestId('hedge-trades')).toContainText('0.014200 BTC')
  await worse.scrollIntoViewIfNeeded()
  await page.screenshot(shot('hedge-span-warnings'))
})

test('reduce to target: the cheapest closes bring Deribit PM utilisation under 30 %, applied to a what-if book', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1200 })
  await workstation.open(page)
  await page.getByTestId('method-select').selectOption('deribit-pm')
  await page.keyboard.press('Alt+h')
  await page.getByTestId('mode-reduce').click()
  await page.getByLabel('Target utilisation (%)').fill('30')
  await page.keyboard.press('Control+Enter')
  const summary = page.getByTestId('reduce-summary')
  await expect(summary).toContainText('55.7 % →')
  await expect(summary).toContainText('target 30.0 %, reached')
  await page.screenshot(shot('hedge-reduce-to-target'))
  await page.getByTestId('apply-reduce').click()
  await expect(page.getByTestId('hedge-applied')).toContainText('Reduce to 30 %')
  const gauge = page.getByRole('meter', { name: 'Deribit main · BTC IM utilisation' })
  await expect.poll(async () => Number(await gauge.getAttribute('aria-valuenow'))).toBeLessThanOrEqual(30)
  await page.screenshot(shot('hedge-reduce-applied'))
})

test('delta hedge with the perpetual, then Greek bands at least cost', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1200 })
  await workstation.open(page)
  await page.keyboard.press('Alt+h')
  await page.getByTestId('mode-greeks').click()
  await page.getByTestId('run-hedge').click()
  const summary = page.getByTestId('greeks-summary')
  await expect(summary).toContainText('Deribit main · BTC')
  await expect(summary).toContainText(/delta −4\.0406 → −?0\.000\d BTC/)
  await expect(page.getByTestId('greek-trades')).toContainText('BTC-PERPETUAL')
  await page.getByLabel('Greek mode').selectOption('targets')
  await page.getByLabel('vega low').fill('-300')
  await page.getByLabel('vega high').fill('300')
  await page.getByTestId('run-hedge').click()
  await expect(summary).toContainText('vega 1,461 →')
  const vega = Number(/vega 1,461 → (−?[\d,]+) USD/.exec((await summary.textContent())!)![1]!.replace('−', '-').replace(',', ''))
  expect(Math.abs(vega)).toBeLessThanOrEqual(360)
  await page.screenshot(shot('hedge-greek-targets'))
})

test('ES hedge: on imported daily history, the trades minimising the book\'s 97.5 % ES', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1200 })
  await workstation.open(page)
  const dir = mkdtempSync(join(tmpdir(), 'marginal-e2e-es-'))
  for (const [pair, lastClose, dailyVol, seed] of [['BTCUSDT', 92_000, 0.03, 21], ['ETHUSDT', 3_050, 0.04, 22]] as const) {
    const file = writeBinanceDaily(dir, pair, { days: 500, lastDay: '2026-11-19', lastClose, dailyVol, seed })
    const res = await fetch(`${workstation.origin}/api/call/commitImport`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': workstation.token }, body: JSON.stringify({ bookId: 2, fileName: basename(file), text: readFileSync(file, 'utf8'), allowPartial: false }) })
    expect((await res.json()).ok).toBe(true)
  }
  await page.keyboard.press('Alt+h')
  await page.getByLabel('Objective').selectOption('es')
  await page.getByTestId('run-hedge').click()
  const summary = page.getByTestId('es-summary')
  await expect(summary).toContainText('historical windows')
  const m = /([\d,]+) → ([\d,]+) USD/.exec((await summary.textContent())!)!
  expect(Number(m[2]!.replace(/,/g, ''))).toBeLessThan(Number(m[1]!.replace(/,/g, '')))
  await expect(page.getByTestId('es-trades').locator('tbody tr').first()).toBeVisible()
  expect(await page.getByTestId('es-trades').locator('tbody tr').count()).toBeLessThanOrEqual(4) // the leg cap
  await page.screenshot(shot('hedge-es'))
})

test('exports: the positions grid as CSV and the book as an Excel workbook, downloaded from the toolbar', async ({ page, workstation }) => {
  await workstation.open(page)
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv-Positions').click()])
  expect(csv.suggestedFilename()).toMatch(/^Demo-book-.*-positions\.csv$/)
  const text = readFileSync((await csv.path())!, 'utf8')
  expect(text.split('\r\n')[0]).toContain('Vega (USD per vol pt)')
  expect(text.trim().split('\r\n')).toHaveLength(37)
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx-Positions').click()])
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/)
  // An xlsx is a zip: its first bytes are the local-file-header signature.
  expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString('latin1')).toBe('PK')
})

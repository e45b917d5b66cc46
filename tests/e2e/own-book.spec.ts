/**
 * Issue 17, acceptance 1: a trader's own book on a fresh book file, through the UI. Import a
 * Deribit BTC and an ETH transaction log (current header: deposit, withdrawal, perpetual, a dated
 * future, options, settlements with funding, partial closes) and the BTC and ETH chains from
 * ../shared/data. The dashboard's equity is the log's last Balance plus the positions' value
 * (options at their value, futures from their last settlement price), the status is the one a
 * hand computation gives, both pools are priced, and the live book holds no demo position.
 */
import { resolve } from 'node:path'
import { test, expect, type Workstation } from './fixtures'
import { hasSharedData, sharedData } from '../support/shared-data'

const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })
const FIXTURES = resolve(import.meta.dirname, '../fixtures/statements')
const BTC_LOG = resolve(FIXTURES, 'transaction_log-555777-BTC-2024-03-12.csv')
const ETH_LOG = resolve(FIXTURES, 'transaction_log-555777-ETH-2024-03-12.csv')
const BTC_CHAIN = 'options/deribit_btc_book_summary_2024-03-12.csv'
const ETH_CHAIN = 'options/deribit_eth_book_summary_2024-01-08.csv'
/** The BTC log's last Balance (line 2, the 2024-03-11 15:00 fill), as printed. */
const BTC_LAST_BALANCE = 2.1770908
const LIVE = 2

async function call<T>(w: Workstation, method: string, req: unknown): Promise<T> {
  const res = await fetch(`${w.origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': w.token }, body: JSON.stringify(req) })
  const json = (await res.json()) as { ok: boolean; value: T; error?: { message: string } }
  if (!json.ok) throw new Error(`${method}: ${json.error?.message}`)
  return json.value
}

interface Row { accountName: string; underlying: string; symbol: string; kind: string; sizeContracts: number; valuation: { valueSettle: number; underlyingUsd: number } | null; valuationError: string | null }
interface Health { pool: string; equity: number; collateral: number; positionsValue: number; byMethod: { method: string; initialMargin: number; maintenanceMargin: number; status: string }[]; method: string; status: string }

test('own book: two Deribit logs and two chains through the UI; equity = last Balance + positions, status by hand, both pools priced, no demo position', async ({ page, workstation }) => {
  test.skip(!hasSharedData(BTC_CHAIN) || !hasSharedData(ETH_CHAIN), `skipped: ${sharedData(BTC_CHAIN)} or ${sharedData(ETH_CHAIN)} is not on this machine`)
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1600, height: 1100 })
  await workstation.openBare(page)
  await expect(page.getByTestId('empty-book')).toContainText('Your live book is empty')
  await page.screenshot(shot('own-book-empty'))

  // The BTC log from the empty state's picker: its preview reconciles the cash before anything is written.
  await page.getByTestId('empty-book').locator('input[type=file]').setInputFiles(BTC_LOG)
  await expect(page.getByTestId('import-summary')).toContainText('Deribit transaction log (current header)')
  const btcCash = page.getByTestId('import-cash').getByTestId('cash-BTC')
  await expect(btcCash).toContainText('2.17709080')
  await expect(btcCash).toContainText("the statement's balance")
  await expect(page.getByTestId('import-cash')).not.toContainText('⚠')
  await page.screenshot(shot('own-book-preview'))
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 7 trades')

  for (const [file, partial] of [[ETH_LOG, false], [sharedData(BTC_CHAIN), false], [sharedData(ETH_CHAIN), true]] as const) {
    await page.getByRole('button', { name: 'Start over' }).click().catch(() => undefined)
    await page.keyboard.press('Alt+5')
    await page.getByTestId('import-file-input').setInputFiles(file)
    await expect(page.getByTestId('import-summary')).toBeVisible()
    // The ETH chain has two deep in-the-money marks below intrinsic value: left out, by line.
    if (partial) await page.getByTestId('import-allow-partial').check()
    await page.getByTestId('import-confirm').click()
    await expect(page.getByTestId('import-result')).toContainText('Imported')
  }

  // Both pools priced, each from its own chain; no demo account in the live book.
  const dashboard = page.getByTestId('risk-dashboard')
  await expect(dashboard.getByTestId('pool-Deribit 555777 · BTC')).toContainText(/IM \d+\.\d{4}/)
  await expect(dashboard.getByTestId('pool-Deribit 555777 · ETH')).toContainText(/IM \d+\.\d{4}/)
  const { rows } = await call<{ rows: Row[] }>(workstation, 'listPositions', { bookId: LIVE })
  expect(new Set(rows.map((r) => r.accountName))).toEqual(new Set(['Deribit 555777']))
  expect(rows.every((r) => r.valuation !== null), JSON.stringify(rows.filter((r) => !r.valuation))).toBe(true)

  // The hand computation: the log's last Balance + the options' values + each future's P&L from its
  // last settlement price (the perpetual: 15,000 USD settled at 70,000, then 1,000 bought at 71,500;
  // the March future: short 10,000 settled at 71,000), at the chain's forwards.
  const btc = rows.filter((r) => r.accountName === 'Deribit 555777' && r.underlying === 'BTC')
  const by = (symbol: string): Row => btc.find((r) => r.symbol === symbol)!
  const perpBasis = 16_000 / (15_000 / 70_000 + 1_000 / 71_500)
  const perp = 16_000 * (1 / perpBasis - 1 / by('BTC-PERPETUAL').valuation!.underlyingUsd)
  const future = -10_000 * (1 / 71_000 - 1 / by('BTC-29MAR24').valuation!.underlyingUsd)
  const options = by('BTC-28JUN24-80000-C').valuation!.valueSettle + by('BTC-29MAR24-60000-P').valuation!.valueSettle
  const equity = BTC_LAST_BALANCE + perp + future + options
  const margin = await call<{ health: Health[] }>(workstation, 'bookMargin', { bookId: LIVE })
  const pool = margin.health.find((h) => h.pool === 'Deribit 555777 · BTC')!
  expect(pool.collateral).toBeCloseTo(BTC_LAST_BALANCE, 9)
  expect(pool.equity).toBeCloseTo(equity, 9)
  const pm = pool.byMethod.find((m) => m.method === 'deribit-pm')!
  const im = pm.initialMargin / equity
  const mm = pm.maintenanceMargin / equity
  const status = mm >= 1 ? 'liquidation' : im > 1 ? 'margin call' : im >= 0.8 ? 'warning' : 'ok'
  expect(pool.status).toBe(status)
  const card = dashboard.getByTestId('pool-Deribit 555777 · BTC')
  await expect(card.getByTestId('pool-equity')).toContainText(equity.toFixed(4))
  await expect(card).toContainText(status)
  await expect(card).toContainText(`IM ${(im * 100).toFixed(1)} %`)

  // Each underlying's market keeps its own time; both are stale against today's clock.
  await expect(page.getByTestId('market-age-BTC')).toContainText('2024-03-12 05:57')
  await expect(page.getByTestId('market-age-ETH')).toContainText('2024-01-08 11:19')
  await expect(page.getByTestId('market-age-ETH')).toContainText('stale')
  await page.keyboard.press('Alt+1')
  await expect(page.getByTestId('position-count')).toHaveText(`${rows.length} of ${rows.length} positions`)
  await page.screenshot(shot('own-book-dashboard'))

  // The Books view's cash panel: each account's cash, where it comes from.
  await page.keyboard.press('Alt+4')
  await expect(page.getByTestId('balance-Deribit 555777-BTC')).toContainText('2.17709080')
  await expect(page.getByTestId('balance-Deribit 555777-BTC')).toContainText('statement: transaction_log-555777-BTC-2024-03-12.csv line 2')
  await page.screenshot(shot('own-book-cash'))
})

const GREEKS_CHAIN = 'options/deribit_btc_option_chain_greeks_2026.csv'
const YAHOO_BTC = 'prices/yahoo_BTC-USD_daily.csv'

test('a 2026 chain over a 2024 book: its time asked for, the 2024 options wait for a price, then settle on the imported history', async ({ page, workstation }) => {
  test.skip(!hasSharedData(GREEKS_CHAIN) || !hasSharedData(YAHOO_BTC), `skipped: ${sharedData(GREEKS_CHAIN)} or ${sharedData(YAHOO_BTC)} is not on this machine`)
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1600, height: 1000 })
  await workstation.openBare(page)
  await page.getByTestId('empty-book').locator('input[type=file]').setInputFiles(BTC_LOG)
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 7 trades')

  // A chain with Greeks carries no snapshot time: the Import view asks for it, never guesses.
  await page.getByRole('button', { name: 'Start over' }).click()
  await page.getByTestId('import-file-input').setInputFiles(sharedData(GREEKS_CHAIN))
  const asked = page.getByTestId('import-as-of')
  await expect(asked).toBeVisible()
  await expect(page.getByTestId('import-error')).toContainText('carries no snapshot time')
  await asked.getByLabel('Taken at (UTC)').fill('2026-03-01T13:49:00')
  await asked.getByRole('button', { name: 'Preview with this time' }).click()
  await expect(page.getByTestId('import-summary')).toContainText('Deribit option chain with Greeks')
  await page.screenshot(shot('own-book-chain-as-of'))
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported')

  // The March and June 2024 contracts (3 of the 4: the perpetual never expires) expired before the market: no price yet, so they wait, out of every figure.
  await page.keyboard.press('Alt+1')
  await expect(page.getByTestId('expired-panel')).toContainText('0 settled at expiry, 3 awaiting a settlement price')
  await expect(page.getByTestId('awaiting-settlement')).toContainText('3 expired positions awaiting a settlement price')
  await expect(page.getByTestId('position-count')).toHaveText('4 of 4 positions')

  // Daily BTC/USD history covering the expiries settles them at the index (our approximation, labelled).
  await page.keyboard.press('Alt+5')
  await page.getByTestId('import-file-input').setInputFiles(sharedData(YAHOO_BTC))
  const partial = page.getByTestId('import-allow-partial')
  if (await partial.isVisible()) await partial.check()
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported')
  await page.keyboard.press('Alt+1')
  await expect(page.getByTestId('expired-panel')).toContainText('3 settled at expiry')
  await page.getByTestId('expired-toggle').click()
  await expect(page.getByTestId('expired-panel')).toContainText('an approximation of ours')
  await expect(page.getByTestId('position-count')).toHaveText('1 of 1 positions')
  await page.screenshot(shot('own-book-expired'))
})

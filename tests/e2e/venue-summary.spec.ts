/**
 * The replica against the venue end to end (issue 22 §4, acceptance 4): on the demo book, Alt+R,
 * import Deribit's published pme/simulate example and an account summary through the file input.
 * The BTC pool shows the venue's equity, IM and MM beside the replica's with replica − venue (the
 * cells agree with each other); the simulation shows all 105 risk-vector entries side by side with
 * every |replica − venue| ≤ 1e−9; a malformed file is refused naming its key path; the same file
 * again is reported as a duplicate.
 */
import { resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import type { Locator } from '@playwright/test'
import { test, expect } from './fixtures'

const FIXTURES = resolve(import.meta.dirname, '../fixtures/venues/deribit')
const PME = resolve(FIXTURES, 'pme-simulate-btc-2024-06-17.json')
const SUMMARY = resolve(FIXTURES, 'account-summary-btc-2026-11-20.json')
const BTC_POOL = 'Deribit main · BTC'

/** A cell's text as a number: true minus, thousands separators, units and markers dropped. */
const shown = (text: string): number => Number(text.replace(/−/g, '-').replace(/,/g, '').replace(/[^0-9eE.+-]/g, ''))
const cell = (row: Locator, col: string): Locator => row.locator(`.ag-cell[col-id="${col}"]`)

test('venue summaries beside the replica: pool differences, 105 vector entries equal, a malformed file and a duplicate', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1700, height: 1300 })
  await workstation.open(page)
  await page.keyboard.press('Alt+R')
  const view = page.getByTestId('venue-view')
  await expect(view).toBeVisible()
  await expect(view.getByTestId('venue-empty')).toBeVisible()

  // Both files in one pick (the input takes several).
  await view.getByTestId('venue-import-file').setInputFiles([PME, SUMMARY])
  const outcomes = view.getByTestId('venue-import-outcome')
  await expect(outcomes).toHaveCount(2)
  await expect(outcomes.filter({ hasText: 'pme-simulate-btc-2024-06-17.json: Deribit private/pme/simulate, BTC imported' })).toHaveCount(1)
  await expect(outcomes.filter({ hasText: 'account-summary-btc-2026-11-20.json: Deribit private/get_account_summary, BTC imported' })).toHaveCount(1)

  // The BTC pool: venue beside replica; the difference is replica − venue as the cells show them.
  const pool = view.getByTestId('venue-pools').locator(`.ag-row[row-id="${BTC_POOL}"]`).filter({ has: page.locator('.ag-cell[col-id="venueInitialMargin"]') })
  await expect(cell(pool, 'status')).toHaveText('compared')
  await expect(cell(pool, 'currency')).toHaveText('BTC')
  await expect(cell(pool, 'venueInitialMargin')).toHaveText('1.11270000')
  await expect(cell(pool, 'venueMaintenanceMargin')).toHaveText('0.89020000')
  await expect(cell(pool, 'venueEquity')).toHaveText('1.97120000')
  for (const [venue, replica, difference] of [
    ['venueEquity', 'replicaEquity', 'equityDifference'],
    ['venueInitialMargin', 'replicaInitialMargin', 'initialMarginDifference'],
    ['venueMaintenanceMargin', 'replicaMaintenanceMargin', 'maintenanceMarginDifference']
  ] as const) {
    const v = shown((await cell(pool, venue).textContent())!)
    const r = shown((await cell(pool, replica).textContent())!)
    const d = shown((await cell(pool, difference).textContent())!)
    expect(Number.isFinite(v) && Number.isFinite(r) && Number.isFinite(d)).toBe(true)
    // Each cell is rounded to 8 decimals: the three agree to within two roundings.
    expect(Math.abs(r - v - d), `${difference} = ${replica} − ${venue}`).toBeLessThanOrEqual(1.5e-8)
  }
  const imPct = shown((await cell(pool, 'initialMarginDifferencePct').textContent())!)
  const im = shown((await cell(pool, 'initialMarginDifference').textContent())!)
  expect(imPct).toBeCloseTo((im / 1.1127) * 100, 2)
  await expect(cell(pool, 'file')).toContainText('account-summary-btc-2026-11-20.json')

  // The simulation: every risk-vector entry, venue beside replica.
  const simulation = view.getByTestId('venue-simulation')
  await expect(simulation).toHaveCount(1)
  await expect(simulation.getByTestId('venue-vector-count')).toHaveText('105 entries')
  const differences = simulation.getByTestId('venue-vectors').locator('.ag-cell[col-id="difference"]')
  await expect(differences).toHaveCount(105)
  const values = (await differences.allTextContents()).map(shown)
  expect(values.every((x) => Number.isFinite(x) && Math.abs(x) <= 1e-9), values.join(' ')).toBe(true)
  const maxText = (await simulation.getByTestId('venue-max-difference').textContent())!
  expect(maxText).toContain('BTC')
  expect(shown(maxText.split(':')[1]!.split('BTC')[0]!)).toBeLessThanOrEqual(1e-9)
  await expect(simulation.getByTestId('venue-vectors').locator('.ag-row.max-difference')).not.toHaveCount(0)
  // Ours is labelled: the roll shock rests on our time function.
  await expect(simulation.getByTestId('venue-figures').locator('tr').filter({ has: page.locator('td:first-child', { hasText: /^roll shock$/ }) }).locator('.badge.approx')).toHaveText('ours')

  await page.screenshot({ path: 'test-results/screenshots/venue-summary-compared.png' })

  // A malformed file: refused, naming the file and the key path; nothing written.
  const bad = JSON.parse(readFileSync(SUMMARY, 'utf8')) as { result: Record<string, unknown> }
  bad.result.initial_margin = 'abc'
  await view.getByTestId('venue-import-file').setInputFiles({ name: 'bad-summary.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) })
  const refused = outcomes.first()
  await expect(refused).toHaveClass(/refused/)
  await expect(refused.getByTestId('venue-import-error')).toHaveText('bad-summary.json: result.initial_margin: expected a number')

  // The same account summary again: a duplicate, reported, not written twice.
  await view.getByTestId('venue-import-file').setInputFiles(SUMMARY)
  await expect(outcomes).toHaveCount(4)
  await expect(outcomes.first()).toHaveClass(/duplicate/)
  await expect(outcomes.first()).toContainText('already imported into this book')
  await expect(view.getByTestId('venue-files').locator('tbody tr')).toHaveCount(2)

  await view.getByTestId('venue-import-outcome').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'test-results/screenshots/venue-summary-refused-duplicate.png' })
  await simulation.getByTestId('venue-vectors').locator('.ag-row.max-difference').first().scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'test-results/screenshots/venue-summary-vectors.png' })
})

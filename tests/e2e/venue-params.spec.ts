/**
 * The parameters view with Deribit's own parameters (issue 21): the shipped sets listed with date
 * and source and switched to; "Import venue parameters…" reading Deribit's published
 * private/pme/simulate response (tests/fixtures/venues/deribit), a bad file refused with the key
 * named, and margin recomputed under the imported set.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test, expect } from './fixtures'

const venueFile = resolve(import.meta.dirname, '../fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json')

test('Deribit PM: shipped sets with date and source, switch, import the venue\'s response, a bad key named', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1200 })
  await workstation.open(page)
  await page.keyboard.press('Alt+7')
  await page.getByTestId('params-kind-deribit-pm').click()
  await expect(page.getByTestId('params-active')).toContainText('deribit-pm-2024-06')

  const shipped = page.getByTestId('params-shipped-sets')
  await expect(shipped.getByTestId('params-shipped-deribit-pm-2024-06-published')).toContainText('2024-06-17')
  await expect(shipped.getByTestId('params-shipped-deribit-pm-2024-06-published')).toContainText('private/pme/simulate example')
  await expect(shipped.getByTestId('params-shipped-deribit-pm-2026-02-live')).toContainText('2026-02-15')
  await shipped.getByTestId('params-shipped-deribit-pm-2024-06-published').getByRole('button', { name: 'Use' }).click()
  await expect(page.getByTestId('params-status')).toContainText('Now using the shipped set deribit-pm-2024-06-published')
  await expect(page.getByTestId('params-source')).toContainText('2024-06-17')

  // A bad file: refused, the key path named, nothing stored.
  const bad = JSON.parse(readFileSync(venueFile, 'utf8'))
  bad.result.model_params.currency_pair.btc_usd.price_range = 'sixteen'
  const badFile = join(mkdtempSync(join(tmpdir(), 'marginal-e2e-venue-')), 'bad-pme.json')
  writeFileSync(badFile, JSON.stringify(bad))
  await page.getByTestId('params-import-file').setInputFiles(badFile)
  await expect(page.getByTestId('params-error')).toContainText('result.model_params.currency_pair.btc_usd.price_range: expected a number')
  await expect(page.getByTestId('params-active')).toContainText('deribit-pm-2024-06-published')

  // The venue's published response: stored as the set it reads as, its unread keys listed.
  await page.getByTestId('params-import-file').setInputFiles(venueFile)
  await expect(page.getByTestId('params-status')).toContainText('Imported pme-simulate-btc-2024-06-17.json as deribit-pme-2024-06-17T10:22Z')
  await expect(page.getByTestId('params-active')).toContainText('deribit-pme-2024-06-17T10:22Z')
  await page.getByTestId('params-notes').locator('summary').click()
  await expect(page.getByTestId('params-notes')).toContainText('ignored: result.model_params.currency_pair.btc_usd.m_inc')
  await page.screenshot({ path: 'test-results/screenshots/parameters-venue-import.png', fullPage: true })

  await page.getByTestId('params-reset').click()
  await expect(page.getByTestId('params-active')).toContainText(/In use: deribit-pm-2024-06$/)
})

/**
 * Public market data end to end (issue 22, §3 and acceptance 3), against a local server replaying
 * Deribit's documented replies (tests/helpers/venue-replay-server.ts; no test touches the internet).
 * On the demo book the panel says a fetch goes to the live book; on the live book (a new file: no
 * market yet) the trader points Deribit at the replay server, turns it on and fetches: the result
 * per underlying, the status bar and the dashboard's market age show the fetched as-of, and the
 * requests the server got are exactly the list the panel shows (no key, no cookie). With the server
 * stopped, a fetch gives one clear line and the market stays as it was.
 */
import { test, expect } from './fixtures'
import { startReplayServer, type ReplayServer } from '../helpers/venue-replay-server'
import { deribitRoutes } from '../fixtures/market-fetch/routes'

const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })

let server: ReplayServer | null = null
test.afterEach(async () => {
  await server?.close().catch(() => undefined)
  server = null
})

test('fetch Deribit public market data into the live book; refused cleanly when the venue is down', async ({ page, workstation }) => {
  server = await startReplayServer(deribitRoutes(), '/api/v2')
  await page.setViewportSize({ width: 1600, height: 1300 })
  await workstation.open(page)

  // The demo book: the panel says where a fetch goes.
  await page.getByRole('button', { name: 'Market', exact: true }).click()
  const panel = page.getByTestId('market-fetch-panel')
  await expect(panel).toBeVisible()
  await expect(panel.getByTestId('market-fetch-target-note')).toContainText('a fetch updates the live book')
  await expect(panel.getByTestId('market-fetch-deribit-enabled')).not.toBeChecked()
  await expect(panel.getByTestId('market-fetch-now')).toBeDisabled()

  // The live book, through the book selector: a new book file's live book has no market yet.
  const bookSelect = page.getByLabel('Book', { exact: true })
  const liveValue = await bookSelect.locator('option', { hasText: '(live)' }).getAttribute('value')
  await bookSelect.selectOption(liveValue!)
  await expect(page.getByTestId('market-fetch-target-note')).toHaveCount(0)
  await expect(page.getByTestId('dashboard-market')).toContainText('no market')
  await expect(page.getByTestId('status-bar')).toContainText('market as of: no market snapshot')

  // Point Deribit at the replay server (advanced), turn it on.
  const deribit = panel.getByTestId('market-fetch-deribit')
  await deribit.getByText('Advanced: base URL').click()
  await deribit.getByTestId('market-fetch-deribit-base-url').fill(server.baseUrl)
  await deribit.getByTestId('market-fetch-deribit-base-url').press('Enter')
  await expect(deribit.getByTestId('market-fetch-deribit-requests').locator('summary')).toContainText(`to ${server.baseUrl}`)
  await deribit.getByTestId('market-fetch-deribit-enabled').check()
  await expect(panel.getByTestId('market-fetch-now')).toHaveText('Fetch market now (Deribit)')
  const shown = await deribit.getByTestId('market-fetch-deribit-requests').locator('ol').first().locator('li').allTextContents()
  expect(shown).toHaveLength(8)
  expect(server.requests).toHaveLength(0)

  // Fetch market now.
  await panel.getByTestId('market-fetch-now').click()
  const btc = deribit.getByTestId('market-fetch-deribit-row-BTC')
  await expect(btc).toBeVisible()
  await expect(deribit.getByTestId('market-fetch-deribit-row-ETH')).toBeVisible()
  const btcCells = await btc.locator('td').allTextContents()
  const btcAsOf = btcCells[4]! // "2026-12-05 05:59:58"
  expect(Number(btcCells[2])).toBeGreaterThan(0) // expiries
  expect(Number(btcCells[3])).toBeGreaterThan(0) // instruments
  await expect(panel.getByTestId('market-fetch-written')).toContainText('new market snapshot')
  await expect(deribit.getByTestId('market-fetch-deribit-last')).toContainText('ok')

  // The window re-read its market: status bar, dashboard and the Market view show the fetched as-of.
  await expect(page.getByTestId('market-age-BTC')).toContainText(`BTC ${btcAsOf.slice(0, 16)}`)
  await expect(page.getByTestId('dashboard-age-BTC')).toContainText(`BTC market ${btcAsOf.slice(0, 16)} UTC`)
  await expect(page.getByTestId('market-view-age-BTC')).toContainText(`taken ${btcAsOf} UTC`)
  await expect(page.getByTestId('forwards-grid')).toBeVisible()
  const statusBar = await page.getByTestId('status-bar').innerText()
  const snapshot = /snapshot: (\S+)/.exec(statusBar)?.[1]
  expect(snapshot).toBeTruthy()

  // What left the machine: exactly the listed requests (the funding window's timestamps filled in), no key, no cookie.
  const withoutWindow = (line: string): string => line.replace(/&start_timestamp=.*$/, '')
  const got = server.requests.map((r) => withoutWindow(`GET ${r.path}?${new URLSearchParams(r.query).toString()}`))
  expect(got.sort()).toEqual(shown.map(withoutWindow).sort())
  expect(server.requests.every((r) => r.method === 'GET' && !r.headers.authorization && !r.headers.cookie)).toBe(true)
  await page.screenshot(shot('market-fetch-ok'))
  await panel.screenshot({ path: 'test-results/screenshots/market-fetch-panel-ok.png' })

  // The venue goes away: one clear line, the market stays.
  await server.close()
  server = null
  await deribit.getByTestId('market-fetch-deribit-now').click()
  const failure = deribit.getByTestId('market-fetch-deribit-failure')
  await expect(failure).toBeVisible()
  const message = await failure.innerText()
  expect(message).toMatch(/^Deribit .*; the last market stays$/)
  expect(message).not.toContain('\n')
  await expect(panel.getByTestId('market-fetch-written')).toContainText('the market stays as it was')
  await expect(deribit.getByTestId('market-fetch-deribit-last')).toContainText('failed')
  await expect(page.getByTestId('status-bar')).toContainText(`snapshot: ${snapshot}`)
  await expect(page.getByTestId('dashboard-age-BTC')).toContainText(`BTC market ${btcAsOf.slice(0, 16)} UTC`)
  await failure.scrollIntoViewIfNeeded()
  await page.screenshot(shot('market-fetch-down'))
  await panel.screenshot({ path: 'test-results/screenshots/market-fetch-panel-down.png' })
})

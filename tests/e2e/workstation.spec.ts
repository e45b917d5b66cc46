import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test, expect } from './fixtures'
import { hasSharedData, sharedData } from '../support/shared-data'
import { writeBinanceDaily } from '../support/synthetic-history'

/** The workstation's write of one UI-state key (kept in the book file), to wait on instead of a sleep. */
const savedUiState = (page: import('@playwright/test').Page, key: string, value: unknown) =>
  page.waitForResponse((r) => r.url().endsWith('/setUiState') && JSON.stringify(r.request().postDataJSON()) === JSON.stringify({ key, value }) && r.ok())

const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })

test('the demo book opens with 30+ positions grouped account → underlying → expiry', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1800 })
  await workstation.open(page)
  await expect(page.getByTestId('demo-badge')).toHaveText('DEMO BOOK · sample data')
  await expect(page.getByTestId('position-count')).toHaveText('36 of 36 positions')
  // Tall viewport: every row is rendered, so the DOM can be counted.
  await expect(page.locator('.ag-row.position-row')).toHaveCount(36)
  // Amounts read as columns of figures: right-aligned, shorts in the negative colour.
  const perpContracts = page.locator('.ag-row.position-row[row-id="p:11"] [col-id="sizeContracts"]')
  await expect(perpContracts).toHaveText('−25,000')
  await expect(perpContracts).toHaveCSS('text-align', 'right')
  await expect(perpContracts).toHaveClass(/neg/)
  await expect(page.locator('.ag-row.group-level-0')).toHaveText([/Deribit main · deribit\s*20/, /Derive ETH · derive\s*4/, /OKX portfolio · okx\s*12/])
  await expect(page.getByTestId('status-bar')).toContainText(`book file: ${workstation.bookPath}`)
  await expect(page.getByTestId('status-bar')).toContainText('market as of: 2026-11-20 09:00 UTC')
  await expect(page.getByTestId('engine-state')).toContainText(/engine: \d+ workers?, idle/)
  // The token left the address bar once read.
  expect(page.url()).not.toContain('token=')
  await page.screenshot(shot('positions-demo-book'))
})

test('sorting keeps groups; filters and collapse hide rows; the layout persists across reloads', async ({ page, workstation }) => {
  await workstation.open(page)
  // Each row is rendered once per column container (pinned, centre): keep one per row index.
  const firstRows = () => page.locator('[data-testid="positions-grid"] .ag-row').evaluateAll((rows) =>
    [...new Map(rows.map((r) => [Number(r.getAttribute('row-index')), r.className.includes('group-row') ? 'group' : 'position'])).entries()]
      .sort((a, b) => a[0] - b[0])
      .slice(0, 6)
      .map(([, kind]) => kind)
  )
  await page.locator('.ag-header-cell[col-id="sizeContracts"]').click()
  await expect(page.locator('.ag-header-cell[col-id="sizeContracts"]')).toHaveAttribute('aria-sort', 'ascending')
  expect(await firstRows()).toEqual(['group', 'group', 'group', 'position', 'group', 'position'])

  await page.getByLabel('Filter positions').fill('ETH 25DEC26')
  await expect(page.getByTestId('position-count')).toHaveText('3 of 36 positions')
  // Still sorted by contracts, ascending, inside the one group left.
  await expect(page.locator('.position-row .tree-cell')).toHaveText([
    'ETH-25DEC26-3500-C',
    'ETH-25DEC26-3000-P',
    'ETH-25DEC26'
  ])
  await page.getByLabel('Filter positions').fill('')
  await page.getByRole('button', { name: 'option' }).click()
  await page.getByLabel('Side').selectOption('short')
  await expect(page.getByTestId('position-count')).toHaveText('12 of 36 positions')
  await page.screenshot(shot('positions-filtered-short-options'))
  await page.getByRole('button', { name: 'option' }).click()
  await page.getByLabel('Side').selectOption('all')

  // Collapse the Deribit account with the mouse, then expand it from the keyboard.
  await page.getByRole('button', { name: 'Collapse Deribit main · deribit' }).click()
  await expect(page.locator('.position-row .tree-cell', { hasText: 'BTC-PERPETUAL' })).toHaveCount(0)
  await page.locator('.ag-row.group-level-0 .tree-cell', { hasText: 'Deribit main' }).click()
  await page.keyboard.press('Enter')
  await expect(page.locator('.position-row .tree-cell', { hasText: 'BTC-PERPETUAL' })).toHaveCount(1)

  // Theme and column state survive a reload (kept in the book file, not the browser).
  const themeSaved = savedUiState(page, 'app.theme', 'dark')
  await page.getByRole('button', { name: 'Switch to dark theme' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await themeSaved
  await page.reload()
  await expect(page.locator('.ag-row.position-row').first()).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await expect(page.locator('.ag-header-cell[col-id="sizeContracts"]')).toHaveAttribute('aria-sort', 'ascending')
  await page.screenshot(shot('positions-dark-theme'))
})

test('the engine view runs the worker-pool self-test with progress, and the books view lists the book', async ({ page, workstation }) => {
  await workstation.open(page)
  await page.keyboard.press('Alt+6')
  await expect(page.getByRole('heading', { name: 'Engine' })).toBeVisible()
  await page.getByLabel('Positions').fill('20000')
  await page.getByLabel('Scenarios').fill('1000')
  await page.getByRole('button', { name: 'Run self-test' }).click()
  await expect(page.getByTestId('self-test-progress')).toBeVisible()
  await expect(page.getByTestId('self-test-result')).toContainText('20,000 positions × 1,000 scenarios', { timeout: 30_000 })
  await expect(page.getByTestId('self-test-error')).toHaveText(/^\d\.\d\de[-+]\d+ USD$/)
  const error = Number((await page.getByTestId('self-test-error').textContent())!.replace(' USD', ''))
  expect(error).toBeLessThan(1e-6)
  await expect(page.getByTestId('engine-status')).toContainText('Tasks completed')
  await page.screenshot(shot('engine-self-test'))

  await page.keyboard.press('Alt+4')
  // The trader's live book (empty) and, apart from it, the demo.
  await expect(page.getByTestId('books-grid').locator('.ag-row')).toHaveCount(2)
  await expect(page.getByTestId('books-grid')).toContainText('Demo book (demo)')
  await expect(page.getByTestId('books-grid')).toContainText('Live (yours)')
  await page.screenshot(shot('books'))
})

test('a page without the token explains where to find it and calls nothing', async ({ page, workstation }) => {
  await page.goto(workstation.origin + '/')
  await expect(page.getByRole('alert')).toContainText('This page has no workstation token')
})

test('the market view shows forwards per expiry and a vol smile per expiry, for each underlying', async ({ page, workstation }) => {
  await workstation.open(page)
  await page.keyboard.press('Alt+3')
  await expect(page.getByRole('heading', { name: 'Market', exact: true })).toBeVisible()
  await expect(page.getByTestId('market-snapshot')).toContainText('demo-2026-11-20T09:00Z')
  const forwards = page.getByTestId('forwards-grid')
  await expect(forwards.locator('.ag-row')).toHaveCount(5)
  await expect(forwards.locator('.ag-row[row-index="1"] [col-id="forwardUsd"]')).toHaveText('92,980.00')
  const chart = page.getByTestId('smile-chart')
  await expect(chart.locator('svg')).toBeVisible()
  await expect(chart).toContainText('Implied vol (%)')
  await expect(chart).toContainText('25 Dec 26')
  await page.screenshot(shot('market-btc'))
  await page.getByRole('button', { name: 'ETH', exact: true }).click()
  await expect(forwards.locator('.ag-row')).toHaveCount(4)
  await expect(chart).toContainText('Strike (USD), ETH')
  await page.screenshot(shot('market-eth'))
})

test('positions carry engine values, P&L and Greeks, summed per group', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 3300, height: 1200 }) // AG Grid renders only the columns in view
  await workstation.open(page)
  await expect(page.locator('.position-row [col-id="valuationError"]').first()).toHaveText('ok')
  const btcGroupVega = page.locator('.ag-row[row-id="a:1/u:BTC"] [col-id="vegaUsd"]')
  await expect(btcGroupVega).toHaveText(/^−?[\d,]+\.\d\d$/)
  const perpDelta = page.locator('.ag-row[row-id="p:11"] [col-id="deltaCoin"]')
  await expect(perpDelta).toHaveText('−2.7058 BTC') // −$250,000 / 92,395, as Size (coin)
  await expect(page.locator('.ag-row[row-id="a:1"] [col-id="deltaCoin"]')).toHaveText('')
  // What a trader sees on a normal screen, scrolled to the engine columns.
  await page.setViewportSize({ width: 1600, height: 1000 })
  await page.locator('.ag-body-horizontal-scroll-viewport').evaluate((el) => (el.scrollLeft = 1500))
  await page.waitForTimeout(200)
  await page.screenshot(shot('positions-greeks'))
})

test('drag a statement onto the window: preview with the bad rows highlighted, confirm, positions update', async ({ page, workstation }) => {
  await workstation.open(page)
  const text = readFileSync(resolve(import.meta.dirname, '../fixtures/statements/transaction_log-123456-BTC-2024-03.csv'), 'utf8')
  // What a file dragged from the desktop delivers: a DataTransfer holding a File.
  const dataTransfer = await page.evaluateHandle((content) => {
    const dt = new DataTransfer()
    dt.items.add(new File([content], 'transaction_log-123456-BTC-2024-03.csv', { type: 'text/csv' }))
    return dt
  }, text)
  await page.dispatchEvent('.shell', 'dragover', { dataTransfer })
  await expect(page.locator('.drop-overlay')).toBeVisible()
  await page.dispatchEvent('.shell', 'drop', { dataTransfer })

  const summary = page.getByTestId('import-summary')
  await expect(summary).toContainText('Deribit transaction log (current header)')
  await expect(summary).toContainText('9 new, 0 already in the book')
  await expect(summary).toContainText('2 rejected, 1 skipped, 0 with warnings')
  await expect(page.getByLabel('Account')).toHaveValue('Deribit 123456')
  const rejectedRows = page.getByTestId('import-issues').locator('.ag-row.issue-rejected')
  await expect(rejectedRows).toHaveCount(2)
  await expect(rejectedRows.first()).toContainText("unknown transaction type 'mystery'")
  await expect(page.getByTestId('import-changes').locator('.ag-row')).toHaveCount(4)
  await expect(page.getByTestId('import-confirm')).toBeDisabled()
  await page.screenshot(shot('import-preview'))

  // The cash: the log's last BTC balance against the book's ledger, before → after.
  await expect(page.getByTestId('import-cash').getByTestId('cash-BTC')).toContainText('1.486941')
  await page.getByTestId('import-allow-partial').check()
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 9 trades and 14 cash flows; 4 positions changed; 2 rejected rows left out.')
  // Dropped while the demo was on screen, it landed in the live book, and the workstation shows it.
  await expect(page.getByTestId('demo-badge')).toHaveCount(0)
  await expect(page.getByLabel('Book', { exact: true })).toHaveValue('2')
  await page.getByRole('button', { name: 'Show positions' }).click()
  await expect(page.getByTestId('position-count')).toHaveText('4 of 4 positions')
  await expect(page.locator('.ag-row.group-level-0', { hasText: 'Deribit 123456' })).toBeVisible()
  await expect(page.locator('.position-row .tree-cell', { hasText: 'BTC-FUTURE-X' })).toBeVisible()
  await page.screenshot(shot('import-positions-updated'))
})

test('choose a price-history file: the series preview, its rejected row, a partial import', async ({ page, workstation }) => {
  await workstation.open(page)
  await page.keyboard.press('Alt+5')
  await expect(page.getByTestId('import-drop-hint')).toContainText('Daily price history CSV')
  await page.getByTestId('import-file-input').setInputFiles(resolve(import.meta.dirname, '../fixtures/statements/binance_BTCUSDT_daily_sample.csv'))
  await expect(page.getByTestId('import-summary')).toContainText('Daily price history (BTC/USDT)')
  const series = page.getByTestId('import-series')
  await expect(series.locator('.ag-row')).toHaveCount(1)
  await expect(series.locator('.ag-row')).toContainText('BTC/USDT (binance)')
  await expect(page.getByTestId('import-issues').locator('.ag-row.issue-rejected')).toContainText('close -5 is not a positive price')
  await page.screenshot(shot('import-price-history'))
  await page.getByTestId('import-allow-partial').check()
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 4 rows of market data; 1 rejected rows left out.')
})

test('a CSV no format knows: map its columns, save the preset, import; the preset comes back for the next file', async ({ page, workstation }) => {
  await workstation.open(page)
  await page.keyboard.press('Alt+5')
  const file = resolve(import.meta.dirname, '../fixtures/statements/broker-trades-semicolon.csv')
  await page.getByTestId('import-file-input').setInputFiles(file)
  const mapper = page.getByTestId('column-mapper')
  await expect(mapper).toContainText('No built-in format knows this file')
  // Guessed from the column names and the sample values.
  await expect(page.getByLabel('Column for time')).toHaveValue('Zeit')
  await expect(page.getByLabel('Column for instrument')).toHaveValue('Kontrakt')
  await expect(page.getByLabel('Column for size')).toHaveValue('Menge')
  await expect(page.getByLabel('Decimal comma')).toBeChecked()
  await page.getByLabel('Mapped account').fill('My broker')
  await page.getByLabel('Preset name').fill('My broker')
  await page.getByRole('button', { name: 'Save preset' }).click()
  await page.screenshot(shot('import-column-mapper'))
  await page.getByTestId('mapper-preview').click()
  await expect(page.getByTestId('import-summary')).toContainText('CSV mapped by hand (deribit symbols)')
  await expect(page.getByTestId('import-issues').locator('.ag-row.issue-rejected')).toContainText("'abc' is not a number")
  await page.getByTestId('import-allow-partial').check()
  await page.getByTestId('import-confirm').click()
  await expect(page.getByTestId('import-result')).toContainText('Imported 3 trades')

  await page.getByRole('button', { name: 'Start over' }).click()
  await page.getByTestId('import-file-input').setInputFiles(file)
  await expect(page.getByLabel('Preset name')).toHaveValue('My broker')
  await expect(page.getByLabel('Mapped account')).toHaveValue('My broker')
})

test('the risk dashboard sits above every view; the method selector switches what it shows', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await workstation.open(page)
  const dash = page.getByTestId('risk-dashboard')
  await expect(dash.locator('.pool')).toHaveCount(4)
  // The Derive account is judged by Derive's own replica, and the card says so.
  await expect(page.getByTestId('pool-Derive ETH · USD').getByTestId('pool-method')).toHaveText('Derive PM replica (PMRM_2)')
  const btc = page.getByTestId('pool-Deribit main · BTC')
  await expect(btc).toContainText(/Equity \d+\.\d{4}/)
  await expect(btc).toContainText(/IM \d+\.\d{4}/)
  await expect(btc).toContainText('BTC')
  await expect(page.getByTestId('pool-Deribit main · ETH').getByTestId('liquidation')).toContainText(/liq\. ETH [\d,]+ USD \(\+\d+\.\d %\)/)
  await expect(btc.getByRole('meter')).toHaveAttribute('aria-valuenow', /^\d+$/)
  await page.screenshot({ path: 'test-results/screenshots/risk-dashboard.png', clip: { x: 0, y: 0, width: 1600, height: 200 } })
  const venueIm = await btc.locator('.figures').first().textContent()
  const methodSaved = savedUiState(page, 'risk.method', 'standard')
  await page.getByTestId('method-select').selectOption('standard')
  await expect(btc.locator('.figures').first()).not.toHaveText(venueIm!)
  // OKX has no standard method here: the pool says so instead of showing a number.
  await expect(page.getByTestId('pool-OKX portfolio · USD')).toContainText('IM —')
  await page.keyboard.press('Alt+3')
  await expect(dash).toBeVisible()
  // The choice is kept in the book file.
  await methodSaved
  await page.reload()
  await expect(page.getByTestId('method-select')).toHaveValue('standard')
  await page.getByTestId('method-select').selectOption('venue')
})

test('the risk view compares every method per group; heatmap click drills through to the positions', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1700 })
  await workstation.open(page)
  await page.keyboard.press('Alt+2')
  const comparison = page.getByTestId('margin-comparison')
  // The group column is pinned: keep the centre half of each row (the one with method cells).
  const rows = comparison.locator('.ag-row:has([col-id="standard:im"])')
  await expect(rows).toHaveCount(5)
  const btcRow = rows.nth(0)
  for (const m of ['standard', 'span', 'deribit-pm', 'greeks']) await expect(btcRow.locator(`[col-id="${m}:im"]`)).toHaveText(/^\d+\.\d{4}$/)
  await expect(btcRow.locator('[col-id="okx-pm:im"]')).toHaveText('—')
  await expect(rows.nth(2).locator('[col-id="derive-pm:im"]')).toHaveText(/^[\d,]+$/)
  await expect(rows.nth(3).locator('[col-id="okx-pm:im"]')).toHaveText(/^[\d,]+$/)
  await expect(btcRow.locator('[col-id="saving"]')).toHaveText(/^\d+\.\d{4}$/)
  await expect(page.getByTestId('method-components')).toContainText('approximation')
  await expect(page.getByTestId('determining-scenario')).toContainText(/Determining scenario: (price|extended)/)
  await page.screenshot(shot('risk-comparison-heatmap'))

  // Click the heatmap's top-left cell: price −16 %, vol up.
  const chart = page.getByTestId('risk-heatmap')
  const box = (await chart.boundingBox())!
  const rowsInChart = 9 + 8
  const banner = page.getByTestId('drill-banner')
  // ECharts lays the chart out after its first frame: retry the click until it lands on the cell.
  await expect(async () => {
    await page.mouse.click(box.x + 150 + ((box.width - 170) * 0.5) / 3, box.y + 10 + ((box.height - 70) * 0.5) / rowsInChart)
    await expect(banner).toContainText('price −16.0 %, vol up', { timeout: 1000 })
  }).toPass({ timeout: 10_000 })
  await expect(banner).toContainText('deribit-pm, Deribit main · BTC')
  const scenarioCells = page.locator('.ag-row.position-row [col-id="scenarioPnl"]')
  await expect(scenarioCells.filter({ hasText: /BTC$/ })).toHaveCount(13)
  // The positions' P&L under the scenario add up to the heatmap cell's portfolio P&L.
  const cellSum = (await scenarioCells.filter({ hasText: /BTC$/ }).allTextContents()).reduce((s, t) => s + Number(t.replace(/[^\d.−-]/g, '').replace('−', '-')), 0)
  const total = Number((await banner.textContent())!.match(/total (-?[\d.e+-]+) BTC/)![1])
  expect(cellSum).toBeCloseTo(total, 4)
  await page.screenshot(shot('positions-drill-through'))
  await banner.getByRole('button', { name: 'Clear' }).click()
  await expect(banner).toHaveCount(0)

  await page.keyboard.press('Alt+2')
  await page.getByRole('tab', { name: 'Attribution' }).click()
  const attribution = page.getByTestId('attribution-grid').locator('.ag-row')
  await expect(attribution).toHaveCount(13)
  await expect(attribution.first().locator('[col-id="incremental"]')).toHaveText(/^−?\d+\.\d{6}$/)
  await page.screenshot(shot('risk-attribution'))
})

test('a Derive account: its card names Derive\'s replica; the risk view shows PMRM_2\'s scenarios, contingencies and what is ours', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1500 })
  await workstation.open(page)
  const card = page.getByTestId('pool-Derive ETH · USD')
  await expect(card.getByTestId('pool-method')).toHaveText('Derive PM replica (PMRM_2)')
  await expect(card).toContainText(/IM [\d,]+(\.\d+)? USD|IM [\d,]+/)
  await page.keyboard.press('Alt+2')
  const rows = page.getByTestId('margin-comparison').locator('.ag-row:has([col-id="standard:im"])')
  await rows.nth(2).click()
  await expect(page.getByText('Derive ETH · USD · ETH · Derive PM replica (PMRM_2) · parameters derive-pmrm2-mainnet-2026-01')).toBeVisible()
  const components = page.getByTestId('method-components')
  for (const name of ['worst scenario loss × IM factor', 'perp contingency', 'naked short option contingency', 'oracle confidence contingency (IM)']) await expect(components).toContainText(name)
  // The one figure that is ours (per-position shares of an expiry's P&L) carries the badge.
  await expect(components.locator('dt', { hasText: 'per-position scenario P&L' }).locator('.badge.approx')).toHaveText('approximation')
  await expect(page.getByTestId('determining-scenario')).toContainText(/Determining scenario: spot [+−][\d.]+ %( \(dampened ×[\d.]+\))?, (vol|skew) /)
  await page.screenshot(shot('risk-derive-pm'))
})

test('house add-ons sit beside the methods: comparison columns, their own tab, and the dashboard', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1300 })
  await workstation.open(page)
  await expect(page.getByTestId('pool-Deribit main · BTC').getByTestId('pool-add-ons')).toContainText(/\+ add-ons \d+\.\d{4}/)
  await page.keyboard.press('Alt+2')
  const rows = page.getByTestId('margin-comparison').locator('.ag-row:has([col-id="standard:im"])')
  await expect(rows).toHaveCount(5)
  await expect(rows.nth(0).locator('[col-id="liquidity"]')).toHaveText(/^\d+\.\d{4}$/)
  await expect(rows.nth(2).locator('[col-id="liquidity"]')).toHaveText(/^[\d,]+(\.\d+)?$/)
  await page.getByTestId('tab-add-ons').click()
  await expect(page.getByTestId('add-on-components')).toContainText('liquidity')
  await expect(page.getByTestId('add-on-components')).toContainText('concentration')
  await expect(page.getByTestId('add-on-components')).toContainText('house')
  const byPosition = page.getByTestId('add-ons-grid').locator('.ag-row')
  await expect(byPosition).toHaveCount(13)
  await expect(byPosition.first().locator('[col-id="standalone"]')).toHaveText(/^\d+\.\d{6}$/)
  await page.screenshot(shot('risk-add-ons'))
})

test('margin parameters: an invalid edit is refused naming its field; a valid one is saved, renamed and used; reset restores', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1100 })
  await workstation.open(page)
  const btcPool = page.getByTestId('pool-Deribit main · BTC')
  await expect(btcPool).toContainText(/IM \d+\.\d{4}/)
  const imBefore = await btcPool.locator('.figures').first().textContent()
  await page.keyboard.press('Alt+7')
  await page.getByTestId('params-kind-deribit-pm').click()
  await expect(page.getByTestId('params-active')).toContainText('deribit-pm-2024-06')
  const grid = page.getByTestId('params-grid')
  const rangeCell = grid.locator('[row-id="currencies.BTC.range"] [col-id="value"]')
  await expect(rangeCell).toHaveText('0.16')
  const editTo = async (text: string): Promise<void> => {
    await rangeCell.dblclick()
    const input = grid.locator('.ag-cell-inline-editing input')
    await input.fill(text)
    await input.press('Enter')
  }
  await editTo('-0,2')
  await expect(rangeCell).toHaveText('-0.2')
  await page.getByTestId('params-save').click()
  await expect(page.getByTestId('params-error')).toContainText('invalid margin parameters at deribit-pm.currencies.BTC.range')
  await expect(grid.locator('.error-row').first()).toHaveAttribute('row-id', 'currencies.BTC.range')
  await page.screenshot(shot('parameters-invalid'))

  await editTo('0.24')
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('params-status')).toContainText(/Saved as deribit-pm-2024-06\+edited-/)
  await expect(page.getByTestId('params-kind-deribit-pm')).toContainText('edited')
  await expect(grid.locator('.error-row')).toHaveCount(0)
  await expect(btcPool.locator('.figures').first()).not.toHaveText(imBefore!)
  await page.screenshot(shot('parameters-saved'))
  // The risk view's scenarios follow the edited range, and the results name the edited set.
  await page.keyboard.press('Alt+2')
  await expect(page.getByText(/Deribit PM replica · parameters deribit-pm-2024-06\+edited-/)).toBeVisible()
  await expect(page.getByTestId('scenario-grid')).toContainText(/price [+−]24\.0 %/)

  // Kept in the book file: a reload shows the edited set; reset brings back the shipped one.
  await page.reload()
  await page.keyboard.press('Alt+7')
  await page.getByTestId('params-kind-deribit-pm').click()
  await expect(page.getByTestId('params-active')).toContainText('+edited-')
  await page.getByTestId('params-reset').click()
  await expect(page.getByTestId('params-active')).toContainText(/In use: deribit-pm-2024-06$/)
  await expect(btcPool.locator('.figures').first()).toHaveText(imBefore!)
})

test('statistical risk: import history, VaR with its tail, the stress grid with drill-through, a backtest with its exceptions', async ({ page, workstation }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1600, height: 1400 })
  await workstation.open(page)
  // First contact, before any history is imported: the run says what to import instead of failing quietly.
  await page.keyboard.press('Alt+8')
  await page.getByRole('button', { name: 'Run VaR' }).click()
  await expect(page.getByTestId('var-error')).toContainText('no daily price history for BTC: import one (Import view')
  await page.screenshot(shot('statistics-no-history'))
  // The shared Yahoo and DVOL history when this machine has it; else files this test writes in Binance's format.
  const shared = ['prices/yahoo_BTC-USD_daily.csv', 'prices/yahoo_ETH-USD_daily.csv', 'options/deribit_dvol_btc_daily.csv', 'options/deribit_dvol_eth_daily.csv']
  let files = shared.map(sharedData)
  if (!shared.every(hasSharedData)) {
    console.log('statistical-risk e2e: ../shared/data history missing; using synthetic Binance-format files')
    const dir = mkdtempSync(join(tmpdir(), 'marginal-e2e-history-'))
    files = [writeBinanceDaily(dir, 'BTCUSDT', { days: 900, lastDay: '2026-11-19', lastClose: 92_000, dailyVol: 0.03, seed: 3 }), writeBinanceDaily(dir, 'ETHUSDT', { days: 900, lastDay: '2026-11-19', lastClose: 3_050, dailyVol: 0.04, seed: 4 })]
  }
  await page.keyboard.press('Alt+5')
  for (const f of files) {
    await page.getByTestId('import-file-input').setInputFiles(f)
    await page.getByTestId('import-confirm').click()
    await expect(page.getByTestId('import-result')).toContainText('Imported')
  }

  await page.keyboard.press('Alt+8')
  await page.getByRole('button', { name: 'Run VaR' }).click()
  const levels = page.getByTestId('var-levels')
  await expect(levels.locator('tbody tr')).toHaveCount(2)
  await expect(levels.locator('tbody tr').first()).toContainText('99.0 %')
  await expect(page.getByTestId('var-histogram').locator('svg')).toBeVisible()
  await expect(page.getByTestId('var-components').locator('.ag-row')).not.toHaveCount(0)
  await page.screenshot(shot('statistics-var'))
  await page.locator('select[name="var-method"]').selectOption('monte-carlo')
  await page.locator('input[name="var-simulations"]').fill('20000')
  await page.keyboard.press('Control+Enter')
  await expect(levels).toContainText('±')
  await page.screenshot(shot('statistics-var-monte-carlo'))

  await page.getByTestId('stat-tab-stress').click()
  const grid = page.getByTestId('stress-grid')
  await expect(grid.locator('.ag-row').first()).toBeVisible()
  const pnls = await grid.locator('.ag-row').evaluateAll((rows) =>
    rows
      .filter((r) => r.querySelector('[col-id="pnl"]'))
      .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
      .map((r) => r.querySelector('[col-id="pnl"]')!.textContent ?? '')
  )
  const values = pnls.map((t) => Number(t.replace(/,/g, '').replace('−', '-')))
  expect(values.length).toBeGreaterThan(10)
  expect(values).toEqual([...values].sort((a, b) => a - b))
  await grid.locator('.ag-row', { hasText: 'Crash −30 %' }).first().click()
  await expect(page.getByTestId('stress-drill-title')).toContainText('Crash −30 %, vols × 1.5: P&L by position (USD)')
  await expect(page.getByTestId('stress-drill').locator('.ag-row')).not.toHaveCount(0)
  await page.screenshot(shot('statistics-stress'))

  await page.getByTestId('stat-tab-backtest').click()
  await page.getByRole('button', { name: 'Run backtest' }).click()
  await expect(page.getByTestId('backtest-exceptions')).toContainText(/^\d+ of [\d,]+ \(expected/)
  await expect(page.getByTestId('backtest-zones')).toContainText(/\d+ green · \d+ yellow · \d+ red/)
  await expect(page.getByTestId('backtest-zone-rule')).toContainText(/^green 0–4, yellow 5–9, red 10 or more exceptions in 250 days at 99 % \(Basel's rule/)
  await expect(page.getByTestId('backtest-chart').locator('svg')).toBeVisible()
  await page.screenshot(shot('statistics-backtest'))
  await page.locator('select[name="backtest-method"]').selectOption('deribit-pm')
  await page.getByRole('button', { name: 'Run backtest' }).click()
  await expect(page.getByTestId('backtest-summary')).toContainText('Deribit portfolio margin (replica)')
  await expect(page.getByTestId('backtest-summary')).toContainText('does not margin okx')
  await page.screenshot(shot('statistics-backtest-deribit-pm'))
})

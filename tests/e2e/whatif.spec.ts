/**
 * What-if books and the P&L explorer in a real browser against the real browser host:
 * - copy the demo book, short a call via the ticket with its pre-trade margin, confirm, compare
 *   with the live book, and read the live book back from the book file (unchanged);
 * - a calendar spread in the explorer with the date slider past the first expiry: the expired leg
 *   at its payoff, the figure checked against Black-76 computed here;
 * - a 500-position book: slider drags redraw on every move (work per frame printed; speed is not asserted);
 * - the scenario editor, the Greeks grid and the command palette.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test, expect } from './fixtures'
import { black76PriceUsd, yearsBetween } from '../../src-main/engine/pricing/black76'

const ROOT = resolve(import.meta.dirname, '../..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })

/** The live book's positions as the CLI reads them from the book file (another process). */
function livePositionsOnDisk(bookPath: string): unknown {
  const r = spawnSync(NODE, [join(ROOT, 'out/main/cli.js'), 'positions', '--book', bookPath, '--json'], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

async function call(ws: { origin: string; token: string }, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${ws.origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': ws.token }, body: JSON.stringify(body) })
  const json = await res.json()
  if (!json.ok) throw new Error(`${method}: ${json.error.message}`)
  return json.value
}

test('what-if: copy the demo book, short a call via the ticket with its pre-trade margin, compare; the live book is untouched on disk', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1100 })
  await workstation.open(page)
  const liveBefore = livePositionsOnDisk(workstation.bookPath)

  await page.keyboard.press('Alt+4')
  await page.getByTestId('books-grid').getByText('Demo book (demo)').click()
  await page.getByLabel('Book name').fill('Short call idea')
  await page.getByTestId('copy-book').click()
  await expect(page.getByTestId('whatif-badge')).toBeVisible()
  await expect(page.getByTestId('shell')).toHaveClass(/whatif-frame/)
  await expect(page.getByLabel('Book', { exact: true })).toHaveValue(/\d+/)
  await expect(page.getByTestId('position-count')).toHaveText('36 of 36 positions')

  await page.keyboard.press('F9')
  const ticket = page.getByTestId('trade-ticket')
  await expect(ticket).toBeVisible()
  await expect(ticket.getByLabel('Account')).toHaveValue(/\d+/)
  // Picked from the chain: the 29 Jan 2027 expiry's strike ladder, the 110,000 call.
  await ticket.getByLabel('Chain expiry').selectOption({ label: '2027-01-29' })
  await ticket.getByRole('button', { name: 'BTC-29JAN27-110000-C' }).click()
  await expect(ticket.getByLabel('Instrument')).toHaveValue('BTC-29JAN27-110000-C')
  await ticket.getByText('Sell', { exact: true }).click()
  await ticket.getByLabel('Contracts').fill('2.04')
  await expect(ticket.getByTestId('ticket-instrument')).toContainText('strike 110,000 USD')
  await expect(ticket.getByTestId('ticket-fill')).toContainText('Sell 2.00 BTC-29JAN27-110000-C')
  await expect(ticket.getByTestId('ticket-fill')).toContainText('rounded from 2.04 to the lot of 0.1')
  await expect(ticket.getByTestId('ticket-cash')).toContainText(/^receive 0\.\d{4} BTC \([\d,]+ USD\)$/)
  // Pre-trade: a naked short call adds Deribit PM margin in the BTC pool; the OKX account is untouched.
  const pmChange = ticket.getByTestId('diff-Deribit main · BTC-deribit-pm').locator('[data-col="im-change"]')
  await expect(pmChange).toHaveText(/^\+0\.\d{4}$/)
  await expect(pmChange).toHaveClass(/up/)
  await expect(ticket.getByTestId('diff-OKX portfolio · USD · BTC-okx-pm').locator('[data-col="im-change"]')).toHaveText('0')
  await expect(ticket.getByTestId('util-Deribit main · BTC-deribit-pm')).toContainText('pts')
  const preTradeChange = (await pmChange.textContent())!
  await page.screenshot(shot('whatif-ticket-pre-trade'))
  await ticket.getByLabel('Contracts').press('Enter')
  await expect(ticket).toBeHidden()
  await expect(page.locator('.ag-row.position-row', { hasText: 'BTC-29JAN27-110000-C' }).locator('[col-id="sizeContracts"]')).toHaveText('−5')
  await page.screenshot(shot('whatif-positions-after-trade'))

  await page.keyboard.press('Alt+0')
  const cmp = page.getByTestId('margin-diff')
  await expect(cmp.getByTestId('diff-Deribit main · BTC-deribit-pm').locator('[data-col="im-change"]')).toHaveText(preTradeChange)
  await expect(page.getByTestId('greeks-diff')).toContainText('Vega (USD per vol pt)')
  await expect(page.getByTestId('stress-diff').locator('tbody tr').first()).toBeVisible()
  await page.screenshot(shot('whatif-compare'))

  // The live book in the file, read by another process: exactly as before.
  expect(livePositionsOnDisk(workstation.bookPath)).toEqual(liveBefore)
  // Saved, and reopened: a reload comes back to the what-if book, still framed; Alt+B reaches the switcher.
  await page.reload()
  await expect(page.getByTestId('whatif-badge')).toBeVisible()
  await page.keyboard.press('Alt+b')
  await expect(page.getByLabel('Book', { exact: true })).toBeFocused()

  // Resize and close from the positions grid: double-click opens the ticket to trade the position away.
  await page.keyboard.press('Alt+1')
  // On the pinned Instrument cell: a double-click on the row's middle focuses whichever column lies
  // there, and ag-grid scrolls that column into view, taking Contracts out of the rendered columns.
  await page.locator('.ag-row.position-row', { hasText: 'BTC-PERPETUAL' }).first().locator('[col-id="position"]').dblclick()
  await expect(ticket.getByLabel('Instrument')).toHaveValue('BTC-PERPETUAL')
  await expect(ticket.getByLabel('Contracts')).toHaveValue('25000')
  await expect(ticket.getByTestId('ticket-fill')).toContainText('Buy 25,000.00 BTC-PERPETUAL')
  await expect(ticket.getByTestId('ticket-cash')).toContainText(/^realises [+−]0\.\d{4} BTC \(−?[\d,]+ USD\) of P&L into the balance/)
  await ticket.getByTestId('ticket-confirm').click()
  await expect(page.getByTestId('position-count')).toHaveText('35 of 35 positions')
  await page.getByLabel('Scale factor').fill('2')
  await page.getByTestId('scale-book').click()
  await expect(page.locator('.ag-row.position-row', { hasText: 'BTC-29JAN27-110000-C' }).locator('[col-id="sizeContracts"]')).toHaveText('−10')
  expect(livePositionsOnDisk(workstation.bookPath)).toEqual(liveBefore)

  // The command palette reaches book switching: back to the live book, frame gone.
  await page.keyboard.press('Control+k')
  await page.getByTestId('command-palette').getByLabel('Command').fill('switch demo')
  await page.screenshot(shot('whatif-command-palette'))
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('shell')).not.toHaveClass(/whatif-frame/)
  await expect(page.getByTestId('demo-badge')).toBeVisible()
})

test('P&L explorer: a calendar spread past its first expiry shows the short leg at its payoff', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1200 })
  await workstation.open(page)
  // A blank what-if book holding one calendar: short the 27 Nov 95,000 call, long the 25 Dec one.
  const live = (await call(workstation, 'listBooks', {})).find((b: { kind: string }) => b.kind === 'demo')
  const blank = await call(workstation, 'copyBook', { bookId: live.id, name: 'Calendar', blank: true })
  const { accounts } = await call(workstation, 'tradeInstruments', { bookId: blank.id })
  const deribit = accounts.find((a: { name: string }) => a.name === 'Deribit main').id
  await call(workstation, 'applyTrades', { bookId: blank.id, tickets: [
    { accountId: deribit, symbol: 'BTC-27NOV26-95000-C', side: 'sell', sizeContracts: 1 },
    { accountId: deribit, symbol: 'BTC-25DEC26-95000-C', side: 'buy', sizeContracts: 1 }
  ] })
  await page.reload()
  await page.getByLabel('Book', { exact: true }).selectOption(String(blank.id))
  await page.keyboard.press('Alt+9')
  await expect(page.getByTestId('explorer-legs').locator('tbody tr')).toHaveCount(2)
  await expect(page.getByTestId('leg-BTC-27NOV26-95000-C')).toContainText('live, 7.0 d left')
  await page.screenshot(shot('explorer-calendar-now'))

  await page.getByRole('button', { name: /^exp 1/ }).click()
  await expect(page.getByTestId('explorer-days')).toHaveText('7')
  await expect(page.getByTestId('leg-BTC-27NOV26-95000-C')).toContainText('expired: at payoff')
  await expect(page.getByTestId('leg-BTC-25DEC26-95000-C')).toContainText('live, 28.0 d left')

  // Independent figure: at today's index, T+7 d, the Nov call settled at max(F − K, 0) = 0 (F = 92,470),
  // the Dec call by Black-76 on its own mark IV with 7 days less; coin P&L at the index.
  const demo = JSON.parse(readFileSync(join(ROOT, 'resources/demo-book.json'), 'utf8'))
  const asOf = Date.parse(demo.market.asOfUtc)
  const index = demo.market.indexUsd.BTC
  const leg = (symbol: string, expiry: string) => {
    const f = demo.market.forwardsUsd.BTC[expiry]
    const vol = demo.market.optionMarkIvPct[`deribit:${symbol}`] / 100
    const t = yearsBetween(asOf, Date.parse(expiry))
    return { f, vol, t, base: black76PriceUsd({ forwardUsd: f, strikeUsd: 95000, years: t, vol, optionType: 'call' }) / f }
  }
  const nov = leg('BTC-27NOV26-95000-C', '2026-11-27T08:00:00.000Z')
  const dec = leg('BTC-25DEC26-95000-C', '2026-12-25T08:00:00.000Z')
  const decAt7 = black76PriceUsd({ forwardUsd: dec.f, strikeUsd: 95000, years: dec.t - 7 / 365, vol: dec.vol, optionType: 'call' }) / dec.f
  const expected = (-1 * (Math.max(nov.f - 95000, 0) / nov.f - nov.base) + (decAt7 - dec.base)) * index
  const shown = Number((await page.getByTestId('pnl-at-index').textContent())!.replace(/[^\d.−-]/g, '').replace('−', '-'))
  expect(Math.abs(shown - expected)).toBeLessThanOrEqual(0.5)
  // The expired leg is frozen: a vol shift moves only the Dec leg (by its vega), never the settled call.
  await page.getByTestId('vol-slider').fill('10')
  await expect(page.getByTestId('explorer-vol')).toHaveText('+10')
  const decAt7Up = black76PriceUsd({ forwardUsd: dec.f, strikeUsd: 95000, years: dec.t - 7 / 365, vol: dec.vol + 0.1, optionType: 'call' }) / dec.f
  const expectedUp = (-1 * (Math.max(nov.f - 95000, 0) / nov.f - nov.base) + (decAt7Up - dec.base)) * index
  await expect.poll(async () => Number((await page.getByTestId('pnl-at-index').textContent())!.replace(/[^\d.−-]/g, '').replace('−', '-'))).toBeCloseTo(expectedUp, 0)
  await expect(page.getByTestId('breakevens')).toContainText('USD')
  await page.screenshot(shot('explorer-calendar-with-live-book'))
  // The blank copy's parent is the whole live book: hide it to see the calendar's own scale.
  await page.getByLabel('Show the live book').uncheck()
  await page.screenshot(shot('explorer-calendar-past-first-expiry'))
})

test('P&L explorer on a 500-position book: real slider drags redraw the chart on every move', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1100 })
  await workstation.open(page)
  const live = (await call(workstation, 'listBooks', {})).find((b: { kind: string }) => b.kind === 'demo')
  const book = await call(workstation, 'copyBook', { bookId: live.id, name: 'Big options book', blank: true })
  const { accounts } = await call(workstation, 'tradeInstruments', { bookId: book.id })
  const deribit = accounts.find((a: { name: string }) => a.name === 'Deribit main').id
  // 500 distinct Deribit BTC options: 50 strikes × 5 expiries × call/put, sizes varying in sign.
  const expiries = ['27NOV26', '25DEC26', '29JAN27', '26MAR27', '25JUN27']
  const tickets = []
  for (let k = 0; k < 50; k++) for (const e of expiries) for (const cp of ['C', 'P']) {
    tickets.push({ accountId: deribit, symbol: `BTC-${e}-${60000 + k * 1500}-${cp}`, side: (k + cp.length) % 3 ? 'buy' : 'sell', sizeContracts: 0.1 * (1 + (k % 7)) })
  }
  expect(tickets).toHaveLength(500)
  await call(workstation, 'applyTrades', { bookId: book.id, tickets })
  await page.reload()
  await page.getByLabel('Book', { exact: true }).selectOption(String(book.id))
  await page.keyboard.press('Alt+9')
  // 500 legs read as one row per expiry.
  await expect(page.getByTestId('explorer-legs').locator('tbody tr')).toHaveCount(5)
  await expect(page.getByTestId('explorer-legs')).toContainText('100 legs expiring 2026-11-27')

  await expect(page.getByTestId('redraw-ms')).not.toHaveText('—')
  // Real drags with the mouse across both sliders, many input events each.
  for (const id of ['date-slider', 'vol-slider']) {
    await page.getByTestId(id).scrollIntoViewIfNeeded()
    const box = (await page.getByTestId(id).boundingBox())!
    await page.mouse.move(box.x + 4, box.y + box.height / 2)
    await page.mouse.down()
    for (let s = 1; s <= 40; s++) {
      await page.mouse.move(box.x + 4 + ((box.width - 8) * s) / 40, box.y + box.height / 2)
      await page.waitForTimeout(20)
    }
    await page.mouse.up()
    // The drag really moved the slider to its far end.
    await expect(page.getByTestId(id === 'date-slider' ? 'explorer-days' : 'explorer-vol')).toHaveText(id === 'date-slider' ? '217' : '+30')
  }
  const text = (await page.getByTestId('redraw-ms').textContent())!
  const m = /median ([\d.]+) ms of (\d+)/.exec(text)!
  const median = Number(m[1])
  console.log(`explorer redraw work per frame, 500 positions × 101 prices (1 kernel sweep per date move, 3 per vol move): ${text}`)
  // Redraws happened and were timed; how fast is printed above (budget one 60 Hz frame, 16.7 ms),
  // never asserted: a loaded machine misses a frame budget without a bug. Kernel speed: npm run bench (g).
  expect(Number(m[2])).toBeGreaterThanOrEqual(40)
  expect(Number.isFinite(median)).toBe(true)
  await expect(page.getByTestId('explorer-legs')).toContainText('expired: at payoff')
  await page.screenshot(shot('explorer-500-positions'))
})

test('scenario editor: a named scenario runs, saves, and applies to the positions grid; Greeks by expiry and strike', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1500, height: 1100 })
  await workstation.open(page)
  await page.keyboard.press('Alt+9')
  await page.getByTestId('explorer-tab-greeks').click()
  await expect(page.getByTestId('greeks-grid').locator('.ag-row').first()).toBeVisible()
  await expect(page.getByTestId('greeks-grid')).toContainText('2026-11-27')
  await page.screenshot(shot('explorer-greeks'))

  await page.getByTestId('explorer-tab-scenario').click()
  await page.getByLabel('BTC price amount').fill('-15')
  await page.getByLabel('BTC vol amount').fill('20')
  await page.getByLabel('BTC term response').check()
  await page.getByLabel('ETH price mode').selectOption('value')
  await page.getByLabel('ETH price amount').fill('2500')
  await page.getByLabel('Scenario days').fill('8')
  await page.getByTestId('run-scenario').click()
  await expect(page.getByTestId('scenario-total')).toContainText('USD')
  await expect(page.getByTestId('scenario-results')).toContainText('expired by the date: at payoff')
  await page.getByLabel('Scenario name').fill('Crash with vol spike')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('button', { name: 'Crash with vol spike', exact: true })).toBeVisible()
  await page.screenshot(shot('explorer-scenario-editor'))
  const total = (await page.getByTestId('scenario-total').textContent())!.match(/(−?[\d,]+) USD/)![1]!
  await page.getByTestId('apply-scenario').click()
  await expect(page.getByTestId('scenario-banner')).toContainText('Crash with vol spike')
  await expect(page.getByTestId('scenario-banner')).toContainText(`total ${total.replace('−', '-')} USD`)
  await expect(page.locator('.ag-header-cell[col-id="scenarioPnl"]')).toBeVisible()
  await page.screenshot(shot('positions-under-scenario'))
})

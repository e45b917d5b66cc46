/**
 * Delta hedges and Greek targets on the demo book: the delta hedge leaves less than half a lot of
 * delta (recomputed by the positions' own valuation); the Greek-target LP reaches its bands at a
 * cost no brute-force grid beats.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { valuePosition } from '../../src-main/engine/valuation/position-valuation'
import { greekLpText, greeksWith, readGreekSolution, type GreekCandidate } from '../../src-main/engine/hedge/greek-lp'
import { greekHedge } from '../../src-main/services/hedge/greek-service'
import { greeksByUnderlying } from '../../src-main/services/whatif/book-diff'
import { solveLp } from '../../src-main/services/hedge/lp-solver'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-greeks-')), 'book.sqlite'))
const liveId = listBooks(book.db).find((b) => b.kind === 'demo')!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const held = listHeldPositions(book.db, liveId)
const deribit = held.filter((h) => h.accountName === 'Deribit main')

describe('delta hedge', () => {
  it('with the perpetual: delta within half a lot of zero, recomputed from the positions', async () => {
    const r = await greekHedge(book.db, held, view, { account: 'Deribit main', underlying: 'BTC', mode: 'delta' })
    expect(r.trades).toHaveLength(1)
    expect(r.trades[0]!.instrument.symbol).toBe('BTC-PERPETUAL')
    const perContract = valuePosition(r.trades[0]!.instrument, 1, null, view).deltaCoin
    const after = greeksByUnderlying([...deribit, { ...deribit[0]!, positionId: -1, instrument: r.trades[0]!.instrument, sizeContracts: r.trades[0]!.contracts, avgPrice: null }], view).find((g) => g.underlying === 'BTC')!
    expect(after.deltaCoin).toBeCloseTo(r.after.delta, 9)
    expect(Math.abs(after.deltaCoin)).toBeLessThanOrEqual(Math.abs(perContract) / 2 + 1e-12)
    expect(Math.abs(r.before.delta)).toBeGreaterThan(1)
  })

  it('with a chosen future, and refuses an instrument of another underlying', async () => {
    const r = await greekHedge(book.db, held, view, { account: 'Deribit main', underlying: 'ETH', mode: 'delta', instrument: 'ETH-25DEC26' })
    expect(r.trades[0]!.instrument.symbol).toBe('ETH-25DEC26')
    expect(Math.abs(r.after.delta)).toBeLessThan(Math.abs(valuePosition(r.trades[0]!.instrument, 1, null, view).deltaCoin))
    await expect(greekHedge(book.db, held, view, { account: 'Deribit main', underlying: 'ETH', mode: 'delta', instrument: 'BTC-PERPETUAL' })).rejects.toThrow(/not a tradable ETH instrument/)
  })
})

describe('Greek targets', () => {
  it('the LP cost equals a brute-force grid over two candidates within the grid resolution', async () => {
    const bookGreeks = { delta: -2.8, gamma: -0.27, vega: 1670 }
    const mk = (symbol: string, lot: number, bound: number, costUsd: number): GreekCandidate & { lot: number } => {
      const v = valuePosition(parseSymbol('deribit', symbol), 1, null, view)
      return { id: symbol, perContract: { delta: v.deltaCoin, gamma: v.gammaCoinPer1Pct, vega: v.vegaUsdPerPoint }, costUsd, minContracts: -bound, maxContracts: bound, lot }
    }
    const cands = [mk('BTC-PERPETUAL', 1, 200_000, 0.5), mk('BTC-25DEC26-95000-C', 0.1, 30, 40)]
    const bands = { delta: [-0.5, 0.5] as [number, number], vega: [-300, 300] as [number, number] }
    const x = readGreekSolution(cands, (await solveLp(greekLpText(bookGreeks, cands, bands))).columns)
    const g = greeksWith(bookGreeks, cands, x)
    expect(g.delta).toBeGreaterThanOrEqual(-0.5 - 1e-6)
    expect(g.delta).toBeLessThanOrEqual(0.5 + 1e-6)
    expect(Math.abs(g.vega)).toBeLessThanOrEqual(300 + 1e-6)
    const lpCost = x.reduce((s, xi, i) => s + Math.abs(xi) * cands[i]!.costUsd, 0)
    // Brute force: the option on its lot grid, the perpetual solved for the delta band at each (1-D, exact).
    let best = Infinity
    const [perp, call] = cands as [GreekCandidate & { lot: number }, GreekCandidate & { lot: number }]
    for (let k = -300; k <= 300; k++) {
      const xc = k * call.lot
      const vega = bookGreeks.vega + xc * call.perContract.vega
      if (Math.abs(vega) > 300) continue
      const d = bookGreeks.delta + xc * call.perContract.delta
      // Cheapest perpetual size bringing delta into the band: none if already inside, else to the nearer edge.
      const need = d > 0.5 ? (0.5 - d) / perp.perContract.delta : d < -0.5 ? (-0.5 - d) / perp.perContract.delta : 0
      best = Math.min(best, Math.abs(xc) * call.costUsd + Math.abs(need) * perp.costUsd)
    }
    expect(lpCost).toBeLessThanOrEqual(best + 1e-6)
    expect(best - lpCost).toBeLessThanOrEqual(call.lot * (call.costUsd + perp.costUsd * Math.abs(call.perContract.delta / perp.perContract.delta)))
  })

  it('the service brings the demo Deribit BTC book into delta and vega bands, in lots', async () => {
    const r = await greekHedge(book.db, held, view, { account: 'Deribit main', underlying: 'BTC', mode: 'targets', bands: { delta: [-0.5, 0.5], vega: [-500, 500] } })
    expect(r.trades.length).toBeGreaterThan(0)
    expect(Math.abs(r.after.delta)).toBeLessThanOrEqual(0.5 + 0.05)
    expect(Math.abs(r.after.vega)).toBeLessThanOrEqual(500 + 60)
    await expect(greekHedge(book.db, held, view, { account: 'Deribit main', underlying: 'BTC', mode: 'targets', bands: { delta: [1, 0] } })).rejects.toThrow(/band \[1, 0\] is empty/)
  })
})

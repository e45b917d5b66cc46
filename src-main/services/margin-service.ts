/**
 * Margin of a book by every method implemented so far, per account and settlement currency:
 * Deribit standard (isolated), the Deribit portfolio-margin replica, and Greeks-based margin on
 * the same grid, for Deribit accounts.
 * Positions whose venue has no method yet are listed, not silently dropped.
 */
import deribitPmParams from '../../resources/params/deribit-pm-2024-06.json'
import deribitStandardParams from '../../resources/params/deribit-standard-2024.json'
import type { HeldPosition } from '../book/positions-repository'
import { isPriced, instrumentKey, type Instrument } from '../engine/instruments/instrument'
import type { MarketView } from '../engine/market/market-view'
import { underlyingPriceFor, volFor } from '../engine/market/market-view'
import { deribitPmMargin, type DeribitPmParams, type PmPosition } from '../engine/margin/deribit-pm'
import { greeksMargin } from '../engine/margin/greeks-margin'
import { standardFutureMargin, standardOptionMargin } from '../engine/margin/standard'
import type { MarginMethod, MarginResult } from '../engine/margin/margin-result'

export interface AccountMargin {
  account: string
  venue: string
  currency: string
  results: MarginResult[]
}

export interface BookMargin {
  accounts: AccountMargin[]
  /** Positions no implemented method covers yet, with the reason. */
  notCovered: { account: string; symbol: string; reason: string }[]
}

/** Size in coin of an inverse position: USD contracts at the instrument's own price, coin contracts as they are. */
const sizeCoin = (i: Instrument, contracts: number, priceUsd: number): number =>
  i.contractUnit === 'usd' ? (contracts * i.contractSize) / priceUsd : contracts * i.contractSize

function standardResult(positions: { i: Instrument; size: number }[], view: MarketView, currency: string): MarginResult {
  const attribution = new Float64Array(positions.length)
  const mm = new Float64Array(positions.length)
  positions.forEach(({ i, size }, r) => {
    const price = underlyingPriceFor(view, i)
    const q = sizeCoin(i, size, price)
    if (i.kind === 'option') {
      const mark = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]?.price
      const index = view.curves.get(i.underlying)!.indexUsd
      const m = standardOptionMargin({ optionType: i.optionType!, strikeUsd: i.strikeUsd!, underlyingUsd: index, markCoin: mark ?? 0, sizeCoin: q }, deribitStandardParams)
      attribution[r] = m.im
      mm[r] = m.mm
    } else {
      // Inverse futures are margined in coin: the USD requirement at the position's own price.
      const m = standardFutureMargin({ underlying: i.underlying, sizeCoin: q, priceUsd: price }, deribitStandardParams)
      attribution[r] = m.im / price
      mm[r] = m.mm / price
    }
  })
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0)
  return {
    method: 'standard',
    currency,
    initialMargin: sum(attribution),
    maintenanceMargin: sum(mm),
    components: [{ name: 'sum of isolated position margins', amount: sum(attribution), published: true }],
    determiningScenario: null,
    scenarioPnl: null,
    scenarioLabels: [],
    attribution,
    paramsId: deribitStandardParams.id,
    marketId: view.snapshot.id
  }
}

export interface MarginOptions {
  /** Methods to compute (default: every method). */
  methods?: readonly MarginMethod[]
  /** A user parameter document (same shape as the files in resources/params) overriding the defaults. */
  params?: unknown
}

export function bookMargin(held: readonly HeldPosition[], view: MarketView, options: MarginOptions = {}): BookMargin {
  void options
  const notCovered: BookMargin['notCovered'] = []
  const groups = new Map<string, { account: string; venue: string; currency: string; positions: { i: Instrument; size: number }[] }>()
  for (const p of held) {
    const i = p.instrument
    if (!isPriced(i)) {
      notCovered.push({ account: p.accountName, symbol: i.symbol, reason: `not priced: ${i.parseError}` })
      continue
    }
    if (p.venue !== 'deribit' || i.settlement !== 'inverse') {
      notCovered.push({ account: p.accountName, symbol: i.symbol, reason: `no ${p.venue} ${i.settlement} margin method yet` })
      continue
    }
    const key = `${p.accountName}\u0000${i.settleCurrency}`
    const g = groups.get(key) ?? { account: p.accountName, venue: p.venue, currency: i.settleCurrency, positions: [] }
    g.positions.push({ i, size: p.sizeContracts })
    groups.set(key, g)
  }
  const accounts: AccountMargin[] = []
  for (const g of groups.values()) {
    const params = (deribitPmParams.currencies as Record<string, DeribitPmParams>)[g.currency]
    const results = [standardResult(g.positions, view, g.currency)]
    if (params) {
      const pm: PmPosition[] = g.positions.map(({ i, size }) => {
        const price = underlyingPriceFor(view, i)
        const q = sizeCoin(i, size, price)
        return i.kind === 'option'
          ? { kind: 'option', sizeCoin: q, forwardUsd: price, strikeUsd: i.strikeUsd!, expiryMs: i.expiryMs!, vol: volFor(view, i, price), optionType: i.optionType! }
          : { kind: i.kind === 'future' ? 'future' : 'perpetual', sizeCoin: q, markUsd: price, expiryMs: i.expiryMs }
      })
      const pmCtx = { currency: g.currency, asOfMs: view.snapshot.asOfMs, params, paramsId: deribitPmParams.id, marketId: view.snapshot.id }
      results.push(deribitPmMargin(pm, pmCtx), greeksMargin(pm, pmCtx))
    }
    accounts.push({ account: g.account, venue: g.venue, currency: g.currency, results })
  }
  return { accounts, notCovered }
}

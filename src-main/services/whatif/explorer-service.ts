/**
 * What the P&L explorer, the Greeks grid and the scenario editor read from a book:
 * - the profile model (engine/profile/profile-book.ts) of the book and, for a what-if book, of its
 *   parent, as JSON the renderer's explorer sweeps on every slider move;
 * - Greeks per underlying, expiry and strike, with vega term-normalised to 30 days;
 * - a scenario from the editor, valued per position.
 */
import type { HeldPosition } from '../../book/positions-repository'
import type { MarketView } from '../../engine/market/market-view'
import { buildProfileBook, type ProfileBook } from '../../engine/profile/profile-book'
import { customScenarioPnl, TERM_REF_DAYS, type CustomScenario } from '../../engine/profile/custom-scenario'
import { valuePosition } from '../../engine/valuation/position-valuation'
import { valuedPositions } from '../var-service'
import { InvalidDocumentError } from '../errors'

type NotCovered = { account: string; symbol: string; reason: string }[]

export function profileModel(held: readonly HeldPosition[], view: MarketView): { book: ProfileBook; notCovered: NotCovered } {
  const { valued, notCovered } = valuedPositions(held, view)
  return { book: buildProfileBook(valued.map((p) => ({ instrument: p.instrument, sizeContracts: p.sizeContracts, account: p.accountName, positionId: p.positionId })), view), notCovered }
}

/** Typed arrays to plain arrays for the contract. */
export function profileJson(b: ProfileBook) {
  const a = b.arrays
  return {
    ...b,
    arrays: {
      count: a.count,
      currencies: a.currencies,
      kind: Array.from(a.kind),
      underlyingIndex: Array.from(a.underlyingIndex),
      currencyIndex: Array.from(a.currencyIndex),
      units: Array.from(a.units),
      forward: Array.from(a.forward),
      strike: Array.from(a.strike),
      years: Array.from(a.years),
      vol: Array.from(a.vol),
      isCall: Array.from(a.isCall),
      baseValue: Array.from(a.baseValue),
      volSkewUp: Array.from(a.volSkewUp),
      volSkewDown: Array.from(a.volSkewDown)
    }
  }
}

/**
 * Vega normalised to a 30-day tenor, vega × √(30 / days): implied vols of short expiries move
 * more than long ones (roughly with 1/√T), so raw vegas of different expiries do not add up to one
 * exposure. The square-root weighting is the desk convention (e.g. "weighted vega" in Sinclair,
 * Volatility Trading, ch. 9).
 */
export const VEGA_REF_DAYS = TERM_REF_DAYS

export function greeksGrid(held: readonly HeldPosition[], view: MarketView) {
  const { valued, notCovered } = valuedPositions(held, view)
  type Row = { underlying: string; expiryMs: number | null; daysToExpiry: number | null; strikeUsd: number | null; positions: number; deltaCoin: number; gammaCoinPer1Pct: number; vegaUsdPerPoint: number; vegaNormalisedUsdPerPoint: number; thetaUsdPerDay: number }
  const rows = new Map<string, Row>()
  for (const p of valued) {
    const i = p.instrument
    let v
    try {
      v = valuePosition(i, p.sizeContracts, p.avgPrice, view)
    } catch (e) {
      notCovered.push({ account: p.accountName, symbol: i.symbol, reason: (e as Error).message })
      continue
    }
    const expiryMs = i.kind === 'option' || i.kind === 'future' ? i.expiryMs : null
    const strikeUsd = i.kind === 'option' ? i.strikeUsd : null
    const key = `${i.underlying}|${expiryMs ?? ''}|${strikeUsd ?? ''}`
    const days = expiryMs === null ? null : (expiryMs - view.snapshot.asOfMs) / 86_400_000
    const r = rows.get(key) ?? { underlying: i.underlying, expiryMs, daysToExpiry: days, strikeUsd, positions: 0, deltaCoin: 0, gammaCoinPer1Pct: 0, vegaUsdPerPoint: 0, vegaNormalisedUsdPerPoint: 0, thetaUsdPerDay: 0 }
    r.positions++
    r.deltaCoin += v.deltaCoin
    r.gammaCoinPer1Pct += v.gammaCoinPer1Pct
    r.vegaUsdPerPoint += v.vegaUsdPerPoint
    r.vegaNormalisedUsdPerPoint += days !== null && v.vegaUsdPerPoint !== 0 ? v.vegaUsdPerPoint * Math.sqrt(VEGA_REF_DAYS / Math.max(days, 1 / 24)) : 0
    r.thetaUsdPerDay += v.thetaUsdPerDay
    rows.set(key, r)
  }
  const sorted = [...rows.values()].sort((a, b) => a.underlying.localeCompare(b.underlying) || (a.expiryMs ?? -1) - (b.expiryMs ?? -1) || (a.strikeUsd ?? -1) - (b.strikeUsd ?? -1))
  return { vegaRefDays: VEGA_REF_DAYS, rows: sorted, notCovered }
}

export interface ScenarioSpecInput {
  days: number
  underlyings: Record<string, { priceMode: 'value' | 'abs' | 'pct'; priceAmount: number; volMode: 'abs' | 'rel'; volAmount: number; termResponse: boolean }>
}

/** The editor's spec in the engine's terms; names the underlying and field at fault. */
export function toCustomScenario(spec: ScenarioSpecInput, view: MarketView): CustomScenario {
  const shocks: CustomScenario['shocks'] = {}
  for (const [u, x] of Object.entries(spec.underlyings)) {
    const index = view.curves.get(u)?.indexUsd
    if (index === undefined) throw new InvalidDocumentError(`scenario.underlyings.${u}: no ${u} index in market snapshot ${view.snapshot.id}`, `scenario.underlyings.${u}`)
    const move = x.priceMode === 'value' ? x.priceAmount / index - 1 : x.priceMode === 'abs' ? x.priceAmount / index : x.priceAmount / 100
    if (!(move > -1)) throw new InvalidDocumentError(`scenario.underlyings.${u}.priceAmount: takes ${u} to ${index * (1 + move)} USD; a price must stay above 0`, `scenario.underlyings.${u}.priceAmount`)
    shocks[u] = { move, volAbs: x.volMode === 'abs' ? x.volAmount / 100 : 0, volRel: x.volMode === 'rel' ? x.volAmount / 100 : 0, termResponse: x.termResponse }
  }
  return { days: spec.days, shocks }
}

export function runScenario(held: readonly HeldPosition[], view: MarketView, spec: ScenarioSpecInput) {
  const scenario = toCustomScenario(spec, view)
  const { book, notCovered } = profileModel(held, view)
  const pnl = customScenarioPnl(book, scenario)
  const dateMs = view.snapshot.asOfMs + spec.days * 86_400_000
  const positions = book.legs.map((l, r) => ({
    positionId: l.positionId ?? -1,
    account: l.account,
    symbol: l.symbol,
    pnlSettle: pnl.settle[r]!,
    settleCurrency: book.arrays.currencies[book.arrays.currencyIndex[r]!]!,
    pnlUsd: pnl.usd[r]!,
    expired: l.expiryMs !== null && l.expiryMs <= dateMs
  }))
  const byUnderlying = book.underlyings.map((u, k) => ({ underlying: u, pnlUsd: positions.slice(book.rowStart[k], book.rowEnd[k]).reduce((s, p) => s + p.pnlUsd, 0) }))
  const applied = book.underlyings.map((u, k) => {
    const sh = scenario.shocks[u]
    const vol = !sh ? 'unchanged' : sh.volRel !== 0 ? `${sh.volRel > 0 ? '+' : ''}${(sh.volRel * 100).toFixed(1)} % of vol` : `${sh.volAbs >= 0 ? '+' : ''}${(sh.volAbs * 100).toFixed(1)} vol pts`
    const move = sh?.move ?? 0
    return { underlying: u, fromUsd: book.indexUsd[k]!, toUsd: book.indexUsd[k]! * (1 + move), move, vol: sh?.termResponse && vol !== 'unchanged' ? `${vol} at 30 d, × √(30 d / T)` : vol }
  })
  return { applied, positions, byUnderlying, totalUsd: positions.reduce((s, p) => s + p.pnlUsd, 0), notCovered }
}

/** The market panel's data: forwards per expiry and vol smiles, read from the engine's market view. */
import type { MarketDetail, MarketSummary } from '@contract/api'
import { buildMarketView, type MarketView } from '../engine/market/market-view'
import { buildSnapshotFromDeribitChain } from '../engine/market/chain-snapshot'
import { parseDeribitBookSummary } from '../importers/market/deribit-book-summary'
import { forwardAt } from '../engine/market/forward-curve'
import { surfaceVol } from '../engine/market/vol-surface'
import { yearsBetween } from '../engine/pricing/black76'
import { underlyingAsOf, underlyingSource } from '../engine/market/merge-snapshots'

const CURVE_POINTS = 41
/** Sample the smile this far beyond the outermost quotes, in log-moneyness, to show the flat wings. */
const WING_MARGIN = 0.15

export function marketSummary(view: MarketView): MarketSummary {
  const m = view.snapshot
  const asOf = underlyingAsOf(m)
  const sources = underlyingSource(m)
  return {
    id: m.id,
    asOfUtc: new Date(m.asOfMs).toISOString(),
    source: m.source,
    underlyings: Object.entries(m.indexUsd).map(([underlying, indexUsd]) => ({
      underlying,
      indexUsd,
      asOfUtc: new Date(asOf[underlying]!).toISOString(),
      source: sources[underlying]!
    })),
    instrumentCount: Object.keys(m.marks).length
  }
}

export function marketDetail(view: MarketView): MarketDetail {
  const asOfMs = view.snapshot.asOfMs
  const underlyings = [...view.curves.values()].map((curve) => {
    const surface = view.surfaces.get(curve.underlying)!
    const quoted = new Set(curve.quotes.map((q) => q.expiryMs))
    const expiries = [...new Set([...quoted, ...surface.slices.map((s) => s.expiryMs)])].sort((a, b) => a - b)
    const forwards = expiries.map((expiryMs) => {
      const forwardUsd = forwardAt(curve, expiryMs)
      const years = yearsBetween(asOfMs, expiryMs)
      return {
        expiryUtc: new Date(expiryMs).toISOString(),
        days: years * 365,
        forwardUsd,
        basisPct: (forwardUsd / curve.indexUsd - 1) * 100,
        annualisedBasisPct: (Math.log(forwardUsd / curve.indexUsd) / years) * 100,
        source: quoted.has(expiryMs) ? ('quoted' as const) : ('interpolated' as const)
      }
    })
    const smiles = surface.slices.map((slice) => {
      const kMin = slice.logMoneyness[0]! - WING_MARGIN
      const kMax = slice.logMoneyness[slice.logMoneyness.length - 1]! + WING_MARGIN
      const curvePoints = Array.from({ length: CURVE_POINTS }, (_, n) => {
        const strikeUsd = slice.forwardUsd * Math.exp(kMin + ((kMax - kMin) * n) / (CURVE_POINTS - 1))
        return { strikeUsd, volPct: 100 * surfaceVol(surface, slice.expiryMs, strikeUsd, slice.forwardUsd)! }
      })
      return {
        expiryUtc: new Date(slice.expiryMs).toISOString(),
        forwardUsd: slice.forwardUsd,
        atmVolPct: 100 * surfaceVol(surface, slice.expiryMs, slice.forwardUsd, slice.forwardUsd)!,
        quotes: slice.logMoneyness.map((k, n) => ({
          strikeUsd: slice.forwardUsd * Math.exp(k),
          volPct: 100 * Math.sqrt(slice.totalVariance[n]! / slice.years)
        })),
        curve: curvePoints
      }
    })
    return { underlying: curve.underlying, indexUsd: curve.indexUsd, forwards, smiles }
  })
  return { snapshot: marketSummary(view), underlyings }
}

/** The market panel of a Deribit option-chain CSV on its own, with every unusable row named (`cli market --chain`). */
export function chainDetail(text: string, file: string): { detail: MarketDetail; problems: string[] } {
  const parsed = parseDeribitBookSummary(text, file)
  const { snapshot, problems } = buildSnapshotFromDeribitChain(parsed.rows, file)
  return {
    detail: marketDetail(buildMarketView(snapshot)),
    problems: [...parsed.problems.map((p) => p.message), ...problems.map((p) => `${file}, line ${p.line}, column ${p.field}: ${p.message}`)]
  }
}

/**
 * Deribit's own account figures, read strictly (errors name the file and the key path):
 * - `private/get_account_summary` (docs.deribit.com/api-reference/account-management/private-get_account_summary):
 *   the whole JSON-RPC response, its `result`, or several currencies (an array, or
 *   `private/get_account_summaries`' `result.summaries`). Per currency: equity, margin_balance,
 *   initial_margin, maintenance_margin (in that currency; "when cross collateral is enabled, this
 *   aggregated value is calculated by converting the sum of each cross collateral currency's value
 *   to the given currency, using each cross collateral currency's index"), and the flags saying
 *   which margin model applies (portfolio_margining_enabled, margin_model, cross_collateral_enabled).
 * - `private/pme/simulate` (docs.deribit.com/api-reference/account-management/private-simulate): the
 *   margins per currency (initial_margin with its risk-matrix details, maintenance_margin), the risk
 *   vectors, the simulated portfolio with its tickers and index, and the venue's own model_params
 *   (read by services/deribit/pme-model-params.ts).
 */
import { deribitPmFromModelParams, type PmSetDocument } from '../deribit/pme-model-params'
import { arrayAt, fail, isObject, joinPath, numberAt, objectAt, optionalBooleanAt, optionalNumberAt, stringAt, type Json } from './json-paths'
import type { VenueFigure, VenueSummaryEntry } from './venue-summary-types'

/** The figures get_account_summary carries beyond equity, IM and MM that a trader compares (all optional). */
const OPTIONAL_NUMBERS = ['balance', 'available_funds', 'projected_initial_margin', 'projected_maintenance_margin', 'delta_total', 'options_value', 'total_pl', 'session_upl', 'estimated_liquidation_ratio']

/** Where the account summaries sit in a document, or null when it holds none. */
export function locateAccountSummaries(json: unknown): { items: unknown[]; at: string[]; usOut: number | null } | null {
  const usOut = isObject(json) && typeof json.usOut === 'number' ? json.usOut : null
  const isSummary = (x: unknown): boolean => isObject(x) && 'currency' in x && 'maintenance_margin' in x
  if (Array.isArray(json) && json.length > 0 && json.every(isSummary)) return { items: json, at: json.map((_, i) => `[${i}]`), usOut: null }
  if (!isObject(json)) return null
  const body = isObject(json.result) || Array.isArray(json.result) ? json.result : json
  const prefix = body === json ? '' : 'result'
  if (Array.isArray(body) && body.length > 0 && body.every(isSummary)) return { items: body, at: body.map((_, i) => joinPath(prefix, i)), usOut }
  if (isObject(body) && Array.isArray(body.summaries)) {
    const at = joinPath(prefix, 'summaries')
    return { items: body.summaries, at: body.summaries.map((_, i) => joinPath(at, i)), usOut }
  }
  if (isSummary(body)) return { items: [body], at: [prefix], usOut }
  return null
}

/** Deribit get_account_summary (one or several currencies) → one entry per currency. */
export function readDeribitAccountSummary(json: unknown, source: string): VenueSummaryEntry[] {
  const found = locateAccountSummaries(json)
  if (!found) fail(source, '(top level)', 'no account summary (expected a private/get_account_summary response, its result, or a list of them)')
  if (found.items.length === 0) fail(source, found.at[0] ?? 'result.summaries', 'no currency in the list')
  const seen = new Set<string>()
  return found.items.map((item, i) => {
    const at = found.at[i]!
    if (!isObject(item)) fail(source, at, 'expected an object')
    const currency = stringAt(item, 'currency', at, source).toUpperCase()
    if (seen.has(currency)) fail(source, joinPath(at, 'currency'), `${currency} appears twice in the file`)
    seen.add(currency)
    const figures: VenueFigure[] = [{ key: joinPath(at, 'margin_balance'), value: numberAt(item, 'margin_balance', at, source), unit: currency }]
    for (const key of OPTIONAL_NUMBERS) {
      const v = optionalNumberAt(item, key, at, source)
      if (v !== null) figures.push({ key: joinPath(at, key), value: v, unit: key === 'estimated_liquidation_ratio' ? null : currency })
    }
    const pm = optionalBooleanAt(item, 'portfolio_margining_enabled', at, source)
    const cross = optionalBooleanAt(item, 'cross_collateral_enabled', at, source)
    const model = item.margin_model === undefined || item.margin_model === null ? null : stringAt(item, 'margin_model', at, source)
    if (pm !== null) figures.push({ key: joinPath(at, 'portfolio_margining_enabled'), value: pm, unit: null })
    if (cross !== null) figures.push({ key: joinPath(at, 'cross_collateral_enabled'), value: cross, unit: null })
    if (model !== null) figures.push({ key: joinPath(at, 'margin_model'), value: model, unit: null })
    // margin_model: segregated_sm, cross_sm (standard), segregated_pm, cross_pm (portfolio); older files only the flag.
    const marginModel = model !== null ? (/_pm$/.test(model) ? 'pm' : /_sm$/.test(model) ? 'standard' : null) : pm === null ? null : pm ? 'pm' : 'standard'
    const notes: string[] = []
    if (cross || (model !== null && model.startsWith('cross_'))) {
      notes.push(`${currency}: cross collateral is on: Deribit states equity, IM and MM summed over the cross-collateral currencies at their index (its API reference); the replica margins each settlement currency alone`)
    }
    return {
      venue: 'deribit',
      kind: 'deribit-account-summary',
      currency,
      asOfMs: found.usOut === null ? null : Math.round(found.usOut / 1000),
      equity: numberAt(item, 'equity', at, source),
      initialMargin: numberAt(item, 'initial_margin', at, source),
      maintenanceMargin: numberAt(item, 'maintenance_margin', at, source),
      marginModel,
      figures,
      riskUnits: [],
      notes
    }
  })
}

/** A risk vector as the venue states it: 27 standard scenarios (9 moves × vol up/unchanged/down) and the extended ones. */
export interface PmVector {
  standard: number[]
  extended: number[]
}

/** The margins of one currency in a pme/simulate response. */
export interface PmeMargins {
  /** The venue's key under result.margins ("btc"; Deribit's "usd" block is USDC). */
  key: string
  currency: string
  initialMargin: number
  maintenanceMargin: number
  riskMatrixMargin: number
  worstCase: number
  rollShock: number
  deltaShock: number
  correlationContingency: number | null
  /** The venue's worst-case bucket as stated ({bucket, side, source, index}). */
  worstCaseBucket: Json | null
  mmpMargin: number | null
  openOrdersMargin: number | null
  spotMargin: number | null
}

export interface PmeSimulate {
  asOfMs: number
  margins: PmeMargins[]
  /** aggregated_risk_vectors by key (Deribit: "<underlying>_<settlement>", e.g. btc_btc). */
  aggregated: Map<string, PmVector>
  /** pre_aggregated_risk_vectors (newer responses) by key; empty when absent. */
  preAggregated: Map<string, PmVector>
  /** initial_risk_vectors by instrument; empty when absent. */
  initial: Map<string, PmVector>
  /** The simulated portfolio: instrument → size (coin, as Deribit states it). */
  positions: Map<string, number>
  ticker: Map<string, { markPrice: number; indexPrice: number | null; markIv: number | null; underlyingPrice: number | null }>
  /** index_price by pair (btc_usd → USD). */
  indexUsd: Map<string, number>
  /** The venue's own parameters in the project's keys. */
  params: PmSetDocument
}

function vectorAt(o: Json, key: string, at: string, source: string): PmVector {
  const v = objectAt(o, key, at, source)
  const va = joinPath(at, key)
  const numbers = (name: string): number[] =>
    arrayAt(v, name, va, source).map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(source, joinPath(joinPath(va, name), i), 'expected a number')
      return x
    })
  const standard = numbers('standard')
  if (standard.length !== 27) fail(source, joinPath(va, 'standard'), `${standard.length} entries (expected 27: 9 price moves × vol up, unchanged, down)`)
  return { standard, extended: numbers('extended') }
}

function vectorsAt(o: Json, key: string, at: string, source: string, required: boolean): Map<string, PmVector> {
  if (!required && o[key] === undefined) return new Map()
  const block = objectAt(o, key, at, source)
  const ka = joinPath(at, key)
  return new Map(Object.keys(block).map((name) => [name, vectorAt(block, name, ka, source)]))
}

/** Where a pme/simulate result sits: the whole response or its result. */
export function locatePmeSimulate(json: unknown): { result: Json; at: string } | null {
  if (!isObject(json)) return null
  if (isObject(json.result) && 'margins' in json.result && 'model_params' in json.result) return { result: json.result, at: 'result' }
  if ('margins' in json && 'model_params' in json) return { result: json, at: '' }
  return null
}

/** Deribit private/pme/simulate, whole response or result. */
export function readPmeSimulate(json: unknown, source: string): PmeSimulate {
  const found = locatePmeSimulate(json)
  if (!found) fail(source, '(top level)', 'no pme/simulate result (expected margins and model_params)')
  const { result, at } = found
  const params = deribitPmFromModelParams(json, source)
  const general = objectAt(objectAt(result, 'model_params', at, source), 'general', joinPath(at, 'model_params'), source)
  const asOfMs = numberAt(general, 'timestamp', joinPath(at, 'model_params.general'), source)
  const marginsBlock = objectAt(result, 'margins', at, source)
  const ma = joinPath(at, 'margins')
  const margins: PmeMargins[] = Object.keys(marginsBlock).map((key) => {
    const ca = joinPath(ma, key)
    const m = objectAt(marginsBlock, key, ma, source)
    const details = objectAt(m, 'initial_margin_details', ca, source)
    const da = joinPath(ca, 'initial_margin_details')
    const rm = objectAt(details, 'risk_matrix_margin_details', da, source)
    const ra = joinPath(da, 'risk_matrix_margin_details')
    return {
      key,
      currency: key === 'usd' ? 'USDC' : key.toUpperCase(),
      initialMargin: numberAt(m, 'initial_margin', ca, source),
      maintenanceMargin: numberAt(m, 'maintenance_margin', ca, source),
      riskMatrixMargin: numberAt(details, 'risk_matrix_margin', da, source),
      worstCase: numberAt(rm, 'worst_case', ra, source),
      rollShock: numberAt(rm, 'roll_shock', ra, source),
      deltaShock: numberAt(rm, 'delta_shock', ra, source),
      correlationContingency: optionalNumberAt(rm, 'correlation_contingency', ra, source),
      worstCaseBucket: isObject(rm.worst_case_bucket) ? rm.worst_case_bucket : null,
      mmpMargin: optionalNumberAt(details, 'mmp_margin', da, source),
      openOrdersMargin: optionalNumberAt(details, 'open_orders_margin', da, source),
      spotMargin: optionalNumberAt(details, 'spot_margin', da, source)
    }
  })
  if (margins.length === 0) fail(source, ma, 'no currency (expected e.g. "btc")')
  const portfolio = objectAt(result, 'portfolio', at, source)
  const pa = joinPath(at, 'portfolio')
  const positionBlock = objectAt(portfolio, 'position', pa, source)
  const positions = new Map(Object.keys(positionBlock).map((name) => [name, numberAt(positionBlock, name, joinPath(pa, 'position'), source)]))
  const tickerBlock = objectAt(result, 'ticker', at, source)
  const ta = joinPath(at, 'ticker')
  const ticker = new Map(
    Object.keys(tickerBlock).map((name) => {
      const t = objectAt(tickerBlock, name, ta, source)
      const a = joinPath(ta, name)
      return [name, { markPrice: numberAt(t, 'mark_price', a, source), indexPrice: optionalNumberAt(t, 'index_price', a, source), markIv: optionalNumberAt(t, 'mark_iv', a, source), underlyingPrice: optionalNumberAt(t, 'underlying_price', a, source) }] as const
    })
  )
  const indexBlock = objectAt(result, 'index_price', at, source)
  const indexUsd = new Map(Object.keys(indexBlock).map((pair) => [pair, numberAt(indexBlock, pair, joinPath(at, 'index_price'), source)]))
  return {
    asOfMs,
    margins,
    aggregated: vectorsAt(result, 'aggregated_risk_vectors', at, source, true),
    preAggregated: vectorsAt(result, 'pre_aggregated_risk_vectors', at, source, false),
    initial: vectorsAt(result, 'initial_risk_vectors', at, source, false),
    positions,
    ticker,
    indexUsd,
    params
  }
}

/** A pme/simulate response as venue-summary entries: one per currency of its margins. */
export function pmeSimulateEntries(sim: PmeSimulate): VenueSummaryEntry[] {
  return sim.margins.map((m) => {
    const base = `result.margins.${m.key}`
    const fig = (k: string, value: number | null, unit: string | null = m.currency): VenueFigure => ({ key: `${base}.${k}`, value, unit })
    const figures: VenueFigure[] = [
      fig('initial_margin_details.risk_matrix_margin', m.riskMatrixMargin),
      fig('initial_margin_details.risk_matrix_margin_details.worst_case', m.worstCase),
      fig('initial_margin_details.risk_matrix_margin_details.roll_shock', m.rollShock),
      fig('initial_margin_details.risk_matrix_margin_details.delta_shock', m.deltaShock),
      ...(m.correlationContingency === null ? [] : [fig('initial_margin_details.risk_matrix_margin_details.correlation_contingency', m.correlationContingency)]),
      ...(m.mmpMargin === null ? [] : [fig('initial_margin_details.mmp_margin', m.mmpMargin)]),
      ...(m.openOrdersMargin === null ? [] : [fig('initial_margin_details.open_orders_margin', m.openOrdersMargin)]),
      ...(m.spotMargin === null ? [] : [fig('initial_margin_details.spot_margin', m.spotMargin)])
    ]
    return {
      venue: 'deribit',
      kind: 'deribit-pme-simulate',
      currency: m.currency,
      asOfMs: sim.asOfMs,
      // A simulation states no equity: it margins a portfolio, not an account's funds.
      equity: null,
      initialMargin: m.initialMargin,
      maintenanceMargin: m.maintenanceMargin,
      marginModel: 'pm',
      figures,
      riskUnits: [],
      notes: [`a simulation of the portfolio in the file (${[...sim.positions.keys()].join(', ') || 'no positions'}), not necessarily the account's`]
    }
  })
}

/**
 * Deribit's own portfolio-margin parameters, read verbatim: the `model_params` block of
 * `private/pme/simulate` and `public/pme/get_params` (docs.deribit.com/api-reference/account-management/
 * private-simulate), given as the whole JSON-RPC response, its `result`, or the bare block →
 * the project's Deribit PM set (resources/params/deribit-pm-*.json, DeribitPmFile), per settlement
 * currency. Strict: a missing or mistyped key is an error naming its path in the document given
 * ("model_params.currency_pair.btc_usd.price_range: expected a number"). Keys the engine does not
 * use are kept going but listed, each with why, in the set's `notes` (never silently dropped).
 *
 * The mapping (docs/METHODOLOGY.md §5.3): currency_pair.<coin>_usd gives the coin's risk matrix
 * (price_range, volatility_range_up/down, min_volatility_for_shock_up, short/long_term_vega_power,
 * extended_table_factor); currency.<coin> its roll shock (annualised_move_risk, min_annualised_move),
 * extended_dampener (USD), pnl_offset and max_offsetable_pnl (USD); general.mm_factor the MM.
 * Deribit's linear contracts settle in USDC: its `usd` block is read as the USDC set, with the ranges
 * of the document's only currency pair (the engine has one range per settlement currency, Deribit
 * one per pair; with several pairs the USDC set is not read, and a note says so).
 */
import { InvalidDocumentError } from '../errors'
import type { DeribitPmParams } from '../../engine/margin/deribit-pm'

/** Deribit's extended-table moves, from its Portfolio Margin article (not part of model_params). */
export const DERIBIT_EXTENDED_MOVES = [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5]

/**
 * Marginal's delta shock (unpublished by Deribit; METHODOLOGY §5.3) per settlement currency: the
 * venue's max_delta_shock and delta_total_liq_shock_threshold have no published formula to plug into.
 */
const OUR_DELTA_SHOCK: Record<string, { deltaShockThresholdCoin: number; deltaShockMove: number }> = {
  BTC: { deltaShockThresholdCoin: 100, deltaShockMove: 0.05 },
  ETH: { deltaShockThresholdCoin: 1500, deltaShockMove: 0.05 }
}
const DELTA_SHOCK_OFF = { deltaShockThresholdCoin: 1e12, deltaShockMove: 0.05 }

/**
 * One settlement currency's set in the project's keys (DeribitPmFile's currencies entry): the
 * engine's parameters with every venue key present (a venue document states them all).
 */
export type PmCurrencyDocument = Required<Omit<DeribitPmParams, 'maxOffsetablePnlUsd'>> & { maxOffsetablePnlUsd: number }

export interface PmSetDocument {
  id: string
  date: string
  source: string
  notes: string[]
  currencies: Record<string, PmCurrencyDocument>
}

type Json = Record<string, unknown>
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)

/** The model_params block of a document and the path it sits at, or null when there is none. */
function locate(json: unknown): { block: Json; at: string; meta: Json } | null {
  if (!isObject(json)) return null
  if (isObject(json.result) && 'model_params' in json.result) return { block: json.result.model_params as Json, at: 'result.model_params', meta: json }
  if ('model_params' in json) return { block: json.model_params as Json, at: 'model_params', meta: json }
  if ('currency_pair' in json && 'currency' in json && 'general' in json) return { block: json, at: '', meta: {} }
  return null
}

/** Whether a document is Deribit's (a response, its result, or the model_params block) rather than the project's own. */
export function isDeribitModelParams(json: unknown): boolean {
  return locate(json) !== null
}

const join = (at: string, key: string): string => (at ? `${at}.${key}` : key)

function fail(source: string, path: string, problem: string): never {
  throw new InvalidDocumentError(`${source}: ${path}: ${problem}`, path)
}

function objectAt(o: Json, key: string, at: string, source: string): Json {
  const v = o[key]
  if (!isObject(v)) fail(source, join(at, key), v === undefined ? 'missing (expected an object)' : 'expected an object')
  return v
}

function numberAt(o: Json, key: string, at: string, source: string, bounds: { min?: number; max?: number; positive?: boolean } = {}): number {
  const v = o[key]
  const path = join(at, key)
  if (v === undefined) fail(source, path, 'missing (expected a number)')
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, path, 'expected a number')
  if (bounds.positive && !(v > 0)) fail(source, path, `${v} must be above 0`)
  if (bounds.min !== undefined && v < bounds.min) fail(source, path, `${v} is below ${bounds.min}`)
  if (bounds.max !== undefined && v > bounds.max) fail(source, path, `${v} is above ${bounds.max}`)
  return v
}

const PAIR_USED = ['price_range', 'volatility_range_up', 'volatility_range_down', 'min_volatility_for_shock_up', 'short_term_vega_power', 'long_term_vega_power', 'extended_table_factor']
const PAIR_NOT_USED: Record<string, string> = {
  m_inc: 'not used: its role is not published (ours: delta by central difference at ±0.01 %)',
  max_delta_shock: 'not used: Deribit does not publish the delta-shock formula (ours: §5.3)',
  delta_total_liq_shock_threshold: 'not used: Deribit does not publish the delta-shock formula (ours: §5.3)'
}
const CURRENCY_USED = ['annualised_move_risk', 'min_annualised_move', 'extended_dampener', 'pnl_offset', 'max_offsetable_pnl']
const CURRENCY_NOT_USED: Record<string, string> = {
  haircut: 'not used: collateral haircuts are the collateral set (cross collateral is not replicated)',
  equity_side_impact: 'not used: cross-collateral equity treatment is not replicated',
  correlation_set: 'not used: the correlation contingency is not replicated'
}
const GENERAL_USED = ['mm_factor', 'buckets_count', 'vol_scenarios_count', 'timestamp']
/** What a pme/simulate result holds besides its parameters: outputs, not read. */
const RESULT_OUTPUTS = ['aggregated_risk_vectors', 'pre_aggregated_risk_vectors', 'initial_risk_vectors', 'margins', 'portfolio', 'index_price', 'ticker']
/** The project's own metadata a shipped file may carry beside model_params. */
const OUR_META = ['$comment', 'id', 'date', 'source']
const RESPONSE_KEYS = ['jsonrpc', 'id', 'result', 'usIn', 'usOut', 'usDiff', 'testnet']

/** Settlement currency of a `currency` block: coins by name; Deribit's `usd` block is the USDC one. */
const settlementOf = (key: string): string => (key === 'usd' ? 'USDC' : key.toUpperCase())
const USD_LIKE = new Set(['usd', 'usdc', 'usdt'])

/**
 * Deribit's model_params (whole response, result or block) → the project's Deribit PM set. `source`
 * names the document in errors; `id` overrides the set's id (default: the document's own `id`, else
 * "deribit-pme-<timestamp as ISO minute>Z").
 */
export function deribitPmFromModelParams(json: unknown, source: string, options: { id?: string } = {}): PmSetDocument {
  const found = locate(json)
  if (!found) fail(source, '(top level)', 'no model_params block (expected a pme/simulate or pme/get_params response, its result, or the block)')
  const { block, at, meta } = found
  if (!isObject(block)) fail(source, at || '(top level)', 'expected an object')
  const ignored: string[] = []
  const notes: string[] = []
  const ignoreUnknown = (o: Json, where: string, known: readonly string[]): void => {
    for (const k of Object.keys(o)) if (!known.includes(k)) ignored.push(`${join(where, k)}: unknown key, not used`)
  }

  const general = objectAt(block, 'general', at, source)
  const generalAt = join(at, 'general')
  const mmFactor = numberAt(general, 'mm_factor', generalAt, source, { positive: true, max: 1 })
  // The engine's grid: 4 price steps each side and 3 vol scenarios (METHODOLOGY §5.3).
  const buckets = numberAt(general, 'buckets_count', generalAt, source)
  if (buckets !== 4) fail(source, join(generalAt, 'buckets_count'), `${buckets} is not supported (the engine's grid has 4 price steps each side)`)
  const volScenarios = numberAt(general, 'vol_scenarios_count', generalAt, source)
  if (volScenarios !== 3) fail(source, join(generalAt, 'vol_scenarios_count'), `${volScenarios} is not supported (the engine has vol up, unchanged, down)`)
  const timestamp = numberAt(general, 'timestamp', generalAt, source, { positive: true })
  ignoreUnknown(general, generalAt, GENERAL_USED)

  const pairs = objectAt(block, 'currency_pair', at, source)
  const pairsAt = join(at, 'currency_pair')
  const currencies = objectAt(block, 'currency', at, source)
  const currenciesAt = join(at, 'currency')
  ignoreUnknown(block, at, ['general', 'currency_pair', 'currency'])

  // Every pair is validated, used or not: a bad number anywhere in the venue's block is an error.
  const pairParams = new Map<string, Omit<PmCurrencyDocument, 'pnlOffset' | 'maxOffsetablePnlUsd' | 'minAnnualisedMove' | 'annualisedMoveRisk' | 'mmFactor' | 'extendedDampenerUsd' | 'deltaShockThresholdCoin' | 'deltaShockMove'>>()
  for (const [name, value] of Object.entries(pairs)) {
    const pa = join(pairsAt, name)
    if (!isObject(value)) fail(source, pa, 'expected an object')
    pairParams.set(name, {
      range: numberAt(value, 'price_range', pa, source, { positive: true, max: 1 }),
      volUp: numberAt(value, 'volatility_range_up', pa, source, { min: 0 }),
      volDown: numberAt(value, 'volatility_range_down', pa, source, { min: 0, max: 1 }),
      minVolUp: numberAt(value, 'min_volatility_for_shock_up', pa, source, { min: 0 }),
      shortTermVegaPower: numberAt(value, 'short_term_vega_power', pa, source, { min: 0 }),
      longTermVegaPower: numberAt(value, 'long_term_vega_power', pa, source, { min: 0 }),
      extendedFactor: numberAt(value, 'extended_table_factor', pa, source, { min: 0 }),
      extendedMoves: DERIBIT_EXTENDED_MOVES,
      extendedDampener: 1
    })
    for (const k of Object.keys(value)) {
      if (PAIR_USED.includes(k)) continue
      ignored.push(`${join(pa, k)}: ${PAIR_NOT_USED[k] ?? 'unknown key, not used'}`)
    }
  }

  const out: Record<string, PmCurrencyDocument> = {}
  for (const [key, value] of Object.entries(currencies)) {
    const ca = join(currenciesAt, key)
    if (!isObject(value)) fail(source, ca, 'expected an object')
    const own = {
      annualisedMoveRisk: numberAt(value, 'annualised_move_risk', ca, source, { min: 0 }),
      minAnnualisedMove: numberAt(value, 'min_annualised_move', ca, source, { min: 0 }),
      extendedDampenerUsd: numberAt(value, 'extended_dampener', ca, source, { min: 0 }),
      pnlOffset: numberAt(value, 'pnl_offset', ca, source, { min: 0, max: 1 }),
      maxOffsetablePnlUsd: numberAt(value, 'max_offsetable_pnl', ca, source, { min: 0 })
    }
    for (const k of Object.keys(value)) {
      if (CURRENCY_USED.includes(k)) continue
      ignored.push(`${join(ca, k)}: ${CURRENCY_NOT_USED[k] ?? 'unknown key, not used'}`)
    }
    let pair = pairParams.get(`${key}_usd`)
    if (!pair && USD_LIKE.has(key)) {
      if (pairParams.size === 1) {
        const [name, only] = [...pairParams][0]!
        pair = only
        notes.push(`${settlementOf(key)} (Deribit's "${key}" block) takes the ranges of ${name}, the document's only currency pair: the engine has one range per settlement currency, Deribit one per pair.`)
      } else {
        notes.push(`${ca}: not read: ${pairParams.size} currency pairs and the engine takes one range per settlement currency.`)
        continue
      }
    }
    if (!pair) {
      notes.push(`${ca}: not read: no currency pair ${key}_usd in the document.`)
      continue
    }
    const settlement = settlementOf(key)
    out[settlement] = { ...pair, ...own, mmFactor, ...(OUR_DELTA_SHOCK[settlement] ?? DELTA_SHOCK_OFF) }
  }
  if (Object.keys(out).length === 0) fail(source, currenciesAt, 'no settlement currency could be read (each needs a currency pair <coin>_usd)')
  notes.push(`The extended moves (${DERIBIT_EXTENDED_MOVES.map((m) => `${m > 0 ? '+' : ''}${m * 100} %`).join(', ')}) are Deribit's Portfolio Margin article's, not part of model_params; the delta shock is ours (not published).`)

  // The response's own keys and the simulation's outputs are not parameters; anything else is listed.
  if (at === 'result.model_params') {
    ignoreUnknown(meta, '', RESPONSE_KEYS)
    ignoreUnknown(meta.result as Json, 'result', ['model_params', ...RESULT_OUTPUTS])
  } else if (at === 'model_params') ignoreUnknown(meta, '', ['model_params', ...RESULT_OUTPUTS, ...OUR_META])

  const stamp = new Date(timestamp).toISOString()
  const ownId = at === 'model_params' && typeof meta.id === 'string' && meta.id ? meta.id : undefined
  return {
    id: options.id ?? ownId ?? `deribit-pme-${stamp.slice(0, 16)}Z`,
    date: typeof meta.date === 'string' && at === 'model_params' ? meta.date : stamp.slice(0, 10),
    source: typeof meta.source === 'string' && at === 'model_params' ? meta.source : `Deribit model_params, general.timestamp ${timestamp} (${stamp})`,
    notes: [...notes, ...ignored.map((i) => `ignored: ${i}`)],
    currencies: out
  }
}

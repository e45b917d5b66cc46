/**
 * OKX's own account figures, read strictly (errors name the file and the key path). OKX API v5
 * (www.okx.com/docs-v5/en/, "Trading Account"): every REST reply is {code, msg, data: [...]},
 * code "0" for success, amounts as decimal strings, "" where a figure does not apply to the
 * account's mode.
 * - `GET /api/v5/account/balance` ("Get balance"): totalEq (USD), adjEq (USD, "Applicable to
 *   Multi-currency margin and Portfolio margin"), imr and mmr (USD, account level, same modes),
 *   mgnRatio, uTime (ms), details[] per currency (ccy, eq, eqUsd, cashBal, upl, imr, mmr …).
 * - `POST /api/v5/account/position-builder` ("Position builder (new)"): eq (adjusted equity, USD),
 *   totalImr, totalMmr, borrowMmr, derivMmr, marginRatio, ts (ms), riskUnitData[] (riskUnit, imr,
 *   mmr, mr1 … mr9, USD).
 * An OKX portfolio-margin account is one pool in USD (services/margin-service.ts), so each file
 * gives one entry, currency USD.
 */
import { arrayAt, decimalAt, fail, isObject, joinPath, stringAt, type Json } from './json-paths'
import type { VenueFigure, VenueRiskUnit, VenueSummaryEntry } from './venue-summary-types'

/** The first (only) element of an OKX reply's data, and its path; a refused request is an error naming OKX's message. */
export function okxData(json: unknown, source: string): { data: Json; at: string } | null {
  if (!isObject(json)) return null
  if ('code' in json && 'data' in json) {
    if (String(json.code) !== '0') fail(source, 'code', `OKX refused the request (code ${String(json.code)}${typeof json.msg === 'string' && json.msg ? `: ${json.msg}` : ''}): the file holds no figures`)
    const data = arrayAt(json, 'data', '', source)
    if (data.length === 0) fail(source, 'data', 'empty (expected one account)')
    if (!isObject(data[0])) fail(source, 'data[0]', 'expected an object')
    return { data: data[0], at: 'data[0]' }
  }
  return { data: json, at: '' }
}

export const isOkxBalance = (d: Json): boolean => 'totalEq' in d && 'details' in d
export const isOkxPositionBuilder = (d: Json): boolean => 'riskUnitData' in d || 'totalMmr' in d

const msOf = (d: Json, key: string, at: string, source: string): number => {
  const v = decimalAt(d, key, at, source)
  if (!(v > 0)) fail(source, joinPath(at, key), `${v} is not a time (epoch milliseconds)`)
  return v
}

const DETAIL_NUMBERS = ['eq', 'eqUsd', 'cashBal', 'availEq', 'upl', 'disEq', 'imr', 'mmr', 'liab']

/** OKX account/balance → the account's entry (USD). */
export function readOkxBalance(data: Json, at: string, source: string): VenueSummaryEntry {
  const notes: string[] = []
  const figures: VenueFigure[] = []
  const totalEq = decimalAt(data, 'totalEq', at, source)
  const adjEq = decimalAt(data, 'adjEq', at, source, true)
  const imr = decimalAt(data, 'imr', at, source, true)
  const mmr = decimalAt(data, 'mmr', at, source, true)
  figures.push({ key: joinPath(at, 'totalEq'), value: totalEq, unit: 'USD' })
  if (adjEq !== null) figures.push({ key: joinPath(at, 'adjEq'), value: adjEq, unit: 'USD' })
  for (const key of ['mgnRatio', 'notionalUsd', 'upl']) {
    const v = decimalAt(data, key, at, source, true)
    if (v !== null) figures.push({ key: joinPath(at, key), value: v, unit: key === 'mgnRatio' ? null : 'USD' })
  }
  if (imr === null || mmr === null) notes.push('OKX leaves the account-level imr / mmr empty outside multi-currency and portfolio margin: the file gives no IM / MM to compare')
  // Equity for margin: OKX's adjusted equity where the mode has one (discounted collateral), else the total.
  if (adjEq === null) notes.push('no adjEq (the account is not in multi-currency or portfolio margin): equity is totalEq')
  const details = arrayAt(data, 'details', at, source)
  const da = joinPath(at, 'details')
  details.forEach((d, i) => {
    const a = joinPath(da, i)
    if (!isObject(d)) fail(source, a, 'expected an object')
    const ccy = stringAt(d, 'ccy', a, source)
    for (const key of DETAIL_NUMBERS) {
      const v = decimalAt(d, key, a, source, true)
      if (v !== null) figures.push({ key: `${a}.${key} (${ccy})`, value: v, unit: key === 'eqUsd' || key === 'disEq' ? 'USD' : ccy })
    }
  })
  return {
    venue: 'okx',
    kind: 'okx-balance',
    currency: 'USD',
    asOfMs: msOf(data, 'uTime', at, source),
    equity: adjEq ?? totalEq,
    initialMargin: imr,
    maintenanceMargin: mmr,
    marginModel: imr === null ? null : 'pm',
    figures,
    riskUnits: [],
    notes
  }
}

const MR_KEYS = ['mr1', 'mr2', 'mr3', 'mr4', 'mr5', 'mr6', 'mr7', 'mr8', 'mr9']

/** OKX account/position-builder → the simulated account's entry (USD), with each risk unit. */
export function readOkxPositionBuilder(data: Json, at: string, source: string): VenueSummaryEntry {
  const figures: VenueFigure[] = []
  for (const key of ['borrowMmr', 'derivMmr', 'marginRatio', 'upl', 'acctLever']) {
    const v = decimalAt(data, key, at, source, true)
    if (v !== null) figures.push({ key: joinPath(at, key), value: v, unit: key === 'marginRatio' || key === 'acctLever' ? null : 'USD' })
  }
  const units = arrayAt(data, 'riskUnitData', at, source)
  const ua = joinPath(at, 'riskUnitData')
  const riskUnits: VenueRiskUnit[] = units.map((u, i) => {
    const a = joinPath(ua, i)
    if (!isObject(u)) fail(source, a, 'expected an object')
    return {
      riskUnit: stringAt(u, 'riskUnit', a, source).toUpperCase(),
      initialMargin: decimalAt(u, 'imr', a, source),
      maintenanceMargin: decimalAt(u, 'mmr', a, source),
      components: Object.fromEntries(MR_KEYS.filter((k) => k in u).map((k) => [k, decimalAt(u, k, a, source, true)]))
    }
  })
  return {
    venue: 'okx',
    kind: 'okx-position-builder',
    currency: 'USD',
    asOfMs: msOf(data, 'ts', at, source),
    equity: decimalAt(data, 'eq', at, source),
    initialMargin: decimalAt(data, 'totalImr', at, source),
    maintenanceMargin: decimalAt(data, 'totalMmr', at, source),
    marginModel: 'pm',
    figures,
    riskUnits,
    notes: ['a position-builder simulation: the positions it was given, not necessarily the account\'s']
  }
}

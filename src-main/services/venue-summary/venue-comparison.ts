/**
 * The replica against the venue (issue 22 §4), per margin pool of the book: the venue's equity, IM
 * and MM (the latest summary imported for the pool's account and currency) beside the replica's
 * (bookMargin's health, the one assembly every screen uses), with the difference replica − venue,
 * absolute in the pool's currency and % of the venue's figure. Beside the pools, per imported
 * simulation (Deribit pme/simulate, OKX position-builder) the figure-by-figure and, for Deribit, the
 * scenario-by-scenario comparison, each in rows a grid shows as they are.
 */
import type { BookMarginResponse } from '@contract/margin'
import { listAccounts, type AccountRef } from '../../book/accounts-repository'
import { latestVenueSummaries, listVenueSummaries, venueSummaryBody, type VenueSummaryRecord } from '../../book/venue-summaries-repository'
import { readPmeSimulate } from './deribit-readers'
import { parseJsonText } from './json-paths'
import { compareFigure, comparePmeSimulate, type FigureComparison, type VectorEntryComparison } from './pme-replica'
import { KIND_SOURCE, type VenueSummaryEntry, type VenueSummaryKind } from './venue-summary-types'

type Health = BookMarginResponse['health'][number]
type Group = BookMarginResponse['accounts'][number]

/** Account figures (the venue's state of the account) come before simulations (a portfolio the trader asked about). */
const ACCOUNT_KINDS: readonly VenueSummaryKind[] = ['deribit-account-summary', 'okx-balance']
const SIMULATION_KINDS: readonly VenueSummaryKind[] = ['deribit-pme-simulate', 'okx-position-builder']
const isAccountKind = (k: string): boolean => ACCOUNT_KINDS.includes(k as VenueSummaryKind)

/** One row per margin pool: a grid shows it as it is. Amounts in `currency`; differences replica − venue. */
export interface PoolComparisonRow {
  pool: string
  account: string
  accountId: number | null
  venue: string
  currency: string
  /** The replica's method compared (the venue's own; standard where the venue says standard margin). */
  method: string
  status: 'compared' | 'no venue summary'
  summaryId: number | null
  kind: VenueSummaryKind | null
  source: string | null
  fileName: string | null
  venueAsOfUtc: string | null
  venueEquity: number | null
  replicaEquity: number
  equityDifference: number | null
  venueInitialMargin: number | null
  replicaInitialMargin: number | null
  initialMarginDifference: number | null
  initialMarginDifferencePct: number | null
  venueMaintenanceMargin: number | null
  replicaMaintenanceMargin: number | null
  maintenanceMarginDifference: number | null
  maintenanceMarginDifferencePct: number | null
  notes: string[]
}

/** An imported summary no pool of the book compares with, and why. */
export interface UnmatchedSummary {
  summaryId: number
  fileName: string
  kind: VenueSummaryKind
  venue: string
  currency: string
  account: string | null
  reason: string
}

/** A simulation's figures (and Deribit's vectors), venue beside replica. */
export interface SimulationComparison {
  summaryId: number
  fileName: string
  kind: VenueSummaryKind
  source: string
  venue: string
  account: string | null
  currency: string
  venueAsOfUtc: string | null
  figures: FigureComparison[]
  vectors: VectorEntryComparison[]
  maxVectorDifference: number | null
  notes: string[]
}

export interface VenueComparison {
  bookId: number
  marketId: string | null
  marketAsOfUtc: string | null
  pools: PoolComparisonRow[]
  simulations: SimulationComparison[]
  unmatched: UnmatchedSummary[]
  notes: string[]
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())
const diff = (replica: number | null, venue: number | null): number | null => (replica === null || venue === null ? null : replica - venue)
const pct = (replica: number | null, venue: number | null): number | null => (replica === null || venue === null || venue === 0 ? null : ((replica - venue) / Math.abs(venue)) * 100)
const entryOf = (r: VenueSummaryRecord): VenueSummaryEntry => r.summary as VenueSummaryEntry
/** Figures more than an hour apart are of different markets (and maybe different positions). */
const STALE_MS = 3_600_000

function poolRow(h: Health, accountId: number | null, summary: VenueSummaryRecord | null, marketAsOfMs: number | null): PoolComparisonRow {
  const e = summary ? entryOf(summary) : null
  const method = e?.marginModel === 'standard' && h.byMethod.some((b) => b.method === 'standard') ? 'standard' : h.method
  const m = h.byMethod.find((b) => b.method === method) ?? { initialMargin: h.initialMargin, maintenanceMargin: h.maintenanceMargin }
  const notes = [...(e?.notes ?? [])]
  if (e?.marginModel === 'standard') notes.push(`the venue margins this ${h.currency} pool under standard margin: compared with the replica's standard method`)
  if (e && e.asOfMs !== null && marketAsOfMs !== null && Math.abs(e.asOfMs - marketAsOfMs) > STALE_MS) {
    notes.push(`the venue's figures are of ${iso(e.asOfMs)}, the book's market of ${iso(marketAsOfMs)}: marks (and perhaps positions) differ between the two`)
  }
  if (e && e.asOfMs === null) notes.push('the file does not say when the venue computed it')
  if (e && !isAccountKind(e.kind)) notes.push('a simulation: the venue margined the portfolio in the file, which may not be the book\'s')
  return {
    pool: h.pool,
    account: h.account,
    accountId,
    venue: h.venue,
    currency: h.currency,
    method,
    status: summary ? 'compared' : 'no venue summary',
    summaryId: summary?.id ?? null,
    kind: (summary?.kind as VenueSummaryKind | undefined) ?? null,
    source: summary ? KIND_SOURCE[summary.kind as VenueSummaryKind] : null,
    fileName: summary?.fileName ?? null,
    venueAsOfUtc: iso(e?.asOfMs ?? null),
    venueEquity: e?.equity ?? null,
    replicaEquity: h.equity,
    equityDifference: diff(h.equity, e?.equity ?? null),
    venueInitialMargin: e?.initialMargin ?? null,
    replicaInitialMargin: m.initialMargin,
    initialMarginDifference: diff(m.initialMargin, e?.initialMargin ?? null),
    initialMarginDifferencePct: pct(m.initialMargin, e?.initialMargin ?? null),
    venueMaintenanceMargin: e?.maintenanceMargin ?? null,
    replicaMaintenanceMargin: m.maintenanceMargin,
    maintenanceMarginDifference: diff(m.maintenanceMargin, e?.maintenanceMargin ?? null),
    maintenanceMarginDifferencePct: pct(m.maintenanceMargin, e?.maintenanceMargin ?? null),
    notes
  }
}

/** Deribit pme/simulate files: each currency's replica on the file's own portfolio and parameters, and the book's pool beside it. */
function pmeSimulations(db: Parameters<typeof venueSummaryBody>[0], bookId: number, records: VenueSummaryRecord[], accountName: (id: number | null) => string | null, poolOf: (accountId: number | null, currency: string) => Health | undefined): SimulationComparison[] {
  const out: SimulationComparison[] = []
  const bySha = new Map<string, VenueSummaryRecord[]>()
  for (const r of records.filter((x) => x.kind === 'deribit-pme-simulate')) bySha.set(r.sha256, [...(bySha.get(r.sha256) ?? []), r])
  for (const rows of bySha.values()) {
    const first = rows[0]!
    const sim = readPmeSimulate(parseJsonText(venueSummaryBody(db, bookId, first.id)!, first.fileName), first.fileName)
    for (const c of comparePmeSimulate(sim)) {
      const row = rows.find((r) => r.currency === c.currency) ?? first
      const figures = [...c.figures]
      const notes = [...c.notes]
      const pool = poolOf(row.accountId, c.currency)
      const venueMm = c.figures.find((f) => f.name === 'maintenance margin')?.venue ?? null
      if (pool) {
        const pm = pool.byMethod.find((b) => b.method === 'deribit-pm')
        // Two different portfolios (the book's positions, the file's simulated one): set side by side,
        // never subtracted, so no difference reads as the replica's error.
        const beside = compareFigure(`maintenance margin: the book's replica (${pool.pool})`, c.figures.find((f) => f.name === 'maintenance margin')?.key ?? 'maintenance_margin', c.currency, venueMm, pm?.maintenanceMargin ?? null, false, 'the book\'s own positions at the book\'s market and parameters, not the simulated portfolio, so no difference is shown; which of its components are ours: the margin view')
        figures.push({ ...beside, difference: null, differencePct: null })
      } else if (row.accountId !== null) notes.push(`${accountName(row.accountId)} holds no ${c.currency} position in this book: no pool of the book to set beside it`)
      out.push({ summaryId: row.id, fileName: row.fileName, kind: 'deribit-pme-simulate', source: KIND_SOURCE['deribit-pme-simulate'], venue: 'deribit', account: accountName(row.accountId), currency: c.currency, venueAsOfUtc: iso(sim.asOfMs), figures, vectors: c.vectors, maxVectorDifference: c.maxVectorDifference, notes })
    }
  }
  return out
}

/** OKX position-builder files: each risk unit's IMR, MMR and MR components beside the book's OKX PM group of that unit. */
function positionBuilders(records: VenueSummaryRecord[], accountName: (id: number | null) => string | null, groups: readonly Group[]): SimulationComparison[] {
  return records
    .filter((r) => r.kind === 'okx-position-builder')
    .map((r) => {
      const e = entryOf(r)
      const account = accountName(r.accountId)
      const figures: FigureComparison[] = []
      const notes = [...e.notes]
      if (!account) notes.push('no OKX account matched: the replica column is empty (import naming the account)')
      for (const u of e.riskUnits) {
        const g = account ? groups.find((x) => x.account === account && x.riskUnit === u.riskUnit) : undefined
        const res = g?.results.find((x) => x.method === 'okx-pm')
        if (account && !res) notes.push(`${account} has no OKX PM group for ${u.riskUnit} in this book`)
        const at = `data[0].riskUnitData (${u.riskUnit})`
        figures.push(compareFigure(`${u.riskUnit} IMR`, `${at}.imr`, 'USD', u.initialMargin, res?.initialMargin ?? null))
        figures.push(compareFigure(`${u.riskUnit} MMR`, `${at}.mmr`, 'USD', u.maintenanceMargin, res?.maintenanceMargin ?? null))
        for (const [k, v] of Object.entries(u.components)) {
          const comp = res?.components.find((x) => x.name.toLowerCase().startsWith(`${k} `))
          figures.push(compareFigure(`${u.riskUnit} ${k.toUpperCase()}${comp ? ` (${comp.name.slice(k.length + 1)})` : ''}`, `${at}.${k}`, 'USD', v, comp?.amount ?? null, comp?.published ?? true, comp?.note ?? null))
        }
      }
      return { summaryId: r.id, fileName: r.fileName, kind: 'okx-position-builder' as const, source: KIND_SOURCE['okx-position-builder'], venue: 'okx', account, currency: 'USD', venueAsOfUtc: iso(e.asOfMs), figures, vectors: [], maxVectorDifference: null, notes }
    })
}

/**
 * The comparison for a book: `margin` is bookMargin's reply for it (the same assembly the
 * dashboard shows), `marketAsOfMs` its market's instant.
 */
export function venueComparison(db: Parameters<typeof listVenueSummaries>[0], bookId: number, margin: BookMarginResponse, marketAsOfMs: number | null): VenueComparison {
  const accounts = listAccounts(db, bookId)
  const byName = new Map<string, AccountRef>(accounts.map((a) => [a.name, a]))
  const byId = new Map<number, AccountRef>(accounts.map((a) => [a.id, a]))
  const accountName = (id: number | null): string | null => (id === null ? null : (byId.get(id)?.name ?? null))
  const records = listVenueSummaries(db, bookId)
  const notes: string[] = []
  if (margin.marketId === null) notes.push('the book has no market snapshot: no replica to compare (import an option chain)')
  const used = new Set<number>()
  // A pool's venue figures: the latest account summary of its account and currency, else the latest simulation.
  const latestAccount = latestVenueSummaries(db, bookId, ACCOUNT_KINDS)
  const latestSimulation = latestVenueSummaries(db, bookId, SIMULATION_KINDS)
  const latestOf = (list: VenueSummaryRecord[], accountId: number | null, currency: string): VenueSummaryRecord | null =>
    accountId === null ? null : (list.find((r) => r.accountId === accountId && r.currency === currency) ?? null)
  const pools = margin.health.map((h) => {
    const accountId = byName.get(h.account)?.id ?? null
    const summary = latestOf(latestAccount, accountId, h.currency) ?? latestOf(latestSimulation, accountId, h.currency)
    if (summary) used.add(summary.id)
    return poolRow(h, accountId, summary, marketAsOfMs)
  })
  const poolOf = (accountId: number | null, currency: string): Health | undefined => {
    const name = accountName(accountId)
    return name === null ? undefined : margin.health.find((h) => h.account === name && h.currency === currency)
  }
  const simulations = [...pmeSimulations(db, bookId, records, accountName, poolOf), ...positionBuilders(records, accountName, margin.accounts)]
  // Simulations are compared in their own section (with their own replica), whatever the pools.
  const unmatched: UnmatchedSummary[] = records
    .filter((r) => !used.has(r.id) && isAccountKind(r.kind))
    .flatMap((r) => {
      const account = accountName(r.accountId)
      const pool = poolOf(r.accountId, r.currency)
      let reason: string
      if (r.accountId === null) reason = `no ${r.venue} account in this book when it was imported: import it again naming the account`
      else if (!pool) reason = `${account} holds no position margined in ${r.currency} in this book: no replica pool to compare`
      else if (latestOf(latestAccount, r.accountId, r.currency)?.id !== r.id) reason = `a newer summary of ${pool.pool} is compared`
      else return []
      return [{ summaryId: r.id, fileName: r.fileName, kind: r.kind as VenueSummaryKind, venue: r.venue, currency: r.currency, account, reason }]
    })
  if (records.length === 0) notes.push('no venue summary imported yet: import Deribit get_account_summary or pme/simulate JSON, or OKX account/balance or position-builder JSON')
  return { bookId, marketId: margin.marketId, marketAsOfUtc: iso(marketAsOfMs), pools, simulations, unmatched, notes }
}

/**
 * What the import preview shows, shaped from a parsed statement and its plan (or a market file):
 * counts, position changes priced on the live book's market as it is today, every row not used
 * as it is, the cash per currency, and the file's notes. Writes nothing.
 */
import { resolvePosition } from '../engine/positions/resolve-position'
import type { BookDb } from '../book/database'
import { findBook } from '../book/books-repository'
import { findImportByHash } from '../book/import-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import { isPriced, type Instrument, type UnpricedInstrument } from '../engine/instruments/instrument'
import { buildMarketView, type MarketView } from '../engine/market/market-view'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { valuePosition } from '../engine/valuation/position-valuation'
import type { ImportPlan } from '../importers/plan'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../importers/statement'
import type { MarketDataset, ParsedMarketFile } from '../importers/market/market-files'
import { summariseMarketFile, type SeriesSummary } from './market-import'
import type { CashLine } from './import-cash'

/** The request fields a preview reads. */
interface PreviewRequest {
  bookId: number
  fileName: string
}

export interface PositionChangeView {
  venue: string
  symbol: string
  priced: boolean
  notPricedReason: string | null
  beforeContracts: number
  afterContracts: number
  beforeAvgPrice: number | null
  afterAvgPrice: number | null
  source: 'trades' | 'balance' | 'statement'
}

export interface ImportPreview {
  /** What the file holds: a statement (trades, cash, positions) or a kind of market data. */
  dataset: 'statement' | MarketDataset
  /** Market data: one line per series (days, new, already in the book). */
  series: SeriesSummary[]
  fileName: string
  sha256: string
  format: string
  formatLabel: string
  venue: string
  accountName: string
  accountExists: boolean
  alreadyImportedAt: string | null
  rowsTotal: number
  trades: { new: number; duplicate: number }
  cashFlows: { new: number; duplicate: number }
  positionChanges: PositionChangeView[]
  issues: RowIssue[]
  rejected: number
  skipped: number
  warnings: number
  cash: CashLine[]
  notes: string[]
}

/** A preview lists at most this many issues (the counts stay complete): the UI grid needs no more. */
const MAX_PREVIEW_ISSUES = 5000

/** What previewImport answers: the preview with its issues in line order, the first few thousand of them. */
export function previewReply(preview: ImportPreview): ImportPreview & { issuesTotal: number } {
  const issues = [...preview.issues].sort((a, b) => a.line - b.line)
  return { ...preview, issues: issues.slice(0, MAX_PREVIEW_ISSUES), issuesTotal: issues.length }
}

/** Rows (not issues: one row may have several) with the given severity. */
export const rowsWith = (issues: readonly RowIssue[], severity: RowIssue['severity']): number =>
  new Set(issues.filter((i) => i.severity === severity).map((i) => i.line)).size

export interface Prepared {
  parsed: ParsedStatement
  sha256: string
  accountName: string
  accountId: number | null
  plan: ImportPlan
  cash: CashLine[]
  openingFlows: StatementCashFlow[]
  /** What the import decided about the file beyond what the file says (e.g. which account it goes to). */
  notes: string[]
}

function bookSnapshot(db: BookDb, bookId: number): MarketSnapshotData | undefined {
  const id = findBook(db, bookId)?.marketSnapshotId
  return id ? loadMarketSnapshot(db, id) : undefined
}

/**
 * Whether the book's market today can value the position after the import, and why not: "priced"
 * means valued, not merely a symbol Marginal knows (issue 17, §4).
 */
function pricedOn(i: Instrument | UnpricedInstrument, sizeContracts: number, avgPrice: number | null, view: MarketView | null): { priced: boolean; notPricedReason: string | null } {
  if (!isPriced(i)) return { priced: false, notPricedReason: i.parseError }
  if (sizeContracts === 0) return { priced: true, notPricedReason: null }
  if (!view) return { priced: false, notPricedReason: 'the live book has no market yet: import an option chain' }
  // The one rule every view applies (expired, unpriced), with the message they show.
  const resolved = resolvePosition(i, sizeContracts, view)
  if (!resolved.ok) return { priced: false, notPricedReason: resolved.message }
  try {
    valuePosition(i, sizeContracts, avgPrice, view)
    return { priced: true, notPricedReason: null }
  } catch (e) {
    return { priced: false, notPricedReason: (e as Error).message }
  }
}

export function statementPreview(db: BookDb, req: PreviewRequest, p: Prepared): ImportPreview {
  const market = bookSnapshot(db, req.bookId)
  const view = market ? buildMarketView(market) : null
  return {
    dataset: 'statement',
    series: [],
    fileName: req.fileName,
    sha256: p.sha256,
    format: p.parsed.format,
    formatLabel: p.parsed.formatLabel,
    venue: p.parsed.venue,
    accountName: p.accountName,
    accountExists: p.accountId !== null,
    alreadyImportedAt: findImportByHash(db, req.bookId, p.sha256)?.importedAt ?? null,
    rowsTotal: p.parsed.rowsTotal,
    trades: { new: p.plan.newTrades.length, duplicate: p.plan.duplicateTrades },
    cashFlows: { new: p.plan.newCashFlows.length, duplicate: p.plan.duplicateCashFlows },
    positionChanges: p.plan.changes.map((c) => ({
      venue: c.instrument.venue,
      symbol: c.instrument.symbol,
      ...pricedOn(c.instrument, c.after.sizeContracts, c.after.avgPrice, view),
      beforeContracts: c.before.sizeContracts,
      afterContracts: c.after.sizeContracts,
      beforeAvgPrice: c.before.avgPrice,
      afterAvgPrice: c.after.avgPrice,
      source: c.source
    })),
    issues: [...p.parsed.issues, ...p.plan.reconciliation],
    rejected: rowsWith(p.parsed.issues, 'rejected'),
    skipped: rowsWith([...p.parsed.issues, ...p.plan.reconciliation], 'skipped'),
    warnings: rowsWith([...p.parsed.issues, ...p.plan.reconciliation], 'warning'),
    cash: p.cash,
    notes: [...p.parsed.notes, ...p.notes]
  }
}

export function marketPreview(db: BookDb, req: PreviewRequest, parsed: ParsedMarketFile, sha256: string): ImportPreview {
  return {
    dataset: parsed.dataset,
    series: summariseMarketFile(db, parsed, req.bookId),
    fileName: req.fileName,
    sha256,
    format: parsed.format,
    formatLabel: parsed.formatLabel,
    venue: parsed.funding?.venue ?? parsed.series[0]?.source ?? 'deribit',
    accountName: '',
    accountExists: false,
    alreadyImportedAt: findImportByHash(db, req.bookId, sha256)?.importedAt ?? null,
    rowsTotal: parsed.rowsTotal,
    trades: { new: 0, duplicate: 0 },
    cashFlows: { new: 0, duplicate: 0 },
    positionChanges: [],
    issues: parsed.issues,
    rejected: rowsWith(parsed.issues, 'rejected'),
    skipped: rowsWith(parsed.issues, 'skipped'),
    warnings: rowsWith(parsed.issues, 'warning'),
    cash: [],
    notes: []
  }
}


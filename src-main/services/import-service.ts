/**
 * Statement import: preview (a dry run that writes nothing) and commit (one SQLite transaction:
 * account, instruments, new trades and cash flows, positions, an imports-log row and an audit
 * entry — all of it or none of it). Re-importing a file, or an overlapping later statement, adds
 * nothing twice: rows are matched by their stable identity.
 */
import { createHash } from 'node:crypto'
import type { BookDb } from '../book/database'
import { insertAccount } from '../book/books-repository'
import {
  findAccount, findImportByHash, futuresSettlementInserter, heldByAccount, importedPositionWriter, knownIds, ledgerRowInserter, logImport
} from '../book/import-repository'
import { accountsAtVenue } from '../book/accounts-repository'
import { upsertInstrument } from '../book/instruments-repository'
import { multiRowInserter, TRADE_COLUMNS } from '../book/trades-repository'
import { recordAudit } from '../book/audit'
import { parseStatement } from '../importers/registry'
import type { GenericMapping } from '../importers/formats/generic-csv'
import { readCsvHeader } from '../importers/csv-records'
import { detectMarketDataset, parseMarketFile, type MarketDataset, type ParsedMarketFile } from '../importers/market/market-files'
import { commitMarketFile } from './market-import'
import { planImport } from '../importers/plan'
import type { ParsedStatement, StatementCashFlow } from '../importers/statement'
import { headOf, inChunks, wholeText, type StatementText } from '../importers/statement-text'
import { NotFoundError } from './errors'
import { dropCrossExportDuplicates } from './cross-export'
import { absorbLaterOpenings, previewCash, settleCash, type CashLine, type CashOptions } from './import-cash'
import { marketPreview, rowsWith, statementPreview, type ImportPreview, type Prepared } from './import-preview'

export type { ImportPreview, PositionChangeView } from './import-preview'
import { findBook } from '../book/books-repository'
import { BookRefusedError } from '../book/whatif-repository'
import { closeSettledByVenue, recordDeliveryPrices, settleExpired, unsettle } from './expiry/settle-expired'

export interface ImportRequest {
  bookId: number
  fileName: string
  /** The file's text; the CLI passes a file read in chunks (statement-file.ts), so a 1M-row log is never one string. */
  text: StatementText
  /** Book account to import into; default: the one the statement names. */
  accountName?: string
  format?: string
  /** Market files: what a price history prices, when its name does not say. */
  underlying?: string
  quoteCurrency?: string
  source?: string
  /** With format 'generic-csv': the user's column mapping. */
  mapping?: GenericMapping
  openingBalance?: CashOptions['openingBalance']
  openingBalances?: CashOptions['openingBalances']
  /** ISO instant an option chain without its own snapshot time was taken. */
  asOf?: string
}

export interface ImportResult {
  importId: number | null
  /** null when nothing was written and the account did not exist, and for market data. */
  accountId: number | null
  /** Market data rows added (bars, funding points, chain marks). */
  marketRowsAdded: number
  tradesAdded: number
  cashFlowsAdded: number
  positionsChanged: number
  rejected: number
  cash: CashLine[]
}

/** A commit refused before anything was written; the message says why and what to do. */
export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImportRefusedError'
  }
}

/**
 * The file's SHA-256 (of its UTF-8 bytes), hashed in slices: update(text) of a 190 MB string first
 * encodes all of it into one more 190 MB buffer (issue 20). A slice never ends between the two
 * halves of a surrogate pair, so the bytes hashed are exactly the whole text's. The last text's
 * digest is kept: a preview and its commit hash the same file once.
 */
export function sha256Of(text: StatementText): string {
  if (lastHashed && lastHashed.text === text) return lastHashed.sha256
  const hash = createHash('sha256')
  // A text in chunks (a file) is hashed chunk by chunk: its chunks never split a surrogate pair either.
  for (const slice of typeof text === 'string' ? inChunks(text, 1 << 22) : text.chunks()) hash.update(slice)
  lastHashed = { text, sha256: hash.digest('hex') }
  return lastHashed.sha256
}
let lastHashed: { text: StatementText; sha256: string } | null = null

/**
 * Statements and market files go to the trader's live book only: the demo is a read-only sample
 * and what-if books change by hand (issue 17: imports never land in the demo).
 */
function requireImportTarget(db: BookDb, bookId: number): void {
  const book = findBook(db, bookId)
  if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
  if (book.kind === 'demo') throw new BookRefusedError(`"${book.name}" is the demo book: imports go to your live book, never into the demo`)
  if (book.kind === 'whatif') throw new BookRefusedError(`"${book.name}" is a what-if book: imports go to the live book, and what-if books change only by hand`)
}

/**
 * Parsing depends only on the file's bytes, name and format, so the commit that follows a preview
 * reuses its parse; the plan is still recomputed against the book inside the transaction.
 */
const PARSE_CACHE_SIZE = 4
const parseCache = new Map<string, ParsedStatement>()
function parseCached(req: ImportRequest, sha256: string): ParsedStatement {
  const key = `${sha256}\u0000${req.fileName}\u0000${req.format ?? ''}\u0000${req.mapping ? JSON.stringify(req.mapping) : ''}`
  const hit = parseCache.get(key)
  if (hit) return hit
  const parsed = parseStatement(req.text, req.fileName, req.format, req.mapping)
  parseCache.set(key, parsed)
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value!)
  return parsed
}

/** Parse the file and plan it against the book: what a preview shows and a commit writes. */
function prepareImport(db: BookDb, req: ImportRequest, sha256 = sha256Of(req.text)): Prepared {
  requireImportTarget(db, req.bookId)
  const parsed = parseCached(req, sha256)
  const notes: string[] = []
  let accountName = req.accountName?.trim() || parsed.accountName
  if (!req.accountName?.trim() && !findAccount(db, req.bookId, accountName)) {
    // A file that names no account id (Binance's futures transaction history, OKX, Bybit) goes to
    // the book's only account at that venue, where its positions and collateral are.
    const same = accountsAtVenue(db, req.bookId, parsed.venue)
    if (same.length === 1 && !/\d/.test(accountName)) {
      notes.push(`Account "${same[0]!.name}": the book's only ${parsed.venue} account (the file names none); choose another if this is a different account.`)
      accountName = same[0]!.name
    }
  }
  const account = findAccount(db, req.bookId, accountName)
  const held = account ? heldByAccount(db, account.id) : new Map()
  const tradeIds = account ? knownIds(db, 'trades', account.id, parsed.trades.map((t) => t.externalId)) : new Set<string>()
  const flowIds = account ? knownIds(db, 'cash_flows', account.id, parsed.cashFlows.map((c) => c.externalId)) : new Set<string>()
  const planned = planImport(parsed, held, tradeIds, flowIds)
  const cross = dropCrossExportDuplicates(db, account?.id ?? null, planned.newCashFlows, req.fileName)
  const plan = { ...planned, newCashFlows: cross.kept, duplicateCashFlows: planned.duplicateCashFlows + cross.issues.length, reconciliation: [...planned.reconciliation, ...cross.issues] }
  const { lines, openingFlows } = previewCash(db, account?.id ?? null, accountName, parsed, plan, req, { file: req.fileName, sha256 })
  return { parsed, sha256, accountName, accountId: account?.id ?? null, plan, cash: lines, openingFlows, notes }
}

/**
 * The preview's plan, kept for the commit that follows it (the CLI previews, then commits: on a
 * 1M-row log the plan, the cross-export check and the cash preview took seconds, twice; issue 20).
 * Reused only for the same file and request, on a book nothing has written to since: SQLite's
 * data_version (another connection's commits) and total_changes() (this connection's writes) both
 * as they were. The next commit takes it and lets it go, used or not.
 */
interface KeptPlan {
  /** The connection it was planned on: another connection's counters say nothing about this one's. */
  db: BookDb
  key: string
  bookState: string
  prepared: Prepared
}
let keptPlan: KeptPlan | null = null

const planKey = (req: ImportRequest, sha256: string): string =>
  JSON.stringify([sha256, req.bookId, req.fileName, req.format ?? null, req.mapping ?? null, req.accountName ?? null, req.openingBalance ?? null, req.openingBalances ?? null])

function bookState(db: BookDb): string {
  const dataVersion = db.pragma('data_version', { simple: true }) as number
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  return `${dataVersion}:${changes}`
}

/** prepareImport, or the preview's plan when the book has not changed since (see KeptPlan). */
function preparedForCommit(db: BookDb, req: ImportRequest, sha256: string): Prepared {
  const kept = keptPlan
  keptPlan = null
  if (kept && kept.db === db && kept.key === planKey(req, sha256) && kept.bookState === bookState(db)) return kept.prepared
  return prepareImport(db, req, sha256)
}

/** A market file's dataset, from its header; null for statements (and XML). */
function marketDataset(req: ImportRequest): MarketDataset | null {
  if (req.format) return (['prices', 'vol-index', 'funding', 'option-chain'] as const).find((d) => d === req.format) ?? null
  const head = headOf(req.text)
  return head.trimStart().startsWith('<') ? null : detectMarketDataset(readCsvHeader(head))
}

function parseMarketCached(req: ImportRequest, dataset: MarketDataset, sha256: string): ParsedMarketFile {
  const key = `${sha256}\u0000${req.fileName}\u0000${dataset}\u0000${req.underlying ?? ''}\u0000${req.quoteCurrency ?? ''}\u0000${req.source ?? ''}\u0000${req.asOf ?? ''}`
  const hit = marketCache.get(key)
  if (hit) return hit
  const parsed = parseMarketFile(wholeText(req.text), req.fileName, dataset, { underlying: req.underlying, quoteCurrency: req.quoteCurrency, source: req.source, asOfMs: req.asOf === undefined ? undefined : Date.parse(req.asOf) })
  marketCache.set(key, parsed)
  if (marketCache.size > PARSE_CACHE_SIZE) marketCache.delete(marketCache.keys().next().value!)
  return parsed
}
const marketCache = new Map<string, ParsedMarketFile>()

/** The dry run: what an import would add, change and skip, and why. Writes nothing. */
export function previewImport(db: BookDb, req: ImportRequest): ImportPreview {
  requireImportTarget(db, req.bookId)
  const dataset = marketDataset(req)
  if (dataset) {
    const sha256 = sha256Of(req.text)
    return marketPreview(db, req, parseMarketCached(req, dataset, sha256), sha256)
  }
  const sha256 = sha256Of(req.text)
  const prepared = prepareImport(db, req, sha256)
  keptPlan = { db, key: planKey(req, sha256), bookState: bookState(db), prepared }
  return statementPreview(db, req, prepared)
}

/**
 * Commit in one transaction. Rejected rows refuse the commit unless `allowPartial`; then the good
 * rows go in and the rejected ones are counted in the imports log.
 */
export function commitImport(
  db: BookDb,
  req: ImportRequest & { allowPartial: boolean; onProgress?: (rowsWritten: number, rowsTotal: number) => void },
  now = new Date()
): ImportResult {
  const dataset = marketDataset(req)
  if (dataset) return commitMarket(db, req, dataset, now)
  return commitStatement(db, req, now)
}

function commitMarket(db: BookDb, req: ImportRequest & { allowPartial: boolean }, dataset: MarketDataset, now: Date): ImportResult {
  requireImportTarget(db, req.bookId)
  const sha256 = sha256Of(req.text)
  const parsed = parseMarketCached(req, dataset, sha256)
  const rejectedRows = rowsWith(parsed.issues, 'rejected')
  if (rejectedRows > 0 && !req.allowPartial) {
    const first = [...parsed.issues].filter((i) => i.severity === 'rejected').sort((a, b) => a.line - b.line)[0]!
    throw new ImportRefusedError(
      `${req.fileName}: ${rejectedRows} rejected row(s), first at line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.reason}. Nothing was written; fix the rows or allow a partial import.`
    )
  }
  const result = db.transaction(() => {
    const written = commitMarketFile(db, parsed, { bookId: req.bookId, fileName: req.fileName, sha256, rejectedRows, skippedRows: rowsWith(parsed.issues, 'skipped'), now })
    // A newer market, or history with the index at an expiry, settles what has expired.
    if (written.importId !== null) settleExpired(db, req.bookId, now)
    return written
  }).immediate()
  return { importId: result.importId, accountId: null, tradesAdded: 0, cashFlowsAdded: 0, positionsChanged: 0, rejected: rejectedRows, marketRowsAdded: result.rowsAdded, cash: [] }
}

/**
 * SQLite's page cache for the commit: the default 2 MB holds a small part of the indexes a 1M-row
 * import writes into (trades and cash flows by account and external id, and by time), so pages
 * are spilled and read back all through the transaction. 64 MB for the commit, then as it was.
 */
const IMPORT_CACHE_KIB = 65_536
function withImportCache<T>(db: BookDb, body: () => T): T {
  const before = db.pragma('cache_size', { simple: true }) as number
  db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`)
  try {
    return body()
  } finally {
    db.pragma(`cache_size = ${before}`)
  }
}

function commitStatement(
  db: BookDb,
  req: ImportRequest & { allowPartial: boolean; onProgress?: (rowsWritten: number, rowsTotal: number) => void },
  now: Date
): ImportResult {
  // Parse before the write transaction (parsing reads only the file; the cache hands the parse to
  // prepareImport), so a second writer waits for the writes alone, not for a 30 MB parse as well.
  requireImportTarget(db, req.bookId)
  const sha256 = sha256Of(req.text)
  parseCached(req, sha256)
  return withImportCache(db, () => db.transaction((): ImportResult => {
    const p = preparedForCommit(db, req, sha256)
    const rejected = p.parsed.issues.filter((i) => i.severity === 'rejected')
    const rejectedRows = rowsWith(p.parsed.issues, 'rejected')
    if (rejected.length > 0 && !req.allowPartial) {
      const first = [...rejected].sort((a, b) => a.line - b.line)[0]!
      throw new ImportRefusedError(
        `${req.fileName}: ${rejectedRows} rejected row(s), first at line ${first.line}${first.column ? `, column ${first.column}` : ''}: ${first.reason}. ` +
          'Nothing was written; fix the rows or allow a partial import.'
      )
    }
    const nothingNew = p.plan.newTrades.length === 0 && p.plan.newCashFlows.length === 0 && p.plan.changes.length === 0 && p.openingFlows.length === 0
    const previous = findImportByHash(db, req.bookId, p.sha256)
    if (nothingNew || previous) {
      // The same file again, or a statement holding nothing new: nothing to write, nothing to log.
      return { importId: previous?.id ?? null, accountId: p.accountId, tradesAdded: 0, cashFlowsAdded: 0, positionsChanged: 0, rejected: rejectedRows, marketRowsAdded: 0, cash: p.cash }
    }
    const accountId = p.accountId ?? insertAccount(db, req.bookId, { name: p.accountName, venue: p.parsed.venue, baseCurrency: p.parsed.baseCurrency })
    const importId = logImport(db, {
      bookId: req.bookId, fileName: req.fileName, sha256: p.sha256, format: p.parsed.format, rowsTotal: p.parsed.rowsTotal,
      rowsImported: p.plan.newTrades.length + p.plan.newCashFlows.length,
      rowsSkipped: p.plan.duplicateTrades + p.plan.duplicateCashFlows + rowsWith(p.parsed.issues, 'skipped'),
      rowsRejected: rejectedRows, importedAt: now.toISOString()
    })
    const instrumentIds = new Map<string, number>()
    for (const [key, instrument] of p.plan.instruments) instrumentIds.set(key, upsertInstrument(db, instrument))
    const idOf = (venue: string, symbol: string): number => instrumentIds.get(`${venue}:${symbol}`)!

    const total = p.plan.newTrades.length + p.plan.newCashFlows.length
    const PROGRESS_EVERY = 5000
    let written = 0
    // Rows are written ROWS_PER_INSERT at a time (multiRowInserter): progress follows each row written.
    const wrote = (rows: number): void => {
      for (let k = 0; k < rows; k++) if (++written % PROGRESS_EVERY === 0) req.onProgress?.(written, total)
    }
    // Straight from the plan's rows, inside this transaction (no second array of 1M trade rows).
    const insertTrade = multiRowInserter(db, 'trades', TRADE_COLUMNS)
    for (const t of p.plan.newTrades) {
      wrote(insertTrade.add([accountId, idOf(t.instrument.venue, t.instrument.symbol), importId, t.externalId, t.tradedAtMs, t.side, t.sizeContracts, t.price, t.fee, t.feeCurrency]))
    }
    wrote(insertTrade.flush())
    const insertFlow = ledgerRowInserter(db)
    const addFlow = (c: StatementCashFlow): void =>
      // Currencies are kept upper-case, as balances are: one ledger per currency whatever the file's spelling.
      wrote(insertFlow.add({
        accountId, importId, externalId: c.externalId, atMs: c.atMs, kind: c.kind, currency: c.currency.toUpperCase(), amount: c.amount,
        instrumentSymbol: c.instrumentSymbol ?? null, note: c.note ?? null, movesCash: c.movesCash !== false
      }))
    for (const c of p.plan.newCashFlows) addFlow(c)
    for (const c of p.openingFlows) addFlow(c)
    wrote(insertFlow.flush())
    const insertSettlement = futuresSettlementInserter(db)
    for (const st of p.plan.settlements) {
      const instrumentId = instrumentIds.get(`${st.instrument.venue}:${st.instrument.symbol}`)
      if (instrumentId !== undefined) insertSettlement({ accountId, instrumentId, importId, atMs: st.atMs, price: st.price })
    }
    const positions = importedPositionWriter(db)
    recordDeliveryPrices(db, p.parsed.deliveryPrices ?? [], req.fileName, importId)
    for (const c of p.plan.changes) {
      const instrumentId = idOf(c.instrument.venue, c.instrument.symbol)
      // The venue's own rows replace a settlement Marginal made at expiry.
      unsettle(db, accountId, instrumentId)
      if (c.after.sizeContracts === 0) positions.close(accountId, instrumentId)
      else positions.set({ accountId, instrumentId, sizeContracts: c.after.sizeContracts, avgPrice: c.after.avgPrice, sessionPrice: c.after.sessionPrice ?? null, updatedAt: now.toISOString() })
    }
    // The venue's own settlement rows (flows-only statements) close what they settled.
    closeSettledByVenue(db, accountId, p.plan.newCashFlows)
    absorbLaterOpenings(db, accountId, [p.plan.newCashFlows, p.openingFlows])
    const cash = settleCash(db, accountId, p.accountName, p.parsed, p.cash, req.fileName)
    // Positions now past the market's as-of settle at expiry (cash after settleCash: rows at expiry
    // before a newer statement balance do not move the cash again).
    settleExpired(db, req.bookId, now)
    recordAudit(db, {
      bookId: req.bookId,
      entity: 'import',
      entityId: importId,
      action: 'commit',
      detail: {
        file: req.fileName, format: p.parsed.format, account: p.accountName, trades: p.plan.newTrades.length, cashFlows: p.plan.newCashFlows.length,
        positionsChanged: p.plan.changes.length, rejected: rejectedRows,
        cash: cash.map((c) => ({ currency: c.currency, statement: c.statementBalance, ledger: c.ledger, difference: c.difference, before: c.cashBefore, after: c.cashAfter, opening: c.opening?.booked ? c.opening.missing : null }))
      }
    }, now)
    return { importId, accountId, tradesAdded: p.plan.newTrades.length, cashFlowsAdded: p.plan.newCashFlows.length, positionsChanged: p.plan.changes.length, rejected: rejectedRows, marketRowsAdded: 0, cash }
  }).immediate())
}

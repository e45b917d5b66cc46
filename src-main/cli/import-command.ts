/**
 * `cli import FILE [--dry-run] [--allow-partial] [--format F] [--account NAME] [--book-id N]
 * [--verbose] [--issues FILE]`. Prints the same preview the workstation shows; more than a screen of
 * rejected or skipped rows is summarised (issue-report.ts), and values echoed from the file are
 * clipped (excerpt.ts). The verdict is the last line. Exit codes: 0 imported (or previewed cleanly),
 * 3 rejected rows and nothing written (without --allow-partial), 1 the file could not be read.
 */
import { basename } from 'node:path'
import type { BookDb } from '../book/database'
import { commitImport, previewImport, type ImportPreview } from '../services/import-service'
import type { CashLine } from '../services/import-cash'
import type { CliIo } from './commands'
import type { Services } from '../services/api-service'
import { statementFile } from '../services/import/statement-file'
import { formatTable } from './format-table'
import { clipText, echoCell, echoLine, errorText } from './excerpt'
import { printIssueReport, type IssueLog } from './issue-report'

export const EXIT_REJECTED_ROWS = 3

export interface ImportOptions {
  file: string
  bookId: number
  dryRun: boolean
  allowPartial: boolean
  format?: string
  account?: string
  json: boolean
  /** --no-opening-balance: leave a missing opening balance showing instead of booking it. */
  openingBalance: 'take' | 'skip'
  /** --opening CCY=AMOUNT: the trader's own opening balances. */
  openingBalances: { currency: string; amount: number }[]
  /** ISO instant an option chain without its own snapshot time was taken (--as-of). */
  asOf?: string
  /** --verbose: every issue line, not the summary. */
  verbose?: boolean
  /** --issues FILE: every issue, as CSV. */
  issuesLog?: IssueLog
}

/** `--opening BTC=1.5` → { currency, amount }, or a usage message. */
export function parseOpening(values: readonly string[]): { currency: string; amount: number }[] | string {
  const out: { currency: string; amount: number }[] = []
  for (const v of values) {
    const m = /^([A-Za-z0-9]{1,12})=(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/.exec(v.trim())
    if (!m || !Number.isFinite(Number(m[2])) || Math.abs(Number(m[2])) > 1e15) return `--opening "${v}" is not CURRENCY=AMOUNT (e.g. BTC=1.5)`
    if (out.some((o) => o.currency === m[1]!.toUpperCase())) return `--opening gives ${m[1]!.toUpperCase()} twice`
    out.push({ currency: m[1]!.toUpperCase(), amount: Number(m[2]) })
  }
  return out
}

const num = (x: number | null, decimals: number | null): string | null => (x === null ? null : decimals !== null ? x.toFixed(Math.min(decimals, 12)) : String(Number(x.toPrecision(12))))

/** The cash per currency: statement balance against the book's ledger, and the cash before → after. */
export function printCash(io: CliIo, cash: readonly CashLine[], committed: boolean): void {
  if (!cash.length) return
  io.out(`\nCash ${committed ? 'after the import' : 'if imported'} (per account and currency, in that currency):`)
  io.out(
    formatTable(
      ['Account', 'Ccy', 'Statement balance', 'At (UTC)', 'Line', 'Book ledger', 'Difference', 'Cash before', 'Cash after', 'Set from'],
      cash.map((c) => [
        echoCell(c.account), echoCell(c.currency), num(c.statementBalance, c.decimals) ?? 'flows only', c.statementAtUtc?.slice(0, 19).replace('T', ' ') ?? null, c.statementLine,
        num(c.ledger, c.decimals), c.difference === null ? null : num(c.difference, c.decimals), num(c.cashBefore, c.decimals), num(c.cashAfter, c.decimals), c.cashSource
      ])
    )
  )
  for (const c of cash) {
    if (c.opening && c.opening.missing !== 0) {
      io.out(
        `${c.currency}: the file does not start at the account's opening: the balance before line ${c.opening.line} (${c.opening.atUtc}) was ${num(c.opening.statementBalance, c.decimals) ?? '?'}, ` +
          `the book's ledger has ${num(c.opening.ledgerBefore, c.decimals)} by then. ` +
          (c.opening.booked ? `${committed ? 'Booked' : 'Will book'} ${num(c.opening.missing, c.decimals)} ${c.currency} as the opening balance (--no-opening-balance leaves it out).` : `Not booked (--no-opening-balance): the difference shows.`)
      )
    }
    if (c.warning) io.out(`WARNING ${echoLine(`${c.account} ${c.currency}`)}: the statement's balance ${num(c.statementBalance, c.decimals)} and the book's ledger ${num(c.ledger, c.decimals)} differ by ${num(c.difference, c.decimals)}: a statement may be missing, or rows the ledger does not know.`)
  }
}

type IssueOptions = Pick<ImportOptions, 'verbose' | 'issuesLog'>

/** Position changes listed before the table is cut (a statement touching thousands of instruments). */
export const POSITION_ROWS = 100

function printPreview(io: CliIo, p: ImportPreview, o: IssueOptions): void {
  if (p.dataset !== 'statement') {
    io.out(`${p.fileName}: ${p.formatLabel}, ${p.rowsTotal} rows`)
    io.out(formatTable(['Series', 'From', 'To', 'Rows', 'New', 'Already in the book'], p.series.map((s) => [echoCell(s.name), s.first, s.last, s.rows, s.new, s.duplicate])))
    printIssues(io, p, o)
    return
  }
  io.out(`${p.fileName}: ${p.formatLabel}, ${p.rowsTotal} rows → account "${echoLine(p.accountName)}"${p.accountExists ? '' : ' (new)'}`)
  if (p.alreadyImportedAt) io.out(`This file was imported before, at ${p.alreadyImportedAt}.`)
  io.out(`Trades: ${p.trades.new} new, ${p.trades.duplicate} already in the book. Cash flows: ${p.cashFlows.new} new, ${p.cashFlows.duplicate} already in the book.`)
  if (p.positionChanges.length) {
    const shown = o.verbose ? p.positionChanges : p.positionChanges.slice(0, POSITION_ROWS)
    io.out(
      formatTable(
        ['Instrument', 'Before (contracts)', 'After (contracts)', 'Avg price after', 'From', 'Priced'],
        shown.map((c) => [
          echoCell(`${c.venue}:${c.symbol}`),
          c.beforeContracts,
          c.afterContracts,
          c.afterAvgPrice === null ? null : Number(c.afterAvgPrice.toPrecision(10)),
          c.source,
          c.priced ? 'yes' : echoLine(`no: ${c.notPricedReason}`)
        ])
      )
    )
    const more = p.positionChanges.length - shown.length
    if (more > 0) io.out(`… and ${more} more position changes (${p.positionChanges.length} in all): --verbose lists every one.`)
  } else io.out('No position changes.')
  for (const n of p.notes) io.out(`Note: ${clipText(n)}`)
  printCash(io, p.cash, false)
  printIssues(io, p, o)
}

/** Rows not used as they are: every line up to a screenful, else counts per reason and the first lines. */
function printIssues(io: CliIo, p: ImportPreview, o: IssueOptions): void {
  printIssueReport(io, `\n${p.rejected} rejected, ${p.skipped} skipped, ${p.warnings} with warnings:`, p.issues, { verbose: o.verbose ?? false, issuesLog: o.issuesLog })
}

export function importCommand(db: BookDb, io: CliIo, o: ImportOptions): number {
  // Read a chunk at a time as the import goes: a 1M-row log is never one 190 MB string (issue 20).
  const text = statementFile(o.file)
  const request = {
    bookId: o.bookId, fileName: basename(o.file), text, format: o.format, accountName: o.account,
    openingBalance: o.openingBalance, openingBalances: o.openingBalances.length ? o.openingBalances : undefined, asOf: o.asOf
  }
  const preview = previewImport(db, request)
  if (o.json) {
    io.out(JSON.stringify(preview, null, 2))
    o.issuesLog?.add(preview.issues)
  } else printPreview(io, preview, o)
  if (o.dryRun) {
    if (!o.json) io.out('\nDry run: nothing written.')
    return preview.rejected > 0 && !o.allowPartial ? EXIT_REJECTED_ROWS : 0
  }
  if (preview.rejected > 0 && !o.allowPartial) {
    io.out(`\nNothing written: ${preview.rejected} rejected row(s). Fix them, or pass --allow-partial to import the good rows.`)
    return EXIT_REJECTED_ROWS
  }
  const result = commitImport(db, { ...request, allowPartial: o.allowPartial })
  if (!o.json) {
    io.out(
      result.importId === null || (result.tradesAdded === 0 && result.cashFlowsAdded === 0 && result.positionsChanged === 0 && result.marketRowsAdded === 0)
        ? '\nNothing new: the book already holds every row of this file.'
        : result.marketRowsAdded
          ? `\nImported ${result.marketRowsAdded} rows of market data${result.rejected ? `, ${result.rejected} rejected rows left out` : ''}.`
          : `\nImported: ${result.tradesAdded} trades, ${result.cashFlowsAdded} cash flows, ${result.positionsChanged} positions changed${result.rejected ? `, ${result.rejected} rejected rows left out` : ''}.`
    )
    if (result.importId !== null) printCash(io, result.cash, true)
  }
  return 0
}

/**
 * importCommand for each file in turn, then what a change to the book brings after it, as after
 * the workstation's import: its margin alerts evaluated once, against the book as the files left it,
 * what they raise or clear logged (issue 22, §1). `cli import` (one file) and the imports of `cli
 * report` (the nightly job: its statements, then its chains) both come here; evaluating after each
 * file would log the states in between (a statement against yesterday's market, just before today's
 * chain), and compute the book's margin once a file. Stops at the first file not imported (its exit
 * code, and that file), or at one that cannot be read (thrown); what the files before it wrote is
 * evaluated either way. Nothing is evaluated after a
 * dry run or when nothing was imported; an evaluation that fails is a warning (the import is
 * written), never the exit code.
 */
export async function importAndEvaluate(
  services: Services,
  io: CliIo & { err(text: string): void },
  files: readonly string[],
  o: Omit<ImportOptions, 'file'>
): Promise<{ code: number; refused: string | null }> {
  const liveMarketBefore = services.liveMarketOf()
  const imported: string[] = []
  try {
    for (const file of files) {
      const code = importCommand(services.db, io, { ...o, file })
      if (code !== 0) return { code, refused: file }
      imported.push(basename(file))
    }
    return { code: 0, refused: null }
  } finally {
    // Also when a later file is refused or cannot be read: what the earlier ones wrote is in the book.
    if (imported.length && !o.dryRun) {
      try {
        await services.afterChange('commitImport', { bookId: o.bookId, fileName: imported.join(', ') }, null, liveMarketBefore)
      } catch (e) {
        io.err(`marginal: warning: the import is written; its margin alerts were not evaluated: ${clipText(errorText(e))}`)
      }
    }
  }
}

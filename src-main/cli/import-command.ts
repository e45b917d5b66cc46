/**
 * `cli import FILE [--dry-run] [--allow-partial] [--format F] [--account NAME] [--book-id N]`.
 * Prints the same preview the workstation shows. Exit codes: 0 imported (or previewed cleanly),
 * 3 rejected rows and nothing written (without --allow-partial), 1 the file could not be read.
 */
import { basename } from 'node:path'
import type { BookDb } from '../book/database'
import { commitImport, previewImport, type ImportPreview } from '../services/import-service'
import { readTextFile, type CliIo } from './commands'
import { formatTable } from './format-table'

export const EXIT_REJECTED_ROWS = 3

export interface ImportOptions {
  file: string
  bookId: number
  dryRun: boolean
  allowPartial: boolean
  format?: string
  account?: string
  json: boolean
}

function printPreview(io: CliIo, p: ImportPreview): void {
  if (p.dataset !== 'statement') {
    io.out(`${p.fileName}: ${p.formatLabel}, ${p.rowsTotal} rows`)
    io.out(formatTable(['Series', 'From', 'To', 'Rows', 'New', 'Already in the book'], p.series.map((s) => [s.name, s.first, s.last, s.rows, s.new, s.duplicate])))
    printIssues(io, p)
    return
  }
  io.out(`${p.fileName}: ${p.formatLabel}, ${p.rowsTotal} rows → account "${p.accountName}"${p.accountExists ? '' : ' (new)'}`)
  if (p.alreadyImportedAt) io.out(`This file was imported before, at ${p.alreadyImportedAt}.`)
  io.out(`Trades: ${p.trades.new} new, ${p.trades.duplicate} already in the book. Cash flows: ${p.cashFlows.new} new, ${p.cashFlows.duplicate} already in the book.`)
  if (p.positionChanges.length) {
    io.out(
      formatTable(
        ['Instrument', 'Before (contracts)', 'After (contracts)', 'Avg price after', 'From', 'Priced'],
        p.positionChanges.map((c) => [
          `${c.venue}:${c.symbol}`,
          c.beforeContracts,
          c.afterContracts,
          c.afterAvgPrice === null ? null : Number(c.afterAvgPrice.toPrecision(10)),
          c.source,
          c.priced ? 'yes' : `no: ${c.notPricedReason}`
        ])
      )
    )
  } else io.out('No position changes.')
  printIssues(io, p)
}

function printIssues(io: CliIo, p: ImportPreview): void {
  if (p.issues.length) {
    io.out(`\n${p.rejected} rejected, ${p.skipped} skipped, ${p.warnings} with warnings:`)
    for (const i of [...p.issues].sort((a, b) => a.line - b.line)) {
      io.out(`  ${i.file}, line ${i.line}${i.column ? `, column ${i.column}` : ''}: ${i.severity}: ${i.reason}`)
    }
  }
}

export function importCommand(db: BookDb, io: CliIo, o: ImportOptions): number {
  const text = readTextFile(o.file)
  const request = { bookId: o.bookId, fileName: basename(o.file), text, format: o.format, accountName: o.account }
  const preview = previewImport(db, request)
  if (o.json) io.out(JSON.stringify(preview, null, 2))
  else printPreview(io, preview)
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
  }
  return 0
}

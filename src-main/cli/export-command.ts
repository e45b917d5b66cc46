/**
 * `cli export --book-id N --portfolio OUT.json --market OUT.json`: a book and its market snapshot in
 * the documented file formats, for other tools and for `cli margin --portfolio/--market`.
 */
import { writeFileSync } from 'node:fs'
import type { BookDb } from '../book/database'
import { exportMarketFile } from '../services/portfolio-files/market-file'
import { exportPortfolioFile } from '../services/portfolio-files/portfolio-file'
import type { CliIo } from './commands'
import { listLine } from './issue-report'

function writeJsonFile(file: string, value: unknown): void {
  try {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  } catch (e) {
    throw new Error(`cannot write ${file}: ${(e as Error).message}`, { cause: e })
  }
}

export function exportCommand(db: BookDb, io: CliIo, o: { bookId: number; portfolio?: string; market?: string; verbose?: boolean }): number {
  // Both files are built before either is written, so a book without a snapshot writes nothing.
  const portfolio = o.portfolio === undefined ? undefined : exportPortfolioFile(db, o.bookId)
  const market = o.market === undefined ? undefined : exportMarketFile(db, o.bookId)
  if (portfolio && o.portfolio !== undefined) {
    writeJsonFile(o.portfolio, portfolio.file)
    io.out(`${o.portfolio}: ${portfolio.file.positions.length} positions of book ${o.bookId}, as of ${portfolio.file.asOf}`)
    if (portfolio.skipped.length) {
      io.out(`Not exported (${portfolio.skipped.length}): ${listLine(portfolio.skipped.map((s) => `${s.account} ${s.symbol} (${s.reason})`), o.verbose ?? false)}`)
    }
  }
  if (market && o.market !== undefined) {
    writeJsonFile(o.market, market)
    io.out(`${o.market}: market of book ${o.bookId} as of ${market.asOf}, ${Object.keys(market.marks ?? {}).length} marks`)
  }
  return 0
}

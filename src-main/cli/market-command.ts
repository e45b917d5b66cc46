/**
 * `cli market`: the book's market snapshot, or one built from a Deribit option-chain CSV
 * (--chain FILE): forwards per expiry and ATM vols, with every unusable row listed.
 */
import type { MarketDetail } from '@contract/api'
import { chainDetail } from '../services/market-detail'
import { readTextFile, type CliIo } from './commands'
import { formatTable } from './format-table'
import { echoCell, echoLine } from './excerpt'
import { printIssueReport } from './issue-report'
import type { RowIssue } from '@contract/api'

/** A chain problem ("FILE, line N, column C: reason") as an issue, for the summary. */
function problemIssue(problem: string): RowIssue {
  const m = /^(.*?), line (\d+)(?:, column ([^:]*))?: ([\s\S]*)$/.exec(problem)
  return m ? { file: m[1]!, line: Number(m[2]), column: m[3] ?? null, severity: 'rejected', reason: m[4]! } : { file: '', line: 0, column: null, severity: 'rejected', reason: problem }
}

export function chainMarketDetail(file: string): { detail: MarketDetail; problems: string[] } {
  return chainDetail(readTextFile(file), file)
}

export function printMarketDetail(io: CliIo, detail: MarketDetail, problems: string[], json: boolean, verbose = false): number {
  if (json) {
    io.out(JSON.stringify({ ...detail, problems }, null, 2))
    return 0
  }
  const unused = (): void => printIssueReport(io, `\n${problems.length} row(s) not used:`, problems.map(problemIssue), { verbose })
  if (!detail.snapshot) {
    io.out('no market snapshot')
    unused()
    return 0
  }
  io.out(`Market snapshot ${detail.snapshot.id}, as of ${detail.snapshot.asOfUtc}, ${detail.snapshot.instrumentCount} instruments (${echoLine(detail.snapshot.source)})`)
  for (const u of detail.underlyings) {
    io.out(`\n${echoCell(u.underlying)}: index ${u.indexUsd.toFixed(2)} USD`)
    const atm = new Map(u.smiles.map((s) => [s.expiryUtc, s.atmVolPct]))
    io.out(
      formatTable(
        ['Expiry (UTC)', 'Days', 'Forward (USD)', 'Basis %', 'Annualised %', 'ATM vol %', 'Source'],
        u.forwards.map((f) => [
          f.expiryUtc.slice(0, 16).replace('T', ' '),
          Number(f.days.toFixed(2)),
          Number(f.forwardUsd.toFixed(2)),
          Number(f.basisPct.toFixed(3)),
          Number(f.annualisedBasisPct.toFixed(2)),
          atm.has(f.expiryUtc) ? Number(atm.get(f.expiryUtc)!.toFixed(2)) : null,
          f.source
        ])
      )
    )
  }
  unused()
  return 0
}

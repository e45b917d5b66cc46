/**
 * `cli margin --derive-case CASE.json [CASE.json …] [--json]`: Derive portfolio margin (PMRM_2) of
 * each case by the replica. --json prints `{"results": [{"case", "method": "derive-pm", "venueValues":
 * {"IM", "MM"}, "initialMargin", "maintenanceMargin", "components"}]}`, venueValues in the protocol's
 * convention (the account's margin value in USD, negative when short of margin); the table gives the
 * same with the requirements a trader reads (mark-to-market − value).
 */
import { deriveCaseReports } from '../services/derive/derive-cases'
import type { CliIo } from './commands'
import { formatTable } from './format-table'

const usd = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

export function deriveCaseCommand(io: CliIo, paths: readonly string[], json: boolean): number {
  const results = deriveCaseReports(paths)
  if (json) {
    io.out(JSON.stringify({ results }, null, 2))
    return 0
  }
  io.out('Derive portfolio margin (PMRM_2 replica), USD. Margin value = mark-to-market − requirement, the protocol\'s IM/MM (negative: short of margin).')
  io.out(
    formatTable(
      ['Case', 'Mark-to-market', 'IM required', 'MM required', 'IM value', 'MM value', 'Worst scenario'],
      results.map((r) => [r.case, usd(r.components.markToMarketUsd), usd(r.initialMargin), usd(r.maintenanceMargin), usd(r.venueValues.IM), usd(r.venueValues.MM), r.components.worstScenario])
    )
  )
  return 0
}

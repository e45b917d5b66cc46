/** `cli margin [--book-id N] [--json]`: the bookMargin service's results as a table or JSON. */
import type { BookMarginResponse } from '@contract/api'
import type { CliIo } from './commands'
import { formatTable } from './format-table'

/** The --json shape documented in the README (issue 5): amounts in each result's currency. */
export function marginJson(m: BookMarginResponse): unknown {
  return {
    results: m.accounts.flatMap((a) =>
      a.results.map((r) => ({
        account: a.account,
        method: r.method,
        currency: r.currency,
        initialMargin: r.initialMargin,
        maintenanceMargin: r.maintenanceMargin,
        components: Object.fromEntries(r.components.map((c) => [c.name, c.amount])),
        unpublishedComponents: r.components.filter((c) => !c.published).map((c) => ({ name: c.name, note: c.note ?? null })),
        worstScenario: r.determiningScenario,
        paramsId: r.paramsId,
        marketId: r.marketId
      }))
    ),
    notCovered: m.notCovered
  }
}

export function printMargin(io: CliIo, m: BookMarginResponse, json: boolean): number {
  if (m.marketId === null) throw new Error('the book has no market snapshot: import an option chain first')
  if (json) {
    io.out(JSON.stringify(marginJson(m), null, 2))
    return 0
  }
  io.out(
    formatTable(
      ['Account', 'Currency', 'Method', 'IM', 'MM', 'Determining scenario', 'Parameters'],
      m.accounts.flatMap((a) =>
        a.results.map((r) => [a.account, r.currency, r.method, Number(r.initialMargin.toFixed(6)), Number(r.maintenanceMargin.toFixed(6)), r.determiningScenario?.label ?? null, r.paramsId])
      )
    )
  )
  for (const a of m.accounts) {
    const std = a.results.find((r) => r.method === 'standard')
    const pm = a.results.find((r) => r.method === 'deribit-pm')
    if (std && pm && std.initialMargin > 0) {
      io.out(`${a.account} ${a.currency}: portfolio margin saves ${(std.initialMargin - pm.initialMargin).toFixed(6)} ${a.currency} (${((1 - pm.initialMargin / std.initialMargin) * 100).toFixed(1)} %) over standard margin`)
    }
  }
  if (m.notCovered.length) io.out(`\nNot covered yet (${m.notCovered.length}): ${m.notCovered.map((n) => `${n.account} ${n.symbol} (${n.reason})`).join('; ')}`)
  io.out('\nDeribit PM excludes extended scenarios and delta shock (unpublished formulas) for now.')
  return 0
}

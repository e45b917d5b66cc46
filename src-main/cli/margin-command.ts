/**
 * `cli margin [--book-id N | --portfolio FILE] [--market FILE] [--method M] [--params FILE] [--json]`:
 * the margin service's results as a table or JSON, for a book, a portfolio file, or either on a
 * market file.
 */
import type { BookMarginResponse } from '@contract/api'
import type { CliIo } from './commands'
import { formatTable } from './format-table'
import { bandsSayMore, liquidationText } from '@contract/liquidation'
import { listLine } from './issue-report'

import type { ParamsComparison } from '../services/portfolio-files/margin-inputs'

export { marginReport, readMarginInputs, type MarginFiles, type MarginInputs, type ParamsComparison } from '../services/portfolio-files/margin-inputs'

/**
 * A margin run as the API returns it, whether it came through the API or from files; from files,
 * also the Deribit PM set chosen (its date, source, notes) and, with several --params, the margin
 * under each (margin-inputs.ts).
 */
export type MarginReport = BookMarginResponse & { paramsComparison?: ParamsComparison[]; deribitPmParams?: { id: string; date: string | null; source: string | null; notes: string[] } | null }

/** The --json shape documented in the README (issue 5): amounts in each result's currency. */
export function marginJson(m: MarginReport): unknown {
  type Group = MarginReport['accounts'][number]
  const entry = (a: Group, r: Group['results'][number] | NonNullable<Group['addOns']>) => ({
    account: a.account,
    riskUnit: a.riskUnit,
    method: r.method,
    currency: r.currency,
    initialMargin: r.initialMargin,
    maintenanceMargin: r.maintenanceMargin,
    components: Object.fromEntries(r.components.map((c) => [c.name, c.amount])),
    unpublishedComponents: r.components.filter((c) => !c.published).map((c) => ({ name: c.name, note: c.note ?? null })),
    worstScenario: r.determiningScenario,
    paramsId: r.paramsId,
    marketId: r.marketId
  })
  return {
    results: m.accounts.flatMap((a) => a.results.map((r) => entry(a, r))),
    addOns: m.accounts.flatMap((a) => (a.addOns ? [entry(a, a.addOns)] : [])),
    health: m.health,
    notCovered: m.notCovered,
    groupNotes: m.accounts.flatMap((a) => a.notes.map((note) => ({ account: a.account, riskUnit: a.riskUnit, currency: a.currency, note }))),
    ...(m.deribitPmParams ? { deribitPmParams: m.deribitPmParams } : {}),
    ...(m.paramsComparison ? { paramsComparison: m.paramsComparison } : {})
  }
}

// A figure that is not finite never prints as NaN or Infinity: it shows as missing (the bounds keep such inputs out; this is the last guard).
const amount = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(6)))
const percent = (ratio: number | null): string => (ratio === null ? '∞' : `${(ratio * 100).toFixed(1)} %`)

export function printMargin(io: CliIo, m: MarginReport, json: boolean, verbose = false): number {
  if (m.marketId === null) throw new Error('the book has no market snapshot: import an option chain first')
  if (json) {
    io.out(JSON.stringify(marginJson(m), null, 2))
    return 0
  }
  const rows = m.accounts.flatMap((a) =>
    a.results.map((r) => [a.account, a.riskUnit, r.currency, r.method, amount(r.initialMargin), amount(r.maintenanceMargin), r.determiningScenario?.label ?? null, r.paramsId])
  )
  io.out(formatTable(['Account', 'Risk unit', 'Currency', 'Method', 'IM', 'MM', 'Determining scenario', 'Parameters'], rows))
  if (rows.length === 0) io.out('No margin result: no account has a position the chosen method covers yet.')
  // What a group lacks (a Derive group whose market has no Derive feeds): said, never left blank.
  for (const a of m.accounts) for (const n of a.notes) io.out(`${a.account}${a.riskUnit ? ` ${a.riskUnit}` : ''}: ${n}`)
  for (const a of m.accounts) {
    const std = a.results.find((r) => r.method === 'standard')
    const pm = a.results.find((r) => r.method === 'deribit-pm')
    if (std && pm && Number.isFinite(std.initialMargin) && Number.isFinite(pm.initialMargin) && std.initialMargin > 0) {
      const saving = std.initialMargin - pm.initialMargin
      const pct = `${(Math.abs(saving / std.initialMargin) * 100).toFixed(1)} %`
      io.out(`${a.account} ${a.currency}: portfolio margin ${saving >= 0 ? 'saves' : 'costs'} ${Math.abs(saving).toFixed(6)} ${a.currency} (${pct}) ${saving >= 0 ? 'over' : 'more than'} standard margin`)
    }
  }
  const addOns = m.accounts.filter((a) => a.addOns)
  if (addOns.length) {
    io.out('')
    io.out('House add-ons (docs/METHODOLOGY.md §5.9; no venue charges them, so they are not in the IM above):')
    io.out(
      formatTable(
        ['Account', 'Risk unit', 'Currency', 'Liquidity', 'Concentration', 'Add-ons', 'Parameters'],
        addOns.map((a) => {
          const c = (name: string): number | null => amount(a.addOns!.components.find((x) => x.name === name)?.amount ?? null)
          return [a.account, a.riskUnit, a.currency, c('liquidity'), c('concentration'), amount(a.addOns!.initialMargin), a.addOns!.paramsId]
        })
      )
    )
  }
  if (m.health.length) {
    io.out('')
    io.out(
      formatTable(
        ['Account', 'Currency', 'Method', 'Equity', 'IM used', 'MM used', 'Status', 'Nearest liquidation'],
        m.health.map((h) => {
          const near = h.liquidation.filter((l) => l.distancePct !== null).sort((a, b) => Math.abs(a.distancePct!) - Math.abs(b.distancePct!))[0]
          const where = near ? `${near.underlying} ${(near.distancePct! >= 0 ? near.upUsd : near.downUsd)!.toFixed(2)} USD (${near.distancePct!.toFixed(1)} %)` : null
          return [h.account, h.currency, h.method, amount(h.equity), percent(h.imUtilisation), percent(h.mmUtilisation), h.status, where]
        })
      )
    )
    // Every band, not only the nearest level: a book with options can dip below MM and recover.
    const bands = m.health.flatMap((h) => h.liquidation.filter(bandsSayMore).map((l) => `  ${h.account} ${h.currency}: ${liquidationText(l)}`))
    if (bands.length) {
      io.out('Liquidation bands (index levels where equity ≤ MM, each underlying moved alone, nearest first):')
      for (const line of bands) io.out(line)
    }
  }
  if (m.deribitPmParams) {
    const p = m.deribitPmParams
    io.out('')
    io.out(`Deribit PM parameters: ${p.id}${p.date ? ` (${p.date})` : ''}${p.source ? `, ${p.source}` : ''}`)
    for (const n of p.notes) io.out(`  ${n}`)
  }
  if (m.paramsComparison) {
    io.out('')
    io.out('Margin under each parameter choice (--params):')
    const keys = [...new Set(m.paramsComparison.flatMap((c) => c.results.map((r) => `${r.account}\u0000${r.currency}\u0000${r.method}`)))]
    const cell = (c: ParamsComparison, key: string, what: 'initialMargin' | 'maintenanceMargin'): number | null => {
      const r = c.results.find((x) => `${x.account}\u0000${x.currency}\u0000${x.method}` === key)
      return r ? amount(r[what]) : null
    }
    io.out(
      formatTable(
        ['Account', 'Currency', 'Method', ...m.paramsComparison.flatMap((c) => [`IM ${c.params}`, `MM ${c.params}`])],
        keys.map((key) => [...key.split('\u0000'), ...m.paramsComparison!.flatMap((c) => [cell(c, key, 'initialMargin'), cell(c, key, 'maintenanceMargin')])])
      )
    )
  }
  if (m.notCovered.length) io.out(`\nNot covered yet (${m.notCovered.length}): ${listLine(m.notCovered.map((n) => `${n.account} ${n.symbol} (${n.reason})`), verbose)}`)
  // Which components are our approximation comes from the results, so this line cannot go stale.
  const unpublished = new Map<string, Set<string>>()
  for (const r of m.accounts.flatMap((a) => a.results)) {
    for (const c of r.components.filter((c) => !c.published)) unpublished.set(r.method, (unpublished.get(r.method) ?? new Set()).add(c.name))
  }
  for (const [method, names] of unpublished) io.out(`\n${method}: ${[...names].join(', ')}: our documented approximation, not a published formula.`)
  return 0
}

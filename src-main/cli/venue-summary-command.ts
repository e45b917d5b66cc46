/**
 * `cli venue-summary import FILE [--book-id N] [--account-id N] [--json]` and
 * `cli venue-summary compare [--book-id N] [--json] [--verbose]`: a venue's own account summary
 * (Deribit get_account_summary or pme/simulate JSON, OKX account/balance or position-builder JSON)
 * into the book, and the replica against it per pool and, for simulations, figure by figure and
 * scenario by scenario (issue 22 §4). Through dispatch, exactly as the workstation calls it.
 */
import type { ImportVenueSummaryResponse, VenueComparisonResponse } from '@contract/venue-summary'
import type { Services } from '../services/api-service'
import { call, readTextFile, type CliIo } from './commands'
import { formatTable } from './format-table'

/** Ten significant digits: a BTC amount keeps its satoshis, a 1e-12 difference shows as such. */
const amount = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(10)))
const percent = (x: number | null): string | null => (x === null ? null : `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(2)} %`)
const when = (iso: string | null): string | null => (iso === null ? null : iso.slice(0, 19).replace('T', ' '))

export interface VenueSummaryArgs {
  sub: string | undefined
  file: string | undefined
  bookId: number
  accountId: string | undefined
  json: boolean
  verbose: boolean
}

/** A usage problem (exit 2) as a string, else null. */
export function venueSummaryUsage(a: Pick<VenueSummaryArgs, 'sub' | 'file' | 'accountId'>): string | null {
  if (a.sub !== 'import' && a.sub !== 'compare') return 'venue-summary needs "import FILE" or "compare"'
  if (a.sub === 'import' && !a.file) return 'venue-summary import needs a FILE (Deribit or OKX JSON)'
  if (a.accountId !== undefined && !/^[1-9]\d*$/.test(a.accountId)) return `--account-id "${a.accountId}" is not an account id (a positive integer)`
  if (a.accountId !== undefined && a.sub !== 'import') return '--account-id is for venue-summary import'
  return null
}

export async function venueSummaryCommand(services: Services, io: CliIo, a: VenueSummaryArgs): Promise<number> {
  if (a.sub === 'import') {
    const fileName = a.file!
    const res = await call(services, 'importVenueSummary', { bookId: a.bookId, fileName: fileName.split(/[\\/]/).pop()!, text: readTextFile(fileName), accountId: a.accountId === undefined ? undefined : Number(a.accountId) })
    printImport(io, res, a.json)
    return 0
  }
  printComparison(io, await call(services, 'venueComparison', { bookId: a.bookId }), a.json, a.verbose)
  return 0
}

export function printImport(io: CliIo, r: ImportVenueSummaryResponse, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(r, null, 2))
    return
  }
  io.out(r.message)
  io.out(
    formatTable(
      ['Currency', 'Venue as of (UTC)', 'Equity', 'IM', 'MM', 'Margin model', 'Row'],
      r.entries.map((e) => [e.currency, when(e.asOfUtc), amount(e.equity), amount(e.initialMargin), amount(e.maintenanceMargin), e.marginModel, `${e.id}${e.duplicate ? ' (already imported)' : ''}`])
    )
  )
  io.out('Amounts in each row\'s currency, as the venue states them.')
  const units = r.entries.flatMap((e) => e.riskUnits)
  if (units.length) {
    const keys = [...new Set(units.flatMap((u) => Object.keys(u.components)))]
    io.out('')
    io.out(formatTable(['Risk unit', 'IMR (USD)', 'MMR (USD)', ...keys.map((k) => `${k.toUpperCase()} (USD)`)], units.map((u) => [u.riskUnit, amount(u.initialMargin), amount(u.maintenanceMargin), ...keys.map((k) => amount(u.components[k] ?? null))])))
  }
  for (const e of r.entries) for (const n of e.notes) io.out(`${e.currency}: ${n}`)
}

export function printComparison(io: CliIo, c: VenueComparisonResponse, json: boolean, verbose: boolean): void {
  if (json) {
    io.out(JSON.stringify(c, null, 2))
    return
  }
  io.out(`Book ${c.bookId}: the replica against the venue's own figures; market ${c.marketId ?? 'none'}${c.marketAsOfUtc ? ` as of ${when(c.marketAsOfUtc)} UTC` : ''}.`)
  io.out('Differences are replica − venue, in each pool\'s currency; % of the venue\'s figure.')
  for (const n of c.notes) io.out(n)
  if (c.pools.length) {
    io.out('')
    io.out(
      formatTable(
        ['Pool', 'Ccy', 'Method', 'Venue file', 'Venue as of (UTC)', 'IM venue', 'IM replica', 'IM diff', 'IM diff %', 'MM venue', 'MM replica', 'MM diff', 'MM diff %'],
        c.pools.map((p) => [p.pool, p.currency, p.method, p.fileName ?? 'no venue summary', when(p.venueAsOfUtc), amount(p.venueInitialMargin), amount(p.replicaInitialMargin), amount(p.initialMarginDifference), percent(p.initialMarginDifferencePct), amount(p.venueMaintenanceMargin), amount(p.replicaMaintenanceMargin), amount(p.maintenanceMarginDifference), percent(p.maintenanceMarginDifferencePct)])
      )
    )
    const withEquity = c.pools.filter((p) => p.venueEquity !== null)
    if (withEquity.length) {
      io.out('')
      io.out(formatTable(['Pool', 'Ccy', 'Equity venue', 'Equity replica', 'Equity diff'], withEquity.map((p) => [p.pool, p.currency, amount(p.venueEquity), amount(p.replicaEquity), amount(p.equityDifference)])))
    }
    for (const p of c.pools) for (const n of p.notes) io.out(`${p.pool}: ${n}`)
  }
  for (const s of c.simulations) {
    io.out('')
    io.out(`${s.fileName}: ${s.source}, ${s.currency}${s.venueAsOfUtc ? `, as of ${when(s.venueAsOfUtc)} UTC` : ''}${s.account ? `, account ${s.account}` : ''}`)
    io.out(formatTable(['Figure', 'Unit', 'Venue', 'Replica', 'Diff', 'Diff %', 'Rule'], s.figures.map((f) => [f.name, f.unit, amount(f.venue), amount(f.replica), amount(f.difference), percent(f.differencePct), f.published ? 'published' : 'ours (note)'])))
    if (s.vectors.length) {
      // One pass: entries, entries without a replica and the largest |difference| per vector.
      const tally = new Map<string, { entries: number; without: number; max: number | null }>()
      for (const v of s.vectors) {
        let t = tally.get(v.vector)
        if (!t) tally.set(v.vector, (t = { entries: 0, without: 0, max: null }))
        t.entries++
        if (v.difference === null) t.without++
        else t.max = Math.max(t.max ?? 0, Math.abs(v.difference))
      }
      const byVector = [...tally].map(([name, t]) => [name, t.entries, t.without, t.max === null ? null : amount(t.max)])
      io.out(formatTable(['Risk vector', 'Entries', 'Without replica', `Max |diff| (${s.currency})`], byVector))
      if (verbose) io.out(formatTable(['Risk vector', 'Part', '#', 'Scenario', 'Venue', 'Replica', 'Diff'], s.vectors.map((v) => [v.vector, v.part, v.index, v.scenario, amount(v.venue), amount(v.replica), amount(v.difference)])))
      else io.out('Every scenario of every vector: --verbose or --json.')
    }
    for (const f of s.figures) if (!f.published && f.note) io.out(`  ${f.name}: ${f.note}`)
    for (const n of s.notes) io.out(`  ${n}`)
  }
  if (c.unmatched.length) {
    io.out('')
    io.out('Not compared:')
    // Files for the same reason (a nightly job's superseded summaries, one a day) as one line each
    // reason, unless --verbose: the list would otherwise grow by a line per file forever.
    const byReason = new Map<string, typeof c.unmatched>()
    for (const u of c.unmatched) {
      const files = byReason.get(u.reason)
      if (files) files.push(u)
      else byReason.set(u.reason, [u])
    }
    for (const [reason, files] of byReason) {
      if (verbose || files.length === 1) for (const u of files) io.out(`  ${u.fileName} (${u.venue} ${u.currency}): ${reason}`)
      else io.out(`  ${files.length} files (${files[0]!.fileName} … ${files[files.length - 1]!.fileName}): ${reason}; --verbose lists them`)
    }
  }
}

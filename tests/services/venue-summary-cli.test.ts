/**
 * `cli venue-summary` printing (src-main/cli/venue-summary-command.ts) from the handlers' replies on
 * a real book: tables with units and currencies labelled, the pme/simulate vectors summarised per
 * risk vector (every scenario with --verbose), and the usage checks.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { demoBook } from '../../src-main/book/books-repository'
import { bookContexts } from '../../src-main/services/book-context'
import type { ServiceContext } from '../../src-main/services/service-context'
import { venueSummaryHandlers } from '../../src-main/services/venue-summary/handlers'
import { printComparison, printImport, venueSummaryUsage } from '../../src-main/cli/venue-summary-command'
import { VenueComparisonResponse } from '../../src-preload/contract/venue-summary'

const FIXTURES = join(import.meta.dirname, '../fixtures/venues')
const text = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8')

describe('cli venue-summary', () => {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-venue-cli-')), 'book.sqlite'))
  const handlers = venueSummaryHandlers({ db, bookContext: bookContexts(db) } as unknown as ServiceContext)
  const demo = demoBook(db)!
  const lines: string[] = []
  const io = { out: (t: string) => lines.push(...t.split('\n')) }

  it('import prints what was read, per currency, and says a repeat is a duplicate', () => {
    printImport(io, handlers.importVenueSummary({ bookId: demo.id, fileName: 'summaries.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json') }), false)
    expect(lines[0]).toBe('summaries.json: Deribit private/get_account_summary, BTC, ETH imported; matched to Deribit main, the book\'s only Deribit account')
    expect(lines[1]).toMatch(/^Currency\s+Venue as of \(UTC\)\s+Equity\s+IM\s+MM\s+Margin model\s+Row$/)
    expect(lines.find((l) => l.startsWith('ETH'))).toMatch(/^ETH\s+2026-11-20 09:00:06\s+14\.0871\s+10\.2105\s+8\.1684\s+pm\s+\d+$/)
    lines.length = 0
    printImport(io, handlers.importVenueSummary({ bookId: demo.id, fileName: 'summaries.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json') }), false)
    expect(lines[0]).toContain('already imported into this book')
    expect(lines.find((l) => l.startsWith('BTC'))).toMatch(/\(already imported\)$/)
  })

  it('compare prints the pools with IM and MM venue, replica and difference, and the simulation\'s figures and vectors', async () => {
    handlers.importVenueSummary({ bookId: demo.id, fileName: 'sim.json', text: text('deribit/pme-simulate-btc-2024-06-17.json') })
    const reply = VenueComparisonResponse.parse(await handlers.venueComparison({ bookId: demo.id }))
    lines.length = 0
    printComparison(io, reply, false, false)
    const out = lines.join('\n')
    expect(out).toContain('Differences are replica − venue, in each pool\'s currency; % of the venue\'s figure.')
    const btc = reply.pools.find((p) => p.pool === 'Deribit main · BTC')!
    const row = lines.find((l) => l.startsWith('Deribit main · BTC'))!
    expect(row).toContain('summaries.json')
    expect(row).toContain(String(Number(btc.initialMarginDifference!.toPrecision(10))))
    expect(row).toMatch(/ [+-]\d+\.\d\d %/)
    expect(lines.find((l) => l.startsWith('OKX portfolio · USD'))).toContain('no venue summary')
    expect(out).toContain('sim.json: Deribit private/pme/simulate, BTC, as of 2024-06-17 10:22:20 UTC, account Deribit main')
    expect(lines.find((l) => l.startsWith('aggregated_risk_vectors.btc_btc'))).toMatch(/^aggregated_risk_vectors\.btc_btc\s+35\s+0\s+/)
    expect(out).toContain('Max |diff| (BTC)')
    expect(out).toContain('Every scenario of every vector: --verbose or --json.')
    lines.length = 0
    printComparison(io, reply, false, true)
    expect(lines.filter((l) => l.startsWith('initial_risk_vectors.BTC-28JUN24'))).toHaveLength(1 + 35)
  })

  it('usage: a sub-command is needed, import needs a file, --account-id is a positive integer for import only', () => {
    expect(venueSummaryUsage({ sub: undefined, file: undefined, accountId: undefined })).toBe('venue-summary needs "import FILE" or "compare"')
    expect(venueSummaryUsage({ sub: 'import', file: undefined, accountId: undefined })).toContain('needs a FILE')
    expect(venueSummaryUsage({ sub: 'import', file: 'a.json', accountId: 'x' })).toBe('--account-id "x" is not an account id (a positive integer)')
    expect(venueSummaryUsage({ sub: 'compare', file: undefined, accountId: '2' })).toBe('--account-id is for venue-summary import')
    expect(venueSummaryUsage({ sub: 'compare', file: undefined, accountId: undefined })).toBeNull()
  })

  it('files not compared for the same reason are one line each reason, unless --verbose', () => {
    const superseded = (day: number) => ({ summaryId: day, fileName: `summary-2026-11-${day}.json`, kind: 'deribit-account-summary' as const, venue: 'deribit', currency: 'BTC', account: 'Deribit main', reason: 'a newer summary of Deribit main · BTC is compared' })
    const c = VenueComparisonResponse.parse({
      bookId: 1, marketId: null, marketAsOfUtc: null, pools: [], simulations: [], notes: [],
      unmatched: [superseded(10), superseded(11), superseded(12), { ...superseded(13), fileName: 'okx.json', venue: 'okx', account: null, reason: 'no okx account in this book when it was imported: import it again naming the account' }]
    })
    const printed = (verbose: boolean): string[] => {
      const out: string[] = []
      printComparison({ out: (t) => out.push(...t.split('\n')) }, c, false, verbose)
      return out.slice(out.indexOf('Not compared:') + 1)
    }
    expect(printed(false)).toEqual([
      '  3 files (summary-2026-11-10.json … summary-2026-11-12.json): a newer summary of Deribit main · BTC is compared; --verbose lists them',
      '  okx.json (okx BTC): no okx account in this book when it was imported: import it again naming the account'
    ])
    expect(printed(true)).toHaveLength(4)
  })
})

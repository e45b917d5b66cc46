/**
 * `cli margin --params` with Deribit's own parameters (issue 21, work item 1): the venue's
 * private/pme/simulate response fed as the file (tests/fixtures/venues/deribit, from
 * https://docs.deribit.com/api-reference/account-management/private-simulate), a shipped set by id,
 * and several choices side by side.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'

const FIXTURES = join(import.meta.dirname, '../fixtures')
const portfolio = join(FIXTURES, 'portfolio/deribit-pm-example.portfolio.json')
const market = join(FIXTURES, 'portfolio/deribit-pm-example.market.json')
const venueFile = join(FIXTURES, 'venues/deribit/pme-simulate-btc-2024-06-17.json')
const venue = JSON.parse(readFileSync(venueFile, 'utf8'))
const dir = mkdtempSync(join(tmpdir(), 'marginal-params-'))

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

type Json = { results: { method: string; paramsId: string; maintenanceMargin: number; components: Record<string, number> }[]; deribitPmParams?: { id: string; date: string; notes: string[] }; paramsComparison?: { params: string; results: { method: string; paramsId: string; maintenanceMargin: number }[] }[] }

describe('cli margin --params with Deribit\'s model_params', () => {
  it('the pme/simulate response as the file: the venue\'s MM to 1e-9 BTC, the set named, unused keys listed', async () => {
    const { code, out, err } = await cli('margin', '--portfolio', portfolio, '--market', market, '--method', 'deribit-pm', '--params', venueFile, '--json')
    expect(err).toBe('')
    expect(code).toBe(0)
    const json = JSON.parse(out) as Json
    const pm = json.results.find((r) => r.method === 'deribit-pm')!
    expect(pm.paramsId).toBe('deribit-pme-2024-06-17T10:22Z')
    expect(Math.abs(pm.maintenanceMargin - venue.result.margins.btc.maintenance_margin)).toBeLessThanOrEqual(1e-9)
    expect(json.deribitPmParams).toMatchObject({ id: 'deribit-pme-2024-06-17T10:22Z', date: '2024-06-17' })
    expect(json.deribitPmParams!.notes).toContain('ignored: result.model_params.currency_pair.btc_usd.m_inc: not used: its role is not published (ours: delta by central difference at ±0.01 %)')
  })

  it('the table says which set and what it left unread', async () => {
    const { code, out } = await cli('margin', '--portfolio', portfolio, '--market', market, '--method', 'deribit-pm', '--params', venueFile)
    expect(code).toBe(0)
    expect(out).toContain('Deribit PM parameters: deribit-pme-2024-06-17T10:22Z (2024-06-17)')
    expect(out).toMatch(/ignored: result\.model_params\.currency\.btc\.haircut/)
  })

  it('a shipped set by id, and two side by side', async () => {
    const one = JSON.parse((await cli('margin', '--portfolio', portfolio, '--market', market, '--method', 'deribit-pm', '--params', 'deribit-pm-2024-06-published', '--json')).out) as Json
    expect(one.results[0]!.paramsId).toBe('deribit-pm-2024-06-published')
    const { code, out } = await cli('margin', '--portfolio', portfolio, '--market', market, '--method', 'deribit-pm', '--params', 'deribit-pm-2024-06,deribit-pm-2024-06-published', '--json')
    expect(code).toBe(0)
    const both = JSON.parse(out) as Json
    expect(both.paramsComparison!.map((c) => [c.params, c.results[0]!.paramsId])).toEqual([
      ['deribit-pm-2024-06', 'deribit-pm-2024-06'],
      ['deribit-pm-2024-06-published', 'deribit-pm-2024-06-published']
    ])
    // On this book the roll shock's floor binds under both (0.1 and 0.075 × 11 days < 1 %): the same MM.
    for (const c of both.paramsComparison!) expect(Math.abs(c.results[0]!.maintenanceMargin - 0.050274504784)).toBeLessThanOrEqual(1e-9)
    const table = await cli('margin', '--portfolio', portfolio, '--market', market, '--method', 'deribit-pm', '--params', 'deribit-pm-2024-06,deribit-pm-2024-06-published')
    expect(table.out).toMatch(/IM deribit-pm-2024-06\s+MM deribit-pm-2024-06\s+IM deribit-pm-2024-06-published/)
  })

  it('a market file\'s params naming the venue document under "deribit-pm"', async () => {
    const file = join(dir, 'market-with-venue-params.json')
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(market, 'utf8')), params: { 'deribit-pm': venue.result } }))
    const { code, out } = await cli('margin', '--portfolio', portfolio, '--market', file, '--method', 'deribit-pm', '--json')
    expect(code).toBe(0)
    const pm = (JSON.parse(out) as Json).results[0]!
    expect(pm.paramsId).toBe('deribit-pme-2024-06-17T10:22Z')
    expect(Math.abs(pm.maintenanceMargin - venue.result.margins.btc.maintenance_margin)).toBeLessThanOrEqual(1e-9)
  })

  it('a bad venue file: the error names the key path', async () => {
    const bad = structuredClone(venue)
    bad.result.model_params.currency_pair.btc_usd.price_range = 'sixteen'
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify(bad))
    const { code, err } = await cli('margin', '--portfolio', portfolio, '--market', market, '--params', file)
    expect(code).not.toBe(0)
    expect(err).toContain('result.model_params.currency_pair.btc_usd.price_range: expected a number')
  })
})

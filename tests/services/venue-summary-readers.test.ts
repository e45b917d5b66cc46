/**
 * The venue-summary readers (src-main/services/venue-summary/read-venue-summary.ts) on the shapes a
 * trader saves: the whole JSON-RPC response, its result, a list; OKX's {code, data} envelope. Values
 * expected are the files' own.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readVenueSummary, readVenueSummaryJson } from '../../src-main/services/venue-summary/read-venue-summary'

const FIXTURES = join(import.meta.dirname, '../fixtures/venues')
const json = (path: string): any => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'))

describe('Deribit get_account_summary in every shape it is saved in', () => {
  const response = json('deribit/account-summary-btc-2026-11-20.json')
  const read = (doc: unknown) => readVenueSummaryJson(doc, 'f.json')

  it('the whole response, its result, a bare list: the same figures; the response\'s usOut is the as-of', () => {
    const whole = read(response)
    expect(whole.kind).toBe('deribit-account-summary')
    expect(whole.entries[0]).toMatchObject({ currency: 'BTC', equity: 1.9712, initialMargin: 1.1127, maintenanceMargin: 0.8902, marginModel: 'pm', asOfMs: 1795165205000 })
    expect(whole.entries[0]!.figures).toContainEqual({ key: 'result.margin_balance', value: 1.9712, unit: 'BTC' })
    expect(whole.entries[0]!.figures).toContainEqual({ key: 'result.margin_model', value: 'segregated_pm', unit: null })
    const bare = read(response.result)
    expect({ ...bare.entries[0], figures: [], asOfMs: 0 }).toEqual({ ...whole.entries[0], figures: [], asOfMs: 0 })
    expect(bare.entries[0]!.asOfMs).toBeNull()
    expect(read([response.result, { ...response.result, currency: 'eth' }]).entries.map((e) => e.currency)).toEqual(['BTC', 'ETH'])
  })

  it('cross collateral is said; standard margin is read from the flag when margin_model is absent; a currency twice is an error', () => {
    const cross = { ...response.result, cross_collateral_enabled: true, margin_model: 'cross_pm' }
    expect(read(cross).entries[0]!.notes[0]).toContain('cross collateral is on')
    const { margin_model: _drop, ...old } = { ...response.result, portfolio_margining_enabled: false }
    void _drop
    expect(read(old).entries[0]!.marginModel).toBe('standard')
    expect(() => read([response.result, response.result])).toThrow('f.json: [1].currency: BTC appears twice in the file')
  })

  it('a JSON-RPC error response names Deribit\'s message; a missing key names its path', () => {
    expect(() => read({ jsonrpc: '2.0', id: 1, error: { code: 13009, message: 'unauthorized' } })).toThrow('f.json: error: Deribit answered with an error (unauthorized): the file holds no figures')
    const { equity: _e, ...noEquity } = response.result
    void _e
    expect(() => read({ ...response, result: noEquity })).toThrow('f.json: result.equity: missing (expected a number)')
  })
})

describe('OKX envelopes', () => {
  it('account/balance: empty imr/mmr (not portfolio margin) read as absent and said so', () => {
    const doc = json('okx/account-balance-2026-11-20.json')
    doc.data[0].imr = ''
    doc.data[0].mmr = ''
    doc.data[0].adjEq = ''
    const e = readVenueSummaryJson(doc, 'b.json').entries[0]!
    expect(e).toMatchObject({ initialMargin: null, maintenanceMargin: null, equity: 129160.11, marginModel: null })
    expect(e.notes.join(' ')).toContain('leaves the account-level imr / mmr empty')
  })

  it('position-builder: totals and each risk unit from the decimal strings; the file name in every error', () => {
    const doc = json('okx/position-builder-2025-01-15.json')
    const read = readVenueSummary(JSON.stringify(doc), 'pb.json')
    expect(read.kind).toBe('okx-position-builder')
    expect(read.entries[0]).toMatchObject({ currency: 'USD', equity: 5000, initialMargin: Number('1788.1288182014402'), maintenanceMargin: Number('1375.4837063088002'), asOfMs: 1736936801642 })
    delete doc.data[0].riskUnitData[1].mmr
    expect(() => readVenueSummaryJson(doc, 'pb.json')).toThrow('pb.json: data[0].riskUnitData[1].mmr: missing (expected a decimal string)')
  })
})

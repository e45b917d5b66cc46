/**
 * Margin alerts (issue 22, §1) through the API as the hosts call it, on a real book file: the
 * defaults on the demo book, a what-if trade that breaches the ETH pool's IM rule raises one alert
 * (logged once, an `alerts.raised` event, `cli check` exits 4), undoing it clears it (exit 0),
 * re-arming raises it again while breached, rules are validated field by field, a what-if copy
 * is held to its parent's rules. Expected utilisations are recomputed from the book's own margin
 * answer (IM / equity), never read from the alerts.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import type { ApiEvent, MethodName, RequestOf, ResponseOf } from '../../src-preload/contract/api'
import { runCli } from '../../src-main/cli/main'

let s: Services
let path: string
let demo: number
const events: ApiEvent[] = []

async function call<M extends MethodName>(method: M, req: RequestOf<M>): Promise<ResponseOf<M>> {
  const r = await dispatch(s.handlers, method, req)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value as ResponseOf<M>
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  const code = await runCli(['--book', path, ...args], { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) })
  return { code, out }
}

beforeAll(async () => {
  path = join(mkdtempSync(join(tmpdir(), 'marginal-alerts-')), 'book.sqlite')
  s = createServices({ book: openBook(path), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
  s.events.on((e) => events.push(e))
  demo = (await call('listBooks', {})).find((b) => b.kind === 'demo')!.id
})
afterAll(() => s.close())

const ETH_POOL = 'Deribit main · ETH'

describe('margin alerts', () => {
  it('the demo book under the defaults: IM 80 %, MM 90 %, liquidation within 10 %, each value the margin answer\'s own', async () => {
    const status = await call('alertStatus', { bookId: demo })
    const margin = await call('bookMargin', { bookId: demo })
    expect(status.rulesFromBookId).toBeNull()
    expect(status.rules).toEqual([])
    for (const h of margin.health) {
      const im = status.checks.find((c) => c.poolKey === h.pool && c.rule === 'im-utilisation')!
      expect(im).toMatchObject({ threshold: 80, source: 'default', breached: false })
      expect(im.value).toBeCloseTo((h.initialMargin / h.equity) * 100, 9)
      expect(status.checks.find((c) => c.poolKey === h.pool && c.rule === 'mm-utilisation')).toMatchObject({ threshold: 90, source: 'default' })
      for (const l of h.liquidation) {
        const c = status.checks.find((x) => x.poolKey === h.pool && x.rule === 'liquidation-distance' && x.underlying === l.underlying)!
        expect(c.value).toBe(l.distancePct === null ? null : Math.abs(l.distancePct))
      }
    }
    expect(status.raised).toEqual([])
    expect((await cli(['check', '--book-id', String(demo)])).code).toBe(0)
  })

  it('a what-if trade past 80 % IM raises one alert (log, event, cli check exit 4); undoing it clears it (exit 0)', async () => {
    const whatIf = (await call('copyBook', { bookId: demo, name: 'Sell ETH calls' })).id
    const account = (s.db.prepare("SELECT id FROM accounts WHERE book_id = ? AND name = 'Deribit main'").get(whatIf) as { id: number }).id
    events.length = 0
    await call('applyTrades', { bookId: whatIf, tickets: [{ accountId: account, symbol: 'ETH-25DEC26-3500-C', side: 'sell', sizeContracts: 60 }] })
    const margin = await call('bookMargin', { bookId: whatIf })
    const eth = margin.health.find((h) => h.pool === ETH_POOL)!
    expect(eth.initialMargin / eth.equity).toBeGreaterThan(0.8)

    const status = await call('alertStatus', { bookId: whatIf })
    expect(status.raised).toContainEqual({ poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '' })
    const breaches = status.log.filter((l) => l.event === 'breach')
    expect(breaches).toHaveLength(status.raised.length)
    const row = breaches.find((l) => l.poolKey === ETH_POOL && l.rule === 'im-utilisation')!
    expect(row).toMatchObject({ cause: 'what-if trade', threshold: 80, marketSnapshotId: margin.marketId })
    expect(row.value).toBeCloseTo((eth.initialMargin / eth.equity) * 100, 9)
    const raised = events.filter((e): e is Extract<ApiEvent, { type: 'alerts.raised' }> => e.type === 'alerts.raised' && e.bookId === whatIf)
    expect(raised).toHaveLength(1)
    expect(raised[0]!.transitions.some((t) => t.event === 'breach' && t.poolKey === ETH_POOL && t.rule === 'im-utilisation')).toBe(true)

    // Evaluated again with nothing changed: no new row, no event.
    await call('evaluateAlerts', { bookId: whatIf })
    expect((await call('alertStatus', { bookId: whatIf })).log).toHaveLength(status.log.length)

    const checked = await cli(['check', '--book-id', String(whatIf)])
    expect(checked.code).toBe(4)
    expect(checked.out).toContain(`${ETH_POOL}`)
    expect(checked.out).toMatch(/IM utilisation .* BREACHED/)

    // Undo: the position back to its size before the trade.
    const pos = (await call('listPositions', { bookId: whatIf })).rows.find((r) => r.symbol === 'ETH-25DEC26-3500-C' && r.accountName === 'Deribit main')!
    await call('editPositions', { bookId: whatIf, resize: [{ positionId: pos.positionId, sizeContracts: -25 }] })
    const after = await call('alertStatus', { bookId: whatIf })
    expect(after.raised).toEqual([])
    // Every alert the trade raised is cleared by the edit, the IM one among them.
    const cleared = after.log.filter((l) => l.event === 'clear')
    expect(cleared.map((l) => `${l.poolKey}/${l.rule}/${l.underlying}`).sort()).toEqual(status.raised.map((r) => `${r.poolKey}/${r.rule}/${r.underlying}`).sort())
    expect(cleared.find((l) => l.rule === 'im-utilisation')).toMatchObject({ poolKey: ETH_POOL, cause: 'what-if edit' })
    expect((await cli(['check', '--book-id', String(whatIf)])).code).toBe(0)
  })

  it('re-arming a raised alert logs it and raises it again while still breached', async () => {
    const id = (await call('copyBook', { bookId: demo, name: 'Re-arm' })).id
    await call('saveAlertRules', { bookId: id, rules: [{ poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '', threshold: 50, enabled: true }] })
    const raised = await call('alertStatus', { bookId: id })
    expect(raised.raised).toEqual([{ poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '' }])
    expect(raised.log[0]).toMatchObject({ event: 'breach', cause: 'alert rules edited', threshold: 50 })
    events.length = 0
    const after = await call('rearmAlert', { bookId: id, poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '' })
    expect(after.log.slice(0, 2).map((l) => l.event)).toEqual(['breach', 'rearm'])
    expect(events.filter((e) => e.type === 'alerts.raised')).toHaveLength(1)
  })

  it('a what-if copy without rules of its own is held to its parent\'s; a pool rule beats the book\'s', async () => {
    await call('saveAlertRules', {
      bookId: demo,
      rules: [
        { poolKey: '', rule: 'im-utilisation', underlying: '', threshold: 70, enabled: true },
        { poolKey: 'Deribit main · BTC', rule: 'im-utilisation', underlying: '', threshold: 95, enabled: true },
        { poolKey: ETH_POOL, rule: 'delta-limit', underlying: 'ETH', threshold: 1e-6, enabled: true }
      ]
    })
    const copy = (await call('copyBook', { bookId: demo, name: 'Inherits' })).id
    const status = await call('alertStatus', { bookId: copy })
    expect(status.rulesFromBookId).toBe(demo)
    const im = (pool: string) => status.checks.find((c) => c.poolKey === pool && c.rule === 'im-utilisation')!
    expect(im('Deribit main · BTC')).toMatchObject({ threshold: 95, source: 'pool' })
    expect(im(ETH_POOL)).toMatchObject({ threshold: 70, source: 'book', breached: true })
    // The delta limit: the pool's net ETH delta is the sum of its positions' deltas as the grid shows them.
    const rows = (await call('listPositions', { bookId: copy })).rows
    const margin = await call('bookMargin', { bookId: copy })
    const ids = new Set(margin.accounts.filter((a) => a.pool === ETH_POOL).flatMap((a) => a.positionIds))
    const delta = rows.filter((r) => ids.has(r.positionId) && r.underlying === 'ETH').reduce((a, r) => a + (r.valuation?.deltaCoin ?? 0), 0)
    const check = status.checks.find((c) => c.rule === 'delta-limit')!
    expect(check.value).toBeCloseTo(delta, 9)
    // The pool is not delta-flat: a limit of a millionth of an ETH is breached, and raised in the copy.
    expect(Math.abs(delta)).toBeGreaterThan(0.01)
    expect(check.breached).toBe(true)
    await call('evaluateAlerts', { bookId: copy })
    expect((await call('alertStatus', { bookId: copy })).raised).toContainEqual({ poolKey: ETH_POOL, rule: 'delta-limit', underlying: 'ETH' })

    // The parent's rules removed: the copy, held to them, is evaluated too; the delta limit it no
    // longer checks is cleared with the threshold and value it was raised with (a valid reply).
    await call('saveAlertRules', { bookId: demo, rules: [] })
    const after = await call('alertStatus', { bookId: copy })
    expect(after.raised.some((r) => r.rule === 'delta-limit')).toBe(false)
    const cleared = after.log.find((l) => l.rule === 'delta-limit' && l.event === 'clear')!
    expect(cleared).toMatchObject({ threshold: 1e-6, cause: 'alert rules edited' })
    expect(cleared.value).toBeCloseTo(delta, 9)
    expect((await call('evaluateAlerts', { bookId: copy })).transitions).toEqual([])
  })

  it('a copy of a breached book is evaluated as it is made: its badge shows at once', async () => {
    await call('saveAlertRules', { bookId: demo, rules: [{ poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '', threshold: 50, enabled: true }] })
    const copy = (await call('copyBook', { bookId: demo, name: 'Copied breached' })).id
    const status = await call('alertStatus', { bookId: copy })
    expect(status.raised).toContainEqual({ poolKey: ETH_POOL, rule: 'im-utilisation', underlying: '' })
    expect(status.log[0]).toMatchObject({ event: 'breach', cause: 'book copied' })
    await call('saveAlertRules', { bookId: demo, rules: [] })
  })

  it('refuses a bad rule naming the field, and writes nothing', async () => {
    const bad = async (rule: RequestOf<'saveAlertRules'>['rules'][number]) => {
      const r = await dispatch(s.handlers, 'saveAlertRules', { bookId: demo, rules: [rule] })
      expect(r.ok).toBe(false)
      return r.ok ? null : r.error
    }
    expect(await bad({ poolKey: '', rule: 'im-utilisation', underlying: '', threshold: -5, enabled: true })).toMatchObject({ code: 'invalid_request', field: 'rules.0.threshold' })
    expect((await bad({ poolKey: '', rule: 'delta-limit', underlying: '', threshold: 5, enabled: true }))!.message).toContain('underlying: a delta limit needs the underlying')
    expect(await bad({ poolKey: '', rule: 'mm-utilisation', underlying: '', threshold: Number.NaN, enabled: true })).toMatchObject({ code: 'invalid_request' })
    expect((await call('alertStatus', { bookId: demo })).rules).toEqual([])
  })
})

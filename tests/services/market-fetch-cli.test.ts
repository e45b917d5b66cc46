/**
 * `cli market fetch` end to end: the command line, dispatch, the handler and a real book file,
 * against the venues replayed on local servers. Off by default: refused, nothing sent.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { replayedVenues } from '../fixtures/market-fetch/routes'

const venues = replayedVenues()

const cli = async (argv: string[]) => {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

it('market fetch: refused while off, then fetches both venues into the live book through dispatch', async () => {
  const book = join(mkdtempSync(join(tmpdir(), 'marginal-market-fetch-cli-')), 'book.sqlite')
  const off = await cli(['market', 'fetch', '--book', book])
  expect([off.code, off.err]).toEqual([1, 'marginal: market fetching is off: turn Deribit or OKX on in the market-data settings, or name a venue to fetch now (nothing was sent)'])
  expect(venues.deribit.requests.length + venues.okx.requests.length).toBe(0)
  const res = await cli(['market', 'fetch', '--book', book, '--venue', 'deribit', '--venue', 'okx', '--base-url-deribit', venues.deribit.baseUrl, '--base-url-okx', venues.okx.baseUrl, '--json'])
  expect(res.code).toBe(0)
  const reply = JSON.parse(res.out) as { written: boolean; marketSnapshotId: string; venues: { ok: boolean }[] }
  expect([reply.written, reply.marketSnapshotId, reply.venues.map((v) => v.ok)]).toEqual([true, 'deribit-okx-api-BTC-ETH-2026-12-05T05:59:58.500Z', [true, true]])
  const market = await cli(['market', '--book', book, '--json'])
  expect((JSON.parse(market.out) as { snapshot: { id: string } }).snapshot.id).toBe(reply.marketSnapshotId)
  const bad = await cli(['market', 'fetch', '--book', book, '--venue', 'kraken'])
  expect(bad.code).toBe(2)
  expect(bad.err.split('\n')[0]).toBe('marginal: --venue "kraken" is not a venue we fetch (deribit, okx)')
})

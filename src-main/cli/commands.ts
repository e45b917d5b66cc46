/**
 * CLI commands on the same services and dispatch the hosts use, so the command line sees exactly
 * the numbers the workstation shows. Each command returns its exit code.
 */
import type { MethodName, PositionRow, RequestOf, ResponseOf } from '@contract/api'
import { MarginalApiError, unwrapEnvelope } from '@contract/api'
import type { Services } from '../services/api-service'
import { dispatch } from '../services/dispatch'
import { formatTable } from './format-table'

export { readTextFile } from '../services/portfolio-files/text-file'

export interface CliIo {
  out(text: string): void
}


/** One API method through dispatch, exactly as the hosts call it: validated in and out. */
export async function call<M extends MethodName>(services: Services, method: M, req: RequestOf<M>): Promise<ResponseOf<M>> {
  return unwrapEnvelope(method, await dispatch(services.handlers, method, req))
}

export async function booksCommand(services: Services, io: CliIo, json: boolean): Promise<number> {
  const books = await call(services, 'listBooks', {})
  if (json) {
    io.out(JSON.stringify(books, null, 2))
    return 0
  }
  io.out(
    formatTable(
      ['Id', 'Name', 'Kind', 'Parent', 'Accounts', 'Positions', 'Market snapshot'],
      books.map((b) => [b.id, b.name + (b.isDemo ? ' (demo)' : ''), b.kind, b.parentId, b.accountCount, b.positionCount, b.marketSnapshotId])
    )
  )
  return 0
}

const expiryLabel = (r: PositionRow): string => (r.expiryUtc ? r.expiryUtc.slice(0, 16).replace('T', ' ') : r.kind === 'spot' ? 'spot' : 'perpetual')

export async function positionsCommand(services: Services, io: CliIo, opts: { bookId?: number; json: boolean }): Promise<number> {
  const books = await call(services, 'listBooks', {})
  const bookId = opts.bookId ?? books.find((b) => b.kind === 'live')?.id
  if (bookId === undefined) throw new MarginalApiError({ code: 'not_found', message: 'the book file has no live book' })
  const res = await call(services, 'listPositions', { bookId })
  if (opts.json) {
    io.out(JSON.stringify(res, null, 2))
    return 0
  }
  io.out(`Book ${bookId}: ${res.rows.length} positions, market ${res.marketSnapshotId ?? 'none'} as of ${res.asOfUtc ?? '—'}`)
  io.out(
    formatTable(
      ['Account', 'Underlying', 'Expiry (UTC)', 'Instrument', 'Contracts', 'Size (coin)', 'Mark', 'Mark ccy', 'IV %'],
      res.rows.map((r) => [
        r.accountName,
        r.underlying,
        expiryLabel(r),
        r.symbol,
        r.sizeContracts,
        r.sizeCoin === null ? null : Number(r.sizeCoin.toFixed(4)),
        r.markPrice,
        r.priceCurrency,
        r.markIvPct
      ])
    )
  )
  return 0
}

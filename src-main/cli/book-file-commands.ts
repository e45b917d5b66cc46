/** `cli balances` and `cli backup`: the book file's cash per account and its consistent copy, through the API handlers. */
import { call, type CliIo } from './commands'
import type { Services } from '../services/api-service'
import { formatTable } from './format-table'
import { echoCell, echoLine } from './excerpt'
import { writeSyntheticBook } from '../services/books/write-synthetic-book'

export async function balancesCommand(services: Services, io: CliIo, bookId: number, json: boolean): Promise<number> {
  const r = await call(services, 'listBalances', { bookId })
  if (json) {
    io.out(JSON.stringify(r, null, 2))
    return 0
  }
  io.out(`Book ${bookId}: cash per account and currency (in that currency, before haircuts)`)
  io.out(
    formatTable(
      ['Account', 'Venue', 'Ccy', 'Cash', 'Unsettled futures P&L', 'Ledger (all rows)', 'Set from', 'As of (UTC)', 'Note'],
      r.balances.map((b) => [
        echoCell(b.account), b.venue, echoCell(b.currency), b.amount, b.unsettledPnl || null, b.ledger, b.anchor?.source ?? 'ledger',
        b.anchor && b.anchor.source !== 'seed' ? b.anchor.atUtc.slice(0, 19).replace('T', ' ') : null, b.anchor?.note ? echoLine(b.anchor.note) : null
      ])
    )
  )
  return 0
}

export async function backupCommand(services: Services, io: CliIo, out: string, json: boolean): Promise<number> {
  const r = await call(services, 'backupBook', { path: out })
  if (json) io.out(JSON.stringify(r, null, 2))
  else {
    const counts = Object.entries(r.rows).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')
    io.out(`wrote ${r.path} (${r.bytes} bytes; integrity ok; rows: ${counts})`)
  }
  return 0
}

/** `cli synthetic-book`: a desk-scale synthetic book written into the file's empty live book. */
export function syntheticBookCommand(services: Services, io: CliIo, args: { positions: string; seed?: string }, json: boolean): number {
  const positions = Number(args.positions)
  const seed = args.seed === undefined ? undefined : Number(args.seed)
  const r = writeSyntheticBook(services.db, { positions, seed })
  if (json) io.out(JSON.stringify(r, null, 2))
  else io.out(`wrote ${r.positions.toLocaleString('en-US')} synthetic positions (${r.instruments.toLocaleString('en-US')} instruments, ${r.accounts} accounts "Synthetic 1…${r.accounts}") into the live book (id ${r.bookId}), valued on the demo market ${r.marketSnapshotId}`)
  return 0
}

/**
 * `npm run cli -- <command> [options]` — the workstation's services from the command line.
 * Exit codes: 0 ok, 1 the command failed (message on stderr), 2 usage error.
 */
import { parseArgs } from 'node:util'
import { resolveBookPath } from './app/book-location'
import { startBackend } from './app/backend'
import { booksCommand, call, positionsCommand } from './cli/commands'
import { chainMarketDetail, printMarketDetail } from './cli/market-command'
import { importCommand } from './cli/import-command'
import { printMargin } from './cli/margin-command'

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  books                     list the books in the book file (live and what-if)
  positions [--book-id N]   positions of a book (default: the live book)
  market [--book-id N]      the book's market snapshot: forwards per expiry, ATM vols
  market --chain FILE       a snapshot built from a Deribit book-summary CSV (option chain)
  margin [--book-id N]      margin by every implemented method, per account and currency
  import FILE [--dry-run] [--allow-partial] [--format F] [--account NAME] [--book-id N]
                            import a statement: preview, then one transaction (exit 3 when
                            rows are rejected and nothing was written)

options:
  --book PATH   book file (default: MARGINAL_BOOK, else the user-data folder)
  --json        machine-readable output`

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        book: { type: 'string' },
        'book-id': { type: 'string' },
        chain: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'allow-partial': { type: 'boolean', default: false },
        format: { type: 'string' },
        account: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean' }
      }
    })
  } catch (e) {
    console.error(`marginal: ${(e as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  if (values.help || !command) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  if (!['books', 'positions', 'market', 'import', 'margin'].includes(command)) {
    console.error(`marginal: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  const bookId = values['book-id'] === undefined ? undefined : Number(values['book-id'])
  if (bookId !== undefined && !(Number.isInteger(bookId) && bookId > 0)) {
    console.error(`marginal: --book-id "${values['book-id']}" is not a book id (a positive integer)`)
    return 2
  }
  const io = { out: (t: string) => console.log(t) }
  if (command === 'market' && values.chain !== undefined) {
    const { detail, problems } = chainMarketDetail(values.chain)
    return printMarketDetail(io, detail, problems, values.json)
  }
  if (command === 'import' && !positionals[1]) {
    console.error(`marginal: import needs a FILE\n\n${USAGE}`)
    return 2
  }
  const backend = startBackend({ bookPath: resolveBookPath({ cliBook: values.book }), host: 'browser', poolSize: 1 })
  try {
    if (command === 'books') return await booksCommand(backend.services, io, values.json)
    if (command === 'import') {
      const id = bookId ?? (await backend.services.handlers.listBooks({})).find((b) => b.kind === 'live')?.id ?? 1
      return importCommand(backend.services.db, io, {
        file: positionals[1]!,
        bookId: id,
        dryRun: values['dry-run'],
        allowPartial: values['allow-partial'],
        format: values.format,
        account: values.account,
        json: values.json
      })
    }
    if (command === 'margin') {
      const id = bookId ?? (await backend.services.handlers.listBooks({})).find((b) => b.kind === 'live')?.id ?? 1
      return printMargin(io, await call(backend.services, 'bookMargin', { bookId: id }), values.json)
    }
    if (command === 'market') {
      const id = bookId ?? (await backend.services.handlers.listBooks({})).find((b) => b.kind === 'live')?.id ?? 1
      return printMarketDetail(io, await backend.services.handlers.marketDetail({ bookId: id }), [], values.json)
    }
    return await positionsCommand(backend.services, io, { bookId, json: values.json })
  } finally {
    await backend.services.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`marginal: ${e.message}`)
    process.exit(1)
  }
)

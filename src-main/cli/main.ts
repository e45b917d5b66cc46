/**
 * The command line behind `npm run cli`: arguments → command → exit code. Separate from the entry
 * (src-main/cli.ts) so tests run it in-process with their own output sinks and book files.
 * Exit codes: 0 ok, 1 the command failed (message on stderr), 2 usage error, 3 import rejected rows,
 * 4 check: a margin alert rule is breached.
 * Messages echo at most a short excerpt of any input (excerpt.ts); reports of one line per row
 * summarise beyond a screenful (issue-report.ts: --verbose, --issues FILE).
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { resolveBookPath } from '../app/book-location'
import { startBackend } from '../app/backend'
import { classifyBookError } from '../services/errors'
import type { MarginMethod } from '../engine/margin/margin-result'
import { ALL_METHODS } from '../services/margin-service'
import { marketFileJsonSchema, portfolioFileJsonSchema } from '../services/portfolio-files/schemas'
import { booksCommand, call, positionsCommand, type CliIo } from './commands'
import { chainMarketDetail, printMarketDetail } from './market-command'
import { MARKET_FETCH_OPTIONS, marketFetchCommand, marketFetchRequest } from './market-fetch-command'
import { importAndEvaluate, parseOpening } from './import-command'
import { backupCommand, balancesCommand, syntheticBookCommand } from './book-file-commands'
import { marginReport, printMargin, readMarginInputs, type MarginFiles } from './margin-command'
import { exportCommand } from './export-command'
import { varCommand, varOptions, type VarArgs } from './var-command'
import { backtestCommand, backtestOptions, stressCommand, type BacktestArgs } from './stress-backtest-commands'
import { hedgeCommand } from './hedge-command'
import { reportCommand, reportExplainArgs } from './report-command'
import { explainCommand, explainUsageError } from './explain-command'
import { checkCommand } from './check-command'
import { venueSummaryCommand, venueSummaryUsage } from './venue-summary-command'
import { clipText, errorText } from './excerpt'
import { FIRST_ISSUES, IssueLog } from './issue-report'
import { nativeModuleFailure } from '../app/runtime-check'

export const USAGE = `usage: npm run cli -- <command> [options]

commands:
  books                     list the books in the book file (live, demo and what-if)
  positions [--book-id N]   positions of a book (default: the live book)
  market [--book-id N]      the book's market snapshot: forwards per expiry, ATM vols
  market --chain FILE       a snapshot built from a Deribit book-summary CSV (option chain)
  market fetch [--venue deribit|okx]... [--book-id N] [--base-url-deribit URL] [--base-url-okx URL]
                            the venues' public market data now (no key, no account data), merged
                            into the book's market; without --venue, the venues turned on in the
                            settings. Exit 1 when a venue did not answer (its part stays as it was)
  margin [--book-id N | --portfolio FILE] [--market FILE] [--method M] [--params FILE|SET[,…]]
                            margin per account and currency of a book or a portfolio file, on
                            the book's market or a market file; --params: parameter-set
                            overrides (JSON, or a Deribit pme/simulate or pme/get_params
                            response), or a shipped set (deribit-pm-2024-06-published,
                            deribit-pm-2026-02-live); several, comma-separated: margin under
                            each side by side; M: all (default), ${ALL_METHODS.join(', ')}
  margin --derive-case CASE.json [CASE.json …] [--json]
                            Derive portfolio margin (PMRM_2 replica) of the protocol's own case
                            files: IM and MM as the venue states them, with every component
  export [--book-id N] [--portfolio OUT.json] [--market OUT.json]
                            write a book's positions and market snapshot as portfolio and
                            market files (formats: README, "Portfolio and market files")
  export [--book-id N] [--xlsx OUT.xlsx] [--csv OUT.csv [--sheet S]]
                            the book's grids as an Excel workbook, or one as CSV; S: Positions
                            (default), Margin, Health, "Greeks by expiry"
  var [--book-id N | --portfolio FILE] [--market FILE] [--horizon 1|2] [--lookback DAYS]
      [--confidence 99,99.5] [--ewma λ] [--no-vol-index] [--stressed-floor] [--apc-buffer]
      [--monte-carlo [--simulations N] [--seed S] [--nu ν] [--correlation estimated|one|zero]]
                            VaR and ES in USD by historical simulation (default) or a Student-t
                            Monte Carlo, on the daily history imported into the book file
  stress [--book-id N | --portfolio FILE] [--market FILE] [--params FILE]
                            the stress library (worst historical moves, episodes, hypothetical
                            shocks) by full revaluation, worst first, in USD
  backtest [--book-id N | --portfolio FILE] [--market FILE] [--method M] [--horizon 1|2]
      [--confidence 99] [--lookback DAYS] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
      [--stressed-floor] [--apc-buffer] [--no-vol-index]
                            each day's requirement vs the realised loss of the book over the
                            imported history: exceptions, Kupiec, Christoffersen, traffic light;
                            M: hs-var (default), ${ALL_METHODS.join(', ')}
  hedge [--book-id N] [--objective M] [--account NAME --currency C [--risk-unit U]]
      [--max-legs N] [--allow-new-short-options]
                            the margin-minimising hedge of a margining group by an exact LP
                            (HiGHS) over the snapshot's instruments: trades in lots, estimated
                            cost, IM before and after; M: deribit-pm (default), span, okx-pm,
                            standard, greeks
  hedge --objective delta [--account NAME] [--underlying U] [--instrument SYMBOL]
                            the account's delta in U hedged with the perpetual (or SYMBOL)
  hedge --objective es [--account NAME] [--confidence 97.5] [--lookback DAYS] [--max-legs N]
                            the trades at NAME's venue minimising the book's 1-day historical
                            ES (Rockafellar–Uryasev LP) on the imported daily history
  report [--book-id N] [--account NAME] [--out FILE.pdf] [--statement FILE]... [--market FILE]...
      [--allow-partial] [--page A4|Letter] [--no-statistics] [--hedges] [--full-positions]
      [--explain | --explain-from DATE --explain-to DATE] [--eod HH:MM]
                            the PDF margin report (summary, margin by method, risk arrays, P&L
                            profile, attribution, stress, VaR/ES and backtest, positions,
                            methodology), printed by the system Chromium with no window; each
                            --statement, then each --market file (option chain, daily prices) is
                            imported first, one transaction each. Exit: 0 written, 1 failed,
                            3 rejected rows in a file (nothing imported from it, no report).
                            Appendix A summarises the positions (by underlying, expiry and
                            account; top 50 margin consumers); --full-positions lists them all
                            --explain adds section 9, the P&L explain of the last day (the end
                            of day at or after the market and the one before); --explain-from /
                            --explain-to DATE between two dates; --eod HH:MM (default 08:00 UTC)
  schema portfolio|market   the JSON Schema of a portfolio or market file
  import FILE [--dry-run] [--allow-partial] [--format F] [--account NAME]
      [--no-opening-balance] [--opening CCY=AMOUNT]... [--as-of INSTANT]
                            import a statement into the live book: preview (positions, cash per
                            currency: the statement's balance against the book's ledger), then
                            one transaction (exit 3 when rows are rejected and nothing was
                            written). A file that does not start at the account's opening books
                            the balance before its first row as the opening balance, unless
                            --no-opening-balance; --opening gives it for flows-only statements;
                            --as-of: when an option chain without a snapshot time was taken
  balances [--book-id N]    cash per account and currency, the ledger, and where each comes from
  synthetic-book --positions N [--seed S]
                            write the bench's seeded synthetic book of N positions (options,
                            futures and perpetuals, BTC and ETH, on the demo market) into the
                            book file's empty live book: desk-scale books to try and measure
  explain --from DATE --to DATE [--book-id N] [--eod HH:MM] [--json]
                            the book's P&L between two dates explained: delta, gamma, vega,
                            theta, vanna, volga, charm, veta, new trades, closes, funding, fees,
                            the coins' own move and the residual, per account and underlying,
                            in the settlement currency and USD; a date is its end of day
                            (--eod, default 08:00 UTC), or give an instant with its zone
  check [--book-id N]       every margin alert rule of the book (default: the live book) now:
                            IM/MM utilisation, liquidation distance, delta limits per pool;
                            each breach printed (--verbose: every check), exit 4 when any is
                            breached, 0 when none (for cron); raised and cleared alerts are
                            logged in the book
  venue-summary import FILE [--book-id N] [--account-id N]
                            keep a venue's own account summary in the book (Deribit
                            private/get_account_summary or private/pme/simulate JSON, OKX
                            account/balance or account/position-builder JSON); the account:
                            --account-id, else the book's only account at that venue
  venue-summary compare [--book-id N] [--verbose]
                            per margin pool the venue's IM and MM beside the replica's and the
                            difference; per simulation its figures and (Deribit) every risk
                            vector scenario, venue beside replica (--verbose: every scenario)
  backup --out FILE         a consistent copy of the book file (SQLite VACUUM INTO; safe while
                            the workstation writes), read back and checked

options:
  --book PATH   book file (default: MARGINAL_BOOK, else the user-data folder)
  --json        machine-readable output (complete: never summarised)
  --verbose     every line of a long report: the rows import and report did not use as they are
                (and every position change), market --chain's unused rows, margin's and
                export's lists of positions left out
  --issues FILE import, report: write every rejected, skipped or warned row to FILE as CSV
                (file,line,column,severity,reason); beyond ${FIRST_ISSUES} issues the screen shows counts
                per reason and the first ${FIRST_ISSUES}`

const COMMANDS = ['books', 'positions', 'market', 'import', 'balances', 'backup', 'margin', 'check', 'explain', 'venue-summary', 'var', 'stress', 'backtest', 'hedge', 'export', 'report', 'schema', 'synthetic-book']
const SCHEMAS: Record<string, () => unknown> = { portfolio: portfolioFileJsonSchema, market: marketFileJsonSchema }

export interface RunIo extends CliIo {
  err(text: string): void
}

export async function runCli(argv: string[], io: RunIo): Promise<number> {
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
        portfolio: { type: 'string' },
        market: { type: 'string', multiple: true },
        statement: { type: 'string', multiple: true },
        out: { type: 'string' },
        page: { type: 'string', default: 'A4' },
        'no-statistics': { type: 'boolean', default: false },
        hedges: { type: 'boolean', default: false },
        'full-positions': { type: 'boolean', default: false },
        explain: { type: 'boolean', default: false },
        'explain-from': { type: 'string' },
        'explain-to': { type: 'string' },
        method: { type: 'string', default: 'all' },
        params: { type: 'string' },
        'derive-case': { type: 'string', multiple: true },
        horizon: { type: 'string' },
        lookback: { type: 'string' },
        confidence: { type: 'string' },
        ewma: { type: 'string' },
        'no-vol-index': { type: 'boolean', default: false },
        'monte-carlo': { type: 'boolean', default: false },
        simulations: { type: 'string' },
        seed: { type: 'string' },
        positions: { type: 'string' },
        nu: { type: 'string' },
        correlation: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        eod: { type: 'string' },
        'account-id': { type: 'string' },
        'stressed-floor': { type: 'boolean', default: false },
        'apc-buffer': { type: 'boolean', default: false },
        objective: { type: 'string' },
        xlsx: { type: 'string' },
        csv: { type: 'string' },
        sheet: { type: 'string' },
        currency: { type: 'string' },
        'risk-unit': { type: 'string' },
        'max-legs': { type: 'string' },
        'no-new-short-options': { type: 'boolean', default: false },
        'allow-new-short-options': { type: 'boolean', default: false },
        underlying: { type: 'string' },
        instrument: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-opening-balance': { type: 'boolean', default: false },
        opening: { type: 'string', multiple: true },
        'as-of': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        issues: { type: 'string' },
        help: { type: 'boolean' },
        ...MARKET_FETCH_OPTIONS
      }
    })
  } catch (e) {
    io.err(`marginal: ${clipText(errorText(e))}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  const usageError = (message: string): number => {
    io.err(`marginal: ${clipText(message)}\n\n${USAGE}`)
    return 2
  }
  if (values.help || !command) {
    ;(values.help ? io.out : io.err)(USAGE)
    return values.help ? 0 : 2
  }
  if (!COMMANDS.includes(command)) return usageError(`unknown command "${command}"`)
  if (command !== 'report' && ((values.market?.length ?? 0) > 1 || values.statement !== undefined)) {
    return usageError(values.statement !== undefined ? '--statement is for report (use import FILE)' : '--market takes one file here')
  }
  const marketFile = values.market?.[0]
  if (command === 'report' && values.page !== 'A4' && values.page !== 'Letter') return usageError(`--page "${values.page}" is not a page size (A4 or Letter)`)
  const reportExplain = command === 'report' ? reportExplainArgs(values) : null
  if (typeof reportExplain === 'string') return usageError(reportExplain)
  if (command !== 'report' && (values.explain || values['explain-from'] !== undefined || values['explain-to'] !== undefined)) return usageError('--explain, --explain-from and --explain-to are for report')
  const bookId = values['book-id'] === undefined ? undefined : Number(values['book-id'])
  if (bookId !== undefined && !(Number.isInteger(bookId) && bookId > 0)) {
    return usageError(`--book-id "${values['book-id']}" is not a book id (a positive integer)`)
  }
  const method = values.method
  if (command !== 'backtest' && method !== 'all' && !(ALL_METHODS as readonly string[]).includes(method)) {
    return usageError(`--method "${method}" is not a margin method (all, ${ALL_METHODS.join(', ')})`)
  }
  if (['margin', 'var', 'stress', 'backtest'].includes(command) && bookId !== undefined && values.portfolio !== undefined) {
    return usageError(`${command} takes --book-id or --portfolio, not both`)
  }
  const varArgs: VarArgs = {
    portfolio: values.portfolio,
    market: marketFile,
    monteCarlo: values['monte-carlo'],
    horizon: values.horizon,
    lookback: values.lookback,
    confidence: values.confidence,
    ewma: values.ewma,
    noVolIndex: values['no-vol-index'],
    simulations: values.simulations,
    seed: values.seed,
    nu: values.nu,
    correlation: values.correlation
  }
  const varOpts = command === 'var' ? varOptions({ ...varArgs, stressedFloor: values['stressed-floor'], apcBuffer: values['apc-buffer'] }) : null
  if (typeof varOpts === 'string') return usageError(varOpts)
  const backtestArgs: BacktestArgs = {
    portfolio: values.portfolio,
    market: marketFile,
    params: values.params,
    method,
    horizon: values.horizon,
    confidence: values.confidence,
    lookback: values.lookback,
    from: values.from,
    to: values.to,
    stressedFloor: values['stressed-floor'],
    apcBuffer: values['apc-buffer'],
    noVolIndex: values['no-vol-index']
  }
  const backtestOpts = command === 'backtest' ? backtestOptions(backtestArgs) : null
  if (typeof backtestOpts === 'string') return usageError(backtestOpts)
  if (command === 'export' && values.portfolio === undefined && marketFile === undefined && values.xlsx === undefined && values.csv === undefined) {
    return usageError('export needs --portfolio OUT.json, --market OUT.json, --xlsx OUT.xlsx or --csv OUT.csv')
  }
  if (command === 'import' && !positionals[1]) return usageError('import needs a FILE')
  if (command === 'backup' && !values.out) return usageError('backup needs --out FILE (a new file)')
  if (command === 'venue-summary') {
    const problem = venueSummaryUsage({ sub: positionals[1], file: positionals[2], accountId: values['account-id'] })
    if (problem) return usageError(problem)
  } else if (values['account-id'] !== undefined) return usageError('--account-id is for venue-summary import')
  if (command === 'explain') {
    const problem = explainUsageError({ from: values.from, to: values.to, eod: values.eod })
    if (problem) return usageError(problem)
  }
  if (command === 'synthetic-book') {
    if (values.positions === undefined) return usageError('synthetic-book needs --positions N')
    if (!/^\d+$/.test(values.positions)) return usageError(`--positions "${values.positions}" is not a whole number of positions`)
    if (values.seed !== undefined && !/^-?\d+$/.test(values.seed)) return usageError(`--seed "${values.seed}" is not a whole number`)
  }
  const opening = parseOpening(values.opening ?? [])
  if (typeof opening === 'string') return usageError(opening)
  const asOf = values['as-of']
  if (asOf !== undefined && !(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(asOf) && Number.isFinite(Date.parse(asOf)))) {
    return usageError(`--as-of "${asOf}" is not an instant with its zone (2026-03-01T13:49:00Z)`)
  }
  if (command === 'schema' && !SCHEMAS[positionals[1] ?? '']) return usageError('schema needs "portfolio" or "market"')
  if (values.issues !== undefined && command !== 'import' && command !== 'report') return usageError('--issues FILE is for import and report')
  const verbose = values.verbose
  const issuesLog = values.issues === undefined ? undefined : new IssueLog(values.issues)

  try {
    if (command === 'schema') {
      io.out(JSON.stringify(SCHEMAS[positionals[1]!]!(), null, 2))
      return 0
    }
    if (command === 'market' && values.chain !== undefined) {
      const { detail, problems } = chainMarketDetail(values.chain)
      return printMarketDetail(io, detail, problems, values.json, verbose)
    }
    if (command === 'margin' && values['derive-case'] !== undefined) {
      // A case file holds its own market and parameters: no book is opened.
      // Loaded here only: no other command pays for the Derive replica's modules (issue 20: CLI start).
      const { deriveCaseCommand } = await import('./derive-case-command')
      return deriveCaseCommand(io, [...values['derive-case'], ...positionals.slice(1)], values.json)
    }
        const files: MarginFiles = { portfolio: values.portfolio, market: marketFile, params: values.params, method: method as MarginMethod | 'all' }
    // Files alone need no book: a margin run on them must not create or migrate a book file.
    if (command === 'margin' && files.portfolio !== undefined && files.market !== undefined) {
      return printMargin(io, marginReport(readMarginInputs(files)), values.json, verbose)
    }
    const backend = startBackend({ bookPath: resolveBookPath({ cliBook: values.book }), host: 'browser' })
    if (backend.bookWarning) io.err(`marginal: warning: ${backend.bookWarning}`)
    try {
      const { services } = backend
      const id = bookId ?? (await services.handlers.listBooks({})).find((b) => b.kind === 'live')?.id ?? 1
      if (command === 'books') return await booksCommand(services, io, values.json)
      if (command === 'venue-summary') return await venueSummaryCommand(services, io, { sub: positionals[1], file: positionals[2], bookId: id, accountId: values['account-id'], json: values.json, verbose })
      if (command === 'balances') return await balancesCommand(services, io, id, values.json)
      if (command === 'backup') return await backupCommand(services, io, values.out!, values.json)
      if (command === 'synthetic-book') return syntheticBookCommand(services, io, { positions: values.positions!, seed: values.seed }, values.json)
      if (command === 'positions') return await positionsCommand(services, io, { bookId, json: values.json })
      if (command === 'market' && positionals[1] === 'fetch') {
        const req = marketFetchRequest(id, values)
        if (typeof req === 'string') return usageError(req)
        return await marketFetchCommand(io, req, values.json, (r) => call(services, 'fetchMarketNow', r))
      }
      if (command === 'market') return printMarketDetail(io, await services.handlers.marketDetail({ bookId: id }), [], values.json)
      if (command === 'var') return await varCommand(services, id, io, varArgs, varOpts!, values.json)
      if (command === 'check') return await checkCommand(services, io, id, values.json, verbose)
      if (command === 'explain') return await explainCommand((req) => call(services, 'explainPnl', req), io, { bookId: id, from: values.from, to: values.to, eod: values.eod, json: values.json })
      if (command === 'stress') return await stressCommand(services, id, io, backtestArgs, values.json)
      if (command === 'backtest') return await backtestCommand(services, id, io, backtestArgs, backtestOpts!, values.json)
      if (command === 'hedge') {
        const args = { objective: values.objective, account: values.account, currency: values.currency, riskUnit: values['risk-unit'], maxLegs: values['max-legs'], noNewShortOptions: values['no-new-short-options'], allowNewShortOptions: values['allow-new-short-options'], underlying: values.underlying, instrument: values.instrument, confidence: values.confidence, lookback: values.lookback }
        return await hedgeCommand(services, id, io, args, values.json)
      }
      if (command === 'report') {
        return await reportCommand(services, io, {
          bookId: id,
          account: values.account,
          out: values.out,
          statements: values.statement ?? [],
          markets: values.market ?? [],
          allowPartial: values['allow-partial'],
          pageSize: values.page as 'A4' | 'Letter',
          statistics: !values['no-statistics'],
          hedges: values.hedges,
          fullPositions: values['full-positions'],
          explain: reportExplain ?? undefined,
          verbose,
          issuesLog
        })
      }
      if (command === 'export' && (values.xlsx !== undefined || values.csv !== undefined)) {
        // The workstation's own export (the API method): every grid as XLSX, or one as CSV.
        for (const [format, out] of [['xlsx', values.xlsx], ['csv', values.csv]] as const) {
          if (out === undefined) continue
          const f = await call(services, 'exportBook', { bookId: id, format, sheet: format === 'csv' ? ((values.sheet ?? 'Positions') as 'Positions') : undefined })
          writeFileSync(out, Buffer.from(f.base64, 'base64'))
          io.out(`wrote ${out} (${format === 'xlsx' ? 'Positions, Margin, Health, Greeks by expiry, About' : (values.sheet ?? 'Positions')})`)
        }
        if (values.portfolio === undefined && marketFile === undefined) return 0
      }
      if (command === 'export') return exportCommand(services.db, io, { bookId: id, portfolio: values.portfolio, market: marketFile, verbose })
      if (command === 'margin') {
        // The plain book run goes through the API exactly as the workstation asks for it.
        const plain = files.portfolio === undefined && files.market === undefined && files.params === undefined && method === 'all'
        if (plain) return printMargin(io, await call(services, 'bookMargin', { bookId: id }), values.json, verbose)
        return printMargin(io, marginReport(readMarginInputs(files, { db: services.db, bookId: id })), values.json, verbose)
      }
      const imported = await importAndEvaluate(services, io, [positionals[1]!], {
        bookId: id,
        dryRun: values['dry-run'],
        allowPartial: values['allow-partial'],
        format: values.format,
        account: values.account,
        json: values.json,
        openingBalance: values['no-opening-balance'] ? 'skip' : 'take',
        openingBalances: opening,
        asOf: asOf === undefined ? undefined : new Date(Date.parse(asOf)).toISOString(),
        verbose,
        issuesLog
      })
      return imported.code
    } finally {
      await backend.services.close()
    }
  } catch (e) {
    // SQLite's busy, read-only, corrupt and full errors as messages naming the book file.
    const book = classifyBookError(e, { path: resolveBookPath({ cliBook: values.book }), state: 'ok', stateReason: null })
    io.err(nativeModuleFailure('marginal', e) ?? `marginal: ${clipText(errorText(book ?? e))}`)
    return 1
  }
}

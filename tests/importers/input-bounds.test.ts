/**
 * Input bounds at every statement and market-data entry point (docs/METHODOLOGY.md §9,
 * engine/instruments/bounds.ts): a size, price or amount cell of 1e308, -1e308, NaN, Infinity,
 * 1e999, nothing or 10 MB is a rejected row naming file, line and column, its value quoted at
 * most ~40 characters; the preview counts it, and a commit without --allow-partial writes nothing.
 */
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { readCsvRows } from '../../src-main/importers/csv-records'
import { parseStatement } from '../../src-main/importers/registry'
import type { GenericMapping } from '../../src-main/importers/formats/generic-csv'
import { ImportRefusedError } from '../../src-main/services/import-service'
import { INPUT_BOUNDS, MAX_QUOTED_CHARS, quoteInput } from '../../src-main/engine/instruments/bounds'
import { commit, emptyBook, fixture, preview, snapshotBook } from '../support/import-book'

const TEN_MB = '9'.repeat(10 * 1024 * 1024)
const BAD: [string, string][] = [
  ['1e308', '1e308'],
  ['-1e308', '-1e308'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['1e999', '1e999'],
  ['an empty cell', ''],
  ['a 10 MB cell', TEN_MB]
]

/**
 * The file with one cell replaced: the first data row under the header holding `column` (in
 * `section` for IBKR's multi-section CSV) for which `pick` holds. Returns the text and that row's line.
 */
function withCell(text: string, column: string, pick: (row: Record<string, string>) => boolean, value: string, section?: string): { text: string; line: number } {
  const { rows } = readCsvRows(text)
  const offset = section ? 2 : 0
  const headerAt = rows.findIndex((r) => (section ? r.values[0] === section && r.values[1] === 'Header' : r.values.map((v) => v.trim()).includes(column)))
  const header = rows[headerAt]!.values.slice(offset).map((v) => v.trim())
  const target = rows.slice(headerAt + 1).find((r) => (!section || (r.values[0] === section && r.values[1] === 'Data')) && pick(Object.fromEntries(header.map((h, i) => [h, (r.values[i + offset] ?? '').trim()]))))!
  const values = [...target.values]
  values[header.indexOf(column) + offset] = value
  const lines = text.split('\n')
  const cr = lines[target.line - 1]!.endsWith('\r') ? '\r' : ''
  lines[target.line - 1] = Papa.unparse([values], { newline: '\n' }) + cr
  return { text: lines.join('\n'), line: target.line }
}

/** The file with attribute `name` of the `nth` `<tag ` element set to `value`, and that element's line. */
function withAttribute(text: string, tag: string, nth: number, name: string, value: string): { text: string; line: number } {
  const re = new RegExp(`<${tag} [^>]*>`, 'g')
  let m: RegExpExecArray | null = null
  for (let k = 0; k <= nth; k++) m = re.exec(text)
  const element = m![0].replace(new RegExp(`\\b${name}="[^"]*"`), `${name}="${value}"`)
  return { text: text.slice(0, m!.index) + element + text.slice(m!.index + m![0].length), line: text.slice(0, m!.index).split('\n').length }
}

/** What a rejection of `value` must say: the clipped value, or that the cell is empty. */
function expectReason(reason: string, value: string): void {
  expect(reason.length).toBeLessThan(200)
  if (value === '') expect(reason).toMatch(/^empty$|^'' is not a/)
  else expect(reason).toContain(quoteInput(value))
  if (value.length > MAX_QUOTED_CHARS) expect(reason).toContain('(10,485,760 characters)')
  if (/e308|e999|Infinity/.test(value)) expect(reason).toMatch(/is out of range: no \w[\w ]* exceeds (10\^\d+|1 \(100 % per 8 hours\))$/)
}

interface Case {
  entry: string
  fileName: string
  column: string
  edit: (text: string, value: string) => { text: string; line: number }
  extra?: Parameters<typeof preview>[3]
}

const csvCase = (entry: string, fileName: string, column: string, pick: (row: Record<string, string>) => boolean, section?: string): Case => ({
  entry, fileName, column, edit: (text, value) => withCell(text, column, pick, value, section)
})

const GENERIC: GenericMapping = { venue: 'binance', time: 'Date', instrument: 'Instrument', side: 'Side', size: 'Qty', price: 'Price', fee: 'Fee', feeCurrency: 'USDT', id: 'Ref', decimalComma: false, accountName: 'Broker', balance: 'Balance', cashChange: 'Net Amount' }

const CHAIN = [
  'instrument_name,mark_price,mark_iv,underlying_price,creation_timestamp,estimated_delivery_price,bid_price,ask_price',
  'BTC-28JUN24-60000-C,0.2666299,79.36,73956.27,1710223032955,72011.29,0.2661,0.2671',
  'BTC-28JUN24-60000-P,0.07919541,80.11,73956.27,1710223032945,72011.29,0.0787,0.0797',
  'BTC-28JUN24-70000-C,0.14,66.2,73956.27,1710223032945,72011.29,0.139,0.141',
  'BTC-28JUN24-70000-P,0.0895,67.1,73956.27,1710223032945,72011.29,0.089,0.09'
].join('\n') + '\n'

const FUNDING = ['timestamp,funding_rate', '2024-03-01 00:00:00,0.0001', '2024-03-01 08:00:00,0.00012', '2024-03-01 16:00:00,-0.00003'].join('\n') + '\n'

const CASES: (Case & { base?: () => { fileName: string; text: string } })[] = [
  csvCase('Deribit transaction log (size)', 'transaction_log-555777-BTC-2024-03-12.csv', 'Amount', (r) => r.Type === 'trade'),
  csvCase('OKX trading history (contracts)', 'okx-trading-history-utc3.csv', 'Amount', (r) => r['Trade Type'] === 'Perpetual' && /^(Buy|Sell|Open|Close)/i.test(r.Action ?? '')),
  csvCase('OKX funding account (amount)', 'okx-funding.csv', 'Amount', (r) => r.Type === 'Deposit'),
  csvCase('Bybit transaction log (quantity)', 'bybit-uta-transaction-log.csv', 'Quantity', (r) => r.Type === 'TRADE'),
  csvCase('Binance statement (change)', 'binance-transaction-history-202611011200(UTC+3)-part1-of1.csv', 'Change', (r) => r.Operation === 'Deposit'),
  csvCase('Binance USD-M transaction history (amount)', 'binance-futures-transaction-history-202611011200(UTC+3)-part1-of1.csv', 'Amount', (r) => r.Type === 'COMMISSION'),
  csvCase('Binance USD-M trade history (quantity)', 'binance-futures-trade-history-legacy.csv', 'Quantity', () => true),
  csvCase('IBKR activity statement CSV (quantity)', 'ibkr-activity-statement-U7654321.csv', 'Quantity', (r) => r.Symbol === 'ESH5', 'Trades'),
  { entry: 'IBKR Flex XML (quantity)', fileName: 'ibkr-flex-cashreport-U2345678.xml', column: 'quantity', edit: (text, value) => withAttribute(text, 'Trade', 0, 'quantity', value) },
  { ...csvCase('generic CSV mapped by hand (size)', 'broker-trades-balance.csv', 'Qty', (r) => r.Ref === 'T2'), extra: { format: 'generic-csv', mapping: GENERIC } },
  csvCase('daily price history (close)', 'binance_BTCUSDT_daily_sample.csv', 'close', (r) => r.timestamp === '2024-01-02'),
  { ...csvCase('Deribit option chain (mark price)', 'deribit_btc_book_summary_2024-03-12.csv', 'mark_price', (r) => r.instrument_name === 'BTC-28JUN24-70000-C'), base: () => ({ fileName: 'deribit_btc_book_summary_2024-03-12.csv', text: CHAIN }) },
  { ...csvCase('funding-rate history (rate)', 'binance_BTCUSDT_perp_funding_8h.csv', 'funding_rate', (r) => r.timestamp === '2024-03-01 08:00:00'), base: () => ({ fileName: 'binance_BTCUSDT_perp_funding_8h.csv', text: FUNDING }) }
]

describe('input bounds at every importer: rejected by file, line and column, nothing written', () => {
  for (const c of CASES) {
    describe(c.entry, () => {
      const original = c.base?.() ?? fixture(c.fileName)
      const { db, bookId } = emptyBook()
      const baseRejected = preview(db, bookId, original, c.extra).rejected

      it.each(BAD)('%s', (_label, value) => {
        const { text, line } = c.edit(original.text, value)
        const file = { fileName: original.fileName, text }
        const p = preview(db, bookId, file, c.extra)
        expect(p.rejected, 'the preview counts the row rejected').toBe(baseRejected + 1)
        const issue = p.issues.find((i) => i.severity === 'rejected' && i.line === line)
        expect(issue, `no rejection at line ${line}: ${JSON.stringify(p.issues.slice(0, 5))}`).toMatchObject({ file: original.fileName, line, column: c.column })
        expectReason(issue!.reason, value)
        // Every message of the preview stays short: none echoes the 10 MB cell.
        expect(Math.max(...p.issues.map((i) => i.reason.length), ...(p.notes ?? []).map((n: string) => n.length))).toBeLessThan(2100)
        const before = snapshotBook(db)
        let refused: unknown
        try {
          commit(db, bookId, file, false, c.extra)
        } catch (e) {
          refused = e
        }
        expect(refused, 'a commit without --allow-partial is refused').toBeInstanceOf(ImportRefusedError)
        expect((refused as Error).message).toContain(`line ${line}`)
        expect((refused as Error).message.length).toBeLessThan(10_000)
        expect(snapshotBook(db), 'nothing is written').toBe(before)
      })
    })
  }
})

describe('the bound of each kind of cell', () => {
  const rejection = (text: string, fileName: string, line: number, column: string): string | undefined =>
    parseStatement(text, fileName).issues.find((i) => i.severity === 'rejected' && i.line === line && i.column === column)?.reason

  it('a Deribit price, fee and position: each against its own bound, within it accepted', () => {
    const { text: base, fileName } = fixture('transaction_log-555777-BTC-2024-03-12.csv')
    const trade = (r: Record<string, string>): boolean => r.Type === 'trade'
    const price = withCell(base, 'Price', trade, '2e9')
    expect(rejection(price.text, fileName, price.line, 'Price')).toBe("'2e9' is out of range: no price exceeds 10^9")
    const fee = withCell(base, 'Fee Charged', trade, '-2e12')
    expect(rejection(fee.text, fileName, fee.line, 'Fee Charged')).toBe("'-2e12' is out of range: no fee exceeds 10^12")
    const position = withCell(base, 'Position', trade, '1e15')
    expect(rejection(position.text, fileName, position.line, 'Position')).toBe("'1e15' is out of range: no size exceeds 10^14")
    const plausible = withCell(base, 'Price', trade, '999999999')
    expect(parseStatement(plausible.text, fileName).issues.filter((i) => i.severity === 'rejected')).toEqual([])
  })

  it('IBKR Flex: a multiplier beyond the contract-size bound and a trade price beyond the price bound', () => {
    const { text: base, fileName } = fixture('ibkr-flex-cashreport-U2345678.xml')
    const multiplier = withAttribute(base, 'Trade', 0, 'multiplier', '1e300')
    expect(rejection(multiplier.text, fileName, multiplier.line, 'multiplier')).toBe("'1e300' is out of range: no contract size exceeds 10^9")
    const price = withAttribute(base, 'Trade', 0, 'tradePrice', '1e10')
    expect(rejection(price.text, fileName, price.line, 'tradePrice')).toBe("'1e10' is out of range: no price exceeds 10^9")
  })

  it('a symbol cell of 10 MB is rejected and never reaches the book; other long cells are clipped in every message', () => {
    const { text: base, fileName } = fixture('bybit-uta-transaction-log.csv')
    const long = withCell(base, 'Direction', (r) => r.Type === 'TRADE', `X${TEN_MB}`)
    const reason = rejection(long.text, fileName, long.line, 'Direction')!
    expect(reason).toBe(`${quoteInput(`X${TEN_MB}`)} is not a trade direction`)
    const symbol = withCell(base, 'Contract', (r) => r.Type === 'TRADE', `ETH${TEN_MB}`)
    expect(rejection(symbol.text, fileName, symbol.line, 'Contract')).toMatch(/^'ETH9{37}…' \(10,485,763 characters\) is longer than any cell a venue writes/)
  })

  it('the bounds are generous: a normal statement imports with no rejection', () => {
    for (const name of ['transaction_log-555777-BTC-2024-03-12.csv', 'okx-trading-history-utc3.csv', 'bybit-uta-transaction-log.csv', 'ibkr-flex-cashreport-U2345678.xml']) {
      const { db, bookId } = emptyBook()
      expect(preview(db, bookId, fixture(name)).rejected, name).toBe(0)
      expect(() => commit(db, bookId, fixture(name)), name).not.toThrow()
    }
    expect(INPUT_BOUNDS.sizeContracts.max).toBeGreaterThan(1e10)
  })
})

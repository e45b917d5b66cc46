/** IBKR Activity Flex XML at the parser level: CashReport balances, the ledger, positions, dates. */
import { describe, expect, it } from 'vitest'
import { fixture } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'
import { planImport, resolveInstrument } from '../../src-main/importers/plan'
import { IbkrClock, slashOrderOf } from '../../src-main/importers/formats/ibkr-flex-time'
import type { ParsedStatement } from '../../src-main/importers/statement'

const FILE = 'ibkr-flex-cashreport-U2345678.xml'
const TEXT = fixture(FILE).text
const parse = (text = TEXT): ParsedStatement => parseStatement(text, FILE)
const iso = (ms: number): string => new Date(ms).toISOString()
const cashBy = (p: ParsedStatement): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of p.cashFlows) if (f.movesCash !== false) out[f.currency] = (out[f.currency] ?? 0) + f.amount
  return out
}
/** The element on `line` replaced by a comment, so that every other element keeps its line. */
const withoutLine = (text: string, line: number): string => text.split('\n').map((l, i) => (i === line - 1 ? '<!-- removed -->' : l)).join('\n')

describe('IBKR Flex CashReport', () => {
  it('closing balances are endingCash per currency at the end of toDate in New York, with their line and decimals', () => {
    expect(parse().closingBalances).toEqual([
      { currency: 'EUR', amount: 2032.5, atMs: Date.parse('2025-01-16T05:00:00Z'), line: 31, decimals: 1 },
      { currency: 'USD', amount: 105_157.24, atMs: Date.parse('2025-01-16T05:00:00Z'), line: 32, decimals: 2 }
    ])
  })

  it('opening balances are startingCash at the start of fromDate; BASE_SUMMARY is not a currency', () => {
    expect(parse().openingBalances).toEqual([
      { currency: 'EUR', amount: 2000, atMs: Date.parse('2025-01-15T05:00:00Z'), line: 31, decimals: 0 },
      { currency: 'USD', amount: 100_000, atMs: Date.parse('2025-01-15T05:00:00Z'), line: 32, decimals: 0 }
    ])
  })

  it('the ledger closes: per currency, Σ cash flows = endingCash − startingCash, and no warning is raised', () => {
    const p = parse()
    const cash = cashBy(p)
    for (const close of p.closingBalances) {
      const open = p.openingBalances.find((o) => o.currency === close.currency)!
      expect(cash[close.currency]).toBeCloseTo(close.amount - open.amount, 9)
    }
    expect(Object.keys(cash).sort()).toEqual(['EUR', 'USD'])
    expect(p.issues.filter((i) => i.severity !== 'skipped')).toEqual([])
    expect(p.notes.join(' ')).toMatch(/endingCash per currency \(trade-date balance\) is the closing balance/)
  })

  it('trades move cash: options their proceeds and commission, futures their commission and trade-day MTM, never the notional', () => {
    const flows = parse().cashFlows.filter((f) => f.line >= 8 && f.line <= 12)
    expect(flows.map((f) => [f.line, f.kind, f.amount, f.externalId])).toEqual([
      [8, 'fee', -1.3, 'ibkr:trade:700001:commission'],
      [8, 'trade', -1300, 'ibkr:trade:700001:proceeds'],
      [9, 'fee', -1.95, 'ibkr:trade:700002:commission'],
      [9, 'trade', -120, 'ibkr:trade:700002:proceeds'],
      [10, 'fee', -4.2, 'ibkr:trade:700003:commission'],
      [10, 'variation_margin', 1225, 'ibkr:trade:700003:vm'],
      [11, 'fee', -2.1, 'ibkr:trade:700004:commission'],
      [11, 'variation_margin', 375, 'ibkr:trade:700004:vm']
    ])
  })

  it('a cash transaction missing from the file: a warning names the CashReportCurrency line, both numbers and the difference', () => {
    const p = parse(withoutLine(TEXT, 23)) // the USD 'Other Fees' −10
    expect(p.closingBalances.find((b) => b.currency === 'USD')!.amount).toBe(105_157.24)
    const warnings = p.issues.filter((i) => i.severity === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ line: 32, column: 'endingCash' })
    expect(warnings[0]!.reason).toBe(
      'U2345678 USD: startingCash 100000 + the statement\'s cash flows 5167.24 = 105167.24, but endingCash is 105157.24 (difference -10); otherFees -10 in the Cash Report, 0 in the ledger. The closing balance is taken from the Cash Report.'
    )
  })

  it('futures MTM carried from an earlier day is in cashSettlingMtm only: the warning says so', () => {
    const text = TEXT.replace('cashSettlingMtm="1600" netTradesSales="0" netTradesPurchases="-1420" withholdingTax="0" otherFees="-10" endingCash="105157.24"', 'cashSettlingMtm="1850" netTradesSales="0" netTradesPurchases="-1420" withholdingTax="0" otherFees="-10" endingCash="105407.24"')
    const [warning] = parse(text).issues.filter((i) => i.severity === 'warning')
    expect(warning!.reason).toMatch(/difference 250\); cashSettlingMtm 1850 in the Cash Report, 1600 in the ledger \(the daily MTM of futures held from an earlier day/)
  })

  it('bad input is reported by line and column: empty endingCash, an out-of-range amount, a non-number netCash, an unknown type', () => {
    const text = TEXT.replace('endingCash="2032.5"', 'endingCash=""')
      .replace('amount="-3.21"', 'amount="1e308"')
      .replace('netCash="372.90"', 'netCash="abc"')
      .replace('type="Dividends"', 'type="Mystery Credit"')
    const p = parse(text)
    expect(p.issues.filter((i) => i.severity !== 'skipped').map((i) => [i.line, i.column, i.reason, i.severity])).toEqual([
      [11, 'netCash', "'abc' is not a number", 'rejected'],
      [22, 'amount', "'1e308' is out of range: no cash amount exceeds 10^15", 'rejected'],
      [24, 'type', "'Mystery Credit' is not a cash transaction type IBKR documents; booked as 'mystery_credit'", 'warning'],
      [31, 'endingCash', "'' is not a number", 'rejected'],
      [32, 'endingCash', expect.stringMatching(/^U2345678 USD: startingCash 100000/), 'warning']
    ])
    expect(p.closingBalances.map((b) => b.currency)).toEqual(['USD'])
  })

  it('without a CashReport section the balances are empty and a note says the ledger is all there is', () => {
    const p = parseStatement(fixture('ibkr-flex-U7654321.xml').text, 'ibkr-flex-U7654321.xml')
    expect(p.closingBalances).toEqual([])
    expect(p.openingBalances).toEqual([])
    expect(p.notes.join(' ')).toMatch(/no Cash Report section/)
  })

  it('several accounts in one file: a warning names them, and their balances add up', () => {
    const statement = /<FlexStatement [\s\S]*<\/FlexStatement>/.exec(TEXT)![0]
    const text = TEXT.replace(statement, `${statement}\n${statement.replaceAll('U2345678', 'U9999999').replace(/tradeID="7/g, 'tradeID="9').replace(/transactionID="8/g, 'transactionID="9')}`)
    const p = parse(text)
    expect(p.issues.filter((i) => i.severity === 'warning').map((i) => [i.line, i.column])).toEqual([[35, 'accountId']])
    expect(p.issues.find((i) => i.column === 'accountId')!.reason).toMatch(/statements of 2 accounts \(U2345678, U9999999\): they are merged into one book account/)
    expect(p.closingBalances.find((b) => b.currency === 'USD')!.amount).toBeCloseTo(2 * 105_157.24, 6)
    expect(p.positions!.find((x) => x.instrument.symbol === 'ESH5')!.sizeContracts).toBe(2)
  })
})

describe('IBKR Flex positions', () => {
  it('LOT rows of one instrument are summed with a weighted price; SUMMARY wins over its LOT rows; costBasisPrice 0 falls back to openPrice', () => {
    const p = parse()
    expect(p.positions!.map((x) => [x.line, x.instrument.symbol, x.sizeContracts, x.avgPrice])).toEqual([
      [15, 'SPY   250221C00600000', 5, expect.closeTo((3 * 5 + 2 * 6.5065) / 5, 12)],
      [17, 'ESH5', 1, 5950.25]
    ])
    expect(p.issues.filter((i) => i.severity === 'skipped').map((i) => [i.line, i.column])).toEqual([
      [18, 'levelOfDetail'],
      [27, 'levelOfDetail']
    ])
    expect(p.positionsAsOfMs).toBe(Date.parse('2025-01-16T05:00:00Z'))
  })

  it('no OpenPositions section: positions are null and held positions stay open', () => {
    const text = TEXT.replace(/<OpenPositions>[\s\S]*?<\/OpenPositions>/, (s) => s.replace(/[^\n]/g, ''))
    const p = parse(text)
    expect(p.positions).toBeNull()
    expect(p.notes.join(' ')).toMatch(/no Open Positions section: positions follow the trades/)
    const held = new Map([['ibkr:AAPL', { sizeContracts: 100, avgPrice: 180, instrument: resolveInstrument({ venue: 'ibkr', symbol: 'AAPL' }) }]])
    const plan = planImport(p, held, new Set(), new Set())
    expect(plan.changes.find((c) => c.key === 'ibkr:AAPL')).toBeUndefined()
  })

  it('an empty <OpenPositions/> is a flat account: positions are [], not null', () => {
    expect(parse(TEXT.replace(/<OpenPositions>[\s\S]*?<\/OpenPositions>/, '<OpenPositions/>')).positions).toEqual([])
  })
})

describe('IBKR Flex trades', () => {
  it('an expired option is a trade of kind expiry at price 0; A and Ex notes are assignment and exercise', () => {
    const ep = parse().trades.find((t) => t.line === 12)!
    expect(ep).toMatchObject({ kind: 'expiry', side: 'sell', sizeContracts: 3, price: 0, externalId: 'ibkr:txn:800005' })
    expect(parse(TEXT.replace('notes="Ep"', 'notes="A;P"')).trades.find((t) => t.line === 12)!.kind).toBe('assignment')
    expect(parse(TEXT.replace('notes="Ep"', 'notes="Ex"')).trades.find((t) => t.line === 12)!.kind).toBe('exercise')
    expect(parse().trades[0]!.kind).toBe('trade')
  })

  it('times are New York wall clock: 09:35:12 on 15 Jan 2025 is 14:35:12 UTC', () => {
    expect(iso(parse().trades[0]!.tradedAtMs)).toBe('2025-01-15T14:35:12.000Z')
  })

  it('a query with MM/dd/yyyy or dd/MM/yyyy dates and HH:mm:ss times after a comma reads the same', () => {
    const reformat = (date: (mo: string, d: string) => string): string =>
      TEXT.replace(/"2025(\d\d)(\d\d)(;(\d\d)(\d\d)(\d\d))?"/g, (_m, mo, d, t, h, mi, s) => `"${date(mo, d)}${t ? `, ${h}:${mi}:${s}` : ''}"`)
    const us = reformat((mo, d) => `${mo}/${d}/2025`)
    const european = reformat((mo, d) => `${d}/${mo}/2025`)
    expect(us).toContain('dateTime="01/15/2025, 09:35:12"')
    expect(european).toContain('dateTime="15/01/2025, 09:35:12"')
    for (const text of [us, european]) {
      const p = parse(text)
      expect(p.trades.map((t) => t.tradedAtMs)).toEqual(parse().trades.map((t) => t.tradedAtMs))
      expect(p.trades.find((t) => t.instrument.symbol === 'ESH5')!.instrument.hints!.expiryMs).toBe(Date.parse('2025-03-21T20:00:00Z'))
      expect(p.closingBalances).toEqual(parse().closingBalances)
      // The day 15 (above 12) tells the order: no warning.
      expect(p.issues.filter((i) => i.severity === 'warning')).toEqual([])
    }
  })

  it('slash dates whose order nothing decides are read as MM/dd/yyyy, with a warning', () => {
    const text = TEXT.replace(/"2025011([56])/g, '"01/0$1/2025')
    const p = parse(text)
    expect(p.issues.filter((i) => i.severity === 'warning').map((i) => [i.line, i.reason])).toEqual([[1, expect.stringMatching(/cannot be told apart: read as MM\/dd\/yyyy/)]])
    expect(iso(p.trades[0]!.tradedAtMs)).toBe('2025-01-05T14:35:12.000Z')
  })
})

describe('IBKR Flex dates and times', () => {
  const clock = new IbkrClock()
  const ny = (raw: string, time?: string): string | null => {
    const ms = clock.instant(raw, time)
    return ms === null ? null : iso(ms)
  }

  it('accepts every documented date format, time format and separator, as New York time', () => {
    const at = '2025-01-15T14:35:12.000Z'
    for (const raw of ['20250115;093512', '20250115,093512', '20250115 093512', '20250115093512', '2025-01-15;09:35:12', '2025-01-15, 09:35:12', '01/15/2025 09:35:12', '01/15/25;093512', '15-Jan-25 09:35:12', '2025-01-15T09:35:12-0500']) {
      expect([raw, ny(raw)]).toEqual([raw, at])
    }
    expect(ny('20250115', '093512')).toBe(at)
    expect(ny('2025-07-15;09:30:00')).toBe('2025-07-15T13:30:00.000Z') // EDT
    expect(ny('20250115')).toBe('2025-01-15T05:00:00.000Z')
    expect(iso(new IbkrClock('dd/MM').instant('15/01/2025;093512')!)).toBe(at)
  })

  it('no-value marks and impossible dates are null, never a date', () => {
    for (const raw of ['', '-', '--', 'N/A', 'MULTI', '2025-02-30', '20251301', '2025-01-15;25:00:00', 'yesterday']) expect([raw, ny(raw)]).toEqual([raw, null])
  })

  it('the slash-date order of a file is told from a day above 12', () => {
    expect(slashOrderOf('<a d="15/01/2025" e="02/01/2025"/>')).toEqual({ order: 'dd/MM', ambiguous: false, conflicting: false })
    expect(slashOrderOf('<a d="01/15/2025"/>')).toEqual({ order: 'MM/dd', ambiguous: false, conflicting: false })
    expect(slashOrderOf('<a d="01/02/2025"/>')).toEqual({ order: 'MM/dd', ambiguous: true, conflicting: false })
  })
})

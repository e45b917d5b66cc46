/**
 * A long Deribit transaction log (current header) for benchmarks and crash tests: trades on the
 * perpetual and a ladder of options, with a consistent Position column, unique IDs and an
 * occasional settlement at a price, and a Balance that runs with the Change column to 8 decimals as
 * Deribit prints it (so the import's balance chain and cash reconciliation close). Seeded, so
 * every run writes the same file.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import Papa from 'papaparse'
import { mulberry32 } from '../engine/random/mulberry32'

const HEADER = [
  'ID', 'UserSeq', 'Date', 'Instrument', 'Type', 'Side', 'Amount', 'Base Amount', 'Position', 'Price', 'Mark Price', 'Index Price', 'Cash Flow', 'Funding',
  'Fee Rate', 'Fee Charged', 'Fee Balance', 'Change', 'Balance', 'Equity', 'Trade ID', 'Order ID', 'Info', 'Note'
]

/** The log's data rows, one at a time (a 1M-row log is written without holding its rows). */
export function* syntheticDeribitRows(count: number, seed: number): Generator<(string | number)[]> {
  const rand = mulberry32(seed)
  const instruments = ['BTC-PERPETUAL', ...[50, 60, 70, 80].flatMap((k) => [`BTC-27DEC24-${k}000-C`, `BTC-27DEC24-${k}000-P`])]
  const position = new Map<string, number>()
  let t = Date.UTC(2024, 0, 1)
  // Balance in satoshi-like units of 1e-8 BTC: integer arithmetic, printed to 8 decimals.
  let balance = 100 * 1e8
  const printed = (units: number): string => (units / 1e8).toFixed(8)
  for (let n = 1; n <= count; n++) {
    t += 1000 + Math.floor(rand() * 60_000)
    const date = new Date(t).toISOString().slice(0, 19).replace('T', ' ')
    if (n % 500 === 0) {
      balance += 120_000
      yield [n, n, date, 'BTC-PERPETUAL', 'settlement', 'long', '', '', position.get('BTC-PERPETUAL') ?? 0, 60000, 60000, 60000, '0.0012', '-0.00001', '', 0, 0, '0.0012', printed(balance), printed(balance), '', '', '', '']
      continue
    }
    const symbol = instruments[Math.floor(rand() * instruments.length)]!
    const perp = symbol.endsWith('PERPETUAL')
    const amount = perp ? 10 * (1 + Math.floor(rand() * 500)) : Math.round((0.1 + rand() * 5) * 10) / 10
    const buy = rand() < 0.5
    const next = Math.round(((position.get(symbol) ?? 0) + (buy ? amount : -amount)) * 10) / 10
    position.set(symbol, next)
    const price = perp ? (55_000 + rand() * 10_000).toFixed(1) : (0.005 + rand() * 0.1).toFixed(4)
    // Options: the premium moves the balance (Change = Cash Flow − fee); futures: only the fee.
    const premium = perp ? 0 : Math.round((buy ? -1 : 1) * amount * Number(price) * 1e8)
    balance += premium - 1200
    yield [n, n, date, symbol, 'trade', buy ? 'open buy' : 'open sell', amount, amount, next, price, price, 60000, printed(premium), 0, '0.0005', '0.00001200', 0, printed(premium - 1200), printed(balance), printed(balance), 900000 + n, 800000 + n, '', '']
  }
}

/**
 * The order a log lists its rows in: the generator's (UserSeq ascending, oldest first), or Deribit's
 * own export's, newest first (Deribit support, "Transaction log": the export lists the latest
 * transaction first), the order the importer must sort (issue 20).
 */
export type LogOrder = 'oldest-first' | 'newest-first'

export function syntheticDeribitLog(count: number, seed = 11, order: LogOrder = 'oldest-first'): string {
  const rows = [...syntheticDeribitRows(count, seed)]
  if (order === 'newest-first') rows.reverse()
  // Deribit's export ends every line, the last included, with LF.
  return Papa.unparse([HEADER, ...rows], { newline: '\n' }) + '\n'
}

/**
 * The same log as syntheticDeribitLog(count, seed, order), byte for byte, written to `path` a few
 * thousand rows at a time: the import-scale bench's 1M-row file (190 MB) without a 190 MB string.
 * Newest first, the rows go oldest first to a scratch file beside `path` (removed after), then
 * are copied a batch at a time from its end, each batch's lines reversed.
 */
export function writeSyntheticDeribitLog(path: string, count: number, seed = 11, order: LogOrder = 'oldest-first'): number {
  const ROWS_PER_WRITE = 10_000
  const reversed = order === 'newest-first'
  const scratch = `${path}.oldest-first`
  /** Where each batch of rows lies in the scratch file (newest first only). */
  const batches: { at: number; bytes: number }[] = []
  const fd = openSync(path, 'w')
  const scratchFd = reversed ? openSync(scratch, 'w+') : -1
  let bytes = 0
  let scratchBytes = 0
  try {
    bytes += writeSync(fd, Papa.unparse([HEADER], { newline: '\n' }) + '\n')
    let batch: (string | number)[][] = []
    const write = (): void => {
      const text = Papa.unparse(batch, { newline: '\n' }) + '\n'
      batch = []
      if (!reversed) return void (bytes += writeSync(fd, text))
      const written = writeSync(scratchFd, text)
      batches.push({ at: scratchBytes, bytes: written })
      scratchBytes += written
    }
    for (const row of syntheticDeribitRows(count, seed)) {
      batch.push(row)
      if (batch.length === ROWS_PER_WRITE) write()
    }
    if (batch.length) write()
    for (let b = batches.length - 1; b >= 0; b--) {
      const { at, bytes: length } = batches[b]!
      const buffer = Buffer.alloc(length)
      readSync(scratchFd, buffer, 0, length, at)
      const lines = buffer.toString('utf8').slice(0, -1).split('\n').reverse()
      bytes += writeSync(fd, lines.join('\n') + '\n')
    }
  } finally {
    closeSync(fd)
    if (reversed) {
      closeSync(scratchFd)
      rmSync(scratch, { force: true })
    }
  }
  return bytes
}

/**
 * An IBKR Activity Flex Query statement (XML) with `trades` fills of the Micro Bitcoin future, each
 * element on three lines as IBKR prints it, the closing position they add up to and one deposit.
 * For the importer's one-pass element line index (a per-element prefix split took 5.2 s on 20,000).
 */
export function syntheticIbkrFlex(trades: number, seed = 13): string {
  const rand = mulberry32(seed)
  const account = 'U7654321'
  const contract = 'accountId="U7654321" currency="USD" assetCategory="FUT" symbol="MBTG5" conid="750000001" multiplier="0.1" expiry="20250228"'
  const lines: string[] = []
  let position = 0
  let t = Date.UTC(2025, 0, 16, 14, 30)
  for (let k = 0; k < trades; k++) {
    const quantity = (rand() < 0.5 ? -1 : 1) * (1 + Math.floor(rand() * 3))
    position += quantity
    const price = (95_000 + Math.floor(rand() * 10_000)).toFixed(0)
    const when = new Date((t += 1000)).toISOString().replace(/[-:]/g, '').replace('T', ';').slice(0, 15)
    lines.push(
      `        <Trade ${contract}`,
      `               tradeDate="${when.slice(0, 8)}" dateTime="${when}" quantity="${quantity}" tradePrice="${price}" ibCommission="${(-2.25 * Math.abs(quantity)).toFixed(2)}" ibCommissionCurrency="USD" closePrice="99700" netCash="0"`,
      `               transactionType="ExchTrade" tradeID="${880_000 + k}" transactionID="${990_000 + k}" />`
    )
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<FlexQueryResponse queryName="Daily" type="AF">',
    '  <FlexStatements count="1">',
    `    <FlexStatement accountId="${account}" fromDate="20250116" toDate="20250116" period="LastBusinessDay" whenGenerated="20250116;180000">`,
    '      <Trades>',
    ...lines,
    '      </Trades>',
    '      <OpenPositions>',
    `        <OpenPosition ${contract} reportDate="20250116" position="${position}" markPrice="99700" costBasisPrice="99600" openPrice="99600" />`,
    '      </OpenPositions>',
    '      <CashTransactions>',
    `        <CashTransaction accountId="${account}" currency="USD" dateTime="20250116;120000" amount="50000" type="Deposits/Withdrawals" description="Wire in" transactionID="${990_000 + trades}" />`,
    '      </CashTransactions>',
    '    </FlexStatement>',
    '  </FlexStatements>',
    '</FlexQueryResponse>',
    ''
  ].join('\n')
}

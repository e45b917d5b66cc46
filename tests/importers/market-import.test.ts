import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fileAt, fixture, preview } from '../support/import-book'
import { hasSharedData, sharedData } from '../support/shared-data'

const count = (db: ReturnType<typeof emptyBook>['db'], sql: string, ...args: unknown[]): number =>
  (db.prepare(sql).get(...args) as { n: number }).n

describe('price history fixture (BOM, CRLF, empty line, duplicate day, negative close)', () => {
  it('records underlying, quote currency and source from the file name, and lists every row it leaves out', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('binance_BTCUSDT_daily_sample.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ dataset: 'prices', format: 'price-history', formatLabel: 'Daily price history (BTC/USDT)', rejected: 1, skipped: 1 })
    expect(p.series).toEqual([{ name: 'BTC/USDT (binance)', first: '2024-01-01', last: '2024-01-05', rows: 4, new: 4, duplicate: 0 }])
    expect(p.issues.map((i) => [i.line, i.severity, i.reason])).toEqual([
      [7, 'rejected', 'close -5 is not a positive price'],
      [6, 'skipped', 'a second bar for 2024-01-03 (first at line 5)']
    ])
    expect(() => commit(db, bookId, file)).toThrow(/line 7, column close: close -5 is not a positive price/)
    expect(commit(db, bookId, file, true)).toMatchObject({ marketRowsAdded: 4 })
    expect(db.prepare('SELECT underlying, quote_currency, source, day, close FROM price_history ORDER BY day').all()).toEqual([
      { underlying: 'BTC', quote_currency: 'USDT', source: 'binance', day: '2024-01-01', close: 44179.55 },
      { underlying: 'BTC', quote_currency: 'USDT', source: 'binance', day: '2024-01-02', close: 44946.91 },
      { underlying: 'BTC', quote_currency: 'USDT', source: 'binance', day: '2024-01-03', close: 42845.23 },
      { underlying: 'BTC', quote_currency: 'USDT', source: 'binance', day: '2024-01-05', close: 44145.11 }
    ])
    expect(preview(db, bookId, file).series[0]).toMatchObject({ new: 0, duplicate: 4 })
  })

  it('asks what a price file prices when its name does not say', () => {
    const { db, bookId } = emptyBook()
    const file = { fileName: 'prices.csv', text: 'date,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n' }
    expect(() => preview(db, bookId, file)).toThrow(/prices.csv: a price history does not say what it prices/)
    expect(preview(db, bookId, file, { underlying: 'SOL', quoteCurrency: 'USD', source: 'manual' }).series[0]).toMatchObject({ name: 'SOL/USD (manual)', rows: 1 })
  })
})

// The last flag: the last day is unmistakably partial (under 10 % of the median volume). The
// README also calls Binance BTC's and Coinbase's last days partial, but at 55 % and 52 % of the
// median they look like ordinary quiet days, so the importer cannot know and does not claim to.
const PRICE_FILES: [string, string, number, boolean][] = [
  ['prices/binance_BTCUSDT_daily.csv', 'BTC/USDT (binance)', 2932, false],
  ['prices/coinbase_BTC-USD_daily.csv', 'BTC/USD (coinbase)', 5152, false],
  ['prices/yahoo_BTC-USD_daily.csv', 'BTC/USD (yahoo)', 3735, false],
  ['prices/yahoo_ETH-USD_daily.csv', 'ETH/USD (yahoo)', 2586, false],
  ['prices/yahoo_SOL-USD_daily.csv', 'SOL/USD (yahoo)', 1703, false],
  ['prices/binance_ETHUSDT_daily_2017-2022.csv', 'ETH/USDT (binance)', 1754, true],
  ['prices/binance_SOLUSDT_daily_2020-2022.csv', 'SOL/USDT (binance)', 664, true]
]

describe('../shared/data market files as acceptance inputs', () => {
  for (const [rel, name, rows, partialLastDay] of PRICE_FILES) {
    it.skipIf(!hasSharedData(rel))(`${rel}: ${rows} days of ${name}${partialLastDay ? ', last day flagged as partial' : ''}`, () => {
      const { db, bookId } = emptyBook()
      const file = fileAt(sharedData(rel))
      const p = preview(db, bookId, file)
      expect(p.rejected).toBe(0)
      expect(p.series).toMatchObject([{ name, rows, new: rows }])
      expect(p.issues.some((i) => i.severity === 'warning' && /looks partial/.test(i.reason))).toBe(partialLastDay)
      expect(commit(db, bookId, file)).toMatchObject({ marketRowsAdded: rows })
      expect(count(db, 'SELECT COUNT(*) AS n FROM price_history')).toBe(rows)
    })
  }

  it.skipIf(!hasSharedData('options/deribit_dvol_btc_daily.csv'))('DVOL BTC (newest first): 1,840 days of the vol index', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData('options/deribit_dvol_btc_daily.csv'))
    expect(preview(db, bookId, file).series).toEqual([{ name: 'DVOL BTC', first: '2021-03-24', last: '2026-04-06', rows: 1840, new: 1840, duplicate: 0 }])
    commit(db, bookId, file)
    expect(db.prepare("SELECT close FROM vol_index_history WHERE day = '2026-04-06'").get()).toEqual({ close: 47.76 })
  })

  it.skipIf(!hasSharedData('prices/binance_BTCUSDT_perp_funding_8h.csv'))('Binance BTCUSDT funding: 7,028 periods, millisecond jitter removed', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData('prices/binance_BTCUSDT_perp_funding_8h.csv'))
    const p = preview(db, bookId, file)
    expect(p.series[0]).toMatchObject({ name: 'binance BTCUSDT funding', rows: 7028, new: 7028 })
    commit(db, bookId, file)
    expect(count(db, 'SELECT COUNT(*) AS n FROM funding_history WHERE at_ms % 1000 != 0')).toBe(0)
    expect(count(db, "SELECT COUNT(*) AS n FROM funding_history WHERE rate > 0.003 OR rate < -0.003")).toBe(0)
  })

  it.skipIf(!hasSharedData('options/deribit_btc_book_summary_2024-03-12.csv'))('a Deribit chain becomes the book\'s market snapshot', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData('options/deribit_btc_book_summary_2024-03-12.csv'))
    const p = preview(db, bookId, file)
    expect(p.dataset).toBe('option-chain')
    expect(p.series[0]!.name).toMatch(/^deribit-chain-BTC-2024-03-12T05:57:12\.\d+Z \(12 expiries\)$/)
    commit(db, bookId, file)
    const book = db.prepare('SELECT market_snapshot_id FROM books WHERE id = ?').get(bookId) as { market_snapshot_id: string }
    expect(book.market_snapshot_id).toMatch(/^deribit-chain-BTC-2024-03-12/)
  })
})

import { describe, expect, it } from 'vitest'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { SymbolError } from '../../src-main/engine/instruments/symbol-error'
import { lastFridayOfMonth, newYorkCloseUtc } from '../../src-main/engine/instruments/expiry'

const at8 = (iso: string): number => Date.parse(`${iso}T08:00:00Z`)

describe('venue symbols (METHODOLOGY §2 examples)', () => {
  it.each([
    ['deribit', 'BTC-PERPETUAL', { kind: 'perpetual', settlement: 'inverse', underlying: 'BTC', settleCurrency: 'BTC', contractSize: 10, contractUnit: 'usd', expiryMs: null }],
    ['deribit', 'BTC-27DEC24', { kind: 'future', settlement: 'inverse', contractSize: 10, contractUnit: 'usd', expiryMs: at8('2024-12-27') }],
    ['deribit', 'BTC-27DEC24-60000-C', { kind: 'option', settlement: 'inverse', contractSize: 1, contractUnit: 'btc', strikeUsd: 60_000, optionType: 'call', expiryMs: at8('2024-12-27'), lotSize: 0.1 }],
    ['deribit', 'ETH-7MAR25-2500-P', { kind: 'option', underlying: 'ETH', optionType: 'put', expiryMs: at8('2025-03-07'), lotSize: 1 }],
    ['deribit', 'SOL_USDC-PERPETUAL', { kind: 'perpetual', settlement: 'linear', underlying: 'SOL', quoteCurrency: 'USDC', settleCurrency: 'USDC', contractUnit: 'sol' }],
    ['deribit', 'XRP_USDC-30AUG24-0d625-C', { kind: 'option', settlement: 'linear', strikeUsd: 0.625, settleCurrency: 'USDC' }],
    ['deribit', 'BTC_USDC', { kind: 'spot', underlying: 'BTC', quoteCurrency: 'USDC' }],
    ['okx', 'BTC-USDT-SWAP', { kind: 'perpetual', settlement: 'linear', contractSize: 0.01, contractUnit: 'btc', settleCurrency: 'USDT' }],
    ['okx', 'BTC-USD-SWAP', { kind: 'perpetual', settlement: 'inverse', contractSize: 100, contractUnit: 'usd', settleCurrency: 'BTC' }],
    ['okx', 'BTC-USD-241227', { kind: 'future', settlement: 'inverse', contractSize: 100, expiryMs: at8('2024-12-27') }],
    ['okx', 'BTC-USD-241227-60000-C', { kind: 'option', settlement: 'inverse', contractSize: 0.01, contractUnit: 'btc', strikeUsd: 60_000, settleCurrency: 'BTC' }],
    ['okx', 'ETH-USDT', { kind: 'spot', underlying: 'ETH', quoteCurrency: 'USDT' }],
    ['bybit', 'BTCUSDT', { kind: 'perpetual', settlement: 'linear', contractSize: 1, contractUnit: 'btc', settleCurrency: 'USDT' }],
    ['bybit', 'BTCUSD', { kind: 'perpetual', settlement: 'inverse', contractSize: 1, contractUnit: 'usd', settleCurrency: 'BTC' }],
    ['bybit', 'BTCUSDZ24', { kind: 'future', settlement: 'inverse', expiryMs: at8('2024-12-27') }],
    ['bybit', 'BTC-27DEC24-60000-C', { kind: 'option', settlement: 'linear', settleCurrency: 'USDC', strikeUsd: 60_000, expiryMs: at8('2024-12-27') }],
    ['bybit', 'ETH-27DEC24', { kind: 'future', settlement: 'linear', underlying: 'ETH', settleCurrency: 'USDC' }],
    ['binance', 'BTCUSDT', { kind: 'perpetual', settlement: 'linear', settleCurrency: 'USDT', contractUnit: 'btc' }],
    ['binance', 'BTCUSD_PERP', { kind: 'perpetual', settlement: 'inverse', contractSize: 100, contractUnit: 'usd', settleCurrency: 'BTC' }],
    ['binance', 'ETHUSD_PERP', { kind: 'perpetual', settlement: 'inverse', contractSize: 10 }],
    ['binance', 'BTCUSDT_241227', { kind: 'future', settlement: 'linear', expiryMs: at8('2024-12-27') }],
    ['binance', 'BTC-241227-60000-C', { kind: 'option', settlement: 'linear', settleCurrency: 'USDT', strikeUsd: 60_000 }],
    ['ibkr', 'AAPL  250221C00180000', { kind: 'option', underlying: 'AAPL', strikeUsd: 180, optionType: 'call', contractSize: 100, expiryMs: Date.parse('2025-02-21T21:00:00Z') }],
    ['ibkr', 'TSLA  250221P00200000', { kind: 'option', underlying: 'TSLA', strikeUsd: 200, optionType: 'put' }],
    // Derive (docs.derive.xyz/trading/instrument-names): options settle at 08:00 UTC on their YYYYMMDD date; "_" is the strike's decimal point.
    ['derive', 'ETH-PERP', { kind: 'perpetual', settlement: 'linear', underlying: 'ETH', settleCurrency: 'USDC', contractSize: 1, contractUnit: 'eth' }],
    ['derive', 'ETH-20240914-2400-C', { kind: 'option', settlement: 'linear', underlying: 'ETH', strikeUsd: 2400, optionType: 'call', settleCurrency: 'USDC', expiryMs: Date.parse('2024-09-14T08:00:00Z') }],
    ['derive', 'ETH-20240914-2400_5-P', { kind: 'option', strikeUsd: 2400.5, optionType: 'put' }],
    ['derive', 'ETH-USDC', { kind: 'spot', underlying: 'ETH', quoteCurrency: 'USDC' }]
  ])('%s %s', (venue, symbol, expected) => {
    expect(parseSymbol(venue, symbol)).toMatchObject({ venue, symbol: symbol.trim(), ...expected })
  })

  it('uses statement hints where a symbol is ambiguous or incomplete', () => {
    expect(parseSymbol('binance', 'BTCUSDT', { product: 'spot' })).toMatchObject({ kind: 'spot' })
    expect(parseSymbol('bybit', 'ETHUSDT', { product: 'spot' })).toMatchObject({ kind: 'spot', underlying: 'ETH' })
    expect(parseSymbol('okx', 'PEPE-USDT-SWAP', { contractSize: 10_000_000 })).toMatchObject({ contractSize: 10_000_000 })
    const es = parseSymbol('ibkr', 'ESH5', { expiryMs: Date.parse('2025-03-21T13:30:00Z'), contractSize: 50 })
    expect(es).toMatchObject({ kind: 'future', underlying: 'ES', contractSize: 50 })
  })

  it.each([
    ['deribit', 'BTC-31FEB25-60000-C', /"31FEB25" is not an expiry date/],
    ['deribit', 'DOGE-PERPETUAL', /no coin-settled DOGE contracts at Deribit/],
    ['deribit', 'BTC-27DEC24-60000-X', /option type "X" is neither C nor P/],
    ['deribit', 'BTC/USD', /not a Deribit instrument name/],
    ['okx', 'PEPE-USDT-SWAP', /contract value of PEPE-USDT contracts unknown/],
    ['okx', 'BTC-USD-241340', /"241340" is not an expiry date/],
    ['bybit', 'BTCUSDA24', /not a futures month code|not a Bybit symbol/],
    ['binance', 'BTCUSDT_PERP', /_PERP is the COIN-M suffix/],
    ['ibkr', 'ESH5', /needs its expiry and multiplier from the statement/],
    ['ibkr', 'AAPL  250230C00180000', /250230 is not a date/],
    ['derive', 'ETH-20240231-2400-C', /"20240231" is not an expiry date/],
    ['derive', 'ETH-PERPETUAL', /not a Derive instrument name/],
    ['kraken', 'XBTUSD', /unknown venue/],
    ['okx', '', /empty symbol/]
  ])('%s %s is an error naming the symbol', (venue, symbol, reason) => {
    const error = (() => {
      try {
        parseSymbol(venue, symbol)
      } catch (e) {
        return e
      }
      return null
    })()
    expect(error).toBeInstanceOf(SymbolError)
    expect((error as Error).message).toContain(`"${symbol}"`)
    expect((error as Error).message).toMatch(reason)
  })
})

describe('expiry calendars', () => {
  it('Bybit quarterlies expire on the last Friday at 08:00 UTC', () => {
    expect(new Date(lastFridayOfMonth(2024, 11)).toISOString()).toBe('2024-12-27T08:00:00.000Z')
    expect(new Date(lastFridayOfMonth(2025, 2)).toISOString()).toBe('2025-03-28T08:00:00.000Z')
    expect(new Date(lastFridayOfMonth(2026, 6)).toISOString()).toBe('2026-07-31T08:00:00.000Z')
  })

  it('US options stop at 16:00 New York, EST or EDT', () => {
    expect(new Date(newYorkCloseUtc(2025, 1, 21)).toISOString()).toBe('2025-02-21T21:00:00.000Z')
    expect(new Date(newYorkCloseUtc(2025, 6, 18)).toISOString()).toBe('2025-07-18T20:00:00.000Z')
  })
})

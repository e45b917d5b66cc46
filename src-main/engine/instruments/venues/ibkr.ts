/**
 * IBKR: US options by their OCC symbol (root padded to 6, YYMMDD, C/P, strike × 1000 in 8 digits:
 * "AAPL  250221C00180000"), multiplier 100 unless the statement says otherwise, last trading at
 * 16:00 New York. Futures (ESH5, MBTZ4) expire on exchange calendars a symbol does not carry:
 * the statement must give the expiry and multiplier.
 */
import type { Instrument } from '../instrument'
import { newYorkCloseUtc } from '../expiry'
import { SymbolError, type SymbolHints } from '../symbol-error'
import { instrument } from './build'

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

export function parseIbkr(symbol: string, hints: SymbolHints = {}): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('ibkr', symbol, reason)
  }
  const occ = /^([A-Z0-9.]{1,6})\s*(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/.exec(symbol)
  if (occ) {
    const [, root, yy, mm, dd, typeLetter, strikeMillis] = occ as unknown as [string, string, string, string, string, string, string]
    const month0 = Number(mm) - 1
    const day = Number(dd)
    const date = new Date(Date.UTC(2000 + Number(yy), month0, day))
    if (date.getUTCMonth() !== month0 || date.getUTCDate() !== day) return fail(`${yy}${mm}${dd} is not a date`)
    const strikeUsd = Number(strikeMillis) / 1000
    if (!(strikeUsd > 0)) return fail('strike is zero')
    return instrument({
      venue: 'ibkr', symbol, kind: 'option', settlement: 'linear', underlying: root, quoteCurrency: 'USD', settleCurrency: 'USD',
      contractSize: hints.contractSize ?? 100, contractUnit: 'shares', tickSize: 0.01, lotSize: 1,
      expiryMs: newYorkCloseUtc(2000 + Number(yy), month0, day), strikeUsd, optionType: typeLetter === 'C' ? 'call' : 'put'
    })
  }
  // Activity statements write options by description: "AAPL 21FEB25 180 C".
  const described = /^([A-Z0-9.]{1,6}) (\d{2})([A-Z]{3})(\d{2}) ([0-9.]+) ([CP])$/.exec(symbol)
  if (described) {
    const [, root, dd, mon, yy, strikeText, typeLetter] = described as unknown as [string, string, string, string, string, string, string]
    const month0 = MONTHS.indexOf(mon)
    const strikeUsd = Number(strikeText)
    if (month0 < 0 || !(strikeUsd > 0)) return fail('not an option description like "AAPL 21FEB25 180 C"')
    const date = new Date(Date.UTC(2000 + Number(yy), month0, Number(dd)))
    if (date.getUTCDate() !== Number(dd)) return fail(`${dd}${mon}${yy} is not a date`)
    return instrument({
      venue: 'ibkr', symbol, kind: 'option', settlement: 'linear', underlying: root, quoteCurrency: 'USD', settleCurrency: 'USD',
      contractSize: hints.contractSize ?? 100, contractUnit: 'shares', tickSize: 0.01, lotSize: 1,
      expiryMs: newYorkCloseUtc(2000 + Number(yy), month0, Number(dd)), strikeUsd, optionType: typeLetter === 'C' ? 'call' : 'put'
    })
  }
  const future = /^([A-Z0-9]{1,5})([FGHJKMNQUVXZ])(\d{1,2})$/.exec(symbol)
  if (future) {
    if (hints.expiryMs === undefined || hints.contractSize === undefined) {
      return fail('an IBKR future needs its expiry and multiplier from the statement')
    }
    return instrument({ venue: 'ibkr', symbol, kind: 'future', settlement: 'linear', underlying: future[1]!, quoteCurrency: 'USD', settleCurrency: 'USD', contractSize: hints.contractSize, contractUnit: 'index', tickSize: 0.25, lotSize: 1, expiryMs: hints.expiryMs })
  }
  return fail('neither an OCC option symbol ("AAPL  250221C00180000"), an option description ("AAPL 21FEB25 180 C") nor a futures local symbol ("ESH5")')
}

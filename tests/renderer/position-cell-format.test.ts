/** The positions grid's cached formatters print exactly what lib/format prints (issue 20). */
import { describe, expect, it } from 'vitest'
import * as lib from '../../src-renderer/src/lib/format'
import * as cell from '../../src-renderer/src/modules/positions/cell-format'

const VALUES = [0, -0, 1, -1, 0.5, -0.5, 0.00005, -0.00005, 1.23456789, -98765.4321, 1234567.891, -1e9, 1e-9, 2.5, 3.5, 0.125, 99999.99999, Number.NaN, Infinity, -Infinity]

describe('position grid cell formatting', () => {
  it('formatNumber equals lib/format for every decimals the grid uses', () => {
    for (const decimals of [0, 1, 2, 4, 6]) for (const v of [...VALUES, null]) expect(cell.formatNumber(v, decimals)).toBe(lib.formatNumber(v, decimals))
  })

  it('formatPrice equals lib/format in coin and USD-like currencies', () => {
    for (const ccy of ['BTC', 'ETH', 'USD', 'USDC', 'usdt', '']) for (const v of [...VALUES, null]) expect(cell.formatPrice(v, ccy)).toBe(lib.formatPrice(v, ccy))
  })

  it('formatContracts equals lib/format for whole and fractional sizes', () => {
    for (const v of [...VALUES, 12, -12, 1500000, 0.1, -2.25]) expect(cell.formatContracts(v)).toBe(lib.formatContracts(v))
  })

  it('builds no number formatter per call', () => {
    const before = cell.formatNumber(1, 2)
    const toLocale = Number.prototype.toLocaleString
    let calls = 0
    Number.prototype.toLocaleString = function (...args: Parameters<typeof toLocale>) {
      calls++
      return toLocale.apply(this, args)
    }
    try {
      for (let i = 0; i < 100; i++) cell.formatNumber(i * 1.5, 2)
    } finally {
      Number.prototype.toLocaleString = toLocale
    }
    expect(calls).toBe(0)
    expect(before).toBe('1.00')
  })
})

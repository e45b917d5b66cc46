/**
 * Issue 20: parseTime reads 'YYYY-MM-DD HH:MM:SS' without a regular expression (every row of a
 * 1M-row log). It must give exactly what its general path gives: the same instant, and null for a
 * day that does not exist. The general path is reached with a 'Z' appended (UTC either way).
 */
import { describe, expect, it } from 'vitest'
import { parseTime } from '../../src-main/importers/csv-records'

const general = (s: string): number | null => parseTime(`${s}Z`)

describe('parseTime on plain UTC times', () => {
  it('equals the general path on valid, impossible and rolled-over dates and times', () => {
    const cases = [
      '2024-01-01 00:00:00', '2024-02-29 23:59:59', '2023-02-29 12:00:00', '2024-12-31T08:00:00', '2024-13-01 00:00:00', '2024-00-10 00:00:00',
      '2024-04-31 10:00:00', '2024-01-00 10:00:00', '0099-06-15 01:02:03', '1970-01-01 00:00:00', '2024-06-15 24:00:00', '2024-06-15 23:60:00',
      '2024-06-15 23:59:60', '2024-06-15 99:99:99'
    ]
    for (const c of cases) expect(parseTime(c), c).toBe(general(c))
    expect(parseTime('2023-02-29 12:00:00')).toBeNull()
    expect(parseTime('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59))
    // Random instants over two centuries, each day's start cached after its first row.
    let seed = 7
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n)
    const pad = (x: number, w: number): string => String(x).padStart(w, '0')
    for (let k = 0; k < 5000; k++) {
      const s = `${pad(1900 + rand(200), 4)}-${pad(1 + rand(12), 2)}-${pad(1 + rand(31), 2)}${rand(2) ? ' ' : 'T'}${pad(rand(24), 2)}:${pad(rand(60), 2)}:${pad(rand(60), 2)}`
      expect(parseTime(s), s).toBe(general(s))
    }
  })

  it('leaves other forms to the general path', () => {
    expect(parseTime('2024-06-15 10:00')).toBe(Date.UTC(2024, 5, 15, 10, 0))
    expect(parseTime('2024-06-15 10:00:00.250')).toBe(Date.UTC(2024, 5, 15, 10, 0, 0, 250))
    expect(parseTime('2024-06-15 10:00:00+02:00')).toBe(Date.UTC(2024, 5, 15, 8, 0, 0))
    expect(parseTime('2024-06-15x10:00:00')).toBeNull()
    expect(parseTime(' 2024-06-15 10:00:00 ')).toBe(Date.UTC(2024, 5, 15, 10))
  })
})

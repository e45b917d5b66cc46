/**
 * OKX exports print local times without an offset; newer ones name the zone in a first line
 * before the header: `UID:…,Account Type:…,Time Zone:UTC+3` (everytrade's OKX parser drops that
 * line; its export file names carry the zone too: research notes §1.1, §1.3).
 */
import type { CsvRecord } from '../csv-records'

/** The zone's offset from UTC in minutes, or null when the preamble does not name one. */
export function okxZoneOffsetMinutes(preamble: readonly CsvRecord[]): number | null {
  for (const row of preamble) {
    const tz = /Time Zone:\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*$/i.exec(row.values.map((v) => v.trim()).find((v) => /^Time Zone:/i.test(v)) ?? '')
    if (tz) return tz[1] ? (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3] ?? 0)) : 0
  }
  return null
}

/** The file-level note about the zone the times were read in. */
export function okxZoneNote(offsetMinutes: number | null): string {
  if (offsetMinutes === null) return 'Times taken as UTC: the file does not say its zone (newer OKX exports name it in a first line, "UID:…,Time Zone:UTC+8").'
  const h = Math.trunc(Math.abs(offsetMinutes) / 60)
  const m = Math.abs(offsetMinutes) % 60
  const zone = `UTC${offsetMinutes < 0 ? '−' : '+'}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`
  return `Times are in ${zone}, as the file's first line says: converted to UTC.`
}

/**
 * This process's peak resident set, MB. On Linux it is /proc/self/status's VmHWM: the high-water
 * mark of this process's own memory map. `process.resourceUsage().maxRSS` is not: Linux carries
 * ru_maxrss across exec from the forked copy of the parent, so a child spawned by a bench holding
 * 630 MB reported 630 MB whatever it used itself. Elsewhere, maxRSS.
 */
import { readFileSync } from 'node:fs'

export function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Number(m[1]) / 1024
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024
}

/** The same, as source for a `node --import data:` hook in a child that is not ours (the CLI). */
export const PEAK_RSS_KB_SOURCE =
  '(()=>{try{const m=/^VmHWM:\\s+(\\d+) kB$/m.exec(process.getBuiltinModule("node:fs").readFileSync("/proc/self/status","utf8"));if(m)return Number(m[1])}catch{}return process.resourceUsage().maxRSS})()'

/**
 * The desktop app's log file, in the user-data folder (`<userData>/logs/marginal.log`): one line per
 * event, `2026-01-02T03:04:05.678Z INFO message`. When a write would take the file past `maxBytes`
 * it is rotated: marginal.log → marginal.log.1 → … → marginal.log.<keep> (the oldest dropped), so
 * the folder never holds more than (keep + 1) × maxBytes. Synchronous appends: the main process
 * logs a few lines a minute (start-up, refused navigations and permissions, crashes), and a line
 * written just before a crash must be on disk. A log that cannot be written never stops the app.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

export type LogLevel = 'INFO' | 'WARN' | 'ERROR'

export interface RotatingLog {
  readonly path: string
  write(level: LogLevel, message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface RotatingLogOptions {
  dir: string
  fileName?: string
  /** Rotate before the file would exceed this many bytes (1 MiB). */
  maxBytes?: number
  /** Rotated files kept besides the current one (3). */
  keep?: number
  /** The clock, for tests. */
  now?: () => Date
  /** Longest message written, in characters (4,000): a runaway error cannot fill the file by itself. */
  maxMessage?: number
}

export function createRotatingLog(opts: RotatingLogOptions): RotatingLog {
  const path = join(opts.dir, opts.fileName ?? 'marginal.log')
  const maxBytes = opts.maxBytes ?? 1024 * 1024
  const keep = Math.max(1, opts.keep ?? 3)
  const now = opts.now ?? (() => new Date())
  const maxMessage = opts.maxMessage ?? 4000
  let size: number | null = null
  let broken = false

  const rotate = (): void => {
    rmSync(`${path}.${keep}`, { force: true })
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`)
    if (existsSync(path)) renameSync(path, `${path}.1`)
    size = 0
  }

  const write = (level: LogLevel, message: string): void => {
    if (broken) return
    const text = message.length > maxMessage ? `${message.slice(0, maxMessage)}… (${message.length} characters)` : message
    const line = `${now().toISOString()} ${level} ${text.replace(/\r?\n/g, '\n    ')}\n`
    const bytes = Buffer.byteLength(line)
    try {
      if (size === null) {
        mkdirSync(opts.dir, { recursive: true })
        size = existsSync(path) ? statSync(path).size : 0
      }
      if (size > 0 && size + bytes > maxBytes) rotate()
      appendFileSync(path, line)
      size += bytes
    } catch {
      // A full disk or a read-only folder: keep running, without a log.
      broken = true
    }
  }

  return {
    path,
    write,
    info: (m) => write('INFO', m),
    warn: (m) => write('WARN', m),
    error: (m) => write('ERROR', m)
  }
}

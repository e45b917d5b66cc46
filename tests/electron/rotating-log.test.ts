/** The desktop app's rotating log file (src-main/electron/rotating-log.ts). */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRotatingLog } from '../../src-main/electron/rotating-log'

const clock = () => new Date('2026-03-04T05:06:07.089Z')

describe('rotating log', () => {
  it('writes timestamped lines to <dir>/marginal.log, creating the folder', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'marginal-log-')), 'logs')
    const log = createRotatingLog({ dir, now: clock })
    log.info('started on /tmp/book.sqlite')
    log.warn('blocked will-navigate to https://evil.net/')
    log.error('a renderer process ended:\ncrashed')
    expect(log.path).toBe(join(dir, 'marginal.log'))
    expect(readFileSync(log.path, 'utf8')).toBe(
      '2026-03-04T05:06:07.089Z INFO started on /tmp/book.sqlite\n' +
        '2026-03-04T05:06:07.089Z WARN blocked will-navigate to https://evil.net/\n' +
        '2026-03-04T05:06:07.089Z ERROR a renderer process ended:\n    crashed\n'
    )
  })

  it('rotates past maxBytes and keeps only `keep` old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-log-'))
    const log = createRotatingLog({ dir, maxBytes: 200, keep: 2, now: clock })
    for (let i = 0; i < 40; i++) log.info(`line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`)
    expect(readdirSync(dir).sort()).toEqual(['marginal.log', 'marginal.log.1', 'marginal.log.2'])
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(200)
    const current = readFileSync(join(dir, 'marginal.log'), 'utf8')
    expect(current.trimEnd().split('\n').at(-1)).toContain('line 039')
    // Newest first: .1 holds the lines just before the current file's.
    const previous = readFileSync(join(dir, 'marginal.log.1'), 'utf8').trimEnd().split('\n')
    const firstCurrent = Number(/line (\d+)/.exec(current)![1])
    expect(previous.at(-1)).toContain(`line ${String(firstCurrent - 1).padStart(3, '0')}`)
    expect(readFileSync(join(dir, 'marginal.log.2'), 'utf8')).not.toContain('line 000')
  })

  it('appends to an existing log and counts its size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-log-'))
    writeFileSync(join(dir, 'marginal.log'), 'y'.repeat(190) + '\n')
    const log = createRotatingLog({ dir, maxBytes: 200, now: clock })
    log.info('next')
    expect(existsSync(join(dir, 'marginal.log.1'))).toBe(true)
    expect(readFileSync(join(dir, 'marginal.log'), 'utf8')).toBe('2026-03-04T05:06:07.089Z INFO next\n')
  })

  it('cuts a runaway message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-log-'))
    const log = createRotatingLog({ dir, now: clock, maxMessage: 50 })
    log.error('z'.repeat(10_000))
    const text = readFileSync(log.path, 'utf8')
    expect(text.length).toBeLessThan(120)
    expect(text).toContain('… (10000 characters)')
  })

  it('never throws when the log path is not a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-log-'))
    writeFileSync(join(dir, 'logs'), 'a file, not a folder')
    const log = createRotatingLog({ dir: join(dir, 'logs') })
    expect(() => {
      log.error('first')
      log.error('second')
    }).not.toThrow()
  })
})

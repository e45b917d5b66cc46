/**
 * `cli report --full-positions` (issue 20): appendix A is the positions summary unless the flag asks
 * for every position; both print with the system Chromium and are read back with pdftotext.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { findChromium } from '../../src-main/reports/pdf/chromium-printer'

const chromium = (() => {
  try {
    return findChromium()
  } catch {
    return null
  }
})()
const poppler = spawnSync('pdftotext', ['-v']).status === 0

const dir = mkdtempSync(join(tmpdir(), 'marginal-cli-report-'))
const book = join(dir, 'book.sqlite')

async function report(extra: string[], name: string): Promise<string> {
  const out = join(dir, `${name}.pdf`)
  const lines: string[] = []
  const code = await runCli(['report', '--book', book, '--book-id', '1', '--no-statistics', '--out', out, ...extra], { out: (t) => lines.push(t), err: (t) => lines.push(t) })
  expect(code, lines.join('\n')).toBe(0)
  return spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout
}

describe.skipIf(!chromium || !poppler)('cli report: the positions appendix', () => {
  it('is a summary by default that says where the full list is; --full-positions lists every position after it', async () => {
    // Whitespace as one space; a line may break after a hyphen ("--full-|positions").
    const flat = (x: string): string => x.replace(/-\s+/g, '-').replace(/\s+/g, ' ')
    const summary = flat(await report([], 'summary'))
    expect(summary).toContain('Appendix A. Positions summary')
    expect(summary).toContain('This appendix summarises the book’s 36 positions; it does not list them.')
    expect(summary).toContain('command line: report --full-positions')
    expect(summary).not.toContain('Every position')
    const full = flat(await report(['--full-positions'], 'full'))
    expect(full).toContain('Appendix A. Positions and Greeks')
    expect(full).toContain('Appendix A (continued). Every position All 36 positions')
    expect(full).toContain('Every position is listed after these tables.')
  }, 120_000)

  it('the usage names the flag', async () => {
    const lines: string[] = []
    expect(await runCli(['--help'], { out: (t) => lines.push(t), err: (t) => lines.push(t) })).toBe(0)
    expect(lines.join('\n')).toContain('[--full-positions]')
  })
})

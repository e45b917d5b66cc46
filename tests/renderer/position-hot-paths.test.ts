/**
 * Issue 20: no locale call (localeCompare, toLocale*, Intl, a collator's compare) per comparison or
 * per row in the positions module. The lint block at the end of eslint.config.js enforces it; this
 * checks that the block catches each way one came back, and that the module is clean.
 */
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

const ROOT = resolve(import.meta.dirname, '../..')
const eslint = new ESLint({ cwd: ROOT })
const hotPathErrors = async (code: string, file = 'src-renderer/src/modules/positions/probe.ts'): Promise<number[]> => {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line)
}

describe('positions hot paths lint', () => {
  it('flags a locale call per comparison, per row, per cell or per loop turn', async () => {
    const code = [
      'export const a = (xs: { s: string }[]) => xs.sort((x, y) => x.s.localeCompare(y.s))',
      'const c = new Intl.Collator()',
      'export const b = (xs: string[]) => xs.sort((x, y) => c.compare(x, y))',
      "export const d = { valueFormatter: (p: { value: number }) => p.value.toLocaleString('en-US') }",
      'export function e(xs: number[]): void { for (const x of xs) new Intl.NumberFormat().format(x) }',
      "export const f = (xs: string[]) => xs.map((x) => new Date(x).toLocaleDateString('en-GB'))",
      // Built once, or handed to one sort of distinct values: allowed.
      'export const ok = (xs: string[]) => xs.sort(c.compare)'
    ].join('\n')
    expect(await hotPathErrors(code)).toEqual([1, 3, 4, 5, 6])
    expect(await hotPathErrors(code, 'src-renderer/src/stores/use-positions-store.ts')).toEqual([1, 3, 4, 5, 6])
  }, 60_000)

  it('the positions module and store are clean', async () => {
    const results = await eslint.lintFiles(['src-renderer/src/modules/positions/**/*.{ts,vue}', 'src-renderer/src/stores/use-positions-store.ts'])
    expect(results.length).toBeGreaterThan(4)
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => `${r.filePath}:${m.line}`))).toEqual([])
  }, 60_000)
})

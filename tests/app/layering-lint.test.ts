/**
 * The layering rules must actually fire: lint small sources placed (virtually) in each layer.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })
const messagesFor = async (code: string, filePath: string): Promise<string[]> =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => `${m.ruleId}: ${m.message}`)

describe('ESLint layering rules', () => {
  it('keeps the engine pure', async () => {
    const msgs = await messagesFor("import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n", 'src-main/engine/pricing/probe.ts')
    expect(msgs.join('\n')).toMatch(/no-restricted-imports: .*engine is pure TypeScript/)
    const db = await messagesFor("import Database from 'better-sqlite3'\nexport const d = Database\n", 'src-main/engine/probe.ts')
    expect(db.join('\n')).toMatch(/no Electron, SQLite or other packages/)
    const up = await messagesFor("import { listBooks } from '../book/books-repository'\nexport const l = listBooks\n", 'src-main/engine/probe.ts')
    expect(up.join('\n')).toMatch(/nothing outside src-main\/engine/)
  })

  it('lets the renderer import the contract only', async () => {
    const ok = await messagesFor("import type { MarginalApi } from '@contract/api'\nexport type A = MarginalApi\n", 'src-renderer/src/probe.ts')
    expect(ok).toEqual([])
    const main = await messagesFor("import { openBook } from '../../src-main/book/open-book'\nexport const o = openBook\n", 'src-renderer/src/probe.ts')
    expect(main.join('\n')).toMatch(/only through the typed API|contract/)
    const node = await messagesFor("import { join } from 'node:path'\nexport const j = join\n", 'src-renderer/src/probe.ts')
    expect(node.join('\n')).toMatch(/never touches Node/)
  })

  it("keeps 'electron' out of everything but the Electron entry", async () => {
    const bad = await messagesFor("import { app } from 'electron'\nexport const a = app\n", 'src-main/services/probe.ts')
    expect(bad.join('\n')).toMatch(/Only src-main\/index.ts/)
    expect(await messagesFor("import { app } from 'electron'\nexport const a = app\n", 'src-main/index.ts')).toEqual([])
  })
})

/**
 * The layering allow-lists of eslint.config.js must actually fire: lint small sources placed
 * (virtually) in each layer, and check that both the forbidden imports of issue 18 fail with a message
 * naming the layer's allowance and the allowed ones pass.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })
const messagesFor = async (code: string, filePath: string): Promise<string[]> =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => `${m.ruleId}: ${m.message}`)
/** One import of `spec`, used so that no unused-variable rule fires. */
const importing = (spec: string): string => `import * as probe from '${spec}'\nexport const used = probe\n`
const layerError = (layer: string, spec: string): RegExp =>
  new RegExp(`^layers/allow-list: ${layer} may import only .* — not '${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`)

describe('ESLint layering allow-lists', () => {
  it.each([
    ['../../importers/registry', 'src-main/engine/risk/probe.ts'],
    ['../reports/workbook', 'src-main/engine/probe.ts'],
    ['highs', 'src-main/engine/probe.ts'],
    ['exceljs', 'src-main/engine/probe.ts'],
    ['../book/books-repository', 'src-main/engine/probe.ts'],
    ['node:fs', 'src-main/engine/pricing/probe.ts'],
    ['better-sqlite3', 'src-main/engine/probe.ts'],
    ['@contract/api', 'src-main/engine/probe.ts']
  ])('the engine may not import %s', async (spec, file) => {
    const msgs = await messagesFor(importing(spec), file)
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatch(layerError('The engine', spec))
    expect(msgs[0]).toMatch(/only engine\/, pure-rand\b/)
  })

  it('gives the engine no clock and no environment', async () => {
    const msgs = await messagesFor('export const t = Date.now()\nexport const e = process.env.X\nexport const a = process.argv\n', 'src-main/engine/pricing/probe.ts')
    expect(msgs).toHaveLength(3)
    expect(msgs[0]).toMatch(/^no-restricted-properties: .*The engine has no clock: pass the time in/)
    expect(msgs[1]).toMatch(/^no-restricted-globals: .*The engine has no environment \(process\.\*\): pass it in/)
    expect(msgs[2]).toMatch(/^no-restricted-globals: .*no environment/)
    // The clock rules are the engine's only: a service may read the time.
    expect(await messagesFor('export const t = Date.now()\nexport const e = process.env.X\n', 'src-main/services/probe.ts')).toEqual([])
  })

  it('lets the engine import itself and its listed pure libraries, with or without `type`, at any depth', async () => {
    expect(await messagesFor(importing('./black76'), 'src-main/engine/pricing/probe.ts')).toEqual([])
    expect(await messagesFor(importing('../../market/market-view'), 'src-main/engine/risk/deep/probe.ts')).toEqual([])
    expect(await messagesFor("import type { MarketView } from '../market/market-view'\nexport type M = MarketView\n", 'src-main/engine/pricing/probe.ts')).toEqual([])
    expect(await messagesFor(importing('pure-rand/generator/xoroshiro128plus'), 'src-main/engine/risk/probe.ts')).toEqual([])
    // A type-only import is still an import: the engine names nothing outside itself.
    const typeUp = await messagesFor("import type { HeldRecord } from '../../importers/plan'\nexport type H = HeldRecord\n", 'src-main/engine/risk/probe.ts')
    expect(typeUp[0]).toMatch(layerError('The engine', '../../importers/plan'))
  })

  it.each([
    ['../cli/main', 'src-main/services/probe.ts'],
    ['../hosts/browser-host', 'src-main/services/probe.ts'],
    ['../../cli/main', 'src-main/services/margin/handlers.ts'],
    ['../../hosts/browser-host', 'src-main/services/books/handlers.ts'],
    ['../app/backend', 'src-main/services/probe.ts']
  ])('services may not import %s (from %s)', async (spec, file) => {
    const msgs = await messagesFor(importing(spec), file)
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatch(layerError('Services', spec))
    expect(msgs[0]).toMatch(/Hosts call services, never the reverse/)
  })

  it('lets services import the layers below them, at any depth', async () => {
    for (const [spec, file] of [
      ['../book/books-repository', 'src-main/services/probe.ts'],
      ['../../book/books-repository', 'src-main/services/books/handlers.ts'],
      ['../book-context', 'src-main/services/margin/handlers.ts'],
      ['../../engine/margin/margin-result', 'src-main/services/margin/handlers.ts'],
      ['../importers/registry', 'src-main/services/probe.ts'],
      ['../workers/engine-pool', 'src-main/services/probe.ts'],
      ['../../reports/workbook', 'src-main/services/export/handlers.ts'],
      ['@contract/api', 'src-main/services/books/handlers.ts'],
      ['zod', 'src-main/services/probe.ts'],
      ['node:crypto', 'src-main/services/probe.ts']
    ]) expect(await messagesFor(importing(spec!), file!), `${file} -> ${spec}`).toEqual([])
  })

  it('keeps services out of book/', async () => {
    const msgs = await messagesFor(importing('../services/margin-service'), 'src-main/book/probe.ts')
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatch(layerError('The book layer \\(book/\\)', '../services/margin-service'))
    expect(await messagesFor(importing('../engine/instruments/instrument'), 'src-main/book/probe.ts')).toEqual([])
    expect(await messagesFor(importing('better-sqlite3'), 'src-main/book/probe.ts')).toEqual([])
  })

  it('keeps hosts and the CLI on services', async () => {
    expect((await messagesFor(importing('../book/books-repository'), 'src-main/hosts/probe.ts'))[0]).toMatch(layerError('Hosts', '../book/books-repository'))
    expect((await messagesFor(importing('../engine/risk/var'), 'src-main/cli/probe.ts'))[0]).toMatch(layerError('The CLI', '../engine/risk/var'))
    expect(await messagesFor(importing('../services/api-service'), 'src-main/hosts/probe.ts')).toEqual([])
    expect(await messagesFor(importing('../services/api-service'), 'src-main/cli/probe.ts')).toEqual([])
  })

  it('keeps the contract to itself and zod', async () => {
    expect((await messagesFor(importing('../../src-main/engine/margin/margin-result'), 'src-preload/contract/probe.ts'))[0]).toMatch(layerError('The contract', '../../src-main/engine/margin/margin-result'))
    expect((await messagesFor(importing('node:path'), 'src-preload/contract/probe.ts'))[0]).toMatch(layerError('The contract', 'node:path'))
    expect(await messagesFor(importing('./primitives'), 'src-preload/contract/probe.ts')).toEqual([])
    expect(await messagesFor(importing('zod'), 'src-preload/contract/probe.ts')).toEqual([])
  })

  it('lets the renderer import the contract, its own modules and two engine files only', async () => {
    expect(await messagesFor("import type { MarginalApi } from '@contract/api'\nexport type A = MarginalApi\n", 'src-renderer/src/probe.ts')).toEqual([])
    expect(await messagesFor(importing('../../lib/format'), 'src-renderer/src/modules/hedge/probe.ts')).toEqual([])
    expect(await messagesFor(importing('@engine/profile/pnl-profile'), 'src-renderer/src/modules/explorer/probe.ts')).toEqual([])
    for (const spec of ['../../src-main/book/open-book', '@engine/risk/var', 'node:path', 'better-sqlite3']) {
      const msgs = await messagesFor(importing(spec), 'src-renderer/src/probe.ts')
      expect(msgs[0], spec).toMatch(layerError('The renderer', spec))
      expect(msgs[0]).toMatch(/only through the typed API/)
    }
  })

  it('never lets a store import a view or a component', async () => {
    const msgs = await messagesFor(importing('../modules/hedge/HedgeView.vue'), 'src-renderer/src/stores/probe.ts')
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatch(layerError('A store', '../modules/hedge/HedgeView.vue'))
    expect(msgs[0]).toMatch(/\(not \*\.vue\)/)
    expect(await messagesFor(importing('@contract/api'), 'src-renderer/src/stores/probe.ts')).toEqual([])
    expect(await messagesFor(importing('../api/api'), 'src-renderer/src/stores/probe.ts')).toEqual([])
    // A view may import a store.
    expect(await messagesFor(importing('../../stores/use-margin-store'), 'src-renderer/src/modules/hedge/probe.ts')).toEqual([])
  })

  it('checks re-exports, dynamic imports and require() too', async () => {
    expect((await messagesFor("export { x } from '../reports/workbook'\n", 'src-main/engine/probe.ts'))[0]).toMatch(layerError('The engine', '../reports/workbook'))
    expect((await messagesFor("export * from 'highs'\n", 'src-main/engine/probe.ts'))[0]).toMatch(layerError('The engine', 'highs'))
    expect((await messagesFor("export const m = () => import('../cli/main')\n", 'src-main/services/probe.ts'))[0]).toMatch(layerError('Services', '../cli/main'))
    expect((await messagesFor("export type W = typeof import('exceljs')\n", 'src-main/engine/probe.ts'))[0]).toMatch(layerError('The engine', 'exceljs'))
  })

  it('places every source file in a layer', async () => {
    expect(await messagesFor('export const x = 1\n', 'src-main/somewhere-new/probe.ts')).toEqual([
      'layers/allow-list: src-main/somewhere-new/probe.ts is in no layer: add it to the layer table in eslint.config.js.'
    ])
  })

  it("keeps 'electron' out of everything but the Electron entry and the preload", async () => {
    const bad = await messagesFor(importing('electron'), 'src-main/services/probe.ts')
    expect(bad.join('\n')).toMatch(/not 'electron' \(only src-main\/index.ts and src-preload\/index.ts import it/)
    expect((await messagesFor(importing('electron'), 'tests/probe.ts')).join('\n')).toMatch(/Only src-main\/index.ts and src-preload\/index.ts import 'electron'/)
    expect(await messagesFor(importing('electron'), 'src-main/index.ts')).toEqual([])
    expect(await messagesFor(importing('electron'), 'src-preload/index.ts')).toEqual([])
  })
})

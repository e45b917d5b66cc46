/**
 * The Electron main modules' layer (eslint.config.js): src-main/electron/ imports itself, Node and
 * the contract, never 'electron' (tests load it without an Electron binary) nor the back end; the
 * Electron entry may import it. And the entry wires every guard.
 */
import { readFileSync } from 'node:fs'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })
const lint = async (spec: string, filePath: string) =>
  (await eslint.lintText(`import * as probe from '${spec}'\nexport const used = probe\n`, { filePath }))[0]!.messages.map((m) => `${m.ruleId}: ${m.message}`)

describe('the Electron main modules layer', () => {
  it("keeps 'electron' and the back end out of src-main/electron/", async () => {
    for (const spec of ['electron', '../services/dispatch', '../app/backend', '../book/open-book', '../hosts/csp', 'better-sqlite3']) {
      const msgs = await lint(spec, 'src-main/electron/probe.ts')
      expect(msgs, spec).toHaveLength(1)
      expect(msgs[0]).toMatch(/^layers\/allow-list: The Electron main modules may import only electron\/, @contract\/\*, [^,]*static-files, Node built-ins/)
    }
  })

  it('lets it import itself, Node and the contract, and the entry import it', async () => {
    for (const spec of ['./origins', 'node:fs', 'node:crypto', '@contract/channels', '../hosts/static-files']) expect(await lint(spec, 'src-main/electron/probe.ts'), spec).toEqual([])
    expect(await lint('./electron/contents-guard', 'src-main/index.ts')).toEqual([])
  })

  it('the Electron entry installs every guard', () => {
    const entry = readFileSync(new URL('../../src-main/index.ts', import.meta.url), 'utf8')
    for (const call of [
      'installContentsGuard(app,',
      'protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])',
      'protocol.handle(APP_SCHEME, createAppProtocolHandler(',
      'installPermissionHandlers(ses,',
      'acquireBookLock(app,',
      'focusOnSecondInstance(app,',
      'createRotatingLog(',
      'Menu.setApplicationMenu(',
      "session.defaultSession.on('will-download'",
      'isTrustedSender(event,',
      "nativeTheme.themeSource = 'system'",
      'mainWindowOptions('
    ]) {
      expect(entry, call).toContain(call)
    }
    // No guard is bypassed by a hand-written one.
    expect(entry).not.toMatch(/startsWith\(/)
    expect(entry).not.toMatch(/setWindowOpenHandler|on\('will-navigate'/)
    expect(entry).not.toMatch(/shell\.openExternal\(/)
  })
})

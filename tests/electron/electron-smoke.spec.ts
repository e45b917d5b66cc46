import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

test('the Electron window opens the demo book through the preload bridge', async () => {
  const book = join(mkdtempSync(join(tmpdir(), 'marginal-electron-')), 'book.sqlite')
  const app = await electron.launch({
    executablePath: process.env.MARGINAL_ELECTRON,
    args: [resolve(import.meta.dirname, '../../out/main/index.js'), '--book', book]
  })
  const window = await app.firstWindow()
  await expect(window.locator('.ag-row.position-row').first()).toBeVisible()
  await expect(window.getByTestId('position-count')).toHaveText('36 of 36 positions')
  // The sandboxed renderer sees the typed bridge and nothing of Node.
  expect(await window.evaluate(() => typeof (window as unknown as { marginal?: unknown }).marginal)).toBe('object')
  expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  await window.screenshot({ path: 'test-results/screenshots/electron-window.png' })
  await app.close()
})

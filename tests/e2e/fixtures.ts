/**
 * Starts the real browser host (`node out/main/serve.js`, built by `npm run build`) on a fresh
 * book file and a free port, reads the printed URL, and stops it after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

export interface Workstation {
  url: string
  origin: string
  token: string
  bookPath: string
  /**
   * Open the workstation on the demo book and wait until the positions grid has rows. A new book
   * file starts on the trader's empty live book: its empty state offers the demo, and that is how
   * the tests get there (a reload reopens the book last worked on).
   */
  open(page: Page): Promise<void>
  /** Open the workstation on whatever book it starts on (a new file: the empty live book). */
  openBare(page: Page): Promise<void>
}

const SERVE = resolve(import.meta.dirname, '../../out/main/serve.js')
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node')

async function startServer(bookPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(NODE, [SERVE, '--port', '0', '--book', bookPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`browser host did not start:\n${output}`)), 15_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const m = /Marginal workstation: (http:\/\/\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        ok(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => fail(new Error(`browser host exited with ${code}:\n${output}`)))
  })
  return { child, url }
}

export interface WorkstationOptions {
  /**
   * Prepare the book file before the host starts (`test.use({ bookFile: { prepare } })`, an object:
   * Playwright takes a bare function for a fixture): e.g. make it, then damage it or make it
   * read-only. Without it the host creates a fresh book.
   */
  bookFile: { prepare(bookPath: string): void } | null
}

export const test = base.extend<{ workstation: Workstation } & WorkstationOptions>({
  bookFile: [null, { option: true }],
  // AG Grid reports a feature whose module is not registered (src-renderer/src/main.ts registers
  // only what the grids use) or a wrong option as a console error or warning: none may appear.
  page: async ({ page }, use) => {
    const agGrid: string[] = []
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && /AG Grid/i.test(m.text())) agGrid.push(m.text())
    })
    await use(page)
    expect(agGrid, 'AG Grid errors and warnings in the console').toEqual([])
  },
  workstation: async ({ bookFile }, use) => {
    const bookPath = join(mkdtempSync(join(tmpdir(), 'marginal-e2e-')), 'book.sqlite')
    bookFile?.prepare(bookPath)
    const { child, url } = await startServer(bookPath)
    const parsed = new URL(url)
    await use({
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token')!,
      bookPath,
      async open(page) {
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        await page.goto(url)
        const rows = page.locator('.ag-row.position-row').first()
        const empty = page.getByTestId('empty-book')
        await expect(rows.or(empty)).toBeVisible()
        if (await empty.isVisible()) await page.getByTestId('empty-open-demo').click()
        await expect(rows).toBeVisible()
        await expect(page.getByTestId('demo-badge')).toBeVisible()
        expect(errors).toEqual([])
      },
      async openBare(page) {
        const errors: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        await page.goto(url)
        await expect(page.locator('.ag-row.position-row').first().or(page.getByTestId('empty-book'))).toBeVisible()
        expect(errors).toEqual([])
      }
    })
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const clean = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))])
    if (!clean) child.kill('SIGKILL')
    expect(clean, 'the browser host stops within 5 s of SIGTERM').toBe(true)
  }
})

export { expect }

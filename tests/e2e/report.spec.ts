/**
 * The PDF margin report from the workstation: Ctrl+P opens the dialog, Generate shows progress, the
 * PDF opens in a new window and Save downloads it; the saved file read back with pdftotext carries
 * the Risk view's numbers.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from './fixtures'

const shot = (name: string): { path: string; fullPage: boolean } => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })

test('Ctrl+P: one account\'s report on Letter pages, with progress; it opens in a new window and saves as a PDF that pdftotext reads', async ({ page, workstation }, info) => {
  await workstation.open(page)
  await page.keyboard.press('Control+p')
  const dialog = page.getByTestId('report-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('report-account').locator('option')).toHaveText(['Whole book', 'Account: Deribit main', 'Account: Derive ETH', 'Account: OKX portfolio'])
  // Appendix A is the positions summary unless the full list is chosen (issue 20).
  await expect(dialog.getByTestId('report-positions-summary')).toBeChecked()
  await expect(dialog.getByTestId('report-positions-full')).not.toBeChecked()
  await dialog.getByTestId('report-account').selectOption('OKX portfolio')
  await dialog.getByTestId('report-letter').check()
  await dialog.getByTestId('report-hedges').check()
  await page.screenshot(shot('report-dialog'))
  const popup = page.waitForEvent('popup')
  await dialog.getByTestId('report-generate').click()
  await expect(dialog.getByTestId('report-progress')).toBeVisible()
  await expect(dialog.getByTestId('report-done')).toContainText(/margin-report-Demo-book-OKX-portfolio-2026-11-20\.pdf \(\d+ KB\) opened in a new window\./, { timeout: 30_000 })
  expect((await popup).url()).toMatch(/^blob:/)
  await page.screenshot(shot('report-done'))

  const download = page.waitForEvent('download')
  await dialog.getByTestId('report-save').click()
  const file = join(info.outputDir, 'report.pdf')
  await (await download).saveAs(file)
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout
  expect(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout).toMatch(/Page size:\s+612 x 792 pts \(letter\)/)
  expect(text.replace(/\s+/g, ' ')).toContain('Scope account OKX portfolio')
  expect(text).toContain('8. Hedge suggestions')
  const flat = text.replace(/\s+/g, ' ')
  expect(flat).toContain('Appendix A. Positions summary')
  expect(flat).toMatch(/This appendix summarises the book’s \d+ positions; it does not list them\./)
  expect(flat).not.toContain('Every position')
  // Each hedge says what it makes worse (or that nothing gets worse) and reconciles its cost with equity.
  const hedges = text.slice(text.indexOf('8. Hedge suggestions'))
  expect(hedges).toMatch(/Makes worse \(\d+\):|Makes nothing worse/)
  expect(hedges.replace(/\s+/g, ' ')).toMatch(/OKX portfolio · USD: equity [\d,.]+ → [\d,.]+ USD\. Equity [−+]?[\d,.]+ USD = cash/)
  expect(text).not.toMatch(/^Deribit main\s+deribit/m)

  // The summary's IM equals the Risk view's for the same pool.
  const res = await fetch(`${workstation.origin}/api/call/bookMargin`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': workstation.token }, body: JSON.stringify({ bookId: 1 }) })
  const margin = (await res.json()) as { value: { health: { account: string; initialMargin: number }[] } }
  const okx = margin.value.health.find((h) => h.account === 'OKX portfolio')!
  const row = /^OKX portfolio\s+okx\s+USD\s+OKX PM\s+[\d,.]+\s+([\d,.]+)/m.exec(text)
  expect(row).not.toBeNull()
  expect(Math.abs(Number(row![1]!.replace(/,/g, '')) - okx.initialMargin)).toBeLessThanOrEqual(0.005 + 1e-9)

  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('the full positions list on request: every position of the scope after the summary', async ({ page, workstation }, info) => {
  await workstation.open(page)
  await page.keyboard.press('Control+p')
  const dialog = page.getByTestId('report-dialog')
  await dialog.getByTestId('report-account').selectOption('Deribit main')
  await dialog.getByTestId('report-statistics').uncheck()
  await dialog.getByTestId('report-positions-full').check()
  await page.screenshot(shot('report-dialog-full-list'))
  const popup = page.waitForEvent('popup')
  await dialog.getByTestId('report-generate').click()
  await expect(dialog.getByTestId('report-done')).toBeVisible({ timeout: 30_000 })
  await popup
  const download = page.waitForEvent('download')
  await dialog.getByTestId('report-save').click()
  const file = join(info.outputDir, 'report-full.pdf')
  await (await download).saveAs(file)
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout
  const list = text.slice(text.indexOf('Appendix A (continued). Every position'), text.indexOf('Appendix B.'))
  const res = await fetch(`${workstation.origin}/api/call/listPositions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': workstation.token }, body: JSON.stringify({ bookId: 1 }) })
  const rows = ((await res.json()) as { value: { rows: { accountName: string; symbol: string }[] } }).value.rows.filter((r) => r.accountName === 'Deribit main')
  expect(rows.length).toBeGreaterThan(0)
  expect(list.replace(/\s+/g, ' ')).toContain(`All ${rows.length} positions`)
  for (const r of rows) expect(list).toContain(r.symbol)
})

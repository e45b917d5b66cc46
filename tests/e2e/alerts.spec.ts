/**
 * Margin alerts end to end (issue 22, acceptance 1): in a what-if copy of the demo book, a trade
 * through the ticket pushes the Deribit ETH pool past the default IM rule (80 %): the pool's card
 * shows the badge, the page raises an OS notification (Chromium's Notification permission granted),
 * the Alerts view's log has the row; `cli check` on that book exits 4; undoing the trade (buying
 * the calls back through the ticket) clears the alert and `cli check` exits 0.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { test, expect } from './fixtures'

const CLI = resolve(import.meta.dirname, '../../out/main/cli.js')
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node')
const shot = (name: string) => ({ path: `test-results/screenshots/${name}.png`, fullPage: true })
const ETH_POOL = 'Deribit main · ETH'

function cliCheck(bookPath: string, bookId: string): { status: number | null; stdout: string } {
  const r = spawnSync(NODE, [CLI, '--book', bookPath, 'check', '--book-id', bookId], { encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout + r.stderr }
}

test('a what-if trade past the IM rule: badge, notification, log row; cli check 4, then 0 once undone', async ({ page, workstation }) => {
  await page.setViewportSize({ width: 1600, height: 1100 })
  await page.context().grantPermissions(['notifications'], { origin: workstation.origin })
  // Record what the page hands to the OS (the real Notification still runs).
  await page.addInitScript(() => {
    const Real = window.Notification
    const shown: { title: string; body: string }[] = []
    ;(window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options)
        shown.push({ title, body: options?.body ?? '' })
      }
    }
    window.Notification = Recorded as typeof Notification
  })
  await workstation.open(page)

  // A what-if copy of the demo book.
  await page.keyboard.press('Alt+4')
  await page.getByTestId('books-grid').getByText('Demo book (demo)').click()
  await page.getByLabel('Book name').fill('Sell ETH calls')
  await page.getByTestId('copy-book').click()
  await expect(page.getByTestId('whatif-badge')).toBeVisible()
  const bookId = await page.getByLabel('Book', { exact: true }).inputValue()
  const card = page.getByTestId(`pool-${ETH_POOL}`)
  await expect(card).toBeVisible()
  await expect(card.getByTestId('pool-alert-badge')).toHaveCount(0)
  expect(cliCheck(workstation.bookPath, bookId).status).toBe(0)

  // Sell 60 more ETH 25 Dec 3,500 calls through the ticket.
  const trade = async (side: 'Buy' | 'Sell', contracts: string): Promise<void> => {
    await page.keyboard.press('F9')
    const ticket = page.getByTestId('trade-ticket')
    await expect(ticket).toBeVisible()
    await ticket.getByLabel('Account').selectOption({ label: 'Deribit main · deribit' })
    await ticket.getByLabel('Instrument').fill('ETH-25DEC26-3500-C')
    await ticket.getByText(side, { exact: true }).click()
    await ticket.getByLabel('Contracts').fill(contracts)
    await expect(ticket.getByTestId('ticket-fill')).toContainText(`${side} ${contracts}.00 ETH-25DEC26-3500-C`)
    await expect(ticket.getByTestId('pre-trade')).toBeVisible()
    await ticket.getByTestId('ticket-confirm').click()
    await expect(ticket).toBeHidden()
  }
  await trade('Sell', '60')

  const badge = card.getByTestId('pool-alert-badge')
  await expect(badge).toBeVisible()
  await expect(badge).toContainText('alert')
  await expect(badge).toHaveAttribute('title', /IM [\d.]+ % of equity ≥ 80 %/)
  const toast = page.getByTestId('alert-toast')
  await expect(toast).toContainText('Sell ETH calls')
  await expect(toast).toContainText(`${ETH_POOL}: IM`)
  await expect(toast).toContainText('after: what-if trade')
  const notified = await page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications)
  expect(notified.length).toBe(1)
  expect(notified[0]!.title).toMatch(/^Margin alerts? .*· Sell ETH calls$/)
  expect(notified[0]!.body).toMatch(/Deribit main · ETH: IM [\d.]+ % of equity ≥ 80 %/)
  await page.screenshot(shot('alerts-badge-and-toast'))

  // The log row, in the Alerts view.
  await page.keyboard.press('Alt+a')
  const view = page.getByTestId('alerts-view')
  await expect(view).toBeVisible()
  const breach = view.getByTestId('alert-log-row').filter({ hasText: 'IM utilisation' }).filter({ hasText: 'breach' })
  await expect(breach).toHaveCount(1)
  await expect(breach).toContainText(ETH_POOL)
  await expect(breach).toContainText('what-if trade')
  await expect(view.getByTestId('alerts-raised')).toContainText(ETH_POOL)
  await page.screenshot(shot('alerts-view-breached'))

  const breached = cliCheck(workstation.bookPath, bookId)
  expect(breached.status).toBe(4)
  expect(breached.stdout).toMatch(/Deribit main · ETH\s+IM utilisation .*BREACHED/)

  // Undo: buy the 60 calls back.
  await page.getByTestId('alert-toast').getByRole('button', { name: 'Dismiss' }).click()
  await trade('Buy', '60')
  await expect(card.getByTestId('pool-alert-badge')).toHaveCount(0)
  await expect(view.getByTestId('alert-log-row').filter({ hasText: 'IM utilisation' }).filter({ hasText: 'clear' })).toHaveCount(1)
  await expect(view.getByTestId('alerts-none-raised')).toBeVisible()
  expect(cliCheck(workstation.bookPath, bookId).status).toBe(0)

  // A rule edited in the view: a bad threshold is refused naming the field; a pool rule at 50 % raises again.
  await view.getByTestId('alert-add-rule').click()
  const row = view.getByTestId('alert-rule-row').last()
  await row.getByLabel('Pool', { exact: true }).selectOption(ETH_POOL)
  await row.getByLabel('Threshold').fill('-5')
  await view.getByTestId('alert-save-rules').click()
  await expect(view.getByTestId('alert-save-error')).toContainText('threshold')
  await row.getByLabel('Threshold').fill('50')
  await view.getByTestId('alert-save-rules').click()
  await expect(card.getByTestId('pool-alert-badge')).toBeVisible()
  await expect(view.getByTestId('alert-log-row').first()).toContainText('alert rules edited')
  await page.screenshot(shot('alerts-view-rules'))
})

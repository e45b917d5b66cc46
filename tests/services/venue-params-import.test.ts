/**
 * Importing a Deribit response in the Parameters view (saveParamSet): a pme/simulate response covers
 * the currencies it was asked for, so the currencies it lacks are kept from the set in use, named in
 * the id and a note, instead of leaving those accounts without a portfolio-margin result.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { demoBook } from '../../src-main/book/books-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { bookMargin } from '../../src-main/services/margin-service'
import { bookParamsOverride, saveParamSet } from '../../src-main/services/margin-params-store'

const BTC_RESPONSE = join(import.meta.dirname, '../fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json')
const ETH_RESPONSE = join(import.meta.dirname, '../fixtures/venues/deribit/pme-simulate-eth-2026-02-15.json')

describe('Import venue parameters keeps the currencies the response lacks', () => {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-venue-import-')), 'book.sqlite'))
  const demo = demoBook(db)!
  const held = listHeldPositions(db, demo.id)
  const view = buildMarketView(loadMarketSnapshot(db, demo.marketSnapshotId!)!)
  const pmIds = () =>
    Object.fromEntries(
      bookMargin(held, view, { params: bookParamsOverride(db), methods: ['deribit-pm'], addOns: false })
        .accounts.filter((a) => a.venue === 'deribit')
        .map((a) => [a.currency, a.results[0]?.paramsId ?? null])
    )

  it('the BTC response over the default set: BTC and USDC from Deribit, ETH kept and said so', () => {
    const view1 = saveParamSet(db, 'deribit-pm', JSON.parse(readFileSync(BTC_RESPONSE, 'utf8')))
    expect(view1.activeId).toBe('deribit-pme-2024-06-17T10:22Z+ETH:deribit-pm-2024-06')
    const doc = view1.userDocument as { currencies: Record<string, { annualisedMoveRisk: number }>; notes: string[] }
    expect(Object.keys(doc.currencies).sort()).toEqual(['BTC', 'ETH', 'USDC'])
    expect(doc.currencies.BTC!.annualisedMoveRisk).toBe(0.075) // Deribit's, not our 0.1
    expect(doc.notes.at(-1)).toBe('ETH kept from deribit-pm-2024-06, the set in use before the import: the imported response has no ETH set')
    expect(pmIds()).toEqual({ BTC: 'deribit-pme-2024-06-17T10:22Z+ETH:deribit-pm-2024-06', ETH: 'deribit-pme-2024-06-17T10:22Z+ETH:deribit-pm-2024-06' })
  })

  it('then the ETH response: ETH and USDC from it, BTC kept from the set just imported', () => {
    const view2 = saveParamSet(db, 'deribit-pm', JSON.parse(readFileSync(ETH_RESPONSE, 'utf8')))
    expect(view2.activeId).toMatch(/^deribit-pme-2026-02-15T23:20Z\+BTC:deribit-pme-2024-06-17T10:22Z\+ETH:deribit-pm-2024-06$/)
    const doc = view2.userDocument as { currencies: Record<string, { range: number }> }
    expect(doc.currencies.ETH!.range).toBe(0.18) // the live response's eth_usd price_range
    expect(Object.keys(doc.currencies).sort()).toEqual(['BTC', 'ETH', 'USDC'])
  })
})

/**
 * book/venue-summaries-repository.ts on a real book file: one transaction and one audit row per file,
 * duplicates by (file bytes, currency), the latest per account and currency (a file without a venue
 * time counts as older than any with one).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { demoBook } from '../../src-main/book/books-repository'
import { accountsAtVenue } from '../../src-main/book/accounts-repository'
import { insertVenueSummaries, latestVenueSummaries, listVenueSummaries, sha256Of, venueSummaryBody } from '../../src-main/book/venue-summaries-repository'

describe('venue summaries in the book file', () => {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-venue-repo-')), 'book.sqlite'))
  const bookId = demoBook(db)!.id
  const accountId = accountsAtVenue(db, bookId, 'deribit')[0]!.id
  const entry = (currency: string, asOfMs: number | null) => ({ venue: 'deribit', kind: 'deribit-account-summary', currency, asOfMs, summary: { currency, asOfMs } })
  const audits = (): number => (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'venue_summary'").get() as { n: number }).n

  it('stores the body verbatim with its SHA-256; a second file of the same bytes is a duplicate per currency', () => {
    const body = '{"a": 1}\n'
    const first = insertVenueSummaries(db, { bookId, accountId, fileName: 'a.json', body, entries: [entry('BTC', null), entry('ETH', null)] }, new Date('2026-12-01T00:00:00Z'))
    expect(first.sha256).toBe(sha256Of(body))
    expect(first.inserted.map((r) => r.currency)).toEqual(['BTC', 'ETH'])
    expect(venueSummaryBody(db, bookId, first.inserted[0]!.id)).toBe(body)
    const again = insertVenueSummaries(db, { bookId, accountId, fileName: 'b.json', body, entries: [entry('BTC', null), entry('USDC', null)] }, new Date('2026-12-02T00:00:00Z'))
    expect(again.duplicates.map((r) => [r.currency, r.fileName])).toEqual([['BTC', 'a.json']])
    expect(again.inserted.map((r) => r.currency)).toEqual(['USDC'])
    expect(audits()).toBe(2)
    const none = insertVenueSummaries(db, { bookId, accountId, fileName: 'c.json', body, entries: [entry('BTC', null)] })
    expect(none.inserted).toEqual([])
    expect(audits()).toBe(2)
  })

  it('latest per account and currency: the latest venue time, an undated file older than any dated one, then the latest import', () => {
    insertVenueSummaries(db, { bookId, accountId, fileName: 'dated-old.json', body: 'x1', entries: [entry('BTC', 1_000)] }, new Date('2026-12-03T00:00:00Z'))
    insertVenueSummaries(db, { bookId, accountId, fileName: 'dated-new.json', body: 'x2', entries: [entry('BTC', 2_000)] }, new Date('2026-12-01T12:00:00Z'))
    const latest = latestVenueSummaries(db, bookId)
    expect(latest.find((r) => r.currency === 'BTC')!.fileName).toBe('dated-new.json')
    // ETH and USDC have undated files only: the latest import of each.
    expect(latest.find((r) => r.currency === 'USDC')!.fileName).toBe('b.json')
    expect(latestVenueSummaries(db, bookId, ['okx-balance'])).toEqual([])
    expect(listVenueSummaries(db, bookId)[0]!.fileName).toBe('dated-old.json')
  })
})

/**
 * Which venue file a text is, and what it says: Deribit private/get_account_summary or
 * private/pme/simulate, OKX account/balance or account/position-builder (issue 22 §4). Pure: the
 * file's text and name in, entries out; any problem is an InvalidDocumentError naming the file and
 * the key path, so nothing is written from a file that does not read.
 */
import { fail, isObject, parseJsonText } from './json-paths'
import { locateAccountSummaries, locatePmeSimulate, pmeSimulateEntries, readDeribitAccountSummary, readPmeSimulate } from './deribit-readers'
import { isOkxBalance, isOkxPositionBuilder, okxData, readOkxBalance, readOkxPositionBuilder } from './okx-readers'
import type { VenueSummaryRead } from './venue-summary-types'

const WHAT_WE_READ = 'expected Deribit private/get_account_summary or private/pme/simulate JSON, or OKX /api/v5/account/balance or /api/v5/account/position-builder JSON'

export function readVenueSummaryJson(json: unknown, fileName: string): VenueSummaryRead {
  if (isObject(json) && isObject(json.error) && 'jsonrpc' in json) {
    const message = typeof json.error.message === 'string' ? json.error.message : 'no message'
    fail(fileName, 'error', `Deribit answered with an error (${message}): the file holds no figures`)
  }
  if (locatePmeSimulate(json)) return { venue: 'deribit', kind: 'deribit-pme-simulate', entries: pmeSimulateEntries(readPmeSimulate(json, fileName)) }
  if (locateAccountSummaries(json)) return { venue: 'deribit', kind: 'deribit-account-summary', entries: readDeribitAccountSummary(json, fileName) }
  if (isObject(json) && ('code' in json || 'totalEq' in json || 'riskUnitData' in json || 'totalMmr' in json)) {
    const { data, at } = okxData(json, fileName)!
    if (isOkxPositionBuilder(data)) return { venue: 'okx', kind: 'okx-position-builder', entries: [readOkxPositionBuilder(data, at, fileName)] }
    if (isOkxBalance(data)) return { venue: 'okx', kind: 'okx-balance', entries: [readOkxBalance(data, at, fileName)] }
  }
  return fail(fileName, '(top level)', `not a venue summary this workstation reads (${WHAT_WE_READ})`)
}

export function readVenueSummary(text: string, fileName: string): VenueSummaryRead {
  return readVenueSummaryJson(parseJsonText(text, fileName), fileName)
}

/**
 * Market-fetch settings and each venue's last fetch, kept in the book file's ui_state table (small
 * JSON the workstation keeps between launches). Off by default: nothing is ever requested until the
 * trader turns a venue on or asks for a fetch. A stored value that no longer validates (edited by
 * hand, an older shape) reads as the default, i.e. off.
 */
import type { BookDb } from '../../book/database'
import { getUiState, setUiState } from '../../book/ui-state-repository'
import { MarketFetchSettings, VenueFetchStatus, type MarketFetchSettingsView, type MarketFetchVenue, type VenueFetchStatus as Status } from '@contract/market-fetch'
import { z } from 'zod'
import { deribitRequestsSent } from './deribit-fetch'
import { okxRequestsSent } from './okx-fetch'

export const SETTINGS_KEY = 'market-fetch.settings'
export const STATUS_KEY = 'market-fetch.status'

export const DEFAULT_MARKET_FETCH_SETTINGS: MarketFetchSettings = {
  deribit: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] },
  okx: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] }
}

export function loadMarketFetchSettings(db: BookDb): MarketFetchSettings {
  const parsed = MarketFetchSettings.safeParse(getUiState(db, SETTINGS_KEY))
  return parsed.success ? parsed.data : structuredClone(DEFAULT_MARKET_FETCH_SETTINGS)
}

export function saveMarketFetchSettings(db: BookDb, settings: MarketFetchSettings, now = new Date()): void {
  setUiState(db, SETTINGS_KEY, MarketFetchSettings.parse(settings), now)
}

const StatusByVenue = z.object({ deribit: VenueFetchStatus.nullable(), okx: VenueFetchStatus.nullable() })

export function loadFetchStatus(db: BookDb): { deribit: Status | null; okx: Status | null } {
  const parsed = StatusByVenue.safeParse(getUiState(db, STATUS_KEY))
  return parsed.success ? parsed.data : { deribit: null, okx: null }
}

export function saveFetchStatus(db: BookDb, statuses: readonly Status[], now = new Date()): void {
  const current = loadFetchStatus(db)
  for (const s of statuses) current[s.venue] = s
  setUiState(db, STATUS_KEY, current, now)
}

export const requestsSent = (venue: MarketFetchVenue, underlyings: readonly string[]): string[] =>
  venue === 'deribit' ? deribitRequestsSent(underlyings) : okxRequestsSent(underlyings)

export function settingsView(db: BookDb): MarketFetchSettingsView {
  const settings = loadMarketFetchSettings(db)
  return {
    ...settings,
    lastFetch: loadFetchStatus(db),
    requestsSent: { deribit: requestsSent('deribit', settings.deribit.underlyings), okx: requestsSent('okx', settings.okx.underlyings) }
  }
}

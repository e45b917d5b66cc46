/** Small, complete contract objects for renderer tests (the fake API parses every one). */
import type { BookMarginResponse, BookSummary, MarginMethodName, MarketSummary, PositionRow, QuoteTradesResponse } from '@contract/api'

export const AS_OF = '2026-11-20T09:00:00.000Z'

export function book(id: number, kind: BookSummary['kind'], name: string, more: Partial<BookSummary> = {}): BookSummary {
  return {
    id,
    name,
    kind,
    parentId: null,
    isDemo: kind === 'demo',
    createdAtUtc: AS_OF,
    accountCount: 1,
    positionCount: 2,
    marketSnapshotId: 'snap-1',
    followsLiveMarket: false,
    awaitingSettlement: 0,
    ...more
  }
}

export function market(id = 'snap-1'): MarketSummary {
  return { id, asOfUtc: AS_OF, source: 'test', underlyings: [{ underlying: 'BTC', indexUsd: 100_000, asOfUtc: AS_OF, source: 'test' }], instrumentCount: 3 }
}

export function positionRow(positionId: number, symbol: string, sizeContracts: number, more: Partial<PositionRow> = {}): PositionRow {
  const option = /-[CP]$/.test(symbol)
  return {
    positionId,
    accountId: 1,
    accountName: 'Deribit main',
    venue: 'deribit',
    symbol,
    kind: option ? 'option' : symbol.endsWith('PERPETUAL') ? 'perpetual' : 'future',
    settlement: 'inverse',
    underlying: 'BTC',
    quoteCurrency: option ? 'BTC' : 'USD',
    settleCurrency: 'BTC',
    expiryUtc: option ? '2026-12-25T08:00:00.000Z' : null,
    strikeUsd: option ? 100_000 : null,
    optionType: option ? (symbol.endsWith('C') ? 'call' : 'put') : null,
    sizeContracts,
    contractSize: option ? 1 : 10,
    contractUnit: option ? 'BTC' : 'usd',
    sizeCoin: sizeContracts,
    avgPrice: 0.05,
    priceCurrency: option ? 'BTC' : 'USD',
    markPrice: 0.06,
    markIvPct: option ? 50 : null,
    indexUsd: 100_000,
    valuation: null,
    valuationError: null,
    ...more
  }
}

export function marginResult(method: MarginMethodName, initialMargin: number, maintenanceMargin = initialMargin * 0.75): BookMarginResponse['accounts'][number]['results'][number] {
  return {
    method,
    currency: 'BTC',
    initialMargin,
    maintenanceMargin,
    components: [],
    determiningScenario: { index: 3, label: 'BTC −15 %', pnl: -initialMargin },
    scenarioPnl: [0, -0.1, -0.2, -initialMargin],
    scenarioLabels: ['0', '1', '2', '3'],
    attribution: [-initialMargin],
    standalone: [initialMargin],
    incremental: [initialMargin],
    paramsId: 'p',
    marketId: 'snap-1'
  }
}

type Group = BookMarginResponse['accounts'][number]
export function marginGroup(account: string, venue: string, currency: string, results: Group['results'], more: Partial<Group> = {}): Group {
  return { account, venue, currency, riskUnit: null, pool: `${account} · ${currency}`, positionIds: [1], symbols: ['BTC-PERPETUAL'], results, addOns: null, notes: [], ...more }
}

export function bookMargin(accounts: Group[]): BookMarginResponse {
  return { marketId: 'snap-1', accounts, health: [], notCovered: [] }
}

/** The Deribit group of the hedging tests: Deribit PM 1.0943 BTC, SPAN 1.5 BTC. */
export const deribitGroup = (): Group => marginGroup('Deribit main', 'deribit', 'BTC', [marginResult('deribit-pm', 1.0943), marginResult('span', 1.5)])

const pair = (base: number, other: number) => ({ base, other, change: other - base })
export function diff(group: string, method: string, before: number, after: number): QuoteTradesResponse['diff'] {
  return {
    margin: [{ group, account: 'Deribit main', currency: 'BTC', riskUnit: null, method, initialMargin: pair(before, after), maintenanceMargin: pair(before * 0.75, after * 0.75) }],
    health: []
  }
}
export { pair }

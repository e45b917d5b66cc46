/**
 * The book's grids as workbook sheets, from the same API views the workstation shows (positions,
 * bookMargin, greeksGrid, appInfo): nothing is recomputed here.
 */
import type { ResponseOf } from '@contract/api'
import type { WorkbookSheet } from './workbook'

type Positions = ResponseOf<'listPositions'>
type Margin = ResponseOf<'bookMargin'>
type Greeks = ResponseOf<'greeksGrid'>
type Row = Positions['rows'][number]

const USD = '#,##0.00'
const COIN = '0.0000####'
const DATE = 'yyyy-mm-dd hh:mm'

export const EXPORT_SHEETS = ['Positions', 'Margin', 'Health', 'Greeks by expiry', 'About'] as const

export function bookSheets(input: { book: { id: number; name: string; kind: string }; positions: Positions; margin: Margin; greeks: Greeks; generatedAt: Date; appVersion: string }): WorkbookSheet[] {
  const v = (r: Row) => r.valuation
  const positions: WorkbookSheet<Row> = {
    name: 'Positions',
    rows: input.positions.rows,
    columns: [
      { header: 'Account', value: (r) => r.accountName, width: 18 },
      { header: 'Venue', value: (r) => r.venue },
      { header: 'Instrument', value: (r) => r.symbol, width: 24 },
      { header: 'Kind', value: (r) => r.kind },
      { header: 'Underlying', value: (r) => r.underlying },
      { header: 'Expiry (UTC)', value: (r) => (r.expiryUtc ? new Date(r.expiryUtc) : null), format: DATE, width: 17 },
      { header: 'Strike (USD)', value: (r) => r.strikeUsd, format: '#,##0' },
      { header: 'Call/put', value: (r) => r.optionType },
      { header: 'Contracts', value: (r) => r.sizeContracts, format: '#,##0.####' },
      { header: 'Size (coin)', value: (r) => r.sizeCoin, format: COIN },
      { header: 'Avg price', value: (r) => r.avgPrice, format: '#,##0.####' },
      { header: 'Price currency', value: (r) => r.priceCurrency },
      { header: 'Mark', value: (r) => r.markPrice, format: '#,##0.####' },
      { header: 'Value (USD)', value: (r) => v(r)?.valueUsd ?? null, format: USD },
      { header: 'P&L (USD)', value: (r) => v(r)?.pnlUsd ?? null, format: USD },
      { header: 'Delta (coin)', value: (r) => v(r)?.deltaCoin ?? null, format: COIN },
      { header: 'Gamma (coin per 1 %)', value: (r) => v(r)?.gammaCoinPer1Pct ?? null, format: COIN },
      { header: 'Vega (USD per vol pt)', value: (r) => v(r)?.vegaUsdPerPoint ?? null, format: USD },
      { header: 'Theta (USD per day)', value: (r) => v(r)?.thetaUsdPerDay ?? null, format: USD },
      { header: 'Not valued because', value: (r) => r.valuationError, width: 30 }
    ]
  } as WorkbookSheet<Row>
  type MarginRow = { group: string; currency: string; method: string; im: number; mm: number }
  const marginRows: MarginRow[] = input.margin.accounts.flatMap((g) => {
    const group = `${g.account} · ${g.currency}${g.riskUnit ? ` · ${g.riskUnit}` : ''}`
    return [...g.results, ...(g.addOns ? [g.addOns] : [])].map((r) => ({ group, currency: g.currency, method: r.method, im: r.initialMargin, mm: r.maintenanceMargin }))
  })
  const margin: WorkbookSheet<MarginRow> = {
    name: 'Margin',
    rows: marginRows,
    columns: [
      { header: 'Group', value: (r) => r.group, width: 28 },
      { header: 'Method', value: (r) => r.method, width: 14 },
      { header: 'Currency', value: (r) => r.currency },
      { header: 'Initial margin', value: (r) => r.im, format: '#,##0.0000' },
      { header: 'Maintenance margin', value: (r) => r.mm, format: '#,##0.0000' }
    ]
  }
  type HealthRow = { pool: string; currency: string; method: string; equity: number; im: number; mm: number; imU: number | null; status: string }
  const healthRows: HealthRow[] = input.margin.health.flatMap((h) => h.byMethod.map((b) => ({ pool: h.pool, currency: h.currency, method: b.method, equity: h.equity, im: b.initialMargin, mm: b.maintenanceMargin, imU: b.imUtilisation, status: b.status })))
  const health: WorkbookSheet<HealthRow> = {
    name: 'Health',
    rows: healthRows,
    columns: [
      { header: 'Pool', value: (r) => r.pool, width: 24 },
      { header: 'Currency', value: (r) => r.currency },
      { header: 'Method', value: (r) => r.method, width: 14 },
      { header: 'Equity', value: (r) => r.equity, format: '#,##0.0000' },
      { header: 'Initial margin', value: (r) => r.im, format: '#,##0.0000' },
      { header: 'Maintenance margin', value: (r) => r.mm, format: '#,##0.0000' },
      { header: 'IM utilisation (fraction of equity)', value: (r) => r.imU, format: '0.0%' },
      { header: 'Status', value: (r) => r.status }
    ]
  }
  type GreekRow = Greeks['rows'][number]
  const greeks: WorkbookSheet<GreekRow> = {
    name: 'Greeks by expiry',
    rows: input.greeks.rows,
    columns: [
      { header: 'Underlying', value: (r) => r.underlying },
      { header: 'Expiry (UTC)', value: (r) => (r.expiryMs === null ? null : new Date(r.expiryMs)), format: DATE, width: 17 },
      { header: 'Strike (USD)', value: (r) => r.strikeUsd, format: '#,##0' },
      { header: 'Positions', value: (r) => r.positions },
      { header: 'Delta (coin)', value: (r) => r.deltaCoin, format: COIN },
      { header: 'Gamma (coin per 1 %)', value: (r) => r.gammaCoinPer1Pct, format: COIN },
      { header: 'Vega (USD per vol pt)', value: (r) => r.vegaUsdPerPoint, format: USD },
      { header: `Vega ${input.greeks.vegaRefDays}d-normalised (USD per vol pt)`, value: (r) => r.vegaNormalisedUsdPerPoint, format: USD },
      { header: 'Theta (USD per day)', value: (r) => r.thetaUsdPerDay, format: USD }
    ]
  }
  const about: WorkbookSheet<[string, string | number | Date]> = {
    name: 'About',
    rows: [
      ['Book', `${input.book.name} (id ${input.book.id}, ${input.book.kind})`],
      ['Market snapshot', input.positions.marketSnapshotId ?? 'none'],
      ['Market as of (UTC)', input.positions.asOfUtc ? new Date(input.positions.asOfUtc) : 'none'],
      ['Margin parameter sets', [...new Set(input.margin.accounts.flatMap((g) => g.results.map((r) => r.paramsId)))].join(', ')],
      ['Generated (UTC)', input.generatedAt],
      ['Generated by', `Marginal ${input.appVersion}`]
    ],
    columns: [
      { header: 'Item', value: (r) => r[0], width: 24 },
      { header: 'Value', value: (r) => r[1], width: 60, format: DATE }
    ]
  }
  return [positions, margin, health, greeks, about] as WorkbookSheet[]
}

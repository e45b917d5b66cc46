/**
 * The margin report's one HTML template: MarginReportModel → a self-contained page (inline CSS and
 * SVG, no scripts, no external resources) that Chromium prints. The page box, running header and
 * page numbers are CSS (@page margin boxes, CSS Paged Media), so Electron's printToPDF and headless
 * Chromium produce the same pages from it.
 */
import { trafficLightZonesText } from '@contract/risk'
import { bandsSayMore, liquidationText as liquidationBandsLine } from '@contract/liquidation'
import { notExplainedByReason } from '@contract/explain'
import { isUsdLike } from '../../engine/market/currency'
import { explainWaterfall, profileChart, riskArrayHeatmap } from './charts'
import { amount, esc, num, pct, signedPct, usd, utc } from './format'
import { METHOD_SECTIONS, METHODOLOGY_DOC, METHODOLOGY_SOURCE, MODEL_APPROXIMATIONS } from './methodology'
import { venueResult, type PositionsSummaryRow } from './positions-summary'
import { isUnavailable, type HedgeReviewLines, type MarginReportModel, type ReportMargin, type ReportPosition, type Unavailable } from './report-model'

export const METHOD_LABELS: Record<string, string> = {
  standard: 'Standard',
  span: 'SPAN-style (house)',
  'deribit-pm': 'Deribit PM',
  'okx-pm': 'OKX PM',
  'derive-pm': 'Derive PM',
  greeks: 'Greeks-based',
  'add-ons': 'House add-ons',
  'hs-var': 'Historical VaR'
}
const methodLabel = (m: string): string => METHOD_LABELS[m] ?? m

type Group = ReportMargin['accounts'][number]
type Pool = ReportMargin['health'][number]

/** A group's name as every table writes it: account · currency (· risk unit). */
export const groupName = (g: { account: string; currency: string; riskUnit: string | null }): string => [g.account, g.currency, g.riskUnit].filter(Boolean).join(' · ')

/** A CSS string literal (the running header's content) from any text. */
const cssString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`

const table = (head: string[], rows: string[][], opts: { cls?: string; numeric?: number[]; nowrap?: number[]; caption?: string } = {}): string => {
  const numeric = new Set(opts.numeric ?? [])
  const nowrap = new Set(opts.nowrap ?? [])
  const cls = (j: number) => [numeric.has(j) ? 'n' : '', nowrap.has(j) ? 'nw' : ''].filter(Boolean).join(' ')
  const cell = (tag: 'th' | 'td', v: string, j: number) => `<${tag}${cls(j) ? ` class="${cls(j)}"` : ''}>${v}</${tag}>`
  return `<table${opts.cls ? ` class="${opts.cls}"` : ''}>${opts.caption ? `<caption>${opts.caption}</caption>` : ''}<thead><tr>${head.map((h, j) => cell('th', h, j)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, j) => cell('td', v, j)).join('')}</tr>`)
    .join('')}</tbody></table>`
}

const unavailable = (u: Unavailable): string => `<p class="na">Not available: ${esc(u.unavailable)}</p>`

/** The pool a group belongs to (its account and margin currency). */
const poolOf = (m: ReportMargin, g: Group): Pool | undefined => m.health.find((h) => h.pool === g.pool)


function liquidationText(p: Pool): string {
  if (!p.liquidation.length) return '—'
  return p.liquidation
    .map((l) => {
      if (l.distancePct === null) return `${esc(l.underlying)}: none in range`
      const level = l.distancePct < 0 ? l.downUsd : l.upUsd
      return `${esc(l.underlying)} ${signedPct(l.distancePct / 100)} (${num(level, 0)} USD)`
    })
    .join('<br>')
}

/** How long before `laterIso` the data was taken: minutes, hours or days. */
function age(isoUtc: string, laterIso: string): string {
  const minutes = (Date.parse(laterIso) - Date.parse(isoUtc)) / 60_000
  return minutes < 90 ? `${Math.round(minutes)} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`
}

function header(r: MarginReportModel): string {
  const meta: [string, string][] = [
    ['Book', `${esc(r.book.name)} (#${r.book.id}, ${r.book.kind === 'live' ? 'live book' : r.book.kind === 'demo' ? 'demo book, sample data' : 'what-if copy'})`],
    ['Scope', r.account === null ? 'whole book' : `account ${esc(r.account)}`],
    ['Accounts', r.accounts.map((a) => `${esc(a.name)} (${esc(a.venue)})`).join(', ') || '—'],
    ['As of', utc(r.market.asOfUtc)],
    ['Market snapshot', `${esc(r.market.id)} (${esc(r.market.source)})`],
    // Each underlying's own time; one older than the valuation instant says by how much (the same
    // book and market always give the same text, so ages against the clock are not printed here).
    ['Market per underlying', r.market.underlyings.map((u) => `<span class="nw">${esc(u.underlying)} ${utc(u.asOfUtc)} (${esc(u.source)}${u.asOfUtc === r.market.asOfUtc ? '' : `; ${age(u.asOfUtc, r.market.asOfUtc)} before the valuation instant`})</span>`).join(', ')],
    ['Parameter sets', r.paramSets.map((p) => `<span class="nw">${esc(p.activeId)}${p.edited ? ' (edited in this book file)' : ''}</span>`).join(', ')],
    ['Generated', `${utc(r.generatedAtUtc)} by Marginal ${esc(r.appVersion)}`]
  ]
  return `<header class="title"><h1>Margin report</h1><p class="subtitle">${esc(r.book.name)}${r.account === null ? '' : ` · ${esc(r.account)}`} · as of ${utc(r.market.asOfUtc)}</p>
<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></header>`
}

/**
 * Under the summary: every band of index levels where a pool's equity is at or below its MM, per
 * underlying, nearest first (the table shows the nearest level; a book with options can dip below
 * MM and recover, docs/METHODOLOGY.md §5.11).
 */
function liquidationBands(m: ReportMargin): string {
  const lines = m.health.flatMap((h) => h.liquidation.filter(bandsSayMore).map((l) => `<li>${esc(h.account)} ${esc(h.currency)}: ${esc(liquidationBandsLine(l))}</li>`))
  if (!lines.length) return ''
  const step = Math.max(...m.health.flatMap((h) => h.liquidation.map((l) => l.scanStepPct ?? 0)))
  return `<p class="bands-lead">Liquidation bands (index levels where equity ≤ MM, each underlying moved alone, nearest first; ours: a band narrower than ${num(step, 2)} % of the index can be missed):</p><ul class="bands">${lines.join('')}</ul>`
}

function summary(m: ReportMargin): string {
  if (!m.health.length) return '<section><h2>1. Summary</h2><p class="na">No margin pools: the book holds no priced positions.</p></section>'
  const worst = [...m.health].sort((a, b) => (b.imUtilisation ?? Infinity) - (a.imUtilisation ?? Infinity))[0]!
  const rows = m.health.map((h) => [
    esc(h.account),
    esc(h.venue),
    esc(h.currency),
    methodLabel(h.method),
    amount(h.equity, h.currency),
    amount(h.initialMargin, h.currency),
    amount(h.maintenanceMargin, h.currency),
    pct(h.imUtilisation),
    pct(h.mmUtilisation),
    `<span class="status ${h.status.replace(' ', '-')}">${h.status}</span>`,
    liquidationText(h)
  ])
  const notes = m.health.flatMap((h) => h.notes.map((n) => `<li>${esc(h.account)} ${esc(h.currency)}: ${esc(n)}</li>`))
  return `<section><h2>1. Summary</h2>
<p class="lead">${m.health.length} margin pool${m.health.length === 1 ? '' : 's'}. Highest IM utilisation: <b>${pct(worst.imUtilisation)}</b> (${esc(worst.account)} ${esc(worst.currency)}, ${worst.status}). Amounts are in each pool’s currency (column Ccy); utilisation is margin ÷ equity.</p>
${table(['Account', 'Venue', 'Ccy', 'Method', 'Equity', 'IM', 'MM', 'IM util.', 'MM util.', 'Status', 'Liquidation (index move)'], rows, { numeric: [4, 5, 6, 7, 8], cls: 'summary' })}
${liquidationBands(m)}
${notes.length ? `<ul class="notes">${notes.join('')}</ul>` : ''}
${m.notCovered.length ? `<p class="warn">Not margined (${m.notCovered.length}): ${m.notCovered.map((n) => `${esc(n.account)} ${esc(n.symbol)} (${esc(n.reason)})`).join('; ')}</p>` : ''}
</section>`
}

function byMethod(m: ReportMargin): string {
  const blocks = m.accounts.map((g) => {
    const standard = g.results.find((r) => r.method === 'standard')
    const venue = poolOf(m, g)?.method
    const rows = g.results.map((r) => {
      const saving = standard && r.method !== 'standard' ? standard.initialMargin - r.initialMargin : null
      return [
        `${methodLabel(r.method)}${r.method === venue ? ' <span class="tag">venue</span>' : ''}`,
        amount(r.initialMargin, g.currency),
        amount(r.maintenanceMargin, g.currency),
        saving === null ? '—' : amount(saving, g.currency),
        saving === null || !standard!.initialMargin ? '—' : pct(saving / standard!.initialMargin),
        r.determiningScenario ? esc(r.determiningScenario.label) : '—',
        r.determiningScenario ? amount(r.determiningScenario.pnl, g.currency) : '—'
      ]
    })
    if (g.addOns) rows.push([methodLabel('add-ons'), amount(g.addOns.initialMargin, g.currency), amount(g.addOns.maintenanceMargin, g.currency), '—', '—', '—', '—'])
    return `<div class="keep"><h3>${esc(groupName(g))} <span class="dim">(${esc(g.venue)}, ${g.positionIds.length} positions, amounts in ${esc(g.currency)})</span></h3>
${table(['Method', 'IM', 'MM', 'Saving vs standard', 'Saving %', 'Determining scenario', 'Scenario P&L'], rows, { numeric: [1, 2, 3, 4, 6] })}</div>`
  })
  return `<section><h2>2. Margin by method</h2><p class="lead">Every method on the same positions and market. Saving = standard IM − the method’s IM (positive: the portfolio method needs less). The determining scenario is the one whose loss sets the method’s scenario charge; its P&L is the portfolio’s (gain positive).</p>${blocks.join('')}</section>`
}

function riskArrays(m: ReportMargin): string {
  const blocks = m.accounts.flatMap((g) => {
    const r = venueResult(m, g)
    if (!r?.scenarioPnl) return []
    const d = r.determiningScenario
    return [
      `<figure class="keep"><figcaption><b>${esc(groupName(g))}</b> · ${methodLabel(r.method)} risk array, P&L in ${esc(g.currency)}${d ? ` · determining: ${esc(d.label)} (${amount(d.pnl, g.currency)} ${esc(g.currency)}), framed` : ''}</figcaption>${riskArrayHeatmap(r.scenarioLabels, r.scenarioPnl, d?.index ?? null, g.currency)}</figure>`
    ]
  })
  return `<section><h2>3. Risk arrays</h2>${blocks.length ? blocks.join('') : '<p class="na">No scenario method margins these positions.</p>'}</section>`
}

function profiles(r: MarginReportModel): string {
  const blocks = r.profiles.map(
    (c) => `<figure class="keep"><figcaption><b>${esc(c.underlying)}</b> · book P&L in USD against the ${esc(c.underlying)} index, vol unchanged. Breakevens: ${
      c.breakevensPct.length ? c.breakevensPct.map((b) => `${signedPct(b / 100)} (${num(c.indexUsd * (1 + b / 100), 0)} USD)`).join(', ') : 'none in range'
    }. Worst on the grid: ${usd(c.trough.pnlUsd)} USD at ${signedPct(c.trough.movePct / 100)}.</figcaption>${profileChart(c)}</figure>`
  )
  return `<section><h2>4. P&amp;L profile</h2>${blocks.length ? blocks.join('') : '<p class="na">No priced positions to profile.</p>'}</section>`
}

function consumers(m: ReportMargin, positions: ReadonlyMap<number, ReportPosition>): string {
  const TOP = 10
  const blocks = m.accounts.flatMap((g) => {
    const r = venueResult(m, g)
    if (!r) return []
    const order = g.positionIds.map((_, k) => k).sort((a, b) => r.incremental[b]! - r.incremental[a]! || a - b)
    const rows = order.slice(0, TOP).map((k) => {
      const p = positions.get(g.positionIds[k]!)
      return [esc(g.symbols[k]!), p ? num(p.sizeContracts, 4) : '—', amount(r.incremental[k], g.currency), amount(r.standalone[k], g.currency), amount(r.attribution[k], g.currency)]
    })
    const third = r.method === 'standard' ? 'Own IM' : 'P&L in determining scenario'
    return [
      `<div class="keep"><h3>${esc(groupName(g))} · ${methodLabel(r.method)} <span class="dim">(amounts in ${esc(g.currency)}${g.positionIds.length > TOP ? `, top ${TOP} of ${g.positionIds.length}` : ''})</span></h3>${table(['Position', 'Size (contracts)', 'Incremental IM', 'Standalone IM', third], rows, { numeric: [1, 2, 3, 4] })}</div>`
    ]
  })
  return `<section><h2>5. Top margin consumers</h2><p class="lead">Incremental IM = the group’s IM minus its IM without the position (negative: the position hedges). Standalone IM = the position margined alone.</p>${blocks.join('')}</section>`
}

function stress(r: MarginReportModel): string {
  const s = r.stress
  if (isUnavailable(s)) return `<section><h2>6. Stress tests</h2>${unavailable(s)}</section>`
  const TOP = 20
  const sorted = [...s.scenarios].sort((a, b) => a.pnl - b.pnl)
  const rows = sorted.slice(0, TOP).map((x) => [
    esc(x.name),
    x.kind,
    x.window ? esc(x.window) : '—',
    s.underlyings.map((u, k) => `${esc(u)} ${signedPct(x.moves[k]!)}`).join(', ') + (x.unmoved.length ? ` <span class="dim">(unmoved: ${x.unmoved.map(esc).join(', ')})</span>` : ''),
    esc(x.volMove),
    usd(x.pnl)
  ])
  return `<section><h2>6. Stress tests</h2><p class="lead">Library ${esc(s.libraryId)}, full revaluation, worst first${sorted.length > TOP ? ` (${TOP} of ${sorted.length})` : ''}. ${esc(s.historyNote)}</p>
<p class="lead"><b>History window:</b> ${esc(s.historyWindow.text)}.</p>
${table(['Scenario', 'Kind', 'Window', 'Moves', 'Vol', 'P&L (USD)'], rows, { numeric: [5] })}</section>`
}

function riskStatistics(r: MarginReportModel): string {
  if (r.valueAtRisk === null && r.backtest === null) return ''
  const parts: string[] = []
  const v = r.valueAtRisk
  if (v !== null) {
    if (isUnavailable(v)) parts.push(`<h3>Value at risk and expected shortfall</h3>${unavailable(v)}`)
    else {
      const rows = v.levels.map((l) => [pct(l.confidence, 1), usd(l.valueAtRisk), usd(l.expectedShortfall), l.stressedVar === null ? '—' : usd(l.stressedVar), usd(l.requirement), esc(l.varScenario)])
      parts.push(`<h3>Value at risk and expected shortfall</h3><p class="lead">${v.method === 'historical' ? 'Historical simulation' : 'Monte Carlo'}, ${v.horizonDays}-day horizon, ${v.scenarios} scenarios from ${v.history.firstDay} to ${v.history.lastDay}. Vols: ${esc(v.volMoves)}. Requirement: ${esc(v.requirementRule)}.</p>
<p class="lead"><b>${v.method === 'historical' ? 'Windows' : 'Calibration'}:</b> ${esc(v.window.text)}.</p>
${table(['Confidence', 'VaR (USD)', 'ES (USD)', 'Stressed VaR (USD)', 'Requirement (USD)', 'VaR scenario'], rows, { numeric: [1, 2, 3, 4] })}`)
    }
  }
  const b = r.backtest
  if (b !== null) {
    if (isUnavailable(b)) parts.push(`<h3>Backtest</h3>${unavailable(b)}`)
    else {
      const s = b.stats
      parts.push(`<h3>Backtest</h3><p class="lead">${esc(b.label)}: each day’s requirement against the book’s realised ${b.horizonDays}-day loss, ${b.days[0] ?? '—'} to ${b.days[b.days.length - 1] ?? '—'}.</p>
<p class="lead"><b>Period:</b> ${esc(b.window.text)}.</p>
${table(
  ['Days', 'Exceptions', 'Expected rate', 'Observed rate', 'Kupiec p', 'Christoffersen p', 'Worst zone', 'Zones (green / yellow / red)'],
  [[String(s.days), String(s.exceptions), pct(s.expectedRate, 2), pct(s.observedRate, 2), num(s.kupiec.pValue, 3), num(s.christoffersen.pValue, 3), s.worstZone, `${b.zoneCounts.green} / ${b.zoneCounts.yellow} / ${b.zoneCounts.red}`]],
  { numeric: [0, 1, 2, 3, 4, 5] }
)}
<p class="lead">Zones: ${esc(trafficLightZonesText(s.zones))}.</p>`)
    }
  }
  return `<section><h2>7. VaR, expected shortfall and backtest</h2>${parts.join('')}</section>`
}

function hedges(r: MarginReportModel): string {
  if (r.hedges === null) return ''
  const blocks = r.hedges.map((h) => {
    const title = `<h3>${esc(groupName(h))} · ${methodLabel(h.method)}</h3>`
    if (isUnavailable(h.result)) return `<div class="keep">${title}${unavailable(h.result)}</div>`
    const x = h.result
    const trades = x.trades.length
      ? table(['Instrument', 'Side', 'Contracts', 'Fill', 'Est. cost (USD)'], x.trades.map((t) => [esc(t.symbol), t.side, num(t.contracts, 4), `${num(t.fillPrice, t.fillPrice < 10 ? 6 : 2)} ${esc(t.priceCurrency)}`, usd(t.costUsd)]), { numeric: [2, 3, 4] })
      : '<p class="na">No trade lowers this group’s margin by more than it costs.</p>'
    return `<div class="keep">${title}<p class="lead">IM ${amount(x.before.initialMargin, h.currency)} → <b>${amount(x.after.initialMargin, h.currency)}</b> ${esc(h.currency)}, MM ${amount(x.before.maintenanceMargin, h.currency)} → ${amount(x.after.maintenanceMargin, h.currency)} ${esc(h.currency)}; estimated cost ${amount(x.costTotal, h.currency)} ${esc(h.currency)}. LP ${x.lpScope === 'exact' ? 'minimises the method exactly' : 'minimises the worst scenario; IM recomputed in full'}; ${x.candidates} candidate instruments; no new short options.</p>${trades}${hedgeReview(x)}</div>`
  })
  return `<section><h2>8. Hedge suggestions</h2>${blocks.length ? blocks.join('') : '<p class="na">No margin group to hedge.</p>'}</section>`
}

/** A figure in its unit: utilisation in %, stress P&L in USD, margins in the group's currency; null is infinite. */
const reviewFigure = (x: number | null, unit: string): string => (x === null ? '∞' : unit === '%' ? `${num(x, 1)} %` : `${amount(x, unit)} ${esc(unit)}`)

/** What the hedge makes worse (a warning list) and how its cost reconciles with equity, per pool. */
function hedgeReview(x: HedgeReviewLines): string {
  const worse = x.worsens.length
    ? `<p class="warn"><b>Makes worse (${x.worsens.length}):</b></p>${table(
        ['What', 'Name', 'Method', 'Before', 'After'],
        x.worsens.map((w) => [w.measure, esc(w.name), w.method ? methodLabel(w.method) : '—', reviewFigure(w.before, w.unit), reviewFigure(w.after, w.unit)]),
        { numeric: [3, 4] }
      )}`
    : '<p class="lead">Makes nothing worse: no method, pool or stress scenario.</p>'
  const pools = x.reconciliation.map((p) => `<li><b>${esc(p.pool)}</b>: equity ${amount(p.equityBefore, p.currency)} → ${amount(p.equityAfter, p.currency)} ${esc(p.currency)}. ${esc(p.explanation)}</li>`)
  return `${worse}${pools.length ? `<p class="lead">Cost and equity change (fills at the mark ± half the bid-ask):</p><ul class="notes">${pools.join('')}</ul>` : ''}`
}

/** Where the full list is when the appendix is a summary (the report says it on the appendix's first line). */
export const FULL_LIST_WHERE =
  'The full list, every position with its mark and Greeks, is printed when the report is made with the full positions list (report dialog: Positions appendix, Full list; command line: report --full-positions), and it is the Positions sheet of the Excel export (the Excel button; command line: export --xlsx FILE).'

/** A summary row's figures: Δ in coin (with the coin) where the row is one underlying, the rest in USD. */
function summaryCells(x: PositionsSummaryRow, coin: string | null): string[] {
  return [
    `${num(x.positions, 0)}${x.notValued ? ` <span class="warn">(${num(x.notValued, 0)} not valued)</span>` : ''}`,
    ...(coin === null ? [] : [x.netDeltaCoin === null ? '—' : `${num(x.netDeltaCoin, 4)} ${esc(coin)}`]),
    usd(x.deltaUsd),
    usd(x.vegaUsdPerPoint),
    usd(x.thetaUsdPerDay),
    usd(x.valueUsd),
    x.incrementalImUsd === null ? '—' : usd(x.incrementalImUsd)
  ]
}
/**
 * Section 9, the P&L explain (issue 22 §2): the two instants and the market each is valued on, a
 * table of the components (rows) per account in its settlement currency and for the book in USD,
 * the residual (full revaluation minus the explained parts) always a row, the waterfall of the USD
 * column, what could not be explained and why, and what each component is (ours marked).
 */
function pnlExplain(r: MarginReportModel): string {
  const x = r.explain
  if (x === null) return ''
  if (isUnavailable(x)) return `<section><h2>9. P&amp;L explain</h2>${unavailable(x)}</section>`
  const e = x.reply
  const market = (m: typeof e.fromMarket): string => `market <span class="nw">${esc(m.id)}</span> as of <span class="nw">${utc(m.asOfUtc)}</span> (${esc(m.source)})`
  const label = (c: (typeof e.components)[number]): string => `${esc(c.label)}${c.published ? '' : ' <span class="dim">(ours)</span>'}`
  const head = ['Component', ...x.columns.map((c) => `${esc(c.account)} (${esc(c.currency)})`), esc(x.usdLabel)]
  const rows = [
    // The currency term exists in USD only (coin held × the change of its USD index): a dash, not a zero, in the settlement columns.
    ...e.components.map((c) => [label(c), ...x.columns.map((col) => (c.name === 'currency' ? '—' : amount(col.amounts[c.name], col.currency))), usd(x.usd[c.name])]),
    ['<b>Total</b>', ...x.columns.map((col) => `<b>${amount(col.amounts.total, col.currency)}</b>`), `<b>${usd(x.usd.total)}</b>`]
  ]
  const numeric = Array.from({ length: x.columns.length + 1 }, (_, k) => k + 1)
  const share = Math.abs(x.usd.revaluation) > 1e-9 ? ` = ${pct(Math.abs(x.usd.residual) / Math.abs(x.usd.revaluation), 2)} of the revaluation P&amp;L (${usd(x.usd.revaluation)} USD)` : ''
  const ours = e.components.filter((c) => !c.published)
  // By reason, with the first positions of each: a whole book's list would run for pages.
  const notExplained = e.notExplained.length
    ? table(['Why not explained', 'Positions', 'First of them'], notExplainedByReason(e.notExplained).map((g) => [esc(g.reason), String(g.count), esc(g.first.join(', ') + (g.count > g.first.length ? `, … ${g.count - g.first.length} more` : ''))]), { cls: 'dense' })
    : '<p>Every position was explained.</p>'
  return `<section class="explain"><h2>9. P&amp;L explain</h2>
<p class="lead">The ${r.account === null ? 'book’s' : `account ${esc(r.account)}’s`} P&amp;L between two instants (end of day ${esc(e.eodUtc)} UTC for a date), gain positive, by component. Each side is valued on the newest stored market taken at or before its instant. Each account’s amounts are in its settlement currency; the currency term (coin value held × the change of its USD index) is in USD only.</p>
<dl class="meta"><dt>From</dt><dd>${utc(e.fromUtc)}, valued on ${market(e.fromMarket)}</dd><dt>To</dt><dd>${utc(e.toUtc)}, valued on ${market(e.toMarket)}</dd><dt>Between the markets</dt><dd>${num(e.elapsedDays, 3)} days (theta’s Δt)</dd></dl>
${e.notes.length ? `<ul class="notes">${e.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<div class="keep">${table(head, rows, { numeric, nowrap: [0], cls: 'dense' })}</div>
<p class="lead"><b>Residual</b> (full revaluation minus the explained parts): <b>${usd(x.usd.residual)} USD</b>${share}.${ours.length ? ` Components marked (ours), starred in the chart, are approximations of ours, not a venue’s rule: ${ours.map((c) => esc(c.label)).join(', ')}.` : ''}</p>
<figure><figcaption>Waterfall: the components to the total, ${esc(x.usdLabel)}</figcaption>${explainWaterfall(e.components, x.usd, 'USD')}</figure>
<h3>Not explained</h3>
${notExplained}
<h3>What each component is</h3>
${table(['Component', 'Definition'], e.components.map((c) => [label(c), esc(c.note)]), { nowrap: [0], cls: 'dense' })}
</section>`
}
const SUMMARY_FIGURES = ['Net Δ (USD)', 'Vega (USD / pt)', 'Θ (USD / day)', 'Value (USD)', 'Margin consumed (USD)']

function positionsSummaryAppendix(r: MarginReportModel): string {
  const s = r.positionsSummary
  const top = s.topConsumers
  const where = r.positionsAppendix === 'full' ? 'Every position is listed after these tables.' : `<b>This appendix summarises the book’s ${num(s.positions, 0)} positions; it does not list them.</b> ${esc(FULL_LIST_WHERE)}`
  const numeric = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k)
  const consumers = top.rows.map((c, k) => [
    String(k + 1),
    esc(c.account),
    esc(c.symbol),
    num(c.sizeContracts, 4),
    `${amount(c.incrementalIm, c.currency)} ${esc(c.currency)}`,
    usd(c.incrementalImUsd),
    `${amount(c.standaloneIm, c.currency)} ${esc(c.currency)}`,
    c.deltaCoin === null ? '—' : num(c.deltaCoin, 4),
    c.vegaUsdPerPoint === null ? '—' : usd(c.vegaUsdPerPoint)
  ])
  return `<section class="appendix"><h2>Appendix A. Positions${r.positionsAppendix === 'full' ? ' and Greeks' : ' summary'}</h2>
<p class="lead">${where}</p>
<p class="lead">Net Δ: the sum of the positions’ deltas, in coin of the underlying and in USD at its price; vega: USD per vol point; Θ: USD per calendar day; value: USD at the mark. Margin consumed: the sum of the positions’ incremental IM (the group’s IM minus its IM without the position, under the group’s venue method) in USD at the snapshot’s index; incremental IMs do not add up to the IM of section 1 (hedges net out).${s.notValued ? ` ${num(s.notValued, 0)} position${s.notValued === 1 ? '' : 's'} the market could not value are counted but not summed.` : ''}</p>
<h3>By underlying</h3>
${table(['Underlying', 'Positions', 'Net Δ (coin)', ...SUMMARY_FIGURES], s.byUnderlying.map((x) => [esc(x.label), ...summaryCells(x, x.label)]), { numeric: numeric(1, 7) })}
<h3>By expiry</h3>
${table(['Expiry', 'Underlying', 'Positions', 'Net Δ (coin)', ...SUMMARY_FIGURES], s.byExpiry.map((x) => [esc(x.label), esc(x.underlying), ...summaryCells(x, x.underlying)]), { numeric: numeric(2, 8), nowrap: [0], cls: 'dense' })}
<h3>By account</h3>
${table(['Account', 'Venue', 'Positions', ...SUMMARY_FIGURES], s.byAccount.map((x) => [esc(x.label), esc(x.venue), ...summaryCells(x, null)]), { numeric: numeric(2, 7) })}
<h3>Top ${top.n} margin consumers <span class="dim">(${top.rows.length < top.of ? `the ${top.rows.length} largest of ${num(top.of, 0)}` : `all ${num(top.of, 0)}`} margined positions, by incremental IM in USD under each group’s venue method)</span></h3>
${top.rows.length ? table(['#', 'Account', 'Instrument', 'Size (contracts)', 'Incremental IM', 'Incremental IM (USD)', 'Standalone IM', 'Δ (coin)', 'Vega (USD / pt)'], consumers, { numeric: [0, 3, 4, 5, 6, 7, 8], cls: 'dense' }) : '<p class="na">No position is margined.</p>'}
</section>`
}

/**
 * Rows per table of the full list, about a page: Chromium lays a table out again for every page it
 * is split over, so the 10,000-position list as one table took 42.8 s of Chromium's CPU to load and
 * print (untagged) and as tables of 50 rows 22.1 s.
 */
const LIST_ROWS_PER_TABLE = 50
const LIST_HEAD = ['Account', 'Instrument', 'Size (contracts)', 'Mark', 'IV %', 'Value (USD)', 'P&L (USD)', 'Δ (coin)', 'Γ (coin / 1 %)', 'Vega (USD / pt)', 'Θ (USD / day)']
/** Fixed column widths (% of the page width) so every chunk of the list lines up with the others. */
const LIST_WIDTHS = [8, 17, 9, 12, 4, 10, 9, 7, 7, 8, 9]

/**
 * Every position, one line each, never truncated. Markup kept lean for Chromium's sake (a 10,000-row
 * list is 110,000 cells): fixed table layout, alignment by column in the style sheet rather than a
 * class per cell, and short tables of LIST_ROWS_PER_TABLE rows.
 */
function positionsList(r: MarginReportModel): string {
  const line = (p: ReportPosition): string => {
    const v = p.valuation
    const mark = p.markPrice === null ? '—' : `${num(p.markPrice, isUsdLike(p.priceCurrency) ? 2 : 6)} ${esc(p.priceCurrency)}`
    const iv = p.markIvPct === null ? '—' : num(p.markIvPct, 1)
    const head = `<tr><td>${esc(p.accountName)}</td><td>${esc(p.symbol)}</td><td>${num(p.sizeContracts, 4)}</td><td>${mark}</td><td>${iv}</td>`
    // A position the market cannot value says why across its figures' columns, never clipped.
    if (!v) return `${head}<td colspan="6" class="err">${esc(p.valuationError ?? 'not valued')}</td></tr>`
    return `${head}<td>${usd(v.valueUsd)}</td><td>${usd(v.pnlUsd)}</td><td>${num(v.deltaCoin, 4)}</td><td>${num(v.gammaCoinPer1Pct, 4)}</td><td>${usd(v.vegaUsdPerPoint)}</td><td>${usd(v.thetaUsdPerDay)}</td></tr>`
  }
  const head = `<table class="list"><colgroup>${LIST_WIDTHS.map((w) => `<col style="width:${w}%">`).join('')}</colgroup><thead><tr><th>${LIST_HEAD.map(esc).join('</th><th>')}</th></tr></thead><tbody>`
  const parts: string[] = []
  for (let i = 0; i < r.positions.length; i += LIST_ROWS_PER_TABLE) {
    parts.push(head, r.positions.slice(i, i + LIST_ROWS_PER_TABLE).map(line).join(''), '</tbody></table>')
  }
  return `<section class="appendix"><h2>Appendix A (continued). Every position</h2><p class="lead">All ${num(r.positions.length, 0)} positions, in the book’s order. Delta in coin of the underlying; gamma: change of delta (coin) for a 1 % move; vega: USD per vol point; theta: USD per calendar day.</p>
${parts.join('')}</section>`
}

function positionsAppendix(r: MarginReportModel): string {
  return r.positionsAppendix === 'full' ? `${positionsSummaryAppendix(r)}\n${positionsList(r)}` : positionsSummaryAppendix(r)
}

function methodologyAppendix(r: MarginReportModel): string {
  const seen = new Set<string>()
  const approximations = r.margin.accounts.flatMap((g) =>
    [...g.results, ...(g.addOns ? [g.addOns] : [])].flatMap((res) =>
      res.components
        .filter((c) => !c.published)
        .flatMap((c) => {
          const key = `${res.method}\u0000${c.name}`
          if (seen.has(key)) return []
          seen.add(key)
          return [[`${methodLabel(res.method)} <span class="dim">${METHOD_SECTIONS[res.method] ?? '§5'}</span>`, esc(c.name), esc(c.note ?? 'our approximation: the venue does not publish this formula')]]
        })
    )
  )
  return `<section class="appendix"><h2>Appendix B. Methodology and approximations</h2>
<p class="lead">Every method, formula and parameter source behind these figures, and each approximation of ours, is set out in ${esc(METHODOLOGY_SOURCE)}; the § numbers below are its sections.</p>
<dl class="method">${MODEL_APPROXIMATIONS.map((a) => `<dt>${esc(a.topic)} <span class="dim">(${esc(METHODOLOGY_DOC)} ${esc(a.section)})</span></dt><dd>${esc(a.text)}</dd>`).join('')}</dl>
<h3>Components that are our approximation</h3>
${approximations.length ? table(['Method', 'Component', 'Note'], approximations) : '<p>Every component in this report follows a published venue formula.</p>'}
<h3>Parameter sets</h3>
${table(['Set', 'Id', 'File', 'Source and scope'], r.paramSets.map((p) => [esc(p.label), `${esc(p.activeId)}${p.edited ? ' (edited)' : ''}`, esc(p.file), esc(p.comment ?? '—')]), { cls: 'dense' })}
</section>`
}

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 8.2pt; color: #111; margin: 0; line-height: 1.3; }
h1 { font-size: 17pt; margin: 0 0 1mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.2pt solid #1a237e; color: #1a237e; break-after: avoid; }
h3 { font-size: 9pt; margin: 3.5mm 0 1.2mm; break-after: avoid; }
.subtitle { font-size: 10pt; margin: 0 0 3mm; color: #333; }
.meta { display: grid; grid-template-columns: 32mm 1fr; gap: 0.6mm 3mm; margin: 0 0 2mm; padding: 2mm 3mm; background: #f3f4f8; border-left: 2pt solid #1a237e; }
.meta dt { font-weight: bold; } .meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2mm; }
th, td { padding: 0.7mm 1.4mm; border-bottom: 0.4pt solid #d0d3dc; text-align: left; vertical-align: top; }
th { background: #e8eaf2; font-weight: bold; font-size: 7.6pt; }
.nw { white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.dense { font-size: 6.9pt; } table.dense th, table.dense td { padding: 0.45mm 1mm; }
tr { break-inside: avoid; }
.lead { margin: 0 0 2mm; color: #333; }
.dim { color: #666; font-weight: normal; }
.na { color: #555; font-style: italic; }
.warn { color: #b71c1c; }
.tag { font-size: 6.5pt; padding: 0 1mm; border: 0.4pt solid #1a237e; color: #1a237e; border-radius: 1mm; }
.status { font-weight: bold; } .status.warning { color: #e65100; } .status.margin-call, .status.liquidation { color: #b71c1c; } .status.ok { color: #2e7d32; }
.bands-lead { margin: 2mm 0 0; } ul.bands { margin: 0 0 2mm; }
.keep, figure { break-inside: avoid; }
figure { margin: 0 0 3mm; } figcaption { margin: 0 0 1mm; }
figure svg { display: block; width: 100%; height: auto; }
.appendix { break-before: page; }
/* The P&L explain (section 9) is read as one page: its table, residual and waterfall together. */
section.explain { break-before: page; }
/* The full positions list: fixed layout, alignment per column rather than a class per cell (see positionsList). */
table.list { table-layout: fixed; font-size: 6.9pt; }
table.list th, table.list td { padding: 0.45mm 1mm; overflow-wrap: anywhere; }
table.list td:nth-child(n+3), table.list th:nth-child(n+3) { text-align: right; }
table.list td:nth-child(2) { white-space: nowrap; }
table.list td.err { text-align: left; color: #b71c1c; }
.notes { margin: 0 0 2mm; padding-left: 5mm; }
dl.method dt { font-weight: bold; margin-top: 1.5mm; } dl.method dd { margin: 0 0 0 4mm; }
`

export function reportHtml(r: MarginReportModel): string {
  const positions = new Map(r.positions.map((p) => [p.positionId, p]))
  const running = `Marginal · margin report · ${r.book.name}${r.account === null ? '' : ` · ${r.account}`}`
  const page = `@page { size: ${r.pageSize} portrait; margin: 15mm 12mm 14mm 12mm;
  @top-left { content: ${cssString(running)}; font: 7pt 'DejaVu Sans', sans-serif; color: #555; }
  @top-right { content: ${cssString(`as of ${utc(r.market.asOfUtc)} · snapshot ${r.market.id}`)}; font: 7pt 'DejaVu Sans', sans-serif; color: #555; }
  @bottom-left { content: ${cssString(`Generated ${utc(r.generatedAtUtc)}`)}; font: 7pt 'DejaVu Sans', sans-serif; color: #777; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7pt 'DejaVu Sans', sans-serif; color: #333; }
}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Margin report · ${esc(r.book.name)} · ${esc(utc(r.market.asOfUtc))}</title>
<meta name="generator" content="Marginal ${esc(r.appVersion)}">
<style>${page}${STYLE}</style></head><body>
${header(r)}
${summary(r.margin)}
${byMethod(r.margin)}
${riskArrays(r.margin)}
${profiles(r)}
${consumers(r.margin, positions)}
${stress(r)}
${riskStatistics(r)}
${hedges(r)}
${pnlExplain(r)}
${positionsAppendix(r)}
${methodologyAppendix(r)}
</body></html>`
}

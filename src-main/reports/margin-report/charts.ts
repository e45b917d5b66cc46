/**
 * The report's charts as vector SVG, by ECharts' server-side renderer (the same library and look as
 * the workstation's charts, no DOM needed): text stays text in the PDF, so axis labels are
 * searchable and print sharp at any zoom.
 */
import { init, use, type EChartsCoreOption } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, VisualMapComponent } from 'echarts/components'
import { scenarioGrid, VOL_COLUMNS } from '../../engine/margin/scenario-grid'
import type { ProfileCurve } from './report-model'
import type { ExplainAmounts } from './explain-section'

use([SVGRenderer, BarChart, HeatmapChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, VisualMapComponent])

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'

function svg(width: number, height: number, option: EChartsCoreOption): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option })
    return chart.renderToSVGString()
  } finally {
    // zrender keeps an animation timer per instance until disposed.
    chart.dispose()
  }
}

/** A method's risk array as a price × vol grid, P&L in the method's currency; the determining cell framed. */
export function riskArrayHeatmap(labels: readonly string[], pnl: readonly number[], determining: number | null, currency: string): string {
  const grid = scenarioGrid(labels, pnl)
  const extent = Math.max(1e-12, ...pnl.map((x) => Math.abs(x)))
  const height = Math.max(160, grid.rows.length * 17 + 70)
  return svg(640, height, {
    grid: { left: 170, right: 10, top: 8, bottom: 46 },
    xAxis: { type: 'category', data: [...VOL_COLUMNS], position: 'top', axisLabel: { fontSize: 9 }, splitArea: { show: true } },
    yAxis: { type: 'category', data: grid.rows, inverse: true, axisLabel: { fontSize: 8 } },
    visualMap: {
      dimension: 2,
      min: -extent,
      max: extent,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 180,
      itemWidth: 10,
      textStyle: { fontSize: 8 },
      text: [`gain (${currency})`, `loss (${currency})`],
      inRange: { color: ['#c62828', '#f5f5f5', '#2e7d32'] }
    },
    series: [
      {
        type: 'heatmap',
        data: grid.cells.map((c) => ({ value: [c.col, c.row, c.pnl], itemStyle: c.index === determining ? { borderColor: '#111', borderWidth: 2 } : undefined })),
        label: { show: true, fontSize: 7, formatter: (p: { value: number[] }) => p.value[2]!.toPrecision(3) }
      }
    ]
  })
}

/** USD P&L against the underlying's price: now and at the first expiry, zero line and today's index marked. */
export function profileChart(c: ProfileCurve): string {
  const x = c.movesPct.map((m) => c.indexUsd * (1 + m / 100))
  const series: object[] = [
    {
      name: 'now',
      type: 'line',
      showSymbol: false,
      lineStyle: { width: 1.6, color: '#1565c0' },
      data: x.map((p, j) => [p, c.nowUsd[j]]),
      markLine: {
        symbol: 'none',
        silent: true,
        label: { fontSize: 8, formatter: '{b}', position: 'insideEndTop' },
        lineStyle: { color: '#777', type: 'dashed', width: 0.8 },
        data: [{ name: `index ${Math.round(c.indexUsd).toLocaleString('en-US')} USD`, xAxis: c.indexUsd }, { name: '', yAxis: 0 }]
      }
    }
  ]
  if (c.atExpiry) series.push({ name: c.atExpiry.label, type: 'line', showSymbol: false, lineStyle: { width: 1.2, color: '#6a1b9a', type: 'dashed' }, data: x.map((p, j) => [p, c.atExpiry!.pnlUsd[j]]) })
  return svg(640, 250, {
    legend: { top: 0, right: 16, textStyle: { fontSize: 9 } },
    grid: { left: 80, right: 16, top: 30, bottom: 38 },
    xAxis: { type: 'value', min: x[0], max: x[x.length - 1], name: `${c.underlying} index (USD)`, nameLocation: 'middle', nameGap: 22, nameTextStyle: { fontSize: 9 }, axisLabel: { fontSize: 8 } },
    yAxis: { type: 'value', name: 'P&L (USD)', nameTextStyle: { fontSize: 9 }, axisLabel: { fontSize: 8 } },
    series
  })
}

/**
 * The P&L explain as a waterfall (issue 22 §2): each component a floating bar from the running sum
 * before it (gain green, loss red, the residual grey; an approximation of ours starred), then the
 * total from zero. An invisible base stacked under each bar, stacked whatever its sign ('all').
 */
export function explainWaterfall(components: readonly { name: keyof ExplainAmounts; label: string; published: boolean }[], amounts: ExplainAmounts, unit: string): string {
  let running = 0
  const bars = components.map((c) => {
    const a = amounts[c.name]
    const bar = { label: c.published ? c.label : `${c.label}*`, amount: a, base: Math.min(running, running + a), colour: c.name === 'residual' ? '#9e9e9e' : a >= 0 ? '#2e7d32' : '#c62828' }
    running += a
    return bar
  })
  bars.push({ label: 'Total', amount: amounts.total, base: Math.min(0, amounts.total), colour: '#1565c0' })
  return svg(640, 260, {
    grid: { left: 80, right: 16, top: 22, bottom: 58 },
    xAxis: { type: 'category', data: bars.map((b) => b.label), axisLabel: { fontSize: 8, interval: 0, rotate: 35 } },
    yAxis: { type: 'value', name: `P&L (${unit})`, nameTextStyle: { fontSize: 9 }, axisLabel: { fontSize: 8 } },
    series: [
      { type: 'bar', stack: 'w', stackStrategy: 'all', silent: true, itemStyle: { color: 'transparent' }, data: bars.map((b) => b.base) },
      {
        type: 'bar',
        stack: 'w',
        stackStrategy: 'all',
        barMaxWidth: 26,
        data: bars.map((b) => ({ value: Math.abs(b.amount), itemStyle: { color: b.colour } })),
        label: { show: true, position: 'top', fontSize: 7, formatter: (p: { dataIndex: number }) => Math.round(bars[p.dataIndex]!.amount).toLocaleString('en-US') }
      }
    ]
  })
}

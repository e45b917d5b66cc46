/**
 * Whether a grid cell's text surely fits its column, so the cell can do without its overflow clip.
 *
 * Why (issue 20, scrolling 10,000 rows): every cell AG Grid clips (`overflow: hidden`, for the
 * ellipsis) is a clip node and a paint chunk of its own, and Chromium re-layerizes every chunk of
 * the scroller on each scrolled frame (PaintArtifactCompositor::Update in a trace: ~3 ms of a
 * 100 px/frame scroll's ~18 ms main-thread frame for the ~550 cells of a screen; without the clips
 * 0.8 ms, and paint 3.6 → 1.4 ms). A cell whose text fits loses nothing without the clip. One that
 * may not fit keeps it, and its ellipsis: a number must never spill over its neighbour.
 *
 * Conservative by construction: widths are measured in the grid's font at its boldest weight
 * (group rows are bold), every digit counts as the widest digit, a margin is added, and when
 * nothing can be measured (no canvas) nothing is said to fit.
 */

/** Width in CSS px of a text as the grid would draw it, or null when it cannot be measured. */
export type TextWidth = (text: string) => number | null

/**
 * AG Grid's quartz cell: 1 px border and `--ag-cell-horizontal-padding` (2 × the theme's 6 px
 * spacing, theme/grid-theme.ts) on each side, plus a margin for kerning and rounding.
 */
const CELL_CHROME_PX = 2 * (1 + 12) + 6

/** True when `text` drawn in a column `columnPx` wide certainly stays inside the cell. */
export function textFits(text: string, columnPx: number, width: TextWidth): boolean {
  if (text === '') return true
  const w = width(text)
  return w !== null && w * 1.05 + CELL_CHROME_PX <= columnPx
}

/**
 * A TextWidth from per-character advances (`measureChar`, called once per character and cached):
 * digits all take the widest digit's advance (the grid uses tabular figures).
 */
export function charWidths(measureChar: (ch: string) => number | null): TextWidth {
  const cache = new Map<string, number | null>()
  const advance = (ch: string): number | null => {
    let w = cache.get(ch)
    if (w === undefined) {
      w = measureChar(ch)
      cache.set(ch, w)
    }
    return w
  }
  let digit: number | null | undefined
  const digitWidth = (): number | null => {
    if (digit !== undefined) return digit
    digit = 0
    for (const d of '0123456789') {
      const w = advance(d)
      if (w === null) return (digit = null)
      digit = Math.max(digit, w)
    }
    return digit
  }
  return (text) => {
    let sum = 0
    for (const ch of text) {
      const w = ch >= '0' && ch <= '9' ? digitWidth() : advance(ch)
      if (w === null) return null
      sum += w
    }
    return sum
  }
}

/**
 * The grid's text in the page: a canvas in the body's font family at the grid's 12.5 px
 * (theme/grid-theme.ts) and weight 600, made on first use. Null outside a browser.
 */
export function canvasTextWidth(fontSizePx = 12.5): TextWidth {
  // undefined until first asked; null when this page has no canvas to measure with.
  let measure: TextWidth | null | undefined
  return (text) => {
    if (measure === undefined) {
      const ctx = typeof document === 'undefined' ? null : (document.createElement('canvas').getContext?.('2d') ?? null)
      if (ctx) ctx.font = `600 ${fontSizePx}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`
      measure = ctx ? charWidths((ch) => ctx.measureText(ch).width) : null
    }
    return measure ? measure(text) : null
  }
}

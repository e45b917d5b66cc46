/**
 * The liquidation bands' text (src-preload/contract/liquidation.ts), as the dashboard, `cli margin`
 * and the PDF report state it: every band, nearest first, in USD of the index.
 */
import { describe, expect, it } from 'vitest'
import { bandsSayMore, indexLevelText, liquidationBandsText, liquidationText } from '../../src-preload/contract/liquidation'

describe('liquidation bands as text', () => {
  it('every band of a side, nearest first; an open band runs "and below" / "and above"', () => {
    expect(liquidationBandsText([{ fromUsd: 59_120.4, toUsd: 55_870 }, { fromUsd: 41_200, toUsd: null }], 'below')).toBe('59,120–55,870 USD; 41,200 USD and below')
    expect(liquidationBandsText([{ fromUsd: 101_581.18, toUsd: null }], 'above')).toBe('101,581 USD and above')
    expect(liquidationBandsText([], 'above')).toBe('')
  })

  it('bands are worth a line only when they say more than the nearest level: a band that closes, or several', () => {
    expect(bandsSayMore({ underlying: 'ETH', distancePct: 16.3, bandsDown: [], bandsUp: [{ fromUsd: 3_583, toUsd: null }] })).toBe(false)
    expect(bandsSayMore({ underlying: 'BTC', distancePct: -31.1, bandsDown: [{ fromUsd: 63_598, toUsd: 57_120 }], bandsUp: [] })).toBe(true)
    expect(bandsSayMore({ underlying: 'BTC', distancePct: -31.1, bandsDown: [{ fromUsd: 63_598, toUsd: null }], bandsUp: [{ fromUsd: 109_825, toUsd: null }] })).toBe(true)
    expect(bandsSayMore({ underlying: 'BTC', distancePct: null })).toBe(false)
  })

  it('both sides of an underlying; gone today; none in range', () => {
    const both = { underlying: 'BTC', distancePct: -31.1, bandsDown: [{ fromUsd: 63_598.4, toUsd: 57_120.3 }], bandsUp: [{ fromUsd: 109_824.6, toUsd: null }] }
    expect(liquidationText(both)).toBe('BTC liquidation bands below: 63,598–57,120 USD · above: 109,825 USD and above')
    expect(liquidationText({ underlying: 'ETH', distancePct: 0, bandsDown: [], bandsUp: [] })).toBe('ETH below MM now')
    expect(liquidationText({ underlying: 'ETH', distancePct: null, bandsDown: [], bandsUp: [] })).toBe('ETH: no liquidation within −95 % … +500 %')
  })

  it('index levels: whole dollars with separators from 100 up, cents below', () => {
    expect(indexLevelText(1_234_567.5)).toBe('1,234,568')
    expect(indexLevelText(3_081.5)).toBe('3,082')
    expect(indexLevelText(142.26)).toBe('142')
    expect(indexLevelText(0.5123)).toBe('0.51')
  })
})

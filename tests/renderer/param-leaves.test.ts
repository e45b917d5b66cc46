import { describe, expect, it } from 'vitest'
import { leafRows, parseLeaf, withLeaf } from '../../src-renderer/src/modules/parameters/param-leaves'

const shipped = { id: 'okx', tiers: [{ upTo: 10, factor: 1 }, { upTo: null, factor: 2 }], flag: true }

describe('parameter documents as editable leaves', () => {
  it('lists every leaf by dotted path with its shipped value, and writes one back without touching the rest', () => {
    const working = withLeaf(shipped, 'tiers.1.factor', 3)
    expect(shipped.tiers[1]!.factor).toBe(2)
    expect(leafRows(working, shipped)).toEqual([
      { path: 'id', value: 'okx', shipped: 'okx' },
      { path: 'tiers.0.upTo', value: 10, shipped: 10 },
      { path: 'tiers.0.factor', value: 1, shipped: 1 },
      { path: 'tiers.1.upTo', value: null, shipped: null },
      { path: 'tiers.1.factor', value: 3, shipped: 2 },
      { path: 'flag', value: true, shipped: true }
    ])
  })

  it('parses typed text like the shipped value: numbers (decimal comma too), null for an open bound, text kept for validation to name', () => {
    expect(parseLeaf('0,24', 0.16)).toBe(0.24)
    expect(parseLeaf(' 1_000_000 ', 5)).toBe(1_000_000)
    expect(parseLeaf('', 10)).toBeNull()
    expect(parseLeaf('null', null)).toBeNull()
    expect(parseLeaf('abc', 0.5)).toBe('abc')
    expect(parseLeaf('NaN', 0.5)).toBe('NaN')
    expect(parseLeaf('my-set', 'okx')).toBe('my-set')
    expect(parseLeaf('false', true)).toBe(false)
  })
})

/**
 * A parameter document as a list of editable leaves (dotted path → number, text or null) and back:
 * the parameters grid edits values in place, so the document keeps its shape; structural edits
 * (a new underlying, another tier) go through the JSON editor instead.
 */
export type Leaf = number | string | boolean | null

export interface LeafRow {
  path: string
  shipped: Leaf | undefined
  value: Leaf
}

export function leaves(doc: unknown, prefix = ''): { path: string; value: Leaf }[] {
  if (doc === null || typeof doc !== 'object') return [{ path: prefix, value: doc as Leaf }]
  const entries = Array.isArray(doc) ? doc.map((v, i) => [String(i), v] as const) : Object.entries(doc)
  return entries.flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
}

/** Rows of the working document with the shipped value beside each leaf (undefined when the shipped set has no such leaf). */
export function leafRows(working: unknown, shipped: unknown): LeafRow[] {
  const shippedByPath = new Map(leaves(shipped).map((l) => [l.path, l.value]))
  return leaves(working).map((l) => ({ path: l.path, value: l.value, shipped: shippedByPath.get(l.path) }))
}

/** A copy of `doc` with the leaf at `path` set to `value`. */
export function withLeaf<T>(doc: T, path: string, value: Leaf): T {
  const copy = structuredClone(doc) as Record<string, unknown>
  const keys = path.split('.')
  let node: Record<string, unknown> = copy
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>
  node[keys.at(-1)!] = value
  return copy as T
}

/**
 * Text typed into a cell → a leaf of the same kind as the shipped one: numbers parse (a decimal
 * comma too), "null" or empty clears an open bound; anything else stays text, so validation
 * names the field instead of a number silently becoming NaN.
 */
export function parseLeaf(text: string, like: Leaf | undefined): Leaf {
  const t = text.trim()
  if (typeof like === 'string') return text
  if (t === '' || t.toLowerCase() === 'null') return null
  if (typeof like === 'boolean') return t === 'true' ? true : t === 'false' ? false : t
  const n = Number(t.replace(/^(-?\d+),(\d+)$/, '$1.$2').replace(/_/g, ''))
  return Number.isFinite(n) ? n : t
}

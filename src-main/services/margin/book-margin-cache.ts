/**
 * The last bookMargin answer per book, reused while nothing it was computed from has changed (the
 * positions grid keeps its answer the same way: bookAnswerMemo is not margin-specific).
 * The workstation asks for a book's margin on every view that shows it (dashboard, margin grid,
 * positions' margin columns, reports): a 10,000-position book costs about half a second of CPU
 * per answer (the liquidation search dominates), the same answer each time until the book moves.
 *
 * Two checks. First the book file: not written since the answer (fileStamp), the answer stands,
 * with nothing read. Written (by anyone, for any book), everything bookMargin reads is read and
 * compared with what the answer was computed from: the book's market snapshot (immutable once
 * stored, so its id names it), the margin parameters saved in the file, the balances, and every
 * held position with its instrument, field by field. An import, an edit, a what-if change, a new
 * chain, a parameter save or a balance edit changes one of them, and the answer is computed afresh.
 */
import type { BookDb } from '../../book/database'

export interface MarginInputs {
  marketId: string | null
  params: unknown
  balances: unknown
  held: readonly unknown[]
}

/** Plain data equal field by field (objects, arrays, primitives; numbers by Object.is, so −0 ≠ 0 and NaN = NaN). */
export function samePlain(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], bb[i])) return false
    return true
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!samePlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/**
 * The last answer per book. `get` returns it (the same object: callers must not edit it) when the
 * book file has not been written since it was computed (`stamp`: see fileStamp), or, written, when
 * the inputs read afresh equal those it was computed from; else it computes, keeps and returns a
 * new one. `inputs` is called only when the stamp moved: an unchanged file costs no read at all.
 */
export function bookAnswerMemo<T>(): { get(bookId: number, stamp: string, inputs: () => MarginInputs, compute: () => T): T; readonly computed: number } {
  const last = new Map<number, { stamp: string; inputs: MarginInputs; value: T }>()
  let computed = 0
  return {
    get(bookId, stamp, inputs, compute) {
      const prev = last.get(bookId)
      if (prev && prev.stamp === stamp) return prev.value
      const now = inputs()
      if (prev && prev.inputs.marketId === now.marketId && samePlain(prev.inputs.params, now.params) && samePlain(prev.inputs.balances, now.balances) && samePlain(prev.inputs.held, now.held)) {
        prev.stamp = stamp
        return prev.value
      }
      const value = compute()
      computed++
      last.set(bookId, { stamp, inputs: now, value })
      return value
    },
    get computed() {
      return computed
    }
  }
}

/**
 * Whether the book file was written since: SQLite's data_version moves when another connection
 * (the import worker's) commits, total_changes() when this one inserts, updates or deletes. Both
 * unchanged: every table bookMargin reads (books, positions, instruments, market snapshots,
 * parameters, balances) is as it was.
 */
export function fileStamp(db: BookDb): string {
  const version = db.pragma('data_version', { simple: true })
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
  return `${String(version)}:${changes}`
}

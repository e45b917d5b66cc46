/**
 * The explain as the API returns it (src-preload/contract/explain.ts): instants as ISO strings, the
 * components' order and meaning for the table and the waterfall.
 */
import type { ExplainComponentName, ExplainPnlResponse } from '@contract/explain'
import { EXPLAIN_COMPONENT_INFO, EXPLAIN_COMPONENTS, type ExplainComponent } from '../../engine/explain/explain-types'
import type { BookExplain } from './explain-service'

const iso = (ms: number): string => new Date(ms).toISOString()

// The contract's enum and the engine's list name the same components (a compile-time check both ways).
type SameNames = [ExplainComponentName] extends [ExplainComponent] ? ([ExplainComponent] extends [ExplainComponentName] ? true : false) : false
const sameNames: SameNames = true
void sameNames

/** The reply; `positionRows: false` leaves the per-position rows out (the aggregates are the same). */
export function explainView(e: BookExplain, positionRows = true): ExplainPnlResponse {
  return {
    bookId: e.bookId,
    fromUtc: iso(e.window.fromMs),
    toUtc: iso(e.window.toMs),
    eodUtc: e.eodUtc,
    fromMarket: { id: e.fromMarket.id, asOfUtc: iso(e.fromMarket.asOfMs), source: e.fromMarket.source },
    toMarket: { id: e.toMarket.id, asOfUtc: iso(e.toMarket.asOfMs), source: e.toMarket.source },
    elapsedDays: e.elapsedYears * 365,
    components: EXPLAIN_COMPONENTS.map((name) => ({ name, ...EXPLAIN_COMPONENT_INFO[name] })),
    positionRows,
    rows: positionRows ? e.rows : [],
    groups: e.groups,
    byAccount: e.byAccount,
    byUnderlying: e.byUnderlying,
    book: e.book,
    notExplained: e.notExplained,
    notes: e.notes
  }
}

/**
 * What every margin method returns (docs/ARCHITECTURE.md): requirements, components (each
 * marked published or our documented approximation), the determining scenario, the portfolio
 * scenario vector, per-position attribution, and the ids of the parameter set and market snapshot
 * used. Amounts are in `currency`, positive = required.
 */
/** Every margin method, in the order they are shown: the one list (the contract's MarginMethodName is checked equal to it in services/margin-view.ts). */
export const MARGIN_METHODS = ['standard', 'span', 'deribit-pm', 'okx-pm', 'derive-pm', 'greeks'] as const
export type MarginMethod = (typeof MARGIN_METHODS)[number]

/** The house liquidity and concentration add-ons: reported beside the methods, never as one. */
export type AddOnsMethod = 'add-ons'

export type ResultMethod = MarginMethod | AddOnsMethod

export interface MarginComponent {
  name: string
  amount: number
  /** true when the venue publishes this formula; false for our documented approximation. */
  published: boolean
  note?: string
}

export interface MarginResult<M extends ResultMethod = MarginMethod> {
  method: M
  currency: string
  initialMargin: number
  maintenanceMargin: number
  components: MarginComponent[]
  determiningScenario: { index: number; label: string; pnl: number } | null
  /** Portfolio P&L per scenario (gain positive), in `currency`; null for non-scenario methods. */
  scenarioPnl: Float64Array | null
  scenarioLabels: string[]
  /** Per position (input order): its P&L in the determining scenario, or its own margin for standard. */
  attribution: Float64Array
  /** Per position: the margin it would need alone (IM). */
  standalone: Float64Array
  /** Per position: book IM minus book IM without it (negative when it hedges). */
  incremental: Float64Array
  paramsId: string
  marketId: string
}

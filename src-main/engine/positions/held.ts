/**
 * A position as an account holds it between imports: size, average entry and, for venues that
 * settle futures P&L into cash, where the unsettled P&L runs from. Plain data shared by the import
 * plan (importers/plan.ts) and the book's reads (book/import-repository.ts).
 */
import type { Instrument, UnpricedInstrument } from '../instruments/instrument'

export interface HeldLot {
  sizeContracts: number
  avgPrice: number | null
  /**
   * Where the position's unsettled P&L runs from at venues that settle futures P&L into cash
   * (Deribit: the last 08:00 UTC settlement price, then averaged with the session's fills like the
   * entry price is); null: from the average entry price.
   */
  sessionPrice?: number | null
}

/** A position the account already holds, with the instrument the book knows it as. */
export interface HeldRecord extends HeldLot {
  instrument: Instrument | UnpricedInstrument
  /** Settled by Marginal at its expiry: out of the open book, kept so the venue's own rows can replace the settlement. */
  settled?: boolean
}

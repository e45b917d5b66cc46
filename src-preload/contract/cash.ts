/**
 * Cash and balances across the boundary: an import's reconciliation per account and currency, the
 * book's balances with where each comes from, and hand edits.
 * Amounts are in `currency` (BTC for a Deribit BTC account, USDT…), never converted.
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import { BookRequest } from './books'
import { cashAmount } from './bounds'
import type { MethodTable } from './method-table'

const currency = z.string().trim().min(1).max(12).regex(/^[A-Za-z0-9]+$/, 'a currency code: letters and digits')

/** The balance before a statement's first row in a currency, when the book's ledger does not reach it. */
export const OpeningBalanceView = z.object({
  line: z.number().int(),
  atUtc: isoUtc,
  /** What the statement implies the balance was before its first row; null for flows-only statements. */
  statementBalance: z.number().nullable(),
  /** The book's cash ledger before that instant. */
  ledgerBefore: z.number(),
  /** statementBalance − ledgerBefore (or the amount the trader gave): what is missing. */
  missing: z.number(),
  /** Whether the import books `missing` as an 'opening_balance' ledger row. */
  booked: z.boolean()
})

/** One account and currency of an import: the statement's balance against the book's ledger. */
export const CashLine = z.object({
  account: z.string(),
  currency: z.string(),
  /** The venue's balance printed on the statement's last row in this currency; null: the statement carries flows only. */
  statementBalance: z.number().nullable(),
  statementAtUtc: isoUtc.nullable(),
  statementLine: z.number().int().nullable(),
  /** Decimal places the statement prints; the tolerance is half its last digit, at least 1e-8. */
  decimals: z.number().int().nullable(),
  /** The book's cash ledger up to the statement's last row (this import's rows and opening balance included). */
  ledger: z.number(),
  /** statementBalance − ledger; null for flows-only statements. */
  difference: z.number().nullable(),
  /** The difference is above the tolerance: shown as a warning, never absorbed. */
  warning: z.boolean(),
  /** Σ of this import's new cash rows in the currency. */
  newFlows: z.number(),
  cashBefore: z.number(),
  cashAfter: z.number(),
  /** How the cash after the import is set: the statement's balance, an existing newer anchor, or the ledger. */
  cashSource: z.enum(['statement', 'newer anchor', 'ledger']),
  opening: OpeningBalanceView.nullable()
})

export const OpeningBalanceChoice = z.object({ currency, amount: cashAmount() }).strict()

export const BalanceView = z.object({
  accountId: id,
  account: z.string(),
  venue: z.string(),
  currency: z.string(),
  /** Cash, before haircuts. */
  amount: z.number(),
  /** Futures P&L the venue books to cash at its next settlement (Deribit's session P&L). */
  unsettledPnl: z.number(),
  /** Σ of the cash ledger (every imported cash row): equals `amount` when no anchor sits after missing rows. */
  ledger: z.number(),
  anchor: z
    .object({ amount: z.number(), atUtc: isoUtc, source: z.enum(['statement', 'manual', 'seed']), note: z.string().nullable() })
    .nullable()
})

export const BalancesResponse = z.object({
  bookId: id,
  /** Every account of the book, with or without cash yet (balances can be set for any). */
  accounts: z.array(z.object({ id, name: z.string(), venue: z.string() })),
  balances: z.array(BalanceView)
})

export const SetBalanceRequest = z
  .object({
    bookId: id,
    accountId: id,
    currency,
    amount: cashAmount(),
    note: z.string().trim().max(200).nullable().optional()
  })
  .strict()

export type CashLine = z.output<typeof CashLine>
export type BalanceView = z.output<typeof BalanceView>

export const cashMethods = {
  /** Cash per account and currency: amount, unsettled futures P&L, the ledger, and where the figure comes from. */
  listBalances: { request: BookRequest, response: BalancesResponse },
  /** Set an account's cash by hand (live book: anchored now, with an audit row; what-if books: as is). */
  setBalance: { request: SetBalanceRequest, response: BalancesResponse }
} as const satisfies MethodTable

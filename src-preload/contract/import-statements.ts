/**
 * Statement and market-data imports: formats, a dry-run preview, the all-or-nothing commit, and hand mapping of unknown CSVs.
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import { EmptyRequest } from './common'
import { CashLine, OpeningBalanceChoice } from './cash'
import type { MethodTable } from './method-table'

/** Statements up to 64 MB cross the boundary as text (a 100,000-row Deribit log is about 15 MB). */
export const MAX_STATEMENT_CHARS = 64_000_000

export const column = z.string().min(1).max(200)
/** A user's column mapping for a CSV no built-in format recognises (saved as a preset per broker). */
export const GenericMapping = z
  .object({
    venue: z.enum(['deribit', 'okx', 'bybit', 'binance', 'ibkr']),
    time: column,
    instrument: column,
    side: column.nullable(),
    size: column,
    price: column.nullable(),
    fee: column.nullable(),
    feeCurrency: z.string().max(10).nullable(),
    id: column.nullable(),
    decimalComma: z.boolean(),
    accountName: z.string().trim().min(1).max(100),
    /** The broker's running cash balance after the row: the last row's is the account's cash. */
    balance: column.nullable().optional(),
    /** The row's cash change (the ledger); with a balance column, the first row tells the opening balance. */
    cashChange: column.nullable().optional(),
    /** Which column names the balance's currency; else feeCurrency, else USD. */
    balanceCurrency: column.nullable().optional()
  })
  .strict()

export const ImportRequest = z
  .object({
    bookId: id,
    fileName: z.string().min(1).max(255),
    text: z.string().min(1, 'the file is empty').max(MAX_STATEMENT_CHARS, 'the file is larger than 64 MB'),
    accountName: z.string().trim().min(1).max(100).optional(),
    format: z.string().max(64).optional(),
    /** Market files whose name does not say what they price. */
    underlying: z.string().trim().min(1).max(20).optional(),
    quoteCurrency: z.string().trim().min(1).max(10).optional(),
    source: z.string().trim().min(1).max(40).optional(),
    mapping: GenericMapping.optional(),
    /**
     * A statement that does not start at the account's opening: 'take' (default) books the balance
     * before its first row as an opening-balance ledger row, 'skip' leaves the difference showing.
     */
    openingBalance: z.enum(['take', 'skip']).optional(),
    /** Opening balances the trader gives (flows-only statements), per currency; they replace the implied ones. */
    openingBalances: z
      .array(OpeningBalanceChoice)
      .max(50)
      .refine((xs) => new Set(xs.map((x) => x.currency.toUpperCase())).size === xs.length, 'one opening balance per currency')
      .optional(),
    /** When an option chain without its own snapshot time was taken (Deribit tickers with Greeks). */
    asOf: z.iso.datetime({ offset: true }).optional()
  })
  .strict()
  .refine((r) => (r.format === 'generic-csv') === (r.mapping !== undefined), {
    message: "a mapping goes with format 'generic-csv', and that format needs one",
    path: ['mapping']
  })

export const InspectCsvRequest = z.object({ fileName: z.string().min(1).max(255), text: z.string().min(1).max(MAX_STATEMENT_CHARS) }).strict()
export const InspectCsvResponse = z.object({ header: z.array(z.string()), sample: z.array(z.array(z.string())), rows: z.number().int() })

export const ImportCommitRequest = ImportRequest.and(z.object({ allowPartial: z.boolean(), taskId: z.string().min(1).max(64).optional() }))

export const RowIssue = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.string().nullable(),
  reason: z.string(),
  severity: z.enum(['rejected', 'skipped', 'warning'])
})

export const ImportPreview = z.object({
  dataset: z.enum(['statement', 'prices', 'vol-index', 'funding', 'option-chain']),
  /** Market data: per series, the days covered and how many are new. */
  series: z.array(
    z.object({ name: z.string(), first: z.string().nullable(), last: z.string().nullable(), rows: z.number().int(), new: z.number().int(), duplicate: z.number().int() })
  ),
  fileName: z.string(),
  sha256: z.string(),
  format: z.string(),
  formatLabel: z.string(),
  venue: z.string(),
  accountName: z.string(),
  accountExists: z.boolean(),
  alreadyImportedAt: isoUtc.nullable(),
  rowsTotal: z.number().int(),
  trades: z.object({ new: z.number().int(), duplicate: z.number().int() }),
  cashFlows: z.object({ new: z.number().int(), duplicate: z.number().int() }),
  positionChanges: z.array(
    z.object({
      venue: z.string(),
      symbol: z.string(),
      priced: z.boolean(),
      notPricedReason: z.string().nullable(),
      beforeContracts: z.number(),
      afterContracts: z.number(),
      beforeAvgPrice: z.number().nullable(),
      afterAvgPrice: z.number().nullable(),
      source: z.enum(['trades', 'balance', 'statement'])
    })
  ),
  /** The first issues in line order (all of them up to 5,000); the counts are always complete. */
  issues: z.array(RowIssue),
  issuesTotal: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  warnings: z.number().int(),
  /** Per currency: the statement's balance against the book's ledger, and the cash before → after. */
  cash: z.array(CashLine),
  /** What the file says as a whole (flows only, trades only, time zone taken…). */
  notes: z.array(z.string())
})

export const ImportResult = z.object({
  importId: z.number().int().nullable(),
  accountId: z.number().int().nullable(),
  tradesAdded: z.number().int(),
  cashFlowsAdded: z.number().int(),
  positionsChanged: z.number().int(),
  rejected: z.number().int(),
  marketRowsAdded: z.number().int(),
  cash: z.array(CashLine)
})

export const ImportFormats = z.array(z.object({ id: z.string(), label: z.string() }))

export type ImportPreview = z.output<typeof ImportPreview>
export type ImportResult = z.output<typeof ImportResult>
export type RowIssue = z.output<typeof RowIssue>
export type GenericMapping = z.output<typeof GenericMapping>

export const importMethods = {
  importFormats: { request: EmptyRequest, response: ImportFormats },
  /** Dry run: what importing the statement would add, change and skip. Writes nothing. */
  previewImport: { request: ImportRequest, response: ImportPreview },
  /** One transaction; refused with code rejected_rows unless allowPartial. */
  commitImport: { request: ImportCommitRequest, response: ImportResult },
  /** Header and sample rows of a CSV, for mapping its columns by hand. */
  inspectCsv: { request: InspectCsvRequest, response: InspectCsvResponse }
} as const satisfies MethodTable

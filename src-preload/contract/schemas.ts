/**
 * Runtime schemas for every request and response crossing the renderer ↔ main boundary.
 * Both hosts (Electron IPC and the browser host's HTTP API) validate payloads with these, and the
 * renderer parses responses with them, so a contract break fails loudly at the boundary
 * (the rotki pattern, see ../shared/STYLE.md).
 *
 * Units are in the field names wherever an amount could be read two ways.
 */
import { z } from 'zod'
import { CashLine, OpeningBalanceChoice } from './cash'

const isoUtc = z.string().describe('ISO-8601 instant in UTC')
const id = z.number().int().positive()

export const EmptyRequest = z.object({}).strict()

export const HostKind = z.enum(['electron', 'browser'])

export const AppInfo = z.object({
  appVersion: z.string(),
  host: HostKind,
  bookPath: z.string(),
  schemaVersion: z.number().int(),
  sqliteVersion: z.string(),
  workerCount: z.number().int().positive()
})

/** live: the trader's own book, filled by imports only; demo: the shipped sample, read-only; whatif: copies to edit. */
export const BookKind = z.enum(['live', 'whatif', 'demo'])

export const BookSummary = z.object({
  id,
  name: z.string(),
  kind: BookKind,
  parentId: id.nullable(),
  isDemo: z.boolean(),
  createdAtUtc: isoUtc,
  accountCount: z.number().int().nonnegative(),
  positionCount: z.number().int().nonnegative(),
  /** The snapshot the book is valued on: the live book's own when the book follows it. */
  marketSnapshotId: z.string().nullable(),
  /** A what-if book that follows the live book's market (updated by every chain import) rather than holding its own copy. */
  followsLiveMarket: z.boolean(),
  /** Positions past their expiry not yet settled (no settlement price yet): they are left out of every figure. */
  awaitingSettlement: z.number().int().nonnegative()
})

export const BookRequest = z.object({ bookId: id }).strict()

/** 'unknown': a symbol no parser understands, kept in the book as "not priced". */
export const InstrumentKind = z.enum(['spot', 'perpetual', 'future', 'option', 'unknown'])
export const SettlementType = z.enum(['linear', 'inverse'])
export const OptionType = z.enum(['call', 'put'])

/** One position as the positions grid shows it. Sizes are signed: long > 0, short < 0. */
export const PositionRow = z.object({
  positionId: id,
  accountId: id,
  accountName: z.string(),
  venue: z.string(),
  symbol: z.string(),
  kind: InstrumentKind,
  settlement: SettlementType.nullable(),
  /** '' for an unknown instrument. */
  underlying: z.string(),
  quoteCurrency: z.string(),
  settleCurrency: z.string(),
  /** Expiry instant, null for spot and perpetuals. */
  expiryUtc: isoUtc.nullable(),
  strikeUsd: z.number().nullable(),
  optionType: OptionType.nullable(),
  sizeContracts: z.number(),
  contractSize: z.number().positive(),
  /** Currency the contract size is counted in: 'usd' for inverse futures ($10 a contract), else the coin. */
  contractUnit: z.string(),
  /** Size in underlying coin (contracts × contract size, USD contracts converted at the mark). */
  sizeCoin: z.number().nullable(),
  avgPrice: z.number().nullable(),
  /** Currency of avgPrice and markPrice: a coin for inverse options, else the quote currency. */
  priceCurrency: z.string(),
  markPrice: z.number().nullable(),
  markIvPct: z.number().nullable(),
  indexUsd: z.number().nullable(),
  /** Engine valuation (null with valuationError set when the market cannot value the position). */
  valuation: z
    .object({
      underlyingUsd: z.number(),
      modelPrice: z.number(),
      volPct: z.number().nullable(),
      settleCurrency: z.string(),
      valueSettle: z.number(),
      valueUsd: z.number(),
      pnlSettle: z.number().nullable(),
      pnlUsd: z.number().nullable(),
      deltaCoin: z.number(),
      gammaCoinPer1Pct: z.number(),
      vegaUsdPerPoint: z.number(),
      thetaUsdPerDay: z.number()
    })
    .nullable(),
  valuationError: z.string().nullable()
})

export const PositionsResponse = z.object({
  bookId: id,
  marketSnapshotId: z.string().nullable(),
  asOfUtc: isoUtc.nullable(),
  rows: z.array(PositionRow)
})

export const MarketSummary = z.object({
  id: z.string(),
  asOfUtc: isoUtc,
  source: z.string(),
  /**
   * Per underlying: its index and when its data was taken (a market is assembled one chain per
   * underlying; the snapshot's asOfUtc, the valuation instant, is the newest of them).
   */
  underlyings: z.array(z.object({ underlying: z.string(), indexUsd: z.number().positive(), asOfUtc: isoUtc, source: z.string() })),
  instrumentCount: z.number().int().nonnegative()
})

export const MarketResponse = z.object({ snapshot: MarketSummary.nullable() })

/** The market panel: forward curve and vol smiles per underlying, from the engine's market view. */
export const MarketDetail = z.object({
  snapshot: MarketSummary.nullable(),
  underlyings: z.array(
    z.object({
      underlying: z.string(),
      indexUsd: z.number(),
      forwards: z.array(
        z.object({
          expiryUtc: isoUtc,
          days: z.number(),
          forwardUsd: z.number(),
          basisPct: z.number(),
          annualisedBasisPct: z.number(),
          /** quoted: a futures mark or venue forward; interpolated: basis interpolated in time. */
          source: z.enum(['quoted', 'interpolated'])
        })
      ),
      smiles: z.array(
        z.object({
          expiryUtc: isoUtc,
          forwardUsd: z.number(),
          atmVolPct: z.number(),
          quotes: z.array(z.object({ strikeUsd: z.number(), volPct: z.number() })),
          /** The surface sampled across the quoted strike range and a margin beyond it. */
          curve: z.array(z.object({ strikeUsd: z.number(), volPct: z.number() }))
        })
      )
    })
  )
})

const uiStateKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash or underscore')

export const UiStateGetRequest = z.object({ key: uiStateKey }).strict()
export const UiStateGetResponse = z.object({ key: z.string(), value: z.unknown().nullable() })
export const UiStateSetRequest = z
  .object({ key: uiStateKey, value: z.unknown() })
  .strict()
  .refine((r) => r.value !== undefined && JSON.stringify(r.value).length <= 256_000, {
    message: 'must be JSON of at most 256,000 characters',
    path: ['value']
  })
export const OkResponse = z.object({ ok: z.literal(true) })

export const MatrixSelfTestRequest = z
  .object({
    taskId: z.string().min(1).max(64),
    positions: z.number().int().min(1).max(100_000),
    scenarios: z.number().int().min(1).max(10_000),
    seed: z.number().int().nonnegative().default(1)
  })
  .strict()
  // 20 M cells = 160 MB of Float64: the largest matrix worth holding in one process for a self-test.
  .refine((r) => r.positions * r.scenarios <= 20_000_000, {
    message: 'positions × scenarios must be at most 20,000,000 cells',
    path: ['scenarios']
  })

export const MatrixSelfTestResponse = z.object({
  taskId: z.string(),
  positions: z.number().int(),
  scenarios: z.number().int(),
  chunks: z.number().int(),
  workerCount: z.number().int(),
  durationMs: z.number(),
  /** Largest |pool column sum − single-thread column sum| over all scenarios. */
  maxAbsError: z.number(),
  worstScenarioIndex: z.number().int(),
  worstScenarioPnl: z.number()
})

export const CancelRequest = z.object({ taskId: z.string().min(1).max(64) }).strict()
export const CancelResponse = z.object({ cancelled: z.boolean() })

export const EngineStatus = z.object({
  workerCount: z.number().int(),
  busyWorkers: z.number().int(),
  queuedTasks: z.number().int(),
  workersReplaced: z.number().int(),
  tasksCompleted: z.number().int()
})

/** Statements up to 64 MB cross the boundary as text (a 100,000-row Deribit log is about 15 MB). */
export const MAX_STATEMENT_CHARS = 64_000_000

const column = z.string().min(1).max(200)
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

export const MarginMethodName = z.enum(['standard', 'deribit-pm', 'span', 'okx-pm', 'greeks'])

const MarginResultView = z.object({
  method: MarginMethodName,
  currency: z.string(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  components: z.array(z.object({ name: z.string(), amount: z.number(), published: z.boolean(), note: z.string().optional() })),
  determiningScenario: z.object({ index: z.number().int(), label: z.string(), pnl: z.number() }).nullable(),
  /** Portfolio P&L per scenario, in `currency`, gain positive. */
  scenarioPnl: z.array(z.number()).nullable(),
  scenarioLabels: z.array(z.string()),
  /** Per position of the group (positionIds order): P&L in the determining scenario (standard: own IM). */
  attribution: z.array(z.number()),
  /** Per position: IM alone, and book IM minus book IM without it. */
  standalone: z.array(z.number()),
  incremental: z.array(z.number()),
  paramsId: z.string(),
  marketId: z.string()
})

const PoolHealthView = z.object({
  pool: z.string(),
  account: z.string(),
  venue: z.string(),
  currency: z.string(),
  method: MarginMethodName,
  collateral: z.number(),
  positionsValue: z.number(),
  equity: z.number(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  /** Ratios (1 = 100 %); null stands for "infinite" (margin due with no equity). */
  imUtilisation: z.number().nullable(),
  mmUtilisation: z.number().nullable(),
  status: z.enum(['ok', 'warning', 'margin call', 'liquidation']),
  /** The same figures under every method that margins the whole pool. */
  byMethod: z.array(
    z.object({
      method: MarginMethodName,
      initialMargin: z.number(),
      maintenanceMargin: z.number(),
      imUtilisation: z.number().nullable(),
      mmUtilisation: z.number().nullable(),
      status: z.enum(['ok', 'warning', 'margin call', 'liquidation'])
    })
  ),
  liquidation: z.array(
    z.object({ underlying: z.string(), indexUsd: z.number(), downUsd: z.number().nullable(), upUsd: z.number().nullable(), distancePct: z.number().nullable() })
  ),
  notes: z.array(z.string())
})

export const BookMarginResponse = z.object({
  marketId: z.string().nullable(),
  accounts: z.array(
    z.object({
      account: z.string(),
      venue: z.string(),
      currency: z.string(),
      /** The OKX risk unit / underlying of a USD group; null for a settlement-currency group. */
      riskUnit: z.string().nullable(),
      pool: z.string(),
      positionIds: z.array(z.number().int()),
      symbols: z.array(z.string()),
      results: z.array(MarginResultView),
      /** House liquidity and concentration add-ons, shown beside the methods (never part of them). */
      addOns: MarginResultView.extend({ method: z.literal('add-ons') }).nullable()
    })
  ),
  health: z.array(PoolHealthView),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

export const ScenarioDrillRequest = z.object({
  bookId: z.number().int().positive(),
  account: z.string(),
  currency: z.string(),
  riskUnit: z.string().nullable(),
  method: MarginMethodName,
  scenarioIndex: z.number().int().nonnegative()
})

export const ScenarioDrillResponse = ScenarioDrillRequest.omit({ bookId: true }).extend({
  label: z.string(),
  positions: z.array(z.object({ positionId: z.number().int(), symbol: z.string(), pnl: z.number() }))
})

export const MarginParamKind = z.enum(['deribit-pm', 'standard', 'span', 'okx-pm', 'collateral', 'add-ons', 'stress'])

/** One kind of margin parameter set: the shipped file and the user's edit of it, if any. */
export const MarginParamSetView = z.object({
  kind: MarginParamKind,
  label: z.string(),
  /** The shipped file under resources/, and its comment (sources, what is approximated). */
  file: z.string(),
  comment: z.string().nullable(),
  defaultDocument: z.record(z.string(), z.unknown()),
  userDocument: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.string().nullable(),
  /** The id results name: the user's set when there is one, else the shipped one. */
  activeId: z.string()
})
export const MarginParamsResponse = z.array(MarginParamSetView)
export const SaveMarginParamsRequest = z.object({ kind: MarginParamKind, document: z.record(z.string(), z.unknown()) })
export const MarginParamKindRequest = z.object({ kind: MarginParamKind })

// ── Statistical risk (issue 6): VaR/ES, stress tests, backtests. Amounts in USD. ──────────────

const taskId = z.string().min(1).max(64)
const utcDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD')
const confidence = z.number().gt(0.5).lt(1)
/** A number JSON can carry: NaN (an estimate that does not exist) travels as null. */
const estimate = z.number().nullable()

export const VarRequest = z
  .object({
    taskId,
    bookId: id,
    method: z.enum(['historical', 'monte-carlo']),
    horizonDays: z.union([z.literal(1), z.literal(2)]),
    lookbackDays: z.number().int().min(30).max(20_000).optional(),
    confidences: z.array(confidence).min(1).max(4).default([0.99, 0.995]),
    ewmaLambda: z.number().gt(0).lt(1).optional(),
    useVolIndex: z.boolean().default(true),
    stressedFloor: z.boolean().default(false),
    apcBuffer: z.boolean().default(false),
    simulations: z.number().int().min(100).max(200_000).optional(),
    seed: z.number().int().nonnegative().optional(),
    nu: z.number().gt(2).max(1000).optional(),
    correlation: z.enum(['estimated', 'one', 'zero']).optional()
  })
  .strict()
  .refine((r) => r.method === 'historical' || !(r.stressedFloor || r.ewmaLambda !== undefined), { message: 'the stressed floor and EWMA filtering apply to historical simulation', path: ['stressedFloor'] })

const HistoryView = z.object({
  firstDay: z.string(),
  lastDay: z.string(),
  days: z.number().int(),
  series: z.array(z.object({ underlying: z.string(), quoteCurrency: z.string(), source: z.string() }))
})
const NotCovered = z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
/** Where each underlying's history was cut: its market's as-of and the newest daily close that allows (no look-ahead). */
const AsOfCutView = z.object({ underlying: z.string(), asOfUtc: isoUtc, lastAllowedDay: utcDay })
/** The history a result ran over, cut at the market's as-of: UTC days; `text` says it in one line. */
const HistoryWindowView = z.object({
  firstDay: z.string(),
  lastDay: z.string(),
  count: z.number().int(),
  /** windows: historical h-day windows; daily returns: a Monte Carlo calibration; days tested: a backtest. */
  unit: z.enum(['windows', 'daily returns', 'days tested']),
  horizonDays: z.number().int(),
  /** The first and last window (close → close); null for a Monte Carlo calibration. */
  firstWindow: z.object({ from: utcDay, to: utcDay }).nullable(),
  lastWindow: z.object({ from: utcDay, to: utcDay }).nullable(),
  cuts: z.array(AsOfCutView),
  text: z.string()
})

export const VarResponse = z.object({
  method: z.enum(['historical', 'monte-carlo']),
  currency: z.literal('USD'),
  horizonDays: z.number().int(),
  scenarioSetId: z.string(),
  scenarios: z.number().int(),
  history: HistoryView,
  /** Historical: the windows used; Monte Carlo: the calibration period. */
  window: HistoryWindowView,
  volMoves: z.string(),
  requirementRule: z.string(),
  levels: z.array(
    z.object({
      confidence: z.number(),
      valueAtRisk: z.number(),
      expectedShortfall: z.number(),
      varStandardError: estimate,
      esStandardError: estimate,
      varScenario: z.string(),
      stressedVar: z.number().nullable(),
      requirement: z.number()
    })
  ),
  /** P&L distribution: bin edges (USD, one more than counts) and scenarios per bin. */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }),
  /** The worst scenarios, worst first. */
  worst: z.array(z.object({ label: z.string(), pnl: z.number() })),
  /** Euler allocations per position at each level (same order as levels): they add up to ES and VaR. */
  components: z.array(z.object({ positionId: id, symbol: z.string(), expectedShortfall: z.array(z.number()), valueAtRisk: z.array(z.number()) })),
  notCovered: NotCovered,
  durationMs: z.number()
})

export const StressRequest = z.object({ bookId: id }).strict()

export const StressResponse = z.object({
  libraryId: z.string(),
  currency: z.literal('USD'),
  underlyings: z.array(z.string()),
  historyNote: z.string(),
  /** The history the historical scenarios came from, cut at the market's as-of; episodes after it are left out and named. */
  historyWindow: z.object({
    lastDay: utcDay.nullable(),
    byUnderlying: z.array(z.object({ underlying: z.string(), firstDay: utcDay, lastDay: utcDay })),
    cuts: z.array(AsOfCutView),
    episodesLeftOut: z.array(z.string()),
    text: z.string()
  }),
  scenarios: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['worst move', 'episode', 'hypothetical']),
      window: z.string().nullable(),
      /** Relative move per underlying, in the order of `underlyings`. */
      moves: z.array(z.number()),
      unmoved: z.array(z.string()),
      volMove: z.string(),
      elapsedDays: z.number(),
      note: z.string().nullable(),
      pnl: z.number(),
      /** Each position's P&L (order of `positions`). */
      positionPnl: z.array(z.number())
    })
  ),
  positions: z.array(z.object({ positionId: id, account: z.string(), symbol: z.string() })),
  notCovered: NotCovered
})

export const BacktestMethodName = z.enum(['hs-var', 'standard', 'span', 'deribit-pm', 'okx-pm', 'greeks'])

export const BacktestRequest = z
  .object({
    taskId,
    bookId: id,
    method: BacktestMethodName,
    horizonDays: z.union([z.literal(1), z.literal(2)]),
    confidence: confidence.default(0.99),
    lookbackDays: z.number().int().min(30).max(20_000).optional(),
    from: utcDay.optional(),
    to: utcDay.optional(),
    stressedFloor: z.boolean().default(false),
    apcBuffer: z.boolean().default(false),
    useVolIndex: z.boolean().default(true)
  })
  .strict()
  .refine((r) => r.method === 'hs-var' || !(r.stressedFloor || r.apcBuffer || r.lookbackDays !== undefined), { message: 'lookback, stressed floor and buffer apply to hs-var', path: ['method'] })

const Zone = z.enum(['green', 'yellow', 'red'])
const LikelihoodRatioView = z.object({ lr: z.number(), pValue: z.number(), reject: z.boolean() })

export const BacktestResponse = z.object({
  method: BacktestMethodName,
  label: z.string(),
  currency: z.literal('USD'),
  horizonDays: z.number().int(),
  confidence: z.number(),
  lookbackDays: z.number().int().nullable(),
  requirementRule: z.string(),
  volMoves: z.string(),
  history: HistoryView,
  /** The days tested, on history cut at the market's as-of. */
  window: HistoryWindowView,
  positions: z.number().int(),
  notCovered: NotCovered,
  days: z.array(z.string()),
  requirementUsd: z.array(z.number()),
  realisedLossUsd: z.array(z.number()),
  exception: z.array(z.boolean()),
  /** Zone of the 250-day window ending on each day (null before the first full window). */
  zone: z.array(Zone.nullable()),
  stats: z.object({
    days: z.number().int(),
    exceptions: z.number().int(),
    expectedRate: z.number(),
    observedRate: z.number(),
    coverage: z.number(),
    kupiec: LikelihoodRatioView,
    christoffersen: LikelihoodRatioView,
    worstZone: Zone
  }),
  zoneCounts: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
  durationMs: z.number()
})

export const ApiEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('task.progress'),
    taskId: z.string(),
    done: z.number(),
    total: z.number()
  }),
  z.object({ type: z.literal('engine.status'), status: EngineStatus })
])

/** refused = no or wrong token, or a foreign Host/Origin/frame: the caller is not the workstation. */
/** rejected_rows: an import refused because rows were rejected; nothing was written. */
/** unavailable: the machine lacks what the method needs (no Chromium to print a PDF); the message says what. */
export const ApiErrorCode = z.enum(['invalid_request', 'refused', 'not_found', 'cancelled', 'rejected_rows', 'unreadable_file', 'unavailable', 'internal'])
export const ApiError = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** Dotted path of the offending field for invalid_request. */
  field: z.string().optional()
})

/** Every reply, over IPC and HTTP alike: errors travel as values, not as transport failures. */
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError })
])

// ── What-if books, the trade ticket and compare ─────────────────────────────────────────────

const bookName = z.string().trim().min(1).max(80)
export const CopyBookRequest = z.object({ bookId: id, name: bookName, blank: z.boolean().default(false) }).strict()
export const RenameBookRequest = z.object({ bookId: id, name: bookName }).strict()

/** One ticket: an instrument of one account (symbol in the venue's own spelling), a side, a size. */
export const Ticket = z
  .object({
    accountId: id,
    symbol: z.string().trim().min(1).max(80),
    side: z.enum(['buy', 'sell']),
    sizeContracts: z.number().positive().finite(),
    /** Fill price in the instrument's price currency; the mark when absent. */
    price: z.number().positive().finite().nullable().optional()
  })
  .strict()

const TradableInstrumentView = z.object({
  venue: z.string(),
  symbol: z.string(),
  kind: InstrumentKind,
  underlying: z.string(),
  settlement: SettlementType,
  settleCurrency: z.string(),
  expiryMs: z.number().nullable(),
  strikeUsd: z.number().nullable(),
  optionType: OptionType.nullable(),
  contractSize: z.number(),
  contractUnit: z.string(),
  lotSize: z.number(),
  price: z.number(),
  priceCurrency: z.string(),
  ivPct: z.number().nullable(),
  priceSource: z.enum(['mark', 'model'])
})
export const TradeInstrumentsResponse = z.object({
  accounts: z.array(z.object({ id, name: z.string(), venue: z.string() })),
  instruments: z.array(TradableInstrumentView)
})

const ResolvedTicketView = z.object({
  account: z.object({ id, name: z.string(), venue: z.string() }),
  symbol: z.string(),
  kind: InstrumentKind,
  requestedContracts: z.number(),
  /** Signed and rounded to the lot: buy > 0. */
  sizeContracts: z.number(),
  lotSize: z.number(),
  price: z.number(),
  priceCurrency: z.string(),
  priceSource: z.enum(['mark', 'model', 'ticket']),
  /** Premium or cost moved by the trade (paid < 0), in cashCurrency; 0 for futures and perpetuals. */
  cashAmount: z.number(),
  cashCurrency: z.string().nullable(),
  cashUsd: z.number(),
  notionalUsd: z.number()
})

/** A figure in both books: base, other, and other − base. */
const PairView = z.object({ base: z.number().nullable(), other: z.number().nullable(), change: z.number().nullable() })
const MarginDiffView = z.object({
  margin: z.array(
    z.object({
      group: z.string(),
      account: z.string(),
      currency: z.string(),
      riskUnit: z.string().nullable(),
      /** A margin method, or 'add-ons' (house add-ons, beside the methods). */
      method: z.string(),
      initialMargin: PairView,
      maintenanceMargin: PairView
    })
  ),
  health: z.array(
    z.object({
      pool: z.string(),
      currency: z.string(),
      method: z.string(),
      equity: PairView,
      /** Ratios (1 = 100 %); null: infinite (margin due with no equity). */
      imUtilisation: PairView,
      mmUtilisation: PairView,
      statusBase: z.string().nullable(),
      statusOther: z.string().nullable()
    })
  )
})

export const TradesRequest = z.object({ bookId: id, tickets: z.array(Ticket).min(1).max(500) }).strict()
export const QuoteTradesResponse = z.object({
  tickets: z.array(ResolvedTicketView),
  diff: MarginDiffView,
  notCoveredAfter: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})
export const ApplyTradesResponse = z.object({ book: BookSummary, tickets: z.array(ResolvedTicketView) })

/** Resize positions to new signed sizes (0 closes), or scale them (all, or the ids given). */
export const EditPositionsRequest = z
  .object({
    bookId: id,
    resize: z.array(z.object({ positionId: id, sizeContracts: z.number().finite() }).strict()).max(5000).optional(),
    scale: z.object({ factor: z.number().min(0).max(100), positionIds: z.array(id).optional() }).strict().optional()
  })
  .strict()
  .refine((r) => (r.resize === undefined) !== (r.scale === undefined), { message: 'give either resize or scale' })

export const CompareBooksRequest = z.object({ baseBookId: id, bookId: id }).strict()
export const CompareBooksResponse = z.object({
  baseBookId: id,
  otherBookId: id,
  diff: MarginDiffView,
  greeks: z.array(
    z.object({ underlying: z.string(), deltaCoin: PairView, gammaCoinPer1Pct: PairView, vegaUsdPerPoint: PairView, thetaUsdPerDay: PairView })
  ),
  stress: z.array(z.object({ scenario: z.string(), kind: z.string(), pnlUsd: PairView })),
  stressNote: z.string()
})

// ── P&L explorer ────────────────────────────────────────────────────────────────────────────

/** A book as the explorer's kernel reads it (engine/profile/profile-book.ts), arrays as JSON. */
const ProfileBookView = z.object({
  asOfMs: z.number(),
  underlyings: z.array(z.string()),
  indexUsd: z.array(z.number()),
  rowStart: z.array(z.number().int()),
  rowEnd: z.array(z.number().int()),
  arrays: z.object({
    count: z.number().int(),
    currencies: z.array(z.string()),
    kind: z.array(z.number().int()),
    underlyingIndex: z.array(z.number().int()),
    currencyIndex: z.array(z.number().int()),
    units: z.array(z.number()),
    forward: z.array(z.number()),
    strike: z.array(z.number()),
    years: z.array(z.number()),
    vol: z.array(z.number()),
    isCall: z.array(z.number().int()),
    baseValue: z.array(z.number()),
    volSkewUp: z.array(z.number()),
    volSkewDown: z.array(z.number())
  }),
  currencyUsd: z.array(z.number()),
  currencyUnderlying: z.array(z.number().int()),
  legs: z.array(
    z.object({
      positionId: z.number().int().nullable(),
      symbol: z.string(),
      account: z.string(),
      kind: z.enum(['spot', 'perpetual', 'future', 'option']),
      sizeContracts: z.number(),
      expiryMs: z.number().nullable(),
      strikeUsd: z.number().nullable(),
      optionType: OptionType.nullable()
    })
  )
})
export type ProfileBookJson = z.output<typeof ProfileBookView>
export const ProfileModelResponse = z.object({
  bookId: id,
  book: ProfileBookView,
  /** The what-if book's parent (the live book it was copied from), for live vs what-if curves. */
  parent: z.object({ bookId: id, name: z.string(), book: ProfileBookView }).nullable(),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

// ── Greeks by expiry and strike ─────────────────────────────────────────────────────────────

export const GreeksGridResponse = z.object({
  bookId: id,
  /** Term-normalised vega: vega × √(refDays / days to expiry). */
  vegaRefDays: z.number(),
  rows: z.array(
    z.object({
      underlying: z.string(),
      /** null: perpetuals and spot. */
      expiryMs: z.number().nullable(),
      daysToExpiry: z.number().nullable(),
      /** null: the expiry's futures (and perpetuals, spot). */
      strikeUsd: z.number().nullable(),
      positions: z.number().int(),
      deltaCoin: z.number(),
      gammaCoinPer1Pct: z.number(),
      vegaUsdPerPoint: z.number(),
      vegaNormalisedUsdPerPoint: z.number(),
      thetaUsdPerDay: z.number()
    })
  ),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

// ── Scenario editor ─────────────────────────────────────────────────────────────────────────

export const ScenarioUnderlyingSpec = z
  .object({
    /** value: the index goes to `amount` USD; abs: moves by `amount` USD; pct: by `amount` %. */
    priceMode: z.enum(['value', 'abs', 'pct']),
    priceAmount: z.number().finite(),
    /** abs: vol points added; rel: % of each vol (10 = vols × 1.1). */
    volMode: z.enum(['abs', 'rel']),
    volAmount: z.number().finite().min(-100).max(500),
    /** Short expiries move more: the shift × (30 days / days to expiry)^0.5. */
    termResponse: z.boolean()
  })
  .strict()
export const ScenarioSpec = z
  .object({
    /** Days after the market snapshot the scenario is valued at (0 = now). */
    days: z.number().min(0).max(3650),
    underlyings: z.record(z.string().regex(/^[A-Z0-9]+$/, 'underlyings are upper case'), ScenarioUnderlyingSpec)
  })
  .strict()
export const RunScenarioRequest = z.object({ bookId: id, scenario: ScenarioSpec }).strict()
export const RunScenarioResponse = z.object({
  bookId: id,
  /** The moves applied, per underlying (relative price move, vol shift in points or %). */
  applied: z.array(z.object({ underlying: z.string(), fromUsd: z.number(), toUsd: z.number(), move: z.number(), vol: z.string() })),
  positions: z.array(z.object({ positionId: z.number().int(), account: z.string(), symbol: z.string(), pnlSettle: z.number(), settleCurrency: z.string(), pnlUsd: z.number(), expired: z.boolean() })),
  byUnderlying: z.array(z.object({ underlying: z.string(), pnlUsd: z.number() })),
  totalUsd: z.number(),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})
/** A saved scenario; one that no longer reads (an older or hand-edited book file) comes with its problem and no scenario. */
export const SavedScenario = z.object({ name: z.string(), scenario: ScenarioSpec.nullable(), problem: z.string().nullable(), updatedAtUtc: isoUtc })
export const SavedScenariosResponse = z.array(SavedScenario)
export const SaveScenarioRequest = z.object({ name: bookName, scenario: ScenarioSpec }).strict()
export const ScenarioNameRequest = z.object({ name: bookName }).strict()

// ── Hedging suggestions ─────────────────────────────────────────────────────────────────────

/** Forbid selling options the account does not hold short already (closing longs stays allowed). Default true for every hedge. */
const noNewShortOptions = z.boolean().default(true)
/** Where a trade fills: the mark ± half the bid-ask (the price its estimated cost assumes, and the one "Apply" books). */
const FillView = { markPrice: z.number(), fillPrice: z.number(), priceCurrency: z.string() }
/** A figure the trades make worse (services/hedge/worsens.ts): a method's IM or MM, a pool's utilisation, a stress scenario's P&L. */
const WorseningView = z.object({
  kind: z.enum(['method', 'pool', 'stress']),
  name: z.string(),
  method: z.string().nullable(),
  measure: z.enum(['IM', 'MM', 'IM utilisation', 'MM utilisation', 'P&L']),
  before: z.number(),
  /** null: infinite utilisation (margin due, no equity left). */
  after: z.number().nullable(),
  /** The group's currency, '%' for utilisation (100 = all of equity), 'USD' for stress P&L. */
  unit: z.string()
})
/** Per pool: the equity change after the trades at their fills, taken apart against the estimated cost (services/hedge/reconcile.ts). */
const ReconciliationView = z.object({
  pool: z.string(),
  currency: z.string(),
  equityBefore: z.number(),
  equityAfter: z.number(),
  equityChange: z.number(),
  cashChange: z.number(),
  positionsValueChange: z.number(),
  costTotal: z.number(),
  valuationGap: z.number(),
  /** USD pools: the collateral haircut on the coin cash the trades move. */
  haircutEffect: z.number(),
  residual: z.number(),
  explanation: z.string()
})
/** What every hedge response carries besides its trades: what they make worse, and the cost reconciled with equity. */
const ReviewFields = { worsens: z.array(WorseningView), reconciliation: z.array(ReconciliationView) }

export const HedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    currency: z.string().min(1),
    riskUnit: z.string().nullable(),
    method: MarginMethodName,
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([z.number().positive(), z.number().positive()]).refine(([a, b]) => a < b, { message: 'moneyness: low must be below high' }).optional(),
    noNewShortOptions,
    maxLegs: z.number().int().min(1).max(20).optional(),
    /** Keep the group's delta (coin of its underlying) in [low, high] after the hedge. */
    deltaBand: z.tuple([z.number().finite(), z.number().finite()]).refine(([lo, hi]) => lo <= hi, { message: 'a band is [low, high] with low ≤ high' }).optional()
  })
  .strict()
export const HedgeResponse = z.object({
  group: z.string(),
  method: MarginMethodName,
  currency: z.string(),
  /** exact: the LP minimises the method itself; scenario part: only its worst scenario (then recomputed in full). */
  lpScope: z.enum(['exact', 'scenario part']),
  candidates: z.number().int(),
  trades: z.array(
    z.object({
      accountId: id,
      symbol: z.string(),
      kind: InstrumentKind,
      side: z.enum(['buy', 'sell']),
      contracts: z.number().positive(),
      /** Estimated cost: half the bid-ask × size, in `currency` and USD. */
      cost: z.number(),
      costUsd: z.number(),
      ...FillView
    })
  ),
  before: z.object({ initialMargin: z.number(), maintenanceMargin: z.number() }),
  after: z.object({ initialMargin: z.number(), maintenanceMargin: z.number() }),
  costTotal: z.number(),
  lpObjective: z.number(),
  /** The group's delta (coin) before and after. */
  deltaBefore: z.number(),
  deltaAfter: z.number(),
  solveMs: z.number(),
  /** Every method and pool before and after the trades (the same quote as the trade ticket's). */
  diff: MarginDiffView,
  greeks: z.array(z.object({ underlying: z.string(), deltaCoin: PairView, gammaCoinPer1Pct: PairView, vegaUsdPerPoint: PairView, thetaUsdPerDay: PairView })),
  /** The stress library on the book before and after the trades, USD. */
  stress: z.array(z.object({ scenario: z.string(), kind: z.string(), pnlUsd: PairView })),
  /** The same hedge with fewer legs, ranked by IM after + cost (the suggestion itself included). */
  alternatives: z.array(z.object({ legs: z.number().int(), initialMarginAfter: z.number(), costTotal: z.number(), symbols: z.array(z.string()) })),
  ...ReviewFields
})

export const ReduceRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    currency: z.string().min(1),
    riskUnit: z.string().nullable(),
    method: MarginMethodName,
    /** Target IM / equity (0.8 = 80 %). */
    target: z.number().gt(0).max(10)
  })
  .strict()
export const ReduceResponse = z.object({
  group: z.string(),
  method: MarginMethodName,
  currency: z.string(),
  lpScope: z.enum(['exact', 'scenario part']),
  equity: z.number(),
  target: z.number(),
  before: z.object({ initialMargin: z.number(), utilisation: z.number() }),
  after: z.object({ initialMargin: z.number(), utilisation: z.number() }),
  /** Partial closes: trades against the positions, in contracts (lots), with the fraction closed. */
  closes: z.array(z.object({ accountId: id, symbol: z.string(), side: z.enum(['buy', 'sell']), contracts: z.number().positive(), fraction: z.number(), cost: z.number(), ...FillView })),
  costTotal: z.number(),
  reached: z.boolean(),
  diff: MarginDiffView,
  ...ReviewFields
})

const Band = z.tuple([z.number().finite(), z.number().finite()]).refine(([lo, hi]) => lo <= hi, { message: 'a band is [low, high] with low ≤ high' })
export const GreekHedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    underlying: z.string().regex(/^[A-Z0-9]+$/, 'underlyings are upper case'),
    mode: z.enum(['delta', 'targets']),
    /** Delta hedge instrument (venue symbol); default the venue's perpetual, else its nearest future. */
    instrument: z.string().min(1).optional(),
    /** Bands: delta in coin, gamma in coin per 1 % move, vega in USD per vol point. */
    bands: z.object({ delta: Band.optional(), gamma: Band.optional(), vega: Band.optional() }).strict().optional(),
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    noNewShortOptions
  })
  .strict()
const GreeksView = z.object({ delta: z.number(), gamma: z.number(), vega: z.number() })
export const GreekHedgeResponse = z.object({
  account: z.string(),
  underlying: z.string(),
  mode: z.enum(['delta', 'targets']),
  trades: z.array(z.object({ accountId: id, symbol: z.string(), kind: InstrumentKind, side: z.enum(['buy', 'sell']), contracts: z.number().positive(), costUsd: z.number(), ...FillView })),
  /** The account's Greeks in the underlying: delta (coin), gamma (coin per 1 %), vega (USD per vol point). */
  before: GreeksView,
  after: GreeksView,
  costUsd: z.number(),
  diff: MarginDiffView,
  ...ReviewFields
})

export const EsHedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    /** The account the trades go to (its venue's instruments are the candidates); ES is of the whole book. */
    account: z.string().min(1),
    confidence: z.number().gt(0.5).lt(1).default(0.975),
    horizonDays: z.union([z.literal(1), z.literal(2)]).default(1),
    lookbackDays: z.number().int().min(30).max(10_000).optional(),
    scenarioSource: z.enum(['historical', 'monte-carlo']).optional(),
    simulations: z.number().int().min(100).max(20_000).optional(),
    seed: z.number().int().optional(),
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    maxLegs: z.number().int().min(1).max(20).optional(),
    noNewShortOptions
  })
  .strict()
export const EsHedgeResponse = z.object({
  account: z.string(),
  confidence: z.number(),
  scenarioSource: z.enum(['historical', 'monte-carlo']),
  scenarios: z.number().int(),
  historyFrom: z.string(),
  historyTo: z.string(),
  candidates: z.number().int(),
  trades: z.array(z.object({ accountId: id, symbol: z.string(), kind: InstrumentKind, side: z.enum(['buy', 'sell']), contracts: z.number().positive(), costUsd: z.number(), ...FillView })),
  before: z.object({ expectedShortfallUsd: z.number() }),
  after: z.object({ expectedShortfallUsd: z.number() }),
  costUsd: z.number(),
  solveMs: z.number(),
  diff: MarginDiffView,
  ...ReviewFields
})

// ── Exports ─────────────────────────────────────────────────────────────────────────────────

export const ExportSheetName = z.enum(['Positions', 'Margin', 'Health', 'Greeks by expiry', 'About'])
export const ExportBookRequest = z
  .object({
    bookId: id,
    format: z.enum(['xlsx', 'csv']),
    /** CSV is one sheet (default Positions); XLSX has them all. */
    sheet: ExportSheetName.optional()
  })
  .strict()
export const ExportBookResponse = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() })

/** The PDF margin report (issue 9): progress as task.progress when taskId is given, cancelTask. */
export const MarginReportRequest = z
  .object({
    bookId: id,
    taskId: taskId.optional(),
    /** One account's positions and balances; the whole book when absent. */
    account: z.string().min(1).max(200).optional(),
    pageSize: z.enum(['A4', 'Letter']).default('A4'),
    /** VaR/ES and the HS-VaR backtest (needs imported daily history; the section says why when absent). */
    statistics: z.boolean().default(true),
    /** The margin-minimising hedge of each margin group (an LP per group). */
    hedges: z.boolean().default(false)
  })
  .strict()
export const MarginReportResponse = z.object({ fileName: z.string(), mimeType: z.literal('application/pdf'), base64: z.string(), generatedAtUtc: isoUtc, bytes: z.number().int() })

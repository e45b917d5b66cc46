/**
 * The one API contract between the renderer and the main process.
 * `MarginalApi` is what the renderer calls; `apiMethods` holds the request and response schema of
 * each method. The Electron preload bridge and the browser host's HTTP client both `satisfy` the
 * interface, and both main-side hosts validate against the schemas.
 */
import type { z } from 'zod'
import * as s from './schemas'
import * as cash from './cash'
import * as expiry from './expiry'

export const apiMethods = {
  appInfo: { request: s.EmptyRequest, response: s.AppInfo },
  listBooks: { request: s.EmptyRequest, response: s.BookSummary.array() },
  listPositions: { request: s.BookRequest, response: s.PositionsResponse },
  currentMarket: { request: s.BookRequest, response: s.MarketResponse },
  marketDetail: { request: s.BookRequest, response: s.MarketDetail },
  getUiState: { request: s.UiStateGetRequest, response: s.UiStateGetResponse },
  setUiState: { request: s.UiStateSetRequest, response: s.OkResponse },
  runMatrixSelfTest: { request: s.MatrixSelfTestRequest, response: s.MatrixSelfTestResponse },
  cancelTask: { request: s.CancelRequest, response: s.CancelResponse },
  engineStatus: { request: s.EmptyRequest, response: s.EngineStatus },
  importFormats: { request: s.EmptyRequest, response: s.ImportFormats },
  previewImport: { request: s.ImportRequest, response: s.ImportPreview },
  commitImport: { request: s.ImportCommitRequest, response: s.ImportResult },
  inspectCsv: { request: s.InspectCsvRequest, response: s.InspectCsvResponse },
  bookMargin: { request: s.BookRequest, response: s.BookMarginResponse },
  scenarioDrill: { request: s.ScenarioDrillRequest, response: s.ScenarioDrillResponse },
  marginParams: { request: s.EmptyRequest, response: s.MarginParamsResponse },
  saveMarginParams: { request: s.SaveMarginParamsRequest, response: s.MarginParamSetView },
  resetMarginParams: { request: s.MarginParamKindRequest, response: s.MarginParamSetView },
  runVar: { request: s.VarRequest, response: s.VarResponse },
  runStress: { request: s.StressRequest, response: s.StressResponse },
  runBacktest: { request: s.BacktestRequest, response: s.BacktestResponse },
  copyBook: { request: s.CopyBookRequest, response: s.BookSummary },
  renameBook: { request: s.RenameBookRequest, response: s.BookSummary },
  deleteBook: { request: s.BookRequest, response: s.OkResponse },
  tradeInstruments: { request: s.BookRequest, response: s.TradeInstrumentsResponse },
  quoteTrades: { request: s.TradesRequest, response: s.QuoteTradesResponse },
  applyTrades: { request: s.TradesRequest, response: s.ApplyTradesResponse },
  editPositions: { request: s.EditPositionsRequest, response: s.ApplyTradesResponse },
  compareBooks: { request: s.CompareBooksRequest, response: s.CompareBooksResponse },
  profileModel: { request: s.BookRequest, response: s.ProfileModelResponse },
  greeksGrid: { request: s.BookRequest, response: s.GreeksGridResponse },
  runScenario: { request: s.RunScenarioRequest, response: s.RunScenarioResponse },
  savedScenarios: { request: s.EmptyRequest, response: s.SavedScenariosResponse },
  saveScenario: { request: s.SaveScenarioRequest, response: s.SavedScenariosResponse },
  deleteScenario: { request: s.ScenarioNameRequest, response: s.SavedScenariosResponse },
  suggestHedge: { request: s.HedgeRequest, response: s.HedgeResponse },
  reduceToTarget: { request: s.ReduceRequest, response: s.ReduceResponse },
  greekHedge: { request: s.GreekHedgeRequest, response: s.GreekHedgeResponse },
  esHedge: { request: s.EsHedgeRequest, response: s.EsHedgeResponse },
  exportBook: { request: s.ExportBookRequest, response: s.ExportBookResponse },
  marginReport: { request: s.MarginReportRequest, response: s.MarginReportResponse },
  listBalances: { request: s.BookRequest, response: cash.BalancesResponse },
  setBalance: { request: cash.SetBalanceRequest, response: cash.BalancesResponse },
  removeDemo: { request: s.EmptyRequest, response: s.OkResponse },
  restoreDemo: { request: s.EmptyRequest, response: s.BookSummary },
  backupBook: { request: cash.BackupRequest, response: cash.BackupResponse },
  setBookMarket: { request: expiry.SetBookMarketRequest, response: s.BookSummary },
  settledPositions: { request: s.BookRequest, response: expiry.SettledPositionsResponse }
} as const

export type MethodName = keyof typeof apiMethods
export const methodNames = Object.keys(apiMethods) as MethodName[]

export type RequestOf<M extends MethodName> = z.input<(typeof apiMethods)[M]['request']>
export type ParsedRequestOf<M extends MethodName> = z.output<(typeof apiMethods)[M]['request']>
export type ResponseOf<M extends MethodName> = z.output<(typeof apiMethods)[M]['response']>

export type AppInfo = z.output<typeof s.AppInfo>
export type BookSummary = z.output<typeof s.BookSummary>
export type PositionRow = z.output<typeof s.PositionRow>
export type PositionsResponse = z.output<typeof s.PositionsResponse>
export type MarketSummary = z.output<typeof s.MarketSummary>
export type MarketDetail = z.output<typeof s.MarketDetail>
export type EngineStatus = z.output<typeof s.EngineStatus>
export type ApiEvent = z.output<typeof s.ApiEvent>
export type ApiError = z.output<typeof s.ApiError>
export type Envelope = z.output<typeof s.Envelope>
export type InstrumentKind = z.output<typeof s.InstrumentKind>
export type ImportPreview = z.output<typeof s.ImportPreview>
export type ImportResult = z.output<typeof s.ImportResult>
export type RowIssue = z.output<typeof s.RowIssue>
export type GenericMapping = z.output<typeof s.GenericMapping>
export type BookMarginResponse = z.output<typeof s.BookMarginResponse>
export type ScenarioDrillResponse = z.output<typeof s.ScenarioDrillResponse>
export type MarginMethodName = z.output<typeof s.MarginMethodName>
export type MarginParamSetView = z.output<typeof s.MarginParamSetView>
export type MarginParamKind = z.output<typeof s.MarginParamKind>
export type VarResponse = z.output<typeof s.VarResponse>
export type StressResponse = z.output<typeof s.StressResponse>
export type BacktestResponse = z.output<typeof s.BacktestResponse>
export type BacktestMethodName = z.output<typeof s.BacktestMethodName>
export type TradeInstrumentsResponse = z.output<typeof s.TradeInstrumentsResponse>
export type TicketRequest = z.input<typeof s.Ticket>
export type QuoteTradesResponse = z.output<typeof s.QuoteTradesResponse>
export type CompareBooksResponse = z.output<typeof s.CompareBooksResponse>
export type ProfileModelResponse = z.output<typeof s.ProfileModelResponse>
export type ProfileBookJson = s.ProfileBookJson
export type GreeksGridResponse = z.output<typeof s.GreeksGridResponse>
export type ScenarioSpec = z.output<typeof s.ScenarioSpec>
export type RunScenarioResponse = z.output<typeof s.RunScenarioResponse>
export type SavedScenario = z.output<typeof s.SavedScenario>
export type HedgeResponse = z.output<typeof s.HedgeResponse>
export type HedgeRequestInput = z.input<typeof s.HedgeRequest>
export type ReduceResponse = z.output<typeof s.ReduceResponse>
export type GreekHedgeResponse = z.output<typeof s.GreekHedgeResponse>
export type EsHedgeResponse = z.output<typeof s.EsHedgeResponse>
export type CashLine = z.output<typeof cash.CashLine>
export type BalanceView = z.output<typeof cash.BalanceView>
export type BackupResponse = z.output<typeof cash.BackupResponse>
export type SettledPosition = z.output<typeof expiry.SettledPosition>

export interface MarginalApi {
  appInfo(req: RequestOf<'appInfo'>): Promise<ResponseOf<'appInfo'>>
  listBooks(req: RequestOf<'listBooks'>): Promise<ResponseOf<'listBooks'>>
  listPositions(req: RequestOf<'listPositions'>): Promise<ResponseOf<'listPositions'>>
  currentMarket(req: RequestOf<'currentMarket'>): Promise<ResponseOf<'currentMarket'>>
  marketDetail(req: RequestOf<'marketDetail'>): Promise<ResponseOf<'marketDetail'>>
  getUiState(req: RequestOf<'getUiState'>): Promise<ResponseOf<'getUiState'>>
  setUiState(req: RequestOf<'setUiState'>): Promise<ResponseOf<'setUiState'>>
  runMatrixSelfTest(req: RequestOf<'runMatrixSelfTest'>): Promise<ResponseOf<'runMatrixSelfTest'>>
  cancelTask(req: RequestOf<'cancelTask'>): Promise<ResponseOf<'cancelTask'>>
  engineStatus(req: RequestOf<'engineStatus'>): Promise<ResponseOf<'engineStatus'>>
  importFormats(req: RequestOf<'importFormats'>): Promise<ResponseOf<'importFormats'>>
  /** Dry run: what importing the statement would add, change and skip. Writes nothing. */
  previewImport(req: RequestOf<'previewImport'>): Promise<ResponseOf<'previewImport'>>
  /** One transaction; refused with code rejected_rows unless allowPartial. */
  commitImport(req: RequestOf<'commitImport'>): Promise<ResponseOf<'commitImport'>>
  /** Header and sample rows of a CSV, for mapping its columns by hand. */
  inspectCsv(req: RequestOf<'inspectCsv'>): Promise<ResponseOf<'inspectCsv'>>
  /** Margin by every implemented method, per account and settlement currency. */
  bookMargin(req: RequestOf<'bookMargin'>): Promise<ResponseOf<'bookMargin'>>
  scenarioDrill(req: RequestOf<'scenarioDrill'>): Promise<ResponseOf<'scenarioDrill'>>
  /** Every kind of margin parameter set: shipped and user-edited documents, and the id in use. */
  marginParams(req: RequestOf<'marginParams'>): Promise<ResponseOf<'marginParams'>>
  /** Validate and save the user's set of one kind (invalid_request naming the field otherwise). */
  saveMarginParams(req: RequestOf<'saveMarginParams'>): Promise<ResponseOf<'saveMarginParams'>>
  /** Drop the user's set of one kind: the shipped file applies again. */
  resetMarginParams(req: RequestOf<'resetMarginParams'>): Promise<ResponseOf<'resetMarginParams'>>
  /** VaR and ES of a book (historical or Monte Carlo), in the worker pool: progress events, cancelTask. */
  runVar(req: RequestOf<'runVar'>): Promise<ResponseOf<'runVar'>>
  /** The stress library on a book: P&L per scenario and per position, worst first. */
  runStress(req: RequestOf<'runStress'>): Promise<ResponseOf<'runStress'>>
  /** A method's requirement each day vs the realised loss of the book over the imported history. */
  runBacktest(req: RequestOf<'runBacktest'>): Promise<ResponseOf<'runBacktest'>>
  /** Copy a book (or only its accounts and collateral: blank) into a new what-if book. */
  copyBook(req: RequestOf<'copyBook'>): Promise<ResponseOf<'copyBook'>>
  renameBook(req: RequestOf<'renameBook'>): Promise<ResponseOf<'renameBook'>>
  /** Delete a what-if book (the live book is refused). */
  deleteBook(req: RequestOf<'deleteBook'>): Promise<ResponseOf<'deleteBook'>>
  /** The ticket's accounts and the instruments it can price on the book's snapshot. */
  tradeInstruments(req: RequestOf<'tradeInstruments'>): Promise<ResponseOf<'tradeInstruments'>>
  /** Pre-trade: every method's IM/MM and each pool's utilisation before and after the tickets. Writes nothing. */
  quoteTrades(req: RequestOf<'quoteTrades'>): Promise<ResponseOf<'quoteTrades'>>
  /** Book tickets into a what-if book, all or none. */
  applyTrades(req: RequestOf<'applyTrades'>): Promise<ResponseOf<'applyTrades'>>
  /** Resize (0 closes) or scale a what-if book's positions, traded at the mark. */
  editPositions(req: RequestOf<'editPositions'>): Promise<ResponseOf<'editPositions'>>
  /** Two books side by side: margin by method, utilisation, Greeks and stress, with differences. */
  compareBooks(req: RequestOf<'compareBooks'>): Promise<ResponseOf<'compareBooks'>>
  /** The book (and a what-if book's parent) as the P&L explorer's kernel reads it. */
  profileModel(req: RequestOf<'profileModel'>): Promise<ResponseOf<'profileModel'>>
  /** Delta, gamma, vega (raw and 30-day normalised), theta per underlying, expiry and strike. */
  greeksGrid(req: RequestOf<'greeksGrid'>): Promise<ResponseOf<'greeksGrid'>>
  /** Value the book under a scenario from the editor: per position and per underlying. */
  runScenario(req: RequestOf<'runScenario'>): Promise<ResponseOf<'runScenario'>>
  savedScenarios(req: RequestOf<'savedScenarios'>): Promise<ResponseOf<'savedScenarios'>>
  /** Save (or replace) a named scenario; returns the list. */
  saveScenario(req: RequestOf<'saveScenario'>): Promise<ResponseOf<'saveScenario'>>
  deleteScenario(req: RequestOf<'deleteScenario'>): Promise<ResponseOf<'deleteScenario'>>
  /** The margin-minimising hedge of one margining group by an exact LP (HiGHS), lot-rounded, the method recomputed. */
  suggestHedge(req: RequestOf<'suggestHedge'>): Promise<ResponseOf<'suggestHedge'>>
  /** The cheapest partial closes that bring a pool's utilisation under a target (exact LP), lot-rounded and recomputed. */
  reduceToTarget(req: RequestOf<'reduceToTarget'>): Promise<ResponseOf<'reduceToTarget'>>
  /** A delta hedge with one instrument, or delta/gamma/vega bands reached at least cost (LP), in lots. */
  greekHedge(req: RequestOf<'greekHedge'>): Promise<ResponseOf<'greekHedge'>>
  /** The hedge minimising the book's historical-simulation ES (Rockafellar–Uryasev LP), in lots. */
  esHedge(req: RequestOf<'esHedge'>): Promise<ResponseOf<'esHedge'>>
  /** The book's grids as an XLSX workbook (every sheet) or one sheet as CSV: numbers as numbers, units in headers. */
  exportBook(req: RequestOf<'exportBook'>): Promise<ResponseOf<'exportBook'>>
  /** The PDF margin report of a book (or one account), printed by Chromium: progress events, cancelTask. */
  marginReport(req: RequestOf<'marginReport'>): Promise<ResponseOf<'marginReport'>>
  /** Cash per account and currency: amount, unsettled futures P&L, the ledger, and where the figure comes from. */
  listBalances(req: RequestOf<'listBalances'>): Promise<ResponseOf<'listBalances'>>
  /** Set an account's cash by hand (live book: anchored now, with an audit row; what-if books: as is). */
  setBalance(req: RequestOf<'setBalance'>): Promise<ResponseOf<'setBalance'>>
  /** Delete the demo book from this file (its what-if copies go with it). */
  removeDemo(req: RequestOf<'removeDemo'>): Promise<ResponseOf<'removeDemo'>>
  /** Put the demo book back (seeded afresh) when it was removed. */
  restoreDemo(req: RequestOf<'restoreDemo'>): Promise<ResponseOf<'restoreDemo'>>
  /** A consistent copy of the whole book file (SQLite VACUUM INTO), read back and checked. */
  backupBook(req: RequestOf<'backupBook'>): Promise<ResponseOf<'backupBook'>>
  /** A what-if book follows the live book's market (every chain import) or holds a copy of the one it has now. */
  setBookMarket(req: RequestOf<'setBookMarket'>): Promise<ResponseOf<'setBookMarket'>>
  /** Positions past their expiry: settled (price, source, cash) or awaiting a settlement price. */
  settledPositions(req: RequestOf<'settledPositions'>): Promise<ResponseOf<'settledPositions'>>
  /** Subscribe to main-process events (task progress, engine status); returns the unsubscribe. */
  onEvent(listener: (event: ApiEvent) => void): () => void
}

// Compile-time guard: the interface and the schema table name exactly the same methods.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
export const contractMatchesSchemas: Exact<Exclude<keyof MarginalApi, 'onEvent'>, MethodName> = true

/** One call over some transport: returns the raw reply envelope. */
export type Invoke = <M extends MethodName>(method: M, req: RequestOf<M>) => Promise<unknown>

/**
 * Build the API over a transport (IPC in the preload, HTTP in the browser host). Every reply is
 * unwrapped and parsed with the method's response schema, whichever transport carried it.
 */
export function bindApi(invoke: Invoke, subscribe: (listener: (raw: unknown) => void) => () => void): MarginalApi {
  const call =
    <M extends MethodName>(method: M) =>
    async (req: RequestOf<M>): Promise<ResponseOf<M>> =>
      unwrapEnvelope(method, await invoke(method, req))
  return {
    appInfo: call('appInfo'),
    listBooks: call('listBooks'),
    listPositions: call('listPositions'),
    currentMarket: call('currentMarket'),
    marketDetail: call('marketDetail'),
    getUiState: call('getUiState'),
    setUiState: call('setUiState'),
    runMatrixSelfTest: call('runMatrixSelfTest'),
    cancelTask: call('cancelTask'),
    engineStatus: call('engineStatus'),
    importFormats: call('importFormats'),
    previewImport: call('previewImport'),
    commitImport: call('commitImport'),
    inspectCsv: call('inspectCsv'),
    bookMargin: call('bookMargin'),
    scenarioDrill: call('scenarioDrill'),
    marginParams: call('marginParams'),
    saveMarginParams: call('saveMarginParams'),
    resetMarginParams: call('resetMarginParams'),
    runVar: call('runVar'),
    runStress: call('runStress'),
    runBacktest: call('runBacktest'),
    copyBook: call('copyBook'),
    renameBook: call('renameBook'),
    deleteBook: call('deleteBook'),
    tradeInstruments: call('tradeInstruments'),
    quoteTrades: call('quoteTrades'),
    applyTrades: call('applyTrades'),
    editPositions: call('editPositions'),
    compareBooks: call('compareBooks'),
    profileModel: call('profileModel'),
    greeksGrid: call('greeksGrid'),
    runScenario: call('runScenario'),
    savedScenarios: call('savedScenarios'),
    saveScenario: call('saveScenario'),
    deleteScenario: call('deleteScenario'),
    suggestHedge: call('suggestHedge'),
    reduceToTarget: call('reduceToTarget'),
    greekHedge: call('greekHedge'),
    esHedge: call('esHedge'),
    exportBook: call('exportBook'),
    marginReport: call('marginReport'),
    listBalances: call('listBalances'),
    setBalance: call('setBalance'),
    removeDemo: call('removeDemo'),
    restoreDemo: call('restoreDemo'),
    backupBook: call('backupBook'),
    setBookMarket: call('setBookMarket'),
    settledPositions: call('settledPositions'),
    onEvent: (listener) =>
      subscribe((raw) => {
        const event = s.ApiEvent.safeParse(raw)
        if (event.success) listener(event.data)
        else console.error('Marginal: dropped an event that breaks the contract', raw, event.error.issues[0])
      })
  } satisfies MarginalApi
}

/** The error a caller sees; `field` names the offending request field for invalid requests. */
export class MarginalApiError extends Error {
  readonly code: ApiError['code']
  readonly field: string | undefined
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'MarginalApiError'
    this.code = error.code
    this.field = error.field
  }
}

/** Turn an envelope into the value (parsed by the method's response schema) or a thrown error. */
export function unwrapEnvelope<M extends MethodName>(method: M, raw: unknown): ResponseOf<M> {
  const envelope = s.Envelope.safeParse(raw)
  if (!envelope.success) {
    throw new MarginalApiError({ code: 'internal', message: `${method}: malformed reply from the main process` })
  }
  if (!envelope.data.ok) throw new MarginalApiError(envelope.data.error)
  const parsed = apiMethods[method].response.safeParse(envelope.data.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MarginalApiError({
      code: 'internal',
      message: `${method}: reply does not match the contract at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}`
    })
  }
  return parsed.data as ResponseOf<M>
}

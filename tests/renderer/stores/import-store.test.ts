// @vitest-environment happy-dom
/** The import store against a fake API: a file's dry run, the choices it asks for, the column mapper's fallback, the commit. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { MarginalApiError, type GenericMapping, type ImportPreview, type ImportResult } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useImportStore } from '../../../src-renderer/src/stores/use-import-store'
import { installFakeApi, deferred } from '../support/fake-api'
import { book, market } from '../support/fixtures'

const STATEMENT = 'Date,Instrument,Side,Amount,Price\n2026-11-19 10:00:00,BTC-PERPETUAL,buy,1000,95000\n'
const preview = (dataset: ImportPreview['dataset'] = 'statement'): ImportPreview => ({
  dataset,
  series: [],
  fileName: 'deribit.csv',
  sha256: 'ab'.repeat(32),
  format: 'deribit-transaction-log',
  formatLabel: 'Deribit transaction log',
  venue: 'deribit',
  accountName: 'Deribit main',
  accountExists: true,
  alreadyImportedAt: null,
  rowsTotal: 1,
  trades: { new: 1, duplicate: 0 },
  cashFlows: { new: 0, duplicate: 0 },
  positionChanges: [],
  issues: [],
  issuesTotal: 0,
  rejected: 0,
  skipped: 0,
  warnings: 0,
  cash: [],
  notes: []
})
const committed: ImportResult = { importId: 9, accountId: 1, tradesAdded: 1, cashFlowsAdded: 0, positionsChanged: 1, rejected: 0, marketRowsAdded: 0, cash: [] }
const mapping: GenericMapping = { venue: 'deribit', time: 'Date', instrument: 'Instrument', side: 'Side', size: 'Amount', price: 'Price', fee: null, feeCurrency: null, id: null, decimalComma: false, accountName: 'Broker' }

/** On the demo book (1), with the live book (2) where imports land. */
async function onDemoBook(methods: Parameters<typeof installFakeApi>[0], uiState: Record<string, unknown> = {}) {
  const api = installFakeApi({ listBooks: async () => [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book')], currentMarket: async () => ({ snapshot: market() }), ...methods }, uiState)
  const session = useSessionStore()
  session.books = await api.listBooks({})
  session.currentBookId = 1
  vi.mocked(api.listBooks).mockClear()
  return { api, session, importer: useImportStore() }
}

beforeEach(() => setActivePinia(createPinia()))

describe('import store', () => {
  it('reads a dropped file and previews it against the live book', async () => {
    const { api, importer } = await onDemoBook({ previewImport: async () => preview() })
    await importer.loadFile(new File([STATEMENT], 'deribit.csv'))
    expect(api.previewImport).toHaveBeenCalledWith({ bookId: 2, fileName: 'deribit.csv', text: STATEMENT, accountName: undefined, openingBalance: 'take' })
    expect(importer.preview?.formatLabel).toBe('Deribit transaction log')
    expect(importer.accountName).toBe('Deribit main')
    expect(importer.busy).toBeNull()
    expect(importer.error).toBeNull()
  })

  it('asks for the snapshot time of an option chain that has none, and previews again with it', async () => {
    const { api, importer } = await onDemoBook({
      previewImport: async (req) => {
        if (!req.asOf) throw new MarginalApiError({ code: 'invalid_request', message: 'asOf: when was this chain taken?', field: 'asOf' })
        return preview('option-chain')
      }
    })
    await importer.loadFile(new File([STATEMENT], 'tickers.csv'))
    expect(importer.asOfNeeded).toBe(true)
    expect(importer.error).toBe('asOf: when was this chain taken?')
    expect(importer.preview).toBeNull()
    await importer.setAsOf('2026-11-20T08:00:00Z')
    expect(api.previewImport).toHaveBeenLastCalledWith(expect.objectContaining({ asOf: '2026-11-20T08:00:00Z' }))
    expect(importer.preview?.dataset).toBe('option-chain')
    expect(importer.error).toBeNull()
  })

  it('offers the column mapper for a CSV no format knows, with the preset saved for its header', async () => {
    const header = ['Date', 'Instrument', 'Side', 'Amount', 'Price']
    const { api, importer } = await onDemoBook(
      {
        previewImport: async (req) => {
          if (!req.mapping) throw new MarginalApiError({ code: 'unreadable_file', message: 'broker.csv: not a statement format Marginal reads' })
          return preview()
        },
        inspectCsv: async () => ({ header, sample: [['2026-11-19 10:00:00', 'BTC-PERPETUAL', 'buy', '1000', '95000']], rows: 1 })
      },
      { 'import.presets': { Broker: { mapping, header } } }
    )
    await importer.loadFile(new File([STATEMENT], 'broker.csv'))
    expect(api.inspectCsv).toHaveBeenCalledWith({ fileName: 'broker.csv', text: STATEMENT })
    expect(importer.csv?.header).toEqual(header)
    expect(importer.presetFor(header)).toBe('Broker')
    await importer.previewWithMapping(mapping)
    expect(api.previewImport).toHaveBeenLastCalledWith(expect.objectContaining({ format: 'generic-csv', mapping }))
    expect(importer.preview).not.toBeNull()
  })

  it('commits with progress, then shows the live book', async () => {
    const reply = deferred<ImportResult>()
    const { api, session, importer } = await onDemoBook({ previewImport: async () => preview(), commitImport: () => reply.promise })
    await importer.loadFile(new File([STATEMENT], 'deribit.csv'))
    importer.allowPartial = true
    const done = importer.commit()
    await vi.waitFor(() => expect(api.commitImport).toHaveBeenCalled())
    const req = vi.mocked(api.commitImport).mock.calls[0]![0]
    expect(req).toMatchObject({ bookId: 2, fileName: 'deribit.csv', text: STATEMENT, allowPartial: true, openingBalance: 'take' })
    expect(importer.busy).toBe('importing')
    api.emit({ type: 'task.progress', taskId: 'another-task', done: 9, total: 10 })
    expect(importer.progress).toBeNull()
    api.emit({ type: 'task.progress', taskId: req.taskId!, done: 1, total: 4 })
    expect(importer.progress).toEqual({ done: 1, total: 4 })
    reply.resolve(committed)
    await done
    expect(importer.result?.tradesAdded).toBe(1)
    expect(importer.progress).toBeNull()
    expect(importer.busy).toBeNull()
    expect(session.currentBookId).toBe(2)
    expect(api.listBooks).toHaveBeenCalled()
  })

  it('price history lands in the whole file: stays on the book in view', async () => {
    const { session, importer } = await onDemoBook({ previewImport: async () => preview('prices'), commitImport: async () => committed })
    await importer.loadFile(new File(['day,close\n'], 'BTCUSDT-1d.csv'))
    const revision = session.dataRevision
    await importer.commit()
    expect(session.currentBookId).toBe(1)
    expect(session.dataRevision).toBe(revision + 1)
  })

  it('shows a refused commit and keeps the preview', async () => {
    const { importer } = await onDemoBook({
      previewImport: async () => preview(),
      commitImport: () => Promise.reject(new MarginalApiError({ code: 'rejected_rows', message: '2 rows were rejected; nothing was written' }))
    })
    await importer.loadFile(new File([STATEMENT], 'deribit.csv'))
    await importer.commit()
    expect(importer.error).toBe('2 rows were rejected; nothing was written')
    expect(importer.result).toBeNull()
    expect(importer.preview).not.toBeNull()
  })
})

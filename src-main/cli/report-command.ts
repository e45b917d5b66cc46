/**
 * `cli report`: the nightly job. Optionally import the day's statement and market files into the
 * book (each one transaction, exactly as `cli import`), then print the PDF margin report with the
 * system Chromium, no window. Exit codes for cron: 0 report written, 1 failed (message on stderr,
 * nothing written), 3 a statement or market file had rejected rows (nothing imported from it, no
 * report; pass --allow-partial to import its good rows and report anyway). --explain adds the P&L
 * explain section for the last day (issue 22 §2); --explain-from/--explain-to DATE between two dates.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Services } from '../services/api-service'
import { call, type CliIo } from './commands'
import { importAndEvaluate } from './import-command'
import { explainInstantProblem } from '../services/explain/explain-service'
import { EOD_TIME } from '@contract/explain'
import type { IssueLog } from './issue-report'

export interface ReportArgs {
  bookId: number
  account?: string
  out?: string
  statements: string[]
  markets: string[]
  allowPartial: boolean
  pageSize: 'A4' | 'Letter'
  statistics: boolean
  hedges: boolean
  /** --full-positions: every position in appendix A (default: the summary by underlying, expiry and account). */
  fullPositions?: boolean
  /** --verbose: every issue line of each imported file. */
  verbose?: boolean
  /** --issues FILE: the issues of every imported file, as one CSV. */
  issuesLog?: IssueLog
  /** --explain (the last day), --explain-from / --explain-to DATE, --eod HH:MM: section 9, the P&L explain. */
  explain?: { from?: string; to?: string; eod?: string }
}

/** The report's explain options from the command line: null without any; a usage error's text when wrong. */
export function reportExplainArgs(v: { explain?: boolean; 'explain-from'?: string; 'explain-to'?: string; eod?: string }): ReportArgs['explain'] | null | string {
  const from = v['explain-from']
  const to = v['explain-to']
  if (!v.explain && from === undefined && to === undefined) return v.eod === undefined ? null : '--eod is for explain, or report with --explain'
  for (const [flag, d] of [['--explain-from', from], ['--explain-to', to]] as const) {
    const problem = d === undefined ? null : explainInstantProblem(d, flag)
    if (problem) return problem
  }
  if (v.eod !== undefined && !EOD_TIME.test(v.eod)) return `--eod "${v.eod}" is not a UTC time (HH:MM)`
  return { from, to, eod: v.eod }
}

export async function reportCommand(services: Services, io: CliIo & { err(text: string): void }, a: ReportArgs): Promise<number> {
  const started = performance.now()
  // Statements first, then the market: a chain imported last is the snapshot the report uses.
  const imports = await importAndEvaluate(services, io, [...a.statements, ...a.markets], {
    bookId: a.bookId, dryRun: false, allowPartial: a.allowPartial, json: false, openingBalance: 'take', openingBalances: [], verbose: a.verbose, issuesLog: a.issuesLog
  })
  if (imports.refused !== null) {
    io.err(`marginal: ${imports.refused} was not imported (rejected rows); no report written`)
    return imports.code
  }
  let lastStep = ''
  const taskId = `cli-report-${process.pid}`
  const unsubscribe = services.events.on((e) => {
    if (e.type !== 'task.progress' || e.taskId !== taskId) return
    lastStep = `${e.done}/${e.total}`
  })
  try {
    const r = await call(services, 'marginReport', { bookId: a.bookId, taskId, account: a.account, pageSize: a.pageSize, statistics: a.statistics, hedges: a.hedges, positionsAppendix: a.fullPositions ? 'full' : 'summary', explain: a.explain && { fromUtc: a.explain.from, toUtc: a.explain.to, eodUtc: a.explain.eod } })
    const out = resolve(a.out ?? r.fileName)
    try {
      writeFileSync(out, Buffer.from(r.base64, 'base64'))
    } catch (e) {
      throw new Error(`cannot write ${out}: ${(e as Error).message}`, { cause: e })
    }
    io.out(`wrote ${out} (${Math.round(r.bytes / 1024)} KB, ${a.pageSize}, steps ${lastStep}) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    return 0
  } finally {
    unsubscribe()
  }
}

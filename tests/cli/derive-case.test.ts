/**
 * `cli margin --derive-case` (issue 21, item 6): the protocol's PMRM_2 cases through the command
 * line, as the interface states it, and files that are not cases refused naming the file.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { hasSharedData, sharedData } from '../support/shared-data'

const CASES = 'venues/derive-pmrm2/cases'
const present = hasSharedData(CASES)
if (!present) console.log(`cli --derive-case: skipped, ${sharedData(CASES)} is missing`)

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/** The protocol's tolerance (TestPMRM_2_PortfolioCasesNEW): 1e-8 relative, 1e-8 absolute near zero. */
const agrees = (ours: number, theirs: number): boolean =>
  Math.abs(ours) < 1e-10 || Math.abs(theirs) < 1e-10 ? Math.abs(ours - theirs) <= 1e-8 : Math.abs(ours - theirs) <= 1e-8 * Math.max(Math.abs(ours), Math.abs(theirs))

type CaseResult = { case: string; method: string; venueValues: { IM: number; MM: number }; initialMargin: number; maintenanceMargin: number; components: { markToMarketUsd: number; worstScenario: string } }

const caseFiles = present ? readdirSync(sharedData(CASES)).filter((f) => f.endsWith('.json')).sort() : []

describe.skipIf(!present)('cli margin --derive-case', () => {
  // One run over every file, as a shell glob gives them (--derive-case once, the other files after it).
  let run: Promise<{ code: number; out: string; err: string; results: Map<string, CaseResult> }> | null = null
  const all = () =>
    (run ??= (async () => {
      const [first, ...rest] = caseFiles.map((f) => join(sharedData(CASES), f))
      const r = await cli('margin', '--derive-case', first!, ...rest, '--json')
      const results = r.code === 0 ? (JSON.parse(r.out) as { results: CaseResult[] }).results : []
      return { ...r, results: new Map(results.map((x) => [x.case, x])) }
    })())

  it('reads all 98 case files in one run, each once', async () => {
    expect(caseFiles.length).toBe(98)
    const r = await all()
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect([...r.results.keys()].sort()).toEqual(caseFiles)
  })

  // One test per case, named after it: the protocol's IM and MM to its own tolerance.
  it.each(caseFiles)('%s', async (file) => {
    const x = (await all()).results.get(file)
    expect(x, `${file} is missing from the output`).toBeDefined()
    const want = (JSON.parse(readFileSync(join(sharedData(CASES), file), 'utf8')) as { Result: { IM: number; MM: number } }).Result
    expect(x!.method).toBe('derive-pm')
    expect(agrees(x!.venueValues.IM, want.IM), `IM ${x!.venueValues.IM} vs ${want.IM}`).toBe(true)
    expect(agrees(x!.venueValues.MM, want.MM), `MM ${x!.venueValues.MM} vs ${want.MM}`).toBe(true)
    // The requirement a trader reads is what the account's mark-to-market is above its margin value.
    expect(x!.initialMargin).toBeCloseTo(x!.components.markToMarketUsd - x!.venueValues.IM, 6)
    // Scenario labels carry the case's shocks, not binary-fraction dust (×0.82, never ×0.8200000000000001).
    expect(x!.components.worstScenario).not.toMatch(/\d\.\d{9,}/)
  })

  it('prints a table without --json', async () => {
    const file = readdirSync(sharedData(CASES)).find((f) => f.endsWith('.json'))!
    const r = await cli('margin', '--derive-case', join(sharedData(CASES), file))
    expect(r.code).toBe(0)
    expect(r.out).toContain('Derive portfolio margin (PMRM_2 replica), USD')
    expect(r.out).toContain(file)
  })

  it('refuses a file that is not a case, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-derive-'))
    const notJson = join(dir, 'not-json.json')
    writeFileSync(notJson, 'IM,MM\n1,2\n')
    const noScenario = join(dir, 'no-scenario.json')
    writeFileSync(noScenario, JSON.stringify({ Parameters: {}, Result: {} }))
    const a = await cli('margin', '--derive-case', notJson)
    expect(a.code).not.toBe(0)
    expect(a.err).toContain(`${notJson}: not JSON`)
    const b = await cli('margin', '--derive-case', noScenario)
    expect(b.code).not.toBe(0)
    expect(b.err).toMatch(new RegExp(`${noScenario.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Derive case: .* is missing`))
    const c = await cli('margin', '--derive-case', join(dir, 'absent.json'))
    expect(c.err).toContain('cannot read')
  })
})

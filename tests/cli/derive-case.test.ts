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

describe.skipIf(!present)('cli margin --derive-case', () => {
  it("prints every case's IM and MM as the protocol states them", async () => {
    const files = readdirSync(sharedData(CASES)).filter((f) => f.endsWith('.json'))
    expect(files.length).toBe(98)
    const [first, ...rest] = files.map((f) => join(sharedData(CASES), f))
    // --derive-case once, the other files after it, as a shell glob gives them.
    const r = await cli('margin', '--derive-case', first!, ...rest, '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const { results } = JSON.parse(r.out) as { results: { case: string; method: string; venueValues: { IM: number; MM: number }; initialMargin: number; maintenanceMargin: number; components: { markToMarketUsd: number } }[] }
    expect(results.map((x) => x.case).sort()).toEqual([...files].sort())
    // Scenario labels carry the case's shocks, not binary-fraction dust (×0.82, never ×0.8200000000000001).
    for (const x of results) expect((x.components as unknown as { worstScenario: string }).worstScenario).not.toMatch(/\d\.\d{9,}/)
    for (const x of results) {
      const want = (JSON.parse(readFileSync(join(sharedData(CASES), x.case), 'utf8')) as { Result: { IM: number; MM: number } }).Result
      expect(x.method).toBe('derive-pm')
      expect(agrees(x.venueValues.IM, want.IM), `${x.case} IM ${x.venueValues.IM} vs ${want.IM}`).toBe(true)
      expect(agrees(x.venueValues.MM, want.MM), `${x.case} MM ${x.venueValues.MM} vs ${want.MM}`).toBe(true)
      // The requirement a trader reads is what the account's mark-to-market is above its margin value.
      expect(x.initialMargin).toBeCloseTo(x.components.markToMarketUsd - x.venueValues.IM, 6)
    }
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

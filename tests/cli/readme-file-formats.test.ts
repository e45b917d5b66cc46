/**
 * The README documents the portfolio and market files with JSON Schemas generated from the zod
 * schemas, and one example of each: both must stay true to the code.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { marginReport } from '../../src-main/cli/margin-command'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { readMarketFile } from '../../src-main/services/portfolio-files/market-file'
import { heldPositions, readPortfolioFile } from '../../src-main/services/portfolio-files/portfolio-file'
import { marketFileJsonSchema, portfolioFileJsonSchema } from '../../src-main/services/portfolio-files/schemas'

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')

/** The fenced JSON between `<!-- BEGIN name -->` and `<!-- END name -->`. */
function readmeBlock(name: string): string {
  const m = new RegExp(`<!-- BEGIN ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\`\\n<!-- END ${name} -->`).exec(readme)
  if (!m) throw new Error(`README.md has no block ${name} between BEGIN/END markers`)
  return m[1]!
}

describe('README: portfolio and market files', () => {
  it.each([
    ['portfolio-file.schema.json', 'portfolio', portfolioFileJsonSchema],
    ['market-file.schema.json', 'market', marketFileJsonSchema]
  ] as const)('%s is the schema the code generates (regenerate: npm run cli -- schema %s)', async (block, name, generate) => {
    expect(JSON.parse(readmeBlock(block)), `README.md drifted from the zod schema: paste the output of npm run cli -- schema ${name}`).toEqual(generate())
    const out: string[] = []
    expect(await runCli(['schema', name], { out: (t) => out.push(t), err: () => {} })).toBe(0)
    expect(out.join('\n')).toBe(readmeBlock(block))
  })

  it('the examples are valid files and margin together', () => {
    const market = readMarketFile(readmeBlock('example.market.json'), 'example.market.json')
    const view = buildMarketView(market.snapshot)
    const held = heldPositions(readPortfolioFile(readmeBlock('example.portfolio.json'), 'example.portfolio.json'), view)
    expect(held).toHaveLength(5)
    // The option with only a mark IV is priced on its stated forward: a mark now exists for it.
    expect(market.snapshot.marks['deribit:BTC-26JUL24-75000-C']).toMatchObject({ currency: 'BTC', ivPct: 52 })
    expect(market.snapshot.forwardsUsd.BTC).toEqual({ [String(Date.parse('2024-06-28T08:00:00Z'))]: 67_371.75, [String(Date.parse('2024-07-26T08:00:00Z'))]: 68_420 })
    const report = marginReport({ held, view, options: {} })
    expect(report.accounts.find((a) => a.account === 'Deribit main' && a.currency === 'BTC')?.results.length).toBeGreaterThan(0)
  })
})

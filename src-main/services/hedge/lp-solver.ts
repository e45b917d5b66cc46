/**
 * Linear programmes are solved by HiGHS (the University of Edinburgh's solver, compiled to
 * WebAssembly, npm `highs`): a maintained, exact simplex/IPM rather than a hand-written one. The
 * engine builds models as CPLEX LP text; this is the one place that runs them. Loaded once.
 */
import highsLoader from 'highs'

type Highs = Awaited<ReturnType<typeof highsLoader>>
let loading: Promise<Highs> | null = null

export interface LpResult {
  status: string
  objective: number
  columns: Record<string, number>
}

/** Solve; throws naming the status unless HiGHS reports an optimum. */
export async function solveLp(text: string): Promise<LpResult> {
  const highs = await (loading ??= highsLoader())
  const r = highs.solve(text)
  if (r.Status !== 'Optimal') throw new Error(`the LP solver (HiGHS) found no optimum: ${r.Status}`)
  const columns: Record<string, number> = {}
  for (const [name, col] of Object.entries(r.Columns)) columns[name] = (col as { Primal: number }).Primal
  return { status: r.Status, objective: r.ObjectiveValue, columns }
}

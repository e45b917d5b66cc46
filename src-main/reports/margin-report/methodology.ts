/**
 * The report's methodology appendix: every approximation the numbers rest on. The parameter sets'
 * own comments (sources, what each replicates) and each method's components marked as our
 * approximation are added from the data; these are the model-wide ones, which no result carries.
 * Sources: docs/METHODOLOGY.md, and the README's notes on hedging and the explorer. The appendix
 * names that document and, per topic and method, its section, so a reader can look each one up.
 */

/** Where the methodology lives, as the report names it. */
export const METHODOLOGY_DOC = 'docs/METHODOLOGY.md'
export const METHODOLOGY_SOURCE = `${METHODOLOGY_DOC}, shipped in Marginal's source repository`

/** The section of docs/METHODOLOGY.md that states each method's formulas and parameters. */
export const METHOD_SECTIONS: Readonly<Record<string, string>> = {
  standard: '§5.1',
  span: '§5.2',
  'deribit-pm': '§5.3',
  'okx-pm': '§5.4',
  'derive-pm': '§5.4a',
  greeks: '§5.5',
  'hs-var': '§5.6',
  'add-ons': '§5.9'
}

export const MODEL_APPROXIMATIONS: readonly { topic: string; section: string; text: string }[] = [
  {
    topic: 'Valuation',
    section: '§1–3',
    text: 'Options are valued with Black-76 on the forward of their expiry, at the vol of the snapshot’s mark IV; inverse (coin-settled) options are valued in coin, linear ones in their quote currency, and both are shown in USD at the index. Futures are marked to the snapshot.'
  },
  {
    topic: 'Scenarios',
    section: '§4',
    text: 'Every scenario revalues every position in full (no Taylor expansion). A scenario moves each underlying’s price and shifts its vols by one parallel move. Margin grids keep each strike’s vol (sticky strike), as the venues’ scenarios do; VaR, Monte Carlo, stress tests and the explorer first slide each strike’s vol along today’s smile with the move (sticky moneyness). No other skew or term-structure change beyond what a method’s own rule prescribes.'
  },
  {
    topic: 'Venue methods',
    section: '§5.1–5.5',
    text: 'Deribit, OKX and standard margins are replicas of the venues’ published rules with the parameter sets listed below; where a venue does not publish a formula, the component is marked as our approximation and named in the table that follows. SPAN-style figures use Marginal’s house parameters, not a clearing house’s, and are not sub-additive across groups.'
  },
  {
    topic: 'Derive PM (PMRM_2)',
    section: '§5.4a',
    text: 'Derive accounts are margined by our implementation of the protocol’s public contract code (derivexyz/v2-core PMRM_2), which reproduces the protocol’s own test cases; its parameters are the mainnet deployment script’s (derivexyz/v2-core scripts/config-mainnet.sol, 2026-01), not read from the live contract. Ours: a spot holding counts as risk-cancelling collateral without haircut; a position’s figure in a scenario is before its expiry’s static discount; in the liquidation search forwards move with the index and SVI vols stay at the strike.'
  },
  {
    topic: 'Account health',
    section: '§5.11',
    text: 'Equity is collateral after haircuts plus the positions’ value. The liquidation price moves one underlying, the others and all vols unchanged, until equity equals maintenance margin, with the margin recomputed at the moved market. A book with options can fall below maintenance margin and recover further on, so every band of index levels below it is reported, nearest first. Ours: the search scans −95 % … +500 % on the old ladder plus the options’ strikes (shifted by the scenario grid’s moves) and steps sized by the cushion’s own slope, never finer than the step shown; a band narrower than that step, or behind a bend sharper than the slope seen so far, can be missed.'
  },
  {
    topic: 'Add-ons',
    section: '§5.9',
    text: 'Liquidity and concentration add-ons are house charges shown beside the methods, never inside them; no venue publishes them.'
  },
  {
    topic: 'P&L profile',
    section: '§7',
    text: 'The profile is the book’s USD P&L against one underlying’s move, vol unchanged, relative to today’s model value; legs expired by the date are worth their payoff. Carry and funding are ignored.'
  },
  {
    topic: 'Stress, VaR and backtest',
    section: '§5.6–5.8, §5.12',
    text: 'Stress moves and historical VaR scenarios come from the daily closes imported into the book file (and the imported vol index, when there is one); an underlying without history stays unmoved and is named. Funding and carry over the horizon are ignored. The backtest compares each day’s requirement with the book’s realised loss on today’s positions.'
  },
  {
    topic: 'Hedge suggestions',
    section: '§6',
    text: 'Hedges are solved as linear programs (HiGHS). The LP is the method itself for Deribit portfolio margin in coin accounts; for the other methods it minimises the method’s worst scenario and the result is then recomputed in full. Sizes are rounded to lots with a one-lot descent, not a mixed-integer solve; costs are half bid-ask spreads, without fees or market impact.'
  }
]

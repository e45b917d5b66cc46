/**
 * Input bounds (docs/METHODOLOGY.md §9): the largest magnitude a plausible number of each kind
 * reaches, stated once. Every entry point checks against them — statement and market importers
 * (CellReader.number), portfolio and market files (their zod schemas), the trade ticket, position
 * edits and hedge requests (the contract's request schemas, which repeat these numbers in
 * src-preload/contract/bounds.ts because the contract imports nothing but itself; a test keeps
 * the two equal), opening balances — and every position is refused before margin when its USD
 * notional is beyond `notionalUsd` (engine/positions/resolve-position.ts).
 *
 * They exist to catch garbage (a corrupt cell '1e308', a pasted id, an overflow), not to police
 * traders: each is orders of magnitude above anything a venue lists. A value is accepted when it
 * is finite and its magnitude is at most `max`; signs are checked where they matter, not here.
 */

export interface InputBound {
  /** What the number is, in a message: "no price exceeds 10^9". */
  readonly what: string
  /** Largest magnitude accepted (inclusive). */
  readonly max: number
  /** The bound as a message shows it, with its unit where one is unambiguous. */
  readonly shown: string
  /** Why this bound: one line, quoted in docs/METHODOLOGY.md §9. */
  readonly why: string
}

export const INPUT_BOUNDS = {
  sizeContracts: {
    what: 'size',
    max: 1e14,
    shown: '10^14',
    why: 'no venue\'s open interest reaches 10^11 contracts (Bybit\'s $1 BTCUSD inverse has ~10^9–10^10); 10^14 still holds a sixth of all SHIB as a 1-coin spot position'
  },
  price: {
    what: 'price',
    max: 1e9,
    shown: '10^9',
    why: 'BTC\'s all-time high is ~1.3·10^5 USD and IBKR\'s dearest share (BRK.A) ~7·10^5 USD: 10^9 is over 1,000× either; prices in coin (inverse options) stay below a few coins'
  },
  notionalUsd: {
    what: 'USD notional',
    max: 1e13,
    shown: '10^13 USD',
    why: 'one position worth 10^13 USD is more than three times the whole crypto market (~3·10^12 USD); float64 still holds cents there'
  },
  fee: {
    what: 'fee',
    max: 1e12,
    shown: '10^12',
    why: 'a fee is a fraction of a trade: 10^12 is a tenth of the largest notional'
  },
  cash: {
    what: 'cash amount',
    max: 1e15,
    shown: '10^15',
    why: 'ten times world GDP in USD, more coins than all but a few meme coins ever minted; float64 stops holding cents near 9·10^13, so larger is a corrupt cell or a pasted id'
  },
  fundingRate8h: {
    what: 'funding rate',
    max: 1,
    shown: '1 (100 % per 8 hours)',
    why: 'venues cap funding at a few per cent per interval (Binance ±3 % on some altcoins); 100 % per 8 hours is no market'
  },
  volPct: {
    what: 'implied vol',
    max: 1000,
    shown: '1,000 %',
    why: 'mark IVs on expiry day reach a few hundred per cent at most (Deribit BTC\'s highest daily DVOL ~200 %); 1,000 % is a vol written in basis points or a corrupt cell'
  },
  strike: {
    what: 'strike',
    max: 1e9,
    shown: '10^9',
    why: 'as for prices: no strike is listed 1,000× above the dearest underlying'
  },
  contractSize: {
    what: 'contract size',
    max: 1e9,
    shown: '10^9',
    why: 'the largest multipliers we know are OKX\'s SHIB swap (10^6 coins a contract) and CME yen futures (12.5·10^6 JPY): 10^9 leaves 100× room'
  },
  moneyness: {
    what: 'moneyness',
    max: 100,
    shown: '100',
    why: 'listed strikes lie within about 0.05–20× the forward; a strike 100× the forward is no option anyone lists'
  }
} as const satisfies Record<string, InputBound>

export type BoundKind = keyof typeof INPUT_BOUNDS

/** Within the bound: finite and |x| ≤ max. */
export const withinBound = (kind: BoundKind, x: number): boolean => Number.isFinite(x) && Math.abs(x) <= INPUT_BOUNDS[kind].max

/** "out of range: no price exceeds 10^9", for a value that is not within its bound. */
export const outOfRange = (kind: BoundKind): string => `out of range: no ${INPUT_BOUNDS[kind].what} exceeds ${INPUT_BOUNDS[kind].shown}`

/**
 * What is wrong with a number of this kind, or null when nothing is: "is not a number" (NaN),
 * else "is out of range: …" (±Infinity, 1e999, 1e308).
 */
export function boundProblem(kind: BoundKind, x: number): string | null {
  if (Number.isNaN(x)) return 'is not a number'
  return withinBound(kind, x) ? null : `is ${outOfRange(kind)}`
}

/** Characters of an input a message quotes at most: messages never echo megabytes of input. */
export const MAX_QUOTED_CHARS = 40

const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * An input as a message quotes it, clipped: `'1e308'`, or `'1111…' (10,485,760 characters)` for
 * a cell longer than MAX_QUOTED_CHARS. Every message that embeds a cell, attribute or field value
 * quotes it through this.
 */
export function quoteInput(raw: string, quote = "'"): string {
  if (raw.length <= MAX_QUOTED_CHARS) return `${quote}${raw}${quote}`
  // Do not cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(raw.charAt(MAX_QUOTED_CHARS - 1)) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS
  return `${quote}${raw.slice(0, end)}…${quote} (${grouped(raw.length)} characters)`
}

/**
 * Longest message text a rejected input may produce before it is clipped as a whole: the last
 * guard behind quoteInput, for reasons that embed several values.
 */
export const MAX_REASON_CHARS = 2000

/** A message clipped to MAX_REASON_CHARS, saying how long it was. */
export function clipMessage(text: string): string {
  return text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS)}… (message clipped: ${grouped(text.length)} characters)`
}

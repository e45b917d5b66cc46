/**
 * The portfolio and market file formats (issue 5): what `cli margin --portfolio/--market` reads and
 * `cli export` writes, so other tools can script against Marginal. The zod schemas are the single
 * source: the README's JSON Schemas are generated from them (z.toJSONSchema) and a test fails when
 * the README drifts.
 */
import { z } from 'zod'
import { VENUES } from '../../engine/instruments/parse-symbol'
import { INPUT_BOUNDS, type BoundKind } from '../../engine/instruments/bounds'

export const DEFAULT_VENUE = 'deribit'
export const QUANTITY_UNITS = ['coin', 'usd', 'contracts'] as const
export type QuantityUnit = (typeof QUANTITY_UNITS)[number]

const AsOf = z.iso
  .datetime({ offset: true, error: 'is not an ISO-8601 date-time with a time zone, e.g. 2024-06-17T08:00:00Z' })
  .meta({ description: 'Valuation instant, ISO-8601 with a time zone (Z or ±hh:mm). Options and futures must expire after it.', examples: ['2024-06-17T08:00:00Z'] })

/**
 * Every number of the files is finite and within its input bound (engine/instruments/bounds.ts,
 * docs/METHODOLOGY.md §9): the JSON Schemas state them as minimum and maximum.
 */
const tooLarge = (kind: BoundKind): string => `is out of range: no ${INPUT_BOUNDS[kind].what} exceeds ${INPUT_BOUNDS[kind].shown}`
const bounded = (kind: BoundKind): z.ZodNumber => z.number().min(-INPUT_BOUNDS[kind].max, tooLarge(kind)).max(INPUT_BOUNDS[kind].max, tooLarge(kind))
/** Longer than any venue symbol (the trade ticket allows 80 characters). */
const MAX_SYMBOL = 80

const Underlying = z.string().max(20, 'is longer than any underlying').regex(/^[A-Z0-9]+$/, 'is not an underlying in capitals, e.g. BTC')
const PriceUsd = z.number().positive('is not a positive price').max(INPUT_BOUNDS.price.max, tooLarge('price'))
/** Marks may be 0: far out-of-the-money options trade at nothing. */
const Mark = z.number().nonnegative('is not a price (negative)').max(INPUT_BOUNDS.price.max, tooLarge('price'))
const FileComments = {
  $schema: z.string().optional().meta({ description: 'Ignored: lets editors find this schema.' }),
  $comment: z.string().optional().meta({ description: 'Ignored: free text.' })
}

const Position = z.strictObject({
  instrument: z.string().min(1, 'is empty').max(MAX_SYMBOL, `is longer than any venue symbol (${MAX_SYMBOL} characters)`).meta({ description: 'The venue\'s own symbol.', examples: ['BTC-PERPETUAL', 'BTC-28JUN24', 'BTC-28JUN24-70000-C', 'BTC-USDT-SWAP'] }),
  venue: z.enum(VENUES).default(DEFAULT_VENUE).meta({ description: 'Venue whose symbol rules apply.' }),
  quantity: bounded('sizeContracts').meta({
    description: `Signed size in \`unit\`: positive long, negative short. At most ${INPUT_BOUNDS.sizeContracts.shown} in magnitude in any unit, and the position's USD notional at most ${INPUT_BOUNDS.notionalUsd.shown}.`
  }),
  unit: z.enum(QUANTITY_UNITS).meta({
    description:
      'coin: units of the underlying (0.5 BTC); usd: USD notional (Deribit futures are $10 contracts, so 250000 usd = 25000 contracts); contracts: the venue\'s contracts. Coin and usd convert at the instrument\'s forward or mark in the market used.'
  }),
  account: z.string().min(1, 'is empty').optional().meta({ description: 'Account the position is margined in; default "portfolio". Each account is margined on its own.' }),
  avgPrice: z
    .number()
    .positive('is not a positive price')
    .max(INPUT_BOUNDS.price.max, tooLarge('price'))
    .optional()
    .meta({
      description:
        'Average entry price in the instrument\'s price currency: USD for inverse futures and perpetuals, coin per coin for inverse options. Futures and perpetuals count their unrealised P&L against it in account equity; without it, none.'
    })
})

const Collateral = z.strictObject({
  account: z.string().min(1, 'is empty').optional().meta({ description: 'Default "portfolio".' }),
  currency: z.string().min(1, 'is empty').meta({ examples: ['BTC', 'USDC'] }),
  amount: bounded('cash').meta({ description: 'Balance in `currency`, before haircuts.' })
})

export const PortfolioFile = z
  .strictObject({
    ...FileComments,
    asOf: AsOf,
    positions: z.array(Position),
    collateral: z.array(Collateral).optional().meta({ description: 'Cash per account and currency. When present, account health is computed: equity, utilisation, liquidation price.' })
  })
  .meta({ title: 'Marginal portfolio file', description: 'Positions and collateral per account, independent of any book.' })

const InstrumentKeyed = <T extends z.ZodType>(value: T, description: string) =>
  z.record(z.string().min(1, 'is empty').max(MAX_SYMBOL + 10, 'is longer than any venue:symbol key'), value).meta({
    description: `${description} Keys are instrument symbols, with an optional "venue:" prefix (okx:BTC-USDT-SWAP); no prefix means ${DEFAULT_VENUE}.`
  })

/** A confidence of Derive's oracles: 1 = fully trusted; below the threshold (0.55 on mainnet) IM adds a charge. */
const Confidence = z.number().min(0, 'is not a confidence in [0, 1]').max(1, 'is not a confidence in [0, 1]')
const DeriveExpiry = z.strictObject({
  forward: PriceUsd.meta({ description: 'Forward of the expiry, USD.' }),
  rate: z.number().min(-1, 'is not an annual rate as a fraction').max(1, 'is not an annual rate as a fraction (0.05 = 5 %)').default(0).meta({ description: 'Continuously compounded annual rate as a fraction; PMRM_2 reads a negative rate as 0.' }),
  svi: z
    .strictObject({
      a: z.number().min(-10).max(10), b: z.number().min(0, 'is negative: SVI needs b ≥ 0').max(10),
      rho: z.number().gt(-1, 'is not in (−1, 1)').lt(1, 'is not in (−1, 1)'), m: z.number().min(-10).max(10),
      sigma: z.number().positive('is not positive: SVI needs σ > 0').max(10),
      forward: PriceUsd.optional().meta({ description: 'The forward the surface was fitted at; default `forward`.' }),
      tau: z.number().positive().max(10).optional().meta({ description: 'The surface\'s own time to expiry, years; default the time from asOf to the expiry (365-day years).' })
    })
    .meta({ description: 'Raw SVI: total variance w(k) = a + b·(ρ(k − m) + √((k − m)² + σ²)), k = ln(K/F).' }),
  forwardConfidence: Confidence.default(1),
  rateConfidence: Confidence.default(1),
  volConfidence: Confidence.default(1)
})
const DeriveFeeds = z.strictObject({
  spotConfidence: Confidence.default(1),
  perpConfidence: Confidence.default(1),
  stablePrice: z.number().positive().max(2).default(1).meta({ description: 'USD price of the cash stable (USDC); under the peg-loss threshold IM rises.' }),
  expiries: z.record(z.iso.datetime({ offset: true, error: 'is not an ISO-8601 expiry instant, e.g. 2026-12-25T08:00:00Z' }), DeriveExpiry)
})

export const MarketFile = z
  .strictObject({
    ...FileComments,
    asOf: AsOf,
    index: z.record(Underlying, PriceUsd).meta({ description: 'Index price per underlying, USD.', examples: [{ BTC: 65666.19 }] }),
    marks: InstrumentKeyed(
      Mark,
      'Mark price per instrument: USD for inverse futures and perpetuals, coin per coin for inverse options (0.0123 BTC), the quote currency for linear contracts. A future\'s mark is also the forward of its expiry.'
    ).optional(),
    markIv: InstrumentKeyed(
      z.number().positive('is not a positive volatility').max(INPUT_BOUNDS.volPct.max / 100, `is not a volatility as a fraction (0.55 = 55 %): no implied vol exceeds ${INPUT_BOUNDS.volPct.shown}`),
      'Option mark implied volatility as a fraction: 0.55 = 55 %. An option with an IV but no mark is priced with Black-76; one with a mark but no IV gets its implied vol.'
    ).optional(),
    quotes: InstrumentKeyed(
      z
        .strictObject({ bid: PriceUsd, ask: PriceUsd })
        .refine((q) => q.ask >= q.bid, { message: 'ask is below bid (a crossed quote)', path: ['ask'] }),
      'Best bid and ask per instrument, in the currency of its mark. Only the liquidity add-on reads them (half spread × size); instruments without a quote take the parameter set\'s default spread.'
    ).optional(),
    forwards: z
      .record(Underlying, z.record(z.iso.datetime({ offset: true, error: 'is not an ISO-8601 expiry instant, e.g. 2024-06-28T08:00:00Z' }), PriceUsd))
      .optional()
      .meta({
        description:
          'Forward per underlying per expiry instant, USD. Wins over futures marks. Expiries with neither take the basis interpolated in time between the quoted ones, or the index when there are none.',
        examples: [{ BTC: { '2024-06-28T08:00:00Z': 67371.75 } }]
      }),
    fundingRate8h: InstrumentKeyed(bounded('fundingRate8h'), 'Perpetual funding rate per 8 hours, as a fraction.').optional(),
    derive: z.record(Underlying, DeriveFeeds).optional().meta({
      description:
        "Derive's own feeds per underlying, as its portfolio-margin manager (PMRM_2) reads them: oracle confidences, the cash stable's price, and per option expiry a forward, a rate and an SVI surface. Derive accounts get the Derive PM replica only where every option expiry they hold has a feed here.",
      examples: [{ ETH: { expiries: { '2026-12-25T08:00:00Z': { forward: 3021.5, rate: 0.04, svi: { a: 0.01, b: 0.05, rho: -0.3, m: 0.02, sigma: 0.2 } } } } }]
    }),
    params: z.unknown().optional().meta({
      description: 'Margin parameter-set overrides, in the shape of the files in resources/params. `cli margin --params FILE` replaces them.'
    })
  })
  .meta({ title: 'Marginal market file', description: 'One market snapshot: index, marks, implied vols and forwards as of one instant.' })

export type PortfolioFileData = z.output<typeof PortfolioFile>
export type MarketFileData = z.output<typeof MarketFile>

// io 'input' documents what a user may write: fields with a default (venue) are optional there.
export const portfolioFileJsonSchema = (): unknown => z.toJSONSchema(PortfolioFile, { io: 'input' })
export const marketFileJsonSchema = (): unknown => z.toJSONSchema(MarketFile, { io: 'input' })

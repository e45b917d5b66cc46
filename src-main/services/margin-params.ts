/**
 * The parameter sets margin methods use: versioned JSON files in resources/params, validated here,
 * and optionally overridden by a user document (`--params FILE`, or a market file's "params") of
 * the shape `{ "deribit-pm"?, "standard"?, "span"?, "okx-pm"?, "collateral"?, "add-ons"? }`, each a whole
 * parameter file of that kind. Results name the set they used (its id), so an override must carry
 * its own id.
 */
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import addOnsJson from '../../resources/params/add-ons-house-2026.json'
import collateralJson from '../../resources/params/collateral-haircuts.json'
import deribitPmJson from '../../resources/params/deribit-pm-2024-06.json'
import deribitPmPublishedJson from '../../resources/params/deribit-pm-2024-06-published.json'
import deribitPmLiveJson from '../../resources/params/deribit-pm-2026-02-live.json'
import deribitStandardJson from '../../resources/params/deribit-standard-2024.json'
import okxPmJson from '../../resources/params/okx-pm-2025-01.json'
import spanJson from '../../resources/params/span-house-2026.json'
import stressJson from '../../resources/params/stress-library-2026.json'
import type { AddOnParams } from '../engine/margin/add-ons'
import type { DeribitPmParams } from '../engine/margin/deribit-pm'
import { tiersFromJson } from '../engine/margin/okx-tiers'
import { InvalidDocumentError } from './errors'
import { deribitPmFromModelParams, isDeribitModelParams } from './deribit/pme-model-params'
import { okxParamsFromJson, type OkxPmParams } from '../engine/margin/okx-pm'
import type { SpanParams } from '../engine/margin/span'
import type { StandardParams } from '../engine/margin/standard'
import type { StressLibrary } from '../engine/risk/stress'

const rate = z.number().finite().min(0)
// Strict objects: a misspelt key ("rnage") is an error naming it, never a parameter silently left at
// its default. Files may carry a top-level $comment.
const PmCurrency = z.strictObject({
  range: z.number().positive().max(1),
  volUp: rate, volDown: rate.max(1), minVolUp: rate, pnlOffset: rate.max(1),
  minAnnualisedMove: rate, annualisedMoveRisk: rate, mmFactor: z.number().positive().max(1),
  extendedMoves: z.array(z.number().gt(-1).refine((m) => m !== 0, 'an extended move of 0 % has no fraction')),
  extendedFactor: rate, extendedDampener: rate, deltaShockThresholdCoin: rate, deltaShockMove: rate,
  // Deribit's own keys (services/deribit/pme-model-params.ts), optional so older sets stay valid.
  extendedDampenerUsd: rate.optional(), maxOffsetablePnlUsd: rate.nullable().optional(),
  shortTermVegaPower: rate.optional(), longTermVegaPower: rate.optional()
})
export const DeribitPmFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  // Where the set comes from (a venue document read by pme-model-params.ts says so, with what it left out).
  date: utcDayOf().optional(),
  source: z.string().optional(),
  notes: z.array(z.string()).optional(),
  currencies: z.record(z.string(), PmCurrency)
})
export const StandardFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  futures: z.record(z.string(), z.strictObject({ imBase: rate, mmBase: rate, perCoin: rate })),
  options: z.strictObject({ otmBase: rate, floor: rate, mmBase: rate })
})
const Tier = z.strictObject({ upTo: z.number().positive().nullable(), factor: rate })
export const OkxPmFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  underlyingClass: z.record(z.string(), z.string()),
  classes: z.record(z.string(), z.strictObject({
    spotShocks: z.array(rate), extremeMove: z.number().positive().lt(1), annualisedBasisMove: rate,
    // Read off OKX's position-builder example (METHODOLOGY §5.4); absent = 0 (not charged).
    perpetualBasisRate: rate.optional(), mr7DeltaOneRate: rate.optional()
  })),
  volShock: z.strictObject({ volUp: rate, volDown: rate.max(1), minVolUp: rate }),
  extremeWeight: rate, thetaDays: rate, mr7OptionRate: rate,
  mr7Tiers: z.array(Tier).min(1), mr9Tiers: z.array(Tier).min(1)
})
export const SpanFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  underlyings: z.record(z.string(), z.strictObject({
    priceScanRange: z.number().positive().lt(1), volScanRange: rate.max(1), extremeMultiple: z.number().positive(),
    coverFraction: rate.max(1), lookaheadDays: rate,
    tiers: z.array(z.strictObject({ name: z.string(), maxDays: z.number().positive().nullable(), intraRate: rate })).min(1),
    tierSpreads: z.array(z.strictObject({ tiers: z.tuple([z.string(), z.string()]), rate })),
    shortOptionMinimumRate: rate
  })),
  interSpreads: z.array(z.strictObject({
    legs: z.tuple([z.strictObject({ underlying: z.string(), delta: z.number().positive() }), z.strictObject({ underlying: z.string(), delta: z.number().positive() })]),
    credit: rate.max(1)
  }))
})
export const CollateralFile = z.strictObject({ $comment: z.string().optional(), id: z.string().min(1), haircuts: z.record(z.string(), rate.max(1)), otherHaircut: rate.max(1) })
export const AddOnsFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  liquidity: z.strictObject({
    defaultHalfSpreadLinear: rate.max(1), defaultHalfSpreadOption: rate.max(1),
    depthUsd: z.record(z.string(), z.strictObject({ linear: z.number().positive(), option: z.number().positive() })),
    impactExponent: rate.max(2), maxMultiplier: z.number().min(1)
  }),
  concentration: z.record(z.string(), z.array(Tier).min(1))
})
function utcDayOf() {
  return z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD')
}
const utcDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar day')
const move = z.number().gt(-1, 'a move cannot reach −100 %').max(10)
// Underlyings are upper case in the book: "btc" would match nothing and its shock would silently not apply.
const underlyingKey = z.string().regex(/^(\*|[A-Z0-9]+)$/, 'an underlying in upper case (BTC) or "*" for any other')
export const StressFile = z.strictObject({
  $comment: z.string().optional(),
  id: z.string().min(1),
  worstMoves: z.strictObject({ horizonsDays: z.array(z.number().int().min(1).max(30)) }),
  episodes: z.array(z.strictObject({ name: z.string().min(1), from: utcDay, to: utcDay, note: z.string().optional() }).refine((e) => e.from < e.to, { message: '`from` must be before `to`', path: ['to'] })),
  hypothetical: z.array(z.strictObject({ name: z.string().min(1), moves: z.record(underlyingKey, move), volRel: z.number().gt(-1).max(10).optional(), volAbs: z.number().min(-1).max(2).optional(), note: z.string().optional() }))
})
const addOnsFromJson = (f: z.infer<typeof AddOnsFile>): AddOnParams => ({
  ...f,
  concentration: Object.fromEntries(Object.entries(f.concentration).map(([u, t]) => [u, tiersFromJson(t)]))
})

export const ParamsOverride = z
  .object({ 'deribit-pm': DeribitPmFile, standard: StandardFile, span: SpanFile, 'okx-pm': OkxPmFile, collateral: CollateralFile, 'add-ons': AddOnsFile, stress: StressFile })
  .partial()
  .strict()

export interface MarginParamSets {
  deribitPm: { id: string; currencies: Record<string, DeribitPmParams> }
  standard: StandardParams
  span: SpanParams
  okxPm: OkxPmParams
  collateral: z.infer<typeof CollateralFile>
  addOns: AddOnParams
  stress: StressLibrary
}

const where = (issue: z.core.$ZodIssue): string => (issue.path.length ? issue.path.join('.') : '(top level)')

/** The issue's own words; for a bad record key zod says only "Invalid key in record", the key schema says why. */
const problem = (issue: z.core.$ZodIssue): string => (issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message)

/** Validate a parameter document; the error names the source, the field path and the problem. */
export function parseParams<T>(schema: z.ZodType<T>, json: unknown, source: string): T {
  const r = schema.safeParse(json)
  if (!r.success) throw new InvalidDocumentError(`${source}: invalid margin parameters at ${where(r.error.issues[0]!)}: ${problem(r.error.issues[0]!)}`, where(r.error.issues[0]!))
  return r.data
}

/** Every kind of parameter set: the shipped file, what it is, and its schema (one registry for the
 * defaults, the user's edits in the book and the parameters view). */
export const PARAM_KINDS = [
  { kind: 'deribit-pm', label: 'Deribit portfolio margin (per settlement currency)', file: 'resources/params/deribit-pm-2024-06.json', json: deribitPmJson, schema: DeribitPmFile },
  { kind: 'standard', label: 'Deribit standard margin', file: 'resources/params/deribit-standard-2024.json', json: deribitStandardJson, schema: StandardFile },
  { kind: 'span', label: 'SPAN-style (house, per underlying)', file: 'resources/params/span-house-2026.json', json: spanJson, schema: SpanFile },
  { kind: 'okx-pm', label: 'OKX portfolio margin', file: 'resources/params/okx-pm-2025-01.json', json: okxPmJson, schema: OkxPmFile },
  { kind: 'collateral', label: 'Collateral haircuts', file: 'resources/params/collateral-haircuts.json', json: collateralJson, schema: CollateralFile },
  { kind: 'add-ons', label: 'Liquidity and concentration add-ons (house)', file: 'resources/params/add-ons-house-2026.json', json: addOnsJson, schema: AddOnsFile },
  { kind: 'stress', label: 'Stress library (historical episodes, hypothetical shocks)', file: 'resources/params/stress-library-2026.json', json: stressJson, schema: StressFile }
] as const satisfies readonly { kind: keyof z.infer<typeof ParamsOverride>; label: string; file: string; json: unknown; schema: z.ZodType }[]

export type ParamKind = (typeof PARAM_KINDS)[number]['kind']

export function paramKind(kind: string): (typeof PARAM_KINDS)[number] {
  const k = PARAM_KINDS.find((x) => x.kind === kind)
  if (!k) throw new RangeError(`"${kind}" is not a margin parameter set (${PARAM_KINDS.map((x) => x.kind).join(', ')})`)
  return k
}

/** The shipped document of a kind, without its $comment (the parameters view shows the comment apart). */
export function defaultParamDocument(kind: ParamKind): { id: string } & Record<string, unknown> {
  const { $comment: _comment, ...doc } = paramKind(kind).json as { $comment?: string; id: string }
  return structuredClone(doc)
}

/**
 * A user's edit of one kind, ready to store: validated (the error names the source, the kind and the
 * field path), and renamed when it differs from the shipped set but kept its id, because results
 * name the set they used and must never pass an edited set off as the venue's file.
 */
export function prepareUserParamSet(kind: ParamKind, document: unknown, source: string, now = new Date()): { id: string } & Record<string, unknown> {
  // A Deribit venue document (or a shipped set's id) is stored as the set it reads as.
  const fromVenue = kind === 'deribit-pm' && (isDeribitModelParams(document) || typeof document === 'string')
  document = (normaliseParamsOverride({ [kind]: document }, source) as Record<string, unknown>)[kind]
  parseParams(ParamsOverride, { [kind]: document }, source)
  const doc = { ...(document as { id: string } & Record<string, unknown>) }
  delete doc.$comment
  const edited = `+edited-${now.toISOString().slice(0, 16)}Z`
  const shipped = defaultParamDocument(kind)
  if (doc.id === shipped.id && !isDeepStrictEqual(doc, shipped)) doc.id = `${shipped.id}${edited}`
  if (kind === 'deribit-pm' && !fromVenue) {
    // The venue's sets too: a shipped one changed, or an imported one (id deribit-pme-…) saved from
    // an edit rather than read from the venue's document, no longer is the venue's.
    const venueSet = shippedDeribitPmSet(doc.id)
    if (venueSet && doc.id !== shipped.id && !isDeepStrictEqual(doc, venueSet)) doc.id = `${doc.id}${edited}`
    // An imported set (deribit-pme-…, with the currencies it kept from the set in use after a "+").
    else if (/^deribit-pme-/.test(doc.id) && !doc.id.includes('+edited-')) doc.id = `${doc.id}${edited}`
  }
  return doc
}

/** The user's stored sets as one override document (undefined when there are none). */
export function userParamsOverride(stored: readonly { kind: string; document: unknown }[]): Record<string, unknown> | undefined {
  return stored.length ? Object.fromEntries(stored.map((s) => [s.kind, s.document])) : undefined
}

type ParamDocuments = Required<z.infer<typeof ParamsOverride>>

/** Validated documents of every kind → the engine's parameter types (JSON's null bounds to Infinity). */
const engineSets = (o: ParamDocuments): MarginParamSets => ({
  deribitPm: o['deribit-pm'],
  standard: o.standard,
  span: o.span as SpanParams,
  okxPm: okxParamsFromJson(o['okx-pm']),
  collateral: o.collateral,
  addOns: addOnsFromJson(o['add-ons']),
  stress: o.stress
})

let shipped: { documents: ParamDocuments; sets: MarginParamSets } | null = null

/** The shipped files, each validated under its own file name. */
function shippedSets(): { documents: ParamDocuments; sets: MarginParamSets } {
  if (!shipped) {
    const documents = Object.fromEntries(PARAM_KINDS.map((k) => [k.kind, parseParams(k.schema as z.ZodType, k.json, k.file)])) as ParamDocuments
    shipped = { documents, sets: engineSets(documents) }
  }
  return shipped
}

/** The default sets, with any parts of `override` (validated, named by `source`) replacing them. */
export function marginParamSets(override?: unknown, source = 'parameter override'): MarginParamSets {
  const { documents, sets } = shippedSets()
  if (override === undefined || override === null) return sets
  return engineSets({ ...documents, ...parseParams(ParamsOverride, normaliseParamsOverride(override, source), source) })
}

export type DeribitPmDocument = z.infer<typeof DeribitPmFile>

/**
 * The Deribit PM sets shipped in resources/params, each with its date and source: Marginal's own
 * (the default every result used so far) and the venue's, read from Deribit's model_params as
 * published. Switch with `--params <id>`, a market file's `"params": { "deribit-pm": "<id>" }`, or
 * the parameters view.
 */
export const SHIPPED_DERIBIT_PM_SETS = [
  {
    id: 'deribit-pm-2024-06',
    file: 'resources/params/deribit-pm-2024-06.json',
    date: '2024-06-17',
    source: "Marginal's set (the default): Deribit's published ranges with Marginal's roll-shock rate 0.1, ETH and USDC sets of its own, a multiplier for the dampener",
    json: deribitPmJson as unknown
  },
  {
    id: 'deribit-pm-2024-06-published',
    file: 'resources/params/deribit-pm-2024-06-published.json',
    date: '2024-06-17',
    source: "Deribit's API reference, private/pme/simulate example response (model_params, timestamp 1718619740501): BTC and USDC",
    json: deribitPmPublishedJson as unknown
  },
  {
    id: 'deribit-pm-2026-02-live',
    file: 'resources/params/deribit-pm-2026-02-live.json',
    date: '2026-02-15',
    source: 'a live Deribit private/pme/simulate response recorded 2026-02-15 (model_params, timestamp 1771197609587), published by a trader on GitHub: ETH and USDC',
    json: deribitPmLiveJson as unknown
  }
] as const

const shippedPmDocuments = new Map<string, DeribitPmDocument>()

/** A shipped Deribit PM set by id, in the project's keys (a venue file read through pme-model-params.ts); undefined for another id. */
export function shippedDeribitPmSet(id: string): DeribitPmDocument | undefined {
  const entry = SHIPPED_DERIBIT_PM_SETS.find((e) => e.id === id)
  if (!entry) return undefined
  let doc = shippedPmDocuments.get(id)
  if (!doc) {
    const raw = isDeribitModelParams(entry.json) ? deribitPmFromModelParams(entry.json, entry.file) : entry.json
    const { $comment: _comment, ...rest } = parseParams(DeribitPmFile, raw, entry.file)
    shippedPmDocuments.set(id, (doc = rest))
  }
  return structuredClone(doc)
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/**
 * An override document with Deribit's own parameters in the project's keys: a venue document
 * (pme/simulate or pme/get_params response, its result, or the model_params block) at the top
 * level or under "deribit-pm", or a shipped set's id under "deribit-pm", becomes that set. Anything
 * else is returned as it is (parseParams validates it).
 */
export function normaliseParamsOverride(json: unknown, source: string): unknown {
  if (isDeribitModelParams(json)) return { 'deribit-pm': deribitPmFromModelParams(json, source) }
  if (!isRecord(json)) return json
  const pm = json['deribit-pm']
  if (typeof pm === 'string') {
    const shipped = shippedDeribitPmSet(pm)
    if (!shipped) throw new InvalidDocumentError(`${source}: invalid margin parameters at deribit-pm: "${pm}" is not a shipped set (${SHIPPED_DERIBIT_PM_SETS.map((e) => e.id).join(', ')})`, 'deribit-pm')
    return { ...json, 'deribit-pm': shipped }
  }
  if (isDeribitModelParams(pm)) return { ...json, 'deribit-pm': deribitPmFromModelParams(pm, `${source} (deribit-pm)`) }
  return json
}

/**
 * What a run's parameters say about themselves: the Deribit PM set's id, date and source, and its
 * notes (what a venue document left unread and why), when the override carries one.
 */
export function paramsNotes(override: unknown, source = 'parameter override'): { id: string; date: string | null; source: string | null; notes: string[] } | null {
  const pm = (normaliseParamsOverride(override, source) as Record<string, unknown> | undefined)?.['deribit-pm']
  if (!isRecord(pm) || typeof pm.id !== 'string') return null
  return { id: pm.id, date: typeof pm.date === 'string' ? pm.date : null, source: typeof pm.source === 'string' ? pm.source : null, notes: Array.isArray(pm.notes) ? pm.notes.filter((n): n is string => typeof n === 'string') : [] }
}

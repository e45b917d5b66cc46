/**
 * The margin parameter sets a book file uses: the shipped files in resources/params, replaced kind by
 * kind by the user's edits stored in the book (migration 5). What the parameters view lists and
 * saves, and the override every margin run of the book starts from.
 */
import type { BookDb } from '../book/database'
import { deleteUserParamSet, listUserParamSets, saveUserParamSet } from '../book/margin-params-repository'
import { isDeribitModelParams } from './deribit/pme-model-params'
import { defaultParamDocument, normaliseParamsOverride, PARAM_KINDS, paramKind, prepareUserParamSet, SHIPPED_DERIBIT_PM_SETS, shippedDeribitPmSet, userParamsOverride, type ParamKind } from './margin-params'

export interface ParamSetView {
  kind: ParamKind
  label: string
  file: string
  comment: string | null
  defaultDocument: Record<string, unknown>
  userDocument: Record<string, unknown> | null
  updatedAt: string | null
  activeId: string
  /** Other shipped sets of the kind (Deribit PM: the venue's own), with date, source and the document choosing one saves. */
  shippedSets?: { id: string; date: string; source: string; document: Record<string, unknown> }[]
}

/** The shipped Deribit PM sets besides the default, each as the document choosing it stores. */
const shippedPmChoices = (): NonNullable<ParamSetView['shippedSets']> =>
  SHIPPED_DERIBIT_PM_SETS.map((e) => ({ id: e.id, date: e.date, source: e.source, document: shippedDeribitPmSet(e.id)! as Record<string, unknown> }))

export function paramSetViews(db: BookDb): ParamSetView[] {
  const stored = new Map(listUserParamSets(db).map((s) => [s.kind, s]))
  return PARAM_KINDS.map((k) => {
    const user = stored.get(k.kind)
    const defaultDocument = defaultParamDocument(k.kind)
    const userDocument = (user?.document as Record<string, unknown> | undefined) ?? null
    return {
      kind: k.kind,
      label: k.label,
      file: k.file,
      comment: (k.json as { $comment?: string }).$comment ?? null,
      defaultDocument,
      userDocument,
      updatedAt: user?.updatedAt ?? null,
      activeId: String((userDocument ?? defaultDocument).id),
      ...(k.kind === 'deribit-pm' ? { shippedSets: shippedPmChoices() } : {})
    }
  })
}

const viewOf = (db: BookDb, kind: ParamKind): ParamSetView => paramSetViews(db).find((v) => v.kind === kind)!

/** Validate and store the user's set of one kind; nothing is written when it is invalid. */
export function saveParamSet(db: BookDb, kind: string, document: unknown, now = new Date()): ParamSetView {
  const k = paramKind(kind).kind
  const prepared = prepareUserParamSet(k, document, `${k} parameters`, now)
  const inUse = viewOf(db, k)
  saveUserParamSet(db, k, k === 'deribit-pm' && isDeribitModelParams(document) ? keepOtherCurrencies(prepared, inUse.userDocument ?? inUse.defaultDocument) : prepared, now)
  return viewOf(db, k)
}

type PmSet = { id: string; notes?: string[]; currencies: Record<string, unknown> } & Record<string, unknown>

/**
 * A Deribit response covers the currencies it was asked for (pme/simulate: one). Imported over a set
 * with others, it replaces the currencies it has and keeps the rest of the set in use, instead of
 * leaving those accounts without a portfolio-margin result; the id names both sets, and a note says
 * which currency came from where (results name the set they used).
 */
function keepOtherCurrencies(imported: Record<string, unknown>, inUse: Record<string, unknown>): Record<string, unknown> {
  const venue = imported as PmSet
  const current = inUse as PmSet
  const kept = Object.keys(current.currencies ?? {}).filter((c) => !(c in venue.currencies))
  if (!kept.length) return imported
  return {
    ...venue,
    id: `${venue.id}+${kept.join('+')}:${current.id}`,
    currencies: { ...Object.fromEntries(kept.map((c) => [c, current.currencies[c]])), ...venue.currencies },
    notes: [...(venue.notes ?? []), `${kept.join(', ')} kept from ${current.id}, the set in use before the import: the imported response has no ${kept.join(' or ')} set`]
  }
}

export function resetParamSet(db: BookDb, kind: string, now = new Date()): ParamSetView {
  const k = paramKind(kind).kind
  deleteUserParamSet(db, k, now)
  return viewOf(db, k)
}

/**
 * The override document for a margin run of this book file: its stored sets, each kind replaced
 * by `explicit` (a --params file, a market file's params) when that names it.
 */
export function bookParamsOverride(db: BookDb, explicit?: unknown, source = 'parameter override'): unknown {
  const stored = userParamsOverride(listUserParamSets(db))
  if (explicit === undefined || explicit === null) return stored
  // A Deribit venue document replaces the "deribit-pm" kind only, like any override naming it.
  explicit = normaliseParamsOverride(explicit, source)
  if (!stored || typeof explicit !== 'object' || Array.isArray(explicit)) return explicit
  return { ...stored, ...(explicit as Record<string, unknown>) }
}

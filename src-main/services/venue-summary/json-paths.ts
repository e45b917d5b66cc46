/**
 * Strict reading of a venue's JSON by key path, in the manner of services/deribit/pme-model-params.ts:
 * every missing or mistyped key is an InvalidDocumentError naming the file and the path
 * ("account.json: result.initial_margin: expected a number"), so a trader can find it in the file.
 * OKX sends its amounts as decimal strings ("1538.97"; "" where a figure does not apply to the
 * account's mode): `decimalAt` reads them, and '' as absent only where the caller allows it.
 */
import { InvalidDocumentError } from '../errors'

export type Json = Record<string, unknown>
export const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)

export const joinPath = (at: string, key: string | number): string => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key)

export function fail(source: string, path: string, problem: string): never {
  throw new InvalidDocumentError(`${source}: ${path || '(top level)'}: ${problem}`, path || '(top level)')
}

export function objectAt(o: Json, key: string, at: string, source: string): Json {
  const v = o[key]
  if (!isObject(v)) fail(source, joinPath(at, key), v === undefined ? 'missing (expected an object)' : 'expected an object')
  return v
}

export function arrayAt(o: Json, key: string, at: string, source: string): unknown[] {
  const v = o[key]
  if (!Array.isArray(v)) fail(source, joinPath(at, key), v === undefined ? 'missing (expected an array)' : 'expected an array')
  return v
}

export function numberAt(o: Json, key: string, at: string, source: string): number {
  const v = o[key]
  const path = joinPath(at, key)
  if (v === undefined) fail(source, path, 'missing (expected a number)')
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, path, 'expected a number')
  return v
}

/** A number the venue may leave out (older responses, another margin model): null when absent; wrong type is still an error. */
export function optionalNumberAt(o: Json, key: string, at: string, source: string): number | null {
  return o[key] === undefined || o[key] === null ? null : numberAt(o, key, at, source)
}

export function stringAt(o: Json, key: string, at: string, source: string): string {
  const v = o[key]
  if (typeof v !== 'string' || v.length === 0) fail(source, joinPath(at, key), v === undefined ? 'missing (expected a string)' : 'expected a non-empty string')
  return v
}

export function optionalBooleanAt(o: Json, key: string, at: string, source: string): boolean | null {
  const v = o[key]
  if (v === undefined || v === null) return null
  if (typeof v !== 'boolean') fail(source, joinPath(at, key), 'expected true or false')
  return v
}

/**
 * OKX's decimal string (numbers are accepted too). `emptyIsAbsent`: '' means "does not apply to
 * this account mode" (OKX: "Applicable to …") and reads as null; otherwise '' is an error.
 */
export function decimalAt(o: Json, key: string, at: string, source: string, emptyIsAbsent: true): number | null
export function decimalAt(o: Json, key: string, at: string, source: string, emptyIsAbsent?: false): number
export function decimalAt(o: Json, key: string, at: string, source: string, emptyIsAbsent = false): number | null {
  const v = o[key]
  const path = joinPath(at, key)
  if (v === undefined) {
    if (emptyIsAbsent) return null
    fail(source, path, 'missing (expected a decimal string)')
  }
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v !== 'string') fail(source, path, 'expected a decimal string')
  if (v === '') {
    if (emptyIsAbsent) return null
    fail(source, path, 'empty (expected a decimal string)')
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) fail(source, path, `"${v.slice(0, 40)}" is not a decimal number`)
  return Number(v)
}

/** The whole file as JSON, or an error naming it. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InvalidDocumentError(`${source}: not JSON (${(e as Error).message})`, '(file)')
  }
}

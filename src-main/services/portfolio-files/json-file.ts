/**
 * Reading a JSON document a trader or a script wrote: every error names the file, the JSON path
 * (`positions[3].quantity`) and the problem, so the fix is obvious without a debugger.
 */
import type { z } from 'zod'
import { MAX_QUOTED_CHARS, quoteInput } from '../../engine/instruments/bounds'

/** A problem in a portfolio, market or parameter file: `file: path: problem`. */
export class FileFormatError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string
  ) {
    super(`${file}: ${path ? `${path}: ` : ''}${problem}`)
    this.name = 'FileFormatError'
  }
}

/** `['positions', 3, 'quantity']` → `positions[3].quantity`; keys that are not identifiers in brackets, long ones clipped. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`
      const name = String(key)
      if (name.length <= MAX_QUOTED_CHARS && /^[A-Za-z_$][\w$]*$/.test(name)) return i === 0 ? name : `.${name}`
      return `[${jsonString(name)}]`
    })
    .join('')
}

// Python's json module writes NaN and Infinity by default, and spreadsheets export them: the first
// JSON.parse fails on them with no hint of where. Quoting them behind a marker lets the schema
// report the exact field instead ("positions[3].quantity: NaN is not a number").
const NON_FINITE_MARK = '\u0000'
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity)\b/g

/** JSON.parse, with the file named in the error; NaN and ±Infinity reach the schema as marked strings. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    try {
      return JSON.parse(text.replace(STRING_OR_NON_FINITE, (m) => (m.startsWith('"') ? m : JSON.stringify(NON_FINITE_MARK + m))))
    } catch {
      throw new FileFormatError(file, '', `not valid JSON: ${(e as Error).message}`)
    }
  }
}

/**
 * A number as a file should show it: 15 significant digits drop binary noise (a tick-rounded mark
 * 0.028800000000000003) that no venue quotes, and keep every digit a venue does.
 */
export const tidyNumber = (x: number): number => Number(x.toPrecision(15))

/** A string as JSON quotes it, clipped (bounds.ts quoteInput): messages never echo megabytes of a file. */
const jsonString = (s: string): string => (s.length <= MAX_QUOTED_CHARS ? JSON.stringify(s) : quoteInput(s, '"'))
const show = (value: unknown): string => (typeof value === 'string' ? jsonString(value) : String(value))

/** One schema issue as a trader reads it; the last path segment names what was expected. */
function describeIssue(issue: z.core.$ZodIssue & { input?: unknown }): string {
  const field = String(issue.path[issue.path.length - 1] ?? 'value')
  const input = issue.input
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `missing (expected a ${issue.expected})`
      if (typeof input === 'string' && input.startsWith(NON_FINITE_MARK)) return `${input.slice(1)} is not a number`
      return `${show(input)} is not a ${issue.expected}`
    case 'invalid_value':
      return `unknown ${field} ${show(input)} (expected ${issue.values.map((v) => show(v)).join(', ')})`
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.slice(0, 5).map(jsonString).join(', ')}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ''}`
    case 'invalid_key':
      return `key ${show(input)} ${issue.issues.map((i) => i.message).join('; ')}`
    default:
      // The schemas phrase their checks as predicates ("is not a positive price"): say what was found.
      return input === undefined || typeof input === 'object' ? issue.message : `${show(input)} ${issue.message}`
  }
}

/** Parse `data` with `schema`, or throw a FileFormatError for the first issue (path and problem). */
export function parseWithSchema<S extends z.ZodType>(schema: S, data: unknown, file: string): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true })
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw new FileFormatError(file, jsonPath(issue.path), describeIssue(issue))
}

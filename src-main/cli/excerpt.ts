/**
 * What the command line echoes of its input: never more than a short excerpt. Importers quote the
 * cell they could not read ('abc' is not a number), and a cell can be megabytes long (a file with
 * no line breaks, a corrupt export); a report of one line per row must stay one line per row.
 */

/** The longest value echoed whole: longer ones keep their first EXCERPT_CHARS characters. */
export const EXCERPT_CHARS = 80
/**
 * A run without spaces longer than this is a value (a cell, a symbol), clipped to EXCERPT_CHARS:
 * longer than any path or id a message names on purpose.
 */
const TOKEN_CHARS = 200
/** The longest line of a message, once every value in it is clipped. */
const LINE_CHARS = 1000

const bytes = (s: string): string => `${Buffer.byteLength(s, 'utf8')} bytes`

/** `value`, or its first `limit` characters, an ellipsis and its size: `abc…` (1234567 bytes)`. */
export function excerpt(value: string, limit = EXCERPT_CHARS): string {
  return value.length <= limit ? value : `${head(value, limit)}… (${bytes(value)})`
}

/** The first `limit` UTF-16 units of `s`, never half a surrogate pair. */
function head(s: string, limit: number): string {
  const h = s.slice(0, limit)
  return /[\uD800-\uDBFF]$/.test(h) ? h.slice(0, -1) : h
}

/** Control characters (escape sequences, lone carriage returns) printed as \xNN, never sent to the terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`

// X{81}X*, never X{81,}: the same runs, but V8 takes 0.35 s for the latter on a 3 MB cell, 2 ms for the former.
const QUOTED = [
  // An apostrophe inside a word (line 2's, row's) opens or closes nothing.
  new RegExp(`(?<!\\w)'([^'\\n]{${EXCERPT_CHARS + 1}}[^'\\n]*)'(?!\\w)`, 'g'),
  new RegExp(`"([^"\\n]{${EXCERPT_CHARS + 1}}[^"\\n]*)"`, 'g'),
  new RegExp(`“([^”\\n]{${EXCERPT_CHARS + 1}}[^”\\n]*)”`, 'g')
]
const LONG_TOKEN = new RegExp(`\\S{${TOKEN_CHARS + 1}}\\S*`, 'g')

/** Line breaks as \n (oneLine) or LF, every other control character as \xNN. */
function escapeControls(text: string, oneLine: boolean): string {
  const s = text.replace(/\r\n?/g, '\n').replace(CONTROL, hex)
  return oneLine ? s.replace(/\n/g, '\\n') : s
}

/**
 * A message with every echoed value clipped: quoted values longer than EXCERPT_CHARS keep an
 * excerpt and their size ('abc…' (1234567 bytes)), so do long runs without spaces; control
 * characters are escaped; each line is at most LINE_CHARS. oneLine: line breaks become \n, for
 * reports of one line per issue.
 */
export function clipText(text: string, opts: { oneLine?: boolean } = {}): string {
  let s = escapeControls(text, opts.oneLine ?? false)
  for (const re of QUOTED) {
    s = s.replace(re, (whole, inner: string) => {
      return `${whole[0]}${head(inner, EXCERPT_CHARS)}…${whole[whole.length - 1]} (${bytes(inner)})`
    })
  }
  s = s.replace(LONG_TOKEN, (t) => excerpt(t))
  return s
    .split('\n')
    .map((line) => excerpt(line, LINE_CHARS))
    .join('\n')
}

/**
 * The kind of a reason, for counting: quoted values (clipped or not) become '…' and anything with
 * a digit (line numbers, amounts, ids, symbols) '#', so "unknown transaction type 'x'" on 5,000 rows
 * is one kind.
 */
export function reasonKey(reason: string): string {
  return reason
    .replace(/(…['"”]?) \(\d+ bytes\)/g, '$1')
    .replace(/(?<!\w)'[^'\n]*'(?!\w)|"[^"\n]*"|“[^”\n]*”/g, (q) => `${q[0]}…${q[q.length - 1]}`)
    .replace(/\d{1,3}(?:,\d{3})+/g, '#')
    .replace(/[\w.+:/-]*\d[\w.+:/-]*/g, '#')
}

/** A line echoing input (a name, a note, an issue): one line, every value in it clipped. */
export const echoLine = (s: string): string => clipText(s, { oneLine: true })

/** What a caught value says: an Error's message, anything else as text. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** A table cell echoing input (an account, a symbol): one line, at most EXCERPT_CHARS and its size. */
export const echoCell = (s: string): string => excerpt(escapeControls(s, true))

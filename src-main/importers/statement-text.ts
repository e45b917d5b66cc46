/**
 * A statement's text: a string (what the hosts send), or a file read a chunk at a time (the CLI),
 * so that a 1M-row, 190 MB log is never one string in memory (issue 20: the string and the bytes
 * it was decoded from were ~380 MB of a 2 GB import). Formats that read their rows as they come
 * (the Deribit log) take the chunks; every other format gets the whole text, as before.
 */

export interface ChunkedText {
  /** The text's first characters (its first chunk, or all of it): enough to tell its format by its first rows. */
  readonly head: string
  /** The whole text, in order, a chunk at a time, from its start each time it is called. */
  chunks(): Iterable<string>
}

export type StatementText = string | ChunkedText

/** The whole text as one string (the formats that are not read a row at a time). */
export const wholeText = (text: StatementText): string => (typeof text === 'string' ? text : [...text.chunks()].join(''))

/** The text's beginning, for detecting its format. */
export const headOf = (text: StatementText): string => (typeof text === 'string' ? text : text.head)

/** A string in chunks of `chars` characters, never splitting a surrogate pair: the same text as chunks (tests, and a string read like a file). */
export function* inChunks(text: string, chars: number): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + chars)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++
    yield text.slice(at, end)
    at = end
  }
}

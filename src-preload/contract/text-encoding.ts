/**
 * Which text encoding a downloaded statement's bytes are in, for both sides of the boundary (the
 * renderer reads dropped files, the CLI reads paths). Venues export UTF-8, with or without a
 * byte-order mark; a file re-saved by Excel as "Unicode text" is UTF-16 little-endian with the
 * mark FF FE and tabs between fields. UTF-16 without a mark is recognised by its zero bytes (ASCII
 * text has a zero in every other byte).
 */
export type StatementEncoding = 'utf-8' | 'utf-16le' | 'utf-16be'

export function sniffEncoding(bytes: Uint8Array): StatementEncoding {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  const n = Math.min(bytes.length, 512) & ~1
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++
    if (bytes[i + 1] === 0) oddZeros++
  }
  if (n >= 8 && oddZeros > n / 4 && evenZeros === 0) return 'utf-16le'
  if (n >= 8 && evenZeros > n / 4 && oddZeros === 0) return 'utf-16be'
  return 'utf-8'
}

/** The text without its byte-order mark. Invalid UTF-8 becomes U+FFFD, which the parsers then report by row. */
export function decodeStatement(bytes: Uint8Array): { text: string; encoding: StatementEncoding } {
  const encoding = sniffEncoding(bytes)
  const text = new TextDecoder(encoding).decode(bytes)
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding }
}

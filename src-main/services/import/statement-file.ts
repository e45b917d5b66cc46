/**
 * A statement file read a chunk at a time (issue 20): the text readTextFile returns, decoded the
 * same way (UTF-8 with or without a byte-order mark, or UTF-16: sniffEncoding on its first bytes,
 * one leading U+FEFF dropped), handed over in small chunks so that a 190 MB log is never
 * one string, nor one buffer. Every call of chunks() reads the file again from its start.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { TextDecoder } from 'node:util'
import { sniffEncoding } from '@contract/text-encoding'
import type { ChunkedText } from '../../importers/statement-text'

/**
 * Bytes read at a time. Small: a chunk's string is then an ordinary young object that the next
 * scavenge frees; 4 MB strings went to V8's large-object space, freed only by a full collection,
 * and a 190 MB file's dead chunks piled up to ~400 MB before one came (issue 20).
 */
const CHUNK_BYTES = 64 * 1024
/** The head: enough of the text for its first rows (format detection reads at most 11). */
const HEAD_CHARS = 1024 * 1024

/** What sniffEncoding reads of a file's start. */
const SNIFF_BYTES = 512

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff

/** What says a file is as it was: its size and last modification, as the first read found them. */
type FileStamp = { size: number; mtimeMs: number }
const stampOf = (fd: number): FileStamp => {
  const st = fstatSync(fd)
  return { size: st.size, mtimeMs: st.mtimeMs }
}

/**
 * The decoded text of `path`, chunk after chunk; an error names the file. Every pass (the hash, the
 * parse, the commit's) reads the file again, so each checks the file is still the one the first
 * pass read, at its start and its end: a file rewritten mid-import (a new download saved over it)
 * would otherwise be hashed as one file and imported as another.
 */
function* decodedChunks(path: string, chunkBytes: number, expected?: FileStamp): Generator<string> {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e })
  }
  const unchanged = (): void => {
    const now = stampOf(fd)
    if (expected && (now.size !== expected.size || now.mtimeMs !== expected.mtimeMs)) {
      throw new Error(`${path} changed while it was being imported (size or modification time): nothing was written; import it again once it is complete`)
    }
  }
  try {
    unchanged()
    const buffer = Buffer.allocUnsafe(chunkBytes)
    let decoder: TextDecoder | null = null
    let first = true
    let carry = ''
    for (;;) {
      let read: number
      try {
        read = readSync(fd, buffer, 0, chunkBytes, null)
      } catch (e) {
        throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e })
      }
      if (!decoder) {
        // The encoding from the file's first bytes, as readTextFile sniffs it (it looks at up to 512).
        const probe = Buffer.allocUnsafe(SNIFF_BYTES)
        decoder = new TextDecoder(sniffEncoding(probe.subarray(0, readSync(fd, probe, 0, SNIFF_BYTES, 0))))
      }
      // stream: a character cut by the chunk's end waits for its other bytes; the last call flushes.
      let text = carry + (read > 0 ? decoder.decode(buffer.subarray(0, read), { stream: true }) : decoder.decode())
      carry = ''
      if (first && text.length > 0) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
        first = false
      }
      // Never end a chunk between the two halves of a surrogate pair (the file's hash is of whole characters).
      if (read > 0 && text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
        carry = text.slice(-1)
        text = text.slice(0, -1)
      }
      if (read === 0) unchanged()
      if (text.length > 0) yield text
      if (read === 0) return
    }
  } finally {
    closeSync(fd)
  }
}

/** The statement at `path` as a ChunkedText; reads its head now, so that a file that cannot be read fails here. */
export function statementFile(path: string, chunkBytes = CHUNK_BYTES): ChunkedText {
  let stamp: FileStamp
  try {
    const fd = openSync(path, 'r')
    try {
      stamp = stampOf(fd)
    } finally {
      closeSync(fd)
    }
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e })
  }
  const parts: string[] = []
  let chars = 0
  for (const chunk of decodedChunks(path, chunkBytes, stamp)) {
    parts.push(chunk)
    if ((chars += chunk.length) >= HEAD_CHARS) break
  }
  return { head: parts.join(''), chunks: () => decodedChunks(path, chunkBytes, stamp) }
}

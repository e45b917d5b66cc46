/**
 * Reading a file the trader names (a statement, market, portfolio or parameter file) as text.
 */
import { readFileSync } from 'node:fs'
import { decodeStatement } from '@contract/text-encoding'

/** A statement or market file as text: UTF-8 with or without a BOM, or UTF-16 (Excel's "Unicode text"); an error names the file. */
export function readTextFile(file: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e })
  }
  return decodeStatement(bytes).text
}

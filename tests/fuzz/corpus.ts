/**
 * The import fuzz corpus (tests/fixtures/fuzz/): where it lives, how its files are named, and the
 * request fields a host adds for some of them. Shared by the generator (generate-corpus.ts) and the
 * test (fuzz-corpus.test.ts).
 *
 * A corpus file is named `<seed stem>.s<n>.<mutation>.<ext>`: the seed statement or market file it
 * was made from (tests/fixtures/statements/<stem>.<ext>, or a synthetic market file the generator
 * writes in the venues' layouts), the number that seeded the mutation's PRNG, and the mutation
 * (`orig` for the seed unchanged, `mix-a+b` for several in turn). The importers read the file
 * name (Binance's time zone, Deribit's account and currency, what a price history prices), so the
 * name is part of the input: the test sends it as `fileName`.
 */
import { resolve } from 'node:path'

export const CORPUS_DIR = resolve(import.meta.dirname, '../fixtures/fuzz')

/** Limits the corpus keeps (the generator refuses to write more). */
export const MAX_FILE_BYTES = 50 * 1024
export const MAX_CORPUS_BYTES = 5 * 1024 * 1024

/** Stem of the synthetic Deribit ticker chain: it carries no snapshot time, which the host asks for. */
export const TICKER_CHAIN_STEM = 'deribit_btc_option_chain_greeks_2026'
export const TICKER_CHAIN_AS_OF = '2026-03-01T13:49:00Z'

/** Fields a host sends beside bookId, fileName and text for this corpus file (the "Taken at" of a ticker chain). */
export function requestExtras(fileName: string): { asOf?: string } {
  return fileName.startsWith(`${TICKER_CHAIN_STEM}.`) ? { asOf: TICKER_CHAIN_AS_OF } : {}
}

/** `okx-bills.s17.truncate-quote.csv` → its parts; null for a name not in the corpus scheme. */
export function parseCorpusName(fileName: string): { stem: string; n: number; mutation: string; ext: string } | null {
  const m = /^(.+)\.s(\d+)\.([a-z0-9+-]+)\.([a-z0-9]+)$/.exec(fileName)
  return m ? { stem: m[1]!, n: Number(m[2]), mutation: m[3]!, ext: m[4]! } : null
}

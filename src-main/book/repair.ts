/**
 * Save a repaired copy of a damaged (or read-only) book: a new file that passes SQLite's
 * `integrity_check`, holding every row that can still be read.
 *
 * First `VACUUM INTO` (https://sqlite.org/lang_vacuum.html#vacuuminto): when the damage is in an
 * index or in free pages, it rebuilds a clean file with every row. When it cannot read a table, a
 * row-by-row copy in plain SQL, in the spirit of the sqlite3 shell's `.recover`: the schema from
 * sqlite_master, each table read in rowid order; where a page cannot be read the copy finds the next
 * readable rowid (the table's b-tree still leads past the damaged page) and carries on, recording
 * the range it skipped. Rows that violate a constraint, or whose parent row was lost (foreign keys),
 * are left out and counted, so the copy is a book Marginal can open and migrate.
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, dirname, extname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { BookDb } from './database'
import { BookDamagedError } from './book-errors'

export interface UnreadableRange {
  table: string
  /** The last rowid read before the damage (null: from the table's start). */
  afterId: number | null
  /** The first rowid read after it (null: to the table's end). */
  beforeId: number | null
}

export interface RepairResult {
  path: string
  bytes: number
  /** vacuum: SQLite rebuilt the file whole; row-copy: table by table, skipping what cannot be read. */
  method: 'vacuum' | 'row-copy'
  rows: Record<string, number>
  integrity: 'ok'
  unreadable: UnreadableRange[]
  /** Rows read but left out: a constraint they break, or a parent row (foreign key) that was lost. */
  rowsLeftOut: number
  atUtc: string
}

const isCorrupt = (e: unknown): boolean => /^SQLITE_(CORRUPT|NOTADB)/.test(String((e as { code?: unknown }).code ?? ''))
const q = (name: string): string => `"${name.replace(/"/g, '""')}"`

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return (statSync(dir).mode & 0o222) !== 0
  } catch {
    return false
  }
}

/** Beside the book (`book-repaired-<date-time>.sqlite`), or in the home folder when the book's folder cannot be written. */
export function defaultRepairPath(bookPath: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-')
  const stem = basename(bookPath, extname(bookPath))
  const dir = writable(dirname(bookPath)) ? dirname(bookPath) : homedir()
  return join(dir, `${stem}-repaired-${stamp}.sqlite`)
}

const removeCopy = (path: string): void => {
  for (const p of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true })
}

function integrity(path: string): string {
  const copy = new Database(path, { readonly: true, fileMustExist: true })
  try {
    return String(copy.pragma('integrity_check', { simple: true }))
  } finally {
    copy.close()
  }
}

function countRows(path: string): Record<string, number> {
  const copy = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const tables = (copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
    return Object.fromEntries(tables.map((t) => [t, (copy.prepare(`SELECT COUNT(*) AS n FROM ${q(t)}`).get() as { n: number }).n]))
  } finally {
    copy.close()
  }
}

export function saveRepairedCopy(db: BookDb, bookPath: string, target?: string, now = new Date()): RepairResult {
  const path = resolve(target ?? defaultRepairPath(bookPath, now))
  if (path === resolve(bookPath)) throw new Error(`${path} is the book itself: choose another file for the repaired copy`)
  if (existsSync(path)) throw new Error(`${path} already exists: choose a new file (a repaired copy never overwrites one)`)
  mkdirSync(dirname(path), { recursive: true })
  const done = (method: RepairResult['method'], unreadable: UnreadableRange[], rowsLeftOut: number): RepairResult => ({
    path, bytes: statSync(path).size, method, rows: countRows(path), integrity: 'ok', unreadable, rowsLeftOut, atUtc: now.toISOString()
  })
  // A view-only book's connection is query_only; VACUUM INTO writes only the new file.
  const queryOnly = db.pragma('query_only', { simple: true }) === 1
  try {
    if (queryOnly) db.pragma('query_only = OFF')
    try {
      db.prepare('VACUUM INTO ?').run(path)
    } finally {
      if (queryOnly) db.pragma('query_only = ON')
    }
    if (integrity(path) === 'ok') return done('vacuum', [], 0)
  } catch (e) {
    if (!isCorrupt(e)) {
      removeCopy(path)
      throw new Error(`cannot write the repaired copy ${path}: ${(e as Error).message}`, { cause: e })
    }
  }
  removeCopy(path)
  try {
    const { unreadable, rowsLeftOut } = copyRowByRow(db, bookPath, path)
    const check = integrity(path)
    if (check !== 'ok') throw new Error(`the repaired copy ${path} still fails SQLite's integrity check (${check})`)
    return done('row-copy', unreadable, rowsLeftOut)
  } catch (e) {
    removeCopy(path)
    throw e
  }
}

interface SchemaRow {
  type: string
  name: string
  sql: string
}

function copyRowByRow(src: BookDb, bookPath: string, path: string): { unreadable: UnreadableRange[]; rowsLeftOut: number } {
  let schema: SchemaRow[]
  try {
    schema = src.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as SchemaRow[]
  } catch (e) {
    if (isCorrupt(e)) throw new BookDamagedError(`the book ${bookPath} is too damaged to repair: its table list cannot be read (${(e as Error).message})`, bookPath, null, e)
    throw e
  }
  const out = new Database(path)
  const unreadable: UnreadableRange[] = []
  let rowsLeftOut = 0
  try {
    out.pragma('foreign_keys = OFF')
    out.pragma(`user_version = ${Number(src.pragma('user_version', { simple: true }))}`)
    const tables = schema.filter((s) => s.type === 'table')
    out.transaction(() => {
      // Indexes before rows: a unique index refuses (and counts) a duplicate rather than failing to build.
      for (const t of tables) out.exec(t.sql)
      for (const s of schema.filter((x) => x.type !== 'table')) out.exec(s.sql)
      for (const t of tables) {
        const r = copyTable(src, out, t)
        unreadable.push(...r.unreadable)
        rowsLeftOut += r.leftOut
      }
      rowsLeftOut += dropOrphans(out)
    }).immediate()
  } finally {
    out.close()
  }
  return { unreadable, rowsLeftOut }
}

function copyTable(src: BookDb, out: BookDb, t: SchemaRow): { unreadable: UnreadableRange[]; leftOut: number } {
  const columns = (out.pragma(`table_info(${q(t.name)})`) as { name: string }[]).map((c) => c.name)
  const insert = out.prepare(`INSERT OR IGNORE INTO ${q(t.name)} (${columns.map(q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
  let leftOut = 0
  const put = (row: Record<string, unknown>): void => {
    if (insert.run(columns.map((c) => row[c])).changes === 0) leftOut++
  }
  const unreadable: UnreadableRange[] = []
  if (/without\s+rowid/i.test(t.sql)) {
    // No rowid to resume from: what reads before the damage is kept.
    try {
      for (const row of src.prepare(`SELECT * FROM ${q(t.name)}`).iterate()) put(row as Record<string, unknown>)
    } catch (e) {
      if (!isCorrupt(e)) throw e
      unreadable.push({ table: t.name, afterId: null, beforeId: null })
    }
    return { unreadable, leftOut }
  }
  const from = src.prepare(`SELECT rowid AS "__marginal_rowid", * FROM ${q(t.name)} WHERE rowid >= ? ORDER BY rowid`)
  const firstFrom = src.prepare(`SELECT rowid AS id FROM ${q(t.name)} WHERE rowid >= ? ORDER BY rowid LIMIT 1`)
  /** The first rowid ≥ x, null past the end, 'damaged' when the way to x crosses a damaged page. */
  const probe = (x: number): number | null | 'damaged' => {
    try {
      return (firstFrom.get(x) as { id: number } | undefined)?.id ?? null
    } catch (e) {
      if (isCorrupt(e)) return 'damaged'
      throw e
    }
  }
  const LIMIT = 2 ** 53
  let next: number | null = -LIMIT
  while (next !== null) {
    const start: number = next
    let last: number | null = null
    try {
      for (const row of from.iterate(start) as IterableIterator<Record<string, unknown>>) {
        put(row)
        last = row.__marginal_rowid as number
      }
      next = null
    } catch (e) {
      if (!isCorrupt(e)) throw e
      // Past the last row read, find the first readable rowid: double the stride until a probe gets
      // past the damage, then halve back to the smallest rowid that does.
      // Nothing read: the row at `next` itself is unreadable, and the search starts past it.
      const after = last ?? start
      let bad = after
      let step = 1
      let found: number | null | 'damaged' = 'damaged'
      while (step <= LIMIT) {
        found = probe(after + step)
        if (found !== 'damaged') break
        bad = after + step
        step *= 2
      }
      if (found !== 'damaged') {
        let good = after + step
        while (good - bad > 1) {
          const mid = bad + Math.floor((good - bad) / 2)
          const r = probe(mid)
          if (r === 'damaged') bad = mid
          else {
            good = mid
            found = r
          }
        }
      }
      const resume = found === 'damaged' ? null : found
      unreadable.push({ table: t.name, afterId: last, beforeId: resume })
      next = resume
    }
  }
  return { unreadable, leftOut }
}

/** Delete rows whose parent row is missing, until none is left (a child of a deleted row goes too); returns how many. */
function dropOrphans(out: BookDb): number {
  let dropped = 0
  for (let round = 0; round < 20; round++) {
    const broken = out.pragma('foreign_key_check') as { table: string; rowid: number | null }[]
    if (!broken.length) break
    for (const b of broken) {
      if (b.rowid === null) continue
      dropped += out.prepare(`DELETE FROM ${q(b.table)} WHERE rowid = ?`).run(b.rowid).changes
    }
  }
  return dropped
}

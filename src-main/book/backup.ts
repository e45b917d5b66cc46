/**
 * A consistent copy of the book file. The book runs in WAL mode, so a plain file copy of
 * book.sqlite can miss committed transactions still in book.sqlite-wal, or catch a checkpoint
 * half-done; SQLite's `VACUUM INTO` writes a complete, compacted copy from one read snapshot while
 * other connections keep writing (https://sqlite.org/lang_vacuum.html#vacuuminto). The copy is then
 * opened read-only, checked, and its rows counted.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { BookDb } from './database'

export interface BackupResult {
  path: string
  bytes: number
  rows: Record<string, number>
  integrity: 'ok'
  atUtc: string
}

/** Where a backup goes by default: a backups folder beside the book, one file per minute. */
export function defaultBackupPath(bookPath: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-')
  return join(dirname(bookPath), 'backups', `book-${stamp}.sqlite`)
}

export function backupBookFile(db: BookDb, bookPath: string, target?: string, now = new Date()): BackupResult {
  const path = resolve(target ?? defaultBackupPath(bookPath, now))
  if (path === resolve(bookPath)) throw new Error(`${path} is the book itself: choose another file for the backup`)
  if (existsSync(path)) throw new Error(`${path} already exists: choose a new file (a backup never overwrites one)`)
  mkdirSync(dirname(path), { recursive: true })
  try {
    db.prepare('VACUUM INTO ?').run(path)
  } catch (e) {
    throw new Error(`cannot write the backup ${path}: ${(e as Error).message}`, { cause: e })
  }
  const copy = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const check = copy.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new Error(`the backup ${path} fails SQLite's integrity check (${String(check)}); keep the book and retry`)
    const tables = (copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
    const rows = Object.fromEntries(tables.map((t) => [t, (copy.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]))
    return { path, bytes: statSync(path).size, rows, integrity: 'ok', atUtc: now.toISOString() }
  } finally {
    copy.close()
  }
}

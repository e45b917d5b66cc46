/**
 * Opening the position book: one SQLite file, WAL journal (readers never block the writer and a
 * crash mid-transaction rolls back on reopen), foreign keys on, schema migrated forward.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from './migrations'

export type BookDb = Database.Database

export interface OpenedBook {
  db: BookDb
  path: string
  schemaVersion: number
  sqliteVersion: string
}

/** How long a writer waits for another process's lock before the clear "locked" error below. */
const BUSY_TIMEOUT_MS = 5000

export function openBookDatabase(path: string, busyTimeoutMs = BUSY_TIMEOUT_MS): OpenedBook {
  mkdirSync(dirname(path), { recursive: true })
  let db: BookDb
  try {
    db = new Database(path, { timeout: busyTimeoutMs })
  } catch (e) {
    throw new Error(`cannot open the book ${path}: ${(e as Error).message}`, { cause: e })
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // NORMAL is durable in WAL mode except for the last transactions before a power loss;
    // a process crash (kill -9) loses nothing that was committed.
    db.pragma('synchronous = NORMAL')
    const schemaVersion = migrate(db, path)
    const sqliteVersion = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
    return { db, path, schemaVersion, sqliteVersion }
  } catch (e) {
    db.close()
    const err = e as Error & { code?: string }
    if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_LOCKED') {
      throw new Error(`the book ${path} is locked by another process (waited ${busyTimeoutMs / 1000} s); close it and retry`, { cause: e })
    }
    if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') {
      throw new Error(`${path} is not a Marginal book (SQLite says: ${err.message})`, { cause: e })
    }
    throw err
  }
}

/**
 * The import worker's tasks (import.worker.ts): parse a statement or market file, plan it against
 * the book and, for a commit, write it, all on the worker's own connection to the book file. The
 * host's thread stays free to answer other calls meanwhile: WAL lets its connection read while this
 * one writes, and a commit is still one transaction, all of it or none of it. A cancelled commit
 * ends the thread (workers/pool.ts), and closing a connection with its transaction open rolls it back.
 */
import { openBookDatabase, type BookDb } from '../../book/database'
import type { TaskTable } from '../../workers/protocol'
import { commitImport, previewImport, type ImportRequest } from '../import-service'
import { previewReply } from '../import-preview'

export interface ImportTaskInput {
  /** The book file the host has open; the worker opens it again for the task and closes it after. */
  bookPath: string
  req: ImportRequest
}

export interface CommitTaskInput extends ImportTaskInput {
  req: ImportRequest & { allowPartial: boolean }
  /** The host's clock: the import log and audit rows carry the instant the host asked. */
  nowMs: number
}

function withBook<T>(bookPath: string, body: (db: BookDb) => T): T {
  const { db } = openBookDatabase(bookPath)
  try {
    return body(db)
  } finally {
    db.close()
  }
}

export const importTasks: TaskTable = {
  previewImport(input) {
    const { bookPath, req } = input as ImportTaskInput
    return { output: withBook(bookPath, (db) => previewReply(previewImport(db, req))) }
  },

  commitImport(input, ctx) {
    const { bookPath, req, nowMs } = input as CommitTaskInput
    return { output: withBook(bookPath, (db) => commitImport(db, { ...req, onProgress: (done, total) => ctx.progress(done, total) }, new Date(nowMs))) }
  }
}

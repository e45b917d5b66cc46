/**
 * For a crash test's child process: block this thread, inside its open transaction, until the
 * parent kills it. A synchronous read of stdin waits on the parent, not on a clock; if the parent
 * goes away instead, stdin closes and the child carries on (no orphan spinning). The parent must
 * spawn the child with stdin as a pipe it keeps open.
 */
import { readSync } from 'node:fs'

export function holdUntilKilled(): void {
  const byte = Buffer.alloc(1)
  for (;;) {
    try {
      if (readSync(0, byte, 0, 1, null) === 0) return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
    }
  }
}

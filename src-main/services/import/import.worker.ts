/** The import worker thread: previews and commits off the host's thread (import-tasks.ts, import-runner.ts). */
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { serveTasks } from '../../workers/worker-runtime'
import { importTasks } from './import-tasks'

/**
 * On Linux a thread has its own nice value: this one (nice 5) yields a contended core to the host's
 * thread, which answers the trader while the import runs; on an idle core it runs at full speed.
 * Elsewhere priorities are per process, so they are left alone.
 */
function yieldToTheHost(): void {
  if (process.platform !== 'linux') return
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1))
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, 5)
  } catch {
    // No /proc, or not allowed: run at the host's priority.
  }
}

yieldToTheHost()
serveTasks(importTasks)

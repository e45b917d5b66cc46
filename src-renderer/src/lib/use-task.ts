/**
 * A long backend run the user can watch and stop: its task id, progress from task.progress events,
 * Cancel through cancelTask, and the error of the last run. A new run drops a stale answer.
 */
import { onBeforeUnmount, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { useApi } from '../api/api'

export interface Task<T> {
  running: Ref<boolean>
  progress: Ref<{ done: number; total: number }>
  result: ShallowRef<T | null>
  error: Ref<string | null>
  run(body: (taskId: string) => Promise<T>): Promise<void>
  cancel(): Promise<void>
}

export function useTask<T>(prefix: string): Task<T> {
  const running = ref(false)
  const progress = ref({ done: 0, total: 0 })
  const result = shallowRef<T | null>(null)
  const error = ref<string | null>(null)
  let current: string | null = null
  let seq = 0
  const unsubscribe = useApi().onEvent((e) => {
    if (e.type === 'task.progress' && e.taskId === current) progress.value = { done: e.done, total: e.total }
  })
  onBeforeUnmount(() => {
    unsubscribe()
    if (current) void useApi().cancelTask({ taskId: current })
  })
  return {
    running,
    progress,
    result,
    error,
    async run(body) {
      const taskId = `${prefix}-${Date.now()}-${++seq}`
      if (current) await useApi().cancelTask({ taskId: current })
      current = taskId
      running.value = true
      progress.value = { done: 0, total: 0 }
      error.value = null
      try {
        const r = await body(taskId)
        if (current === taskId) result.value = r
      } catch (e) {
        if (current === taskId) error.value = (e as Error).message
      } finally {
        if (current === taskId) {
          running.value = false
          current = null
        }
      }
    },
    async cancel() {
      if (current) await useApi().cancelTask({ taskId: current })
    }
  }
}

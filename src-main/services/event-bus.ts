import type { ApiEvent } from '@contract/api'

/** Fan-out of main-process events to whichever host is listening (IPC window, SSE clients). */
export class EventBus {
  private readonly listeners = new Set<(e: ApiEvent) => void>()
  on(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  emit(event: ApiEvent): void {
    for (const l of this.listeners) l(event)
  }
}

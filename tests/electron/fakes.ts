/**
 * Fake Electron objects for the main-process guards (src-main/electron/): an event emitter that
 * records listeners, web contents with a window-open handler, a preventable event. Nothing here
 * imports 'electron' (no binary on this machine; tests run under plain Node).
 */
import type { GuardedContents, NavigationEvent, WindowOpenDecision } from '../../src-main/electron/contents-guard'

type Listener = (...args: any[]) => unknown

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>()
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args)
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0
  }
}

export class FakeContents extends FakeEmitter implements GuardedContents {
  windowOpenHandler: ((details: { url: string }) => WindowOpenDecision) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenDecision): void {
    this.windowOpenHandler = handler
  }
  /** Emits a navigation-type event as Electron does (details first) and says whether it went through. */
  navigate(kind: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string, isMainFrame = true): boolean {
    const event = preventable({ url, isMainFrame })
    this.emit(kind, event, url)
    return !event.defaultPrevented
  }
  open(url: string): WindowOpenDecision {
    if (!this.windowOpenHandler) throw new Error('no window-open handler installed')
    return this.windowOpenHandler({ url })
  }
}

export function preventable<T extends object>(fields: T): T & NavigationEvent & { defaultPrevented: boolean } {
  const event = {
    url: '',
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true
    }
  }
  return event
}

/** A log that keeps its lines. */
export function memoryLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = []
  return { lines, log: (line) => void lines.push(line) }
}

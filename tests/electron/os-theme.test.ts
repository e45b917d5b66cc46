// @vitest-environment happy-dom
/**
 * Dark mode follows the OS by default: the session store starts from prefers-color-scheme (which
 * Electron's nativeTheme, left on 'system', drives) and follows its changes until the user picks a
 * theme; from then on the choice holds (and is kept in the book file, as before).
 */
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useSessionStore } from '../../src-renderer/src/stores/use-session-store'

function fakeScheme(dark: boolean) {
  const listeners: ((e: { matches: boolean }) => void)[] = []
  const mql = {
    matches: dark,
    media: '(prefers-color-scheme: dark)',
    addEventListener: (_: 'change', l: (e: { matches: boolean }) => void) => void listeners.push(l),
    removeEventListener: () => {}
  }
  vi.stubGlobal('matchMedia', vi.fn(() => mql))
  return {
    set(next: boolean) {
      mql.matches = next
      for (const l of listeners) l({ matches: next })
    }
  }
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('theme follows the OS until the user chooses', () => {
  it('starts dark on a dark OS and light on a light one', () => {
    fakeScheme(true)
    expect(useSessionStore().theme).toBe('dark')
    setActivePinia(createPinia())
    fakeScheme(false)
    expect(useSessionStore().theme).toBe('light')
  })

  it('follows the OS switching while no theme was chosen', () => {
    const os = fakeScheme(false)
    const session = useSessionStore()
    os.set(true)
    expect(session.theme).toBe('dark')
    os.set(false)
    expect(session.theme).toBe('light')
  })

  it('keeps the theme the user picked when the OS switches', () => {
    vi.useFakeTimers()
    try {
      const os = fakeScheme(false)
      const session = useSessionStore()
      session.setTheme('dark')
      os.set(false)
      expect(session.theme).toBe('dark')
    } finally {
      vi.useRealTimers()
    }
  })
})

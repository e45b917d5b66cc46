/**
 * One instance per book file (src-main/electron/single-instance.ts) with a fake app: the lock folder
 * is per book (the same book through a symlink or a relative path shares it), userData and
 * sessionData are switched to it before the lock is requested with { bookPath }, and the instance holding
 * the book brings its window forward on a second launch.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireBookLock, bookLockDir, canonicalBookPath, focusOnSecondInstance, type FocusableWindow, type LockApp } from '../../src-main/electron/single-instance'
import { FakeEmitter, memoryLog } from './fakes'

/** A fake app whose single-instance lock is scoped to userData, as Electron's is. */
function fakeApp(held: Map<string, FakeApp>) {
  const app = new FakeApp(held)
  return app
}
class FakeApp extends FakeEmitter implements LockApp {
  paths = new Map<string, string>()
  calls: string[] = []
  constructor(private held: Map<string, FakeApp>) {
    super()
  }
  setPath(name: string, path: string): void {
    this.calls.push(`setPath ${name}`)
    this.paths.set(name, path)
  }
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    this.calls.push('requestSingleInstanceLock')
    const scope = this.paths.get('userData')!
    const holder = this.held.get(scope)
    if (holder) {
      holder.emit('second-instance', {}, ['marginal'], '/', additionalData)
      return false
    }
    this.held.set(scope, this)
    return true
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'marginal-lock-'))

describe('single-instance lock per book file', () => {
  it('gives each book its own lock folder, and one book one folder however it is named', () => {
    const dir = tmp()
    const userData = join(dir, 'userData')
    const book = join(dir, 'books', 'live.sqlite')
    mkdirSync(join(dir, 'books'))
    writeFileSync(book, '')
    symlinkSync(join(dir, 'books'), join(dir, 'link'))
    const a = bookLockDir(userData, book, 'linux')
    expect(a.startsWith(join(userData, 'instances'))).toBe(true)
    expect(bookLockDir(userData, join(dir, 'link', 'live.sqlite'), 'linux')).toBe(a)
    expect(bookLockDir(userData, relative(process.cwd(), book), 'linux')).toBe(a)
    expect(bookLockDir(userData, join(dir, 'books', 'other.sqlite'), 'linux')).not.toBe(a)
    // Case-insensitive file systems fold case; Linux does not.
    expect(canonicalBookPath('/Books/Live.sqlite', 'win32')).toBe(canonicalBookPath('/books/live.sqlite', 'win32'))
    expect(canonicalBookPath('/Books/Live.sqlite', 'linux')).not.toBe(canonicalBookPath('/books/live.sqlite', 'linux'))
  })

  it('sets the per-book userData and sessionData before asking for the lock, and passes the book', () => {
    const dir = tmp()
    const held = new Map<string, FakeApp>()
    const app = fakeApp(held)
    const book = join(dir, 'book.sqlite')
    const seen: unknown[] = []
    app.on('second-instance', (_e: unknown, _argv: unknown, _cwd: unknown, data: unknown) => seen.push(data))
    expect(acquireBookLock(app, { userDataDir: dir, bookPath: book, platform: 'linux' })).toBe(true)
    expect(app.calls).toEqual(['setPath userData', 'setPath sessionData', 'requestSingleInstanceLock'])
    expect(app.paths.get('userData')).toBe(bookLockDir(dir, book, 'linux'))
    expect(app.paths.get('sessionData')).toBe(bookLockDir(dir, book, 'linux'))

    // A second launch on the same book: refused, and the first instance hears which book.
    const second = fakeApp(held)
    expect(acquireBookLock(second, { userDataDir: dir, bookPath: book, platform: 'linux' })).toBe(false)
    expect(seen).toEqual([{ bookPath: canonicalBookPath(book, 'linux') }])

    // Another book opens beside it.
    const third = fakeApp(held)
    expect(acquireBookLock(third, { userDataDir: dir, bookPath: join(dir, 'archive.sqlite'), platform: 'linux' })).toBe(true)
  })

  it('brings the window of the instance holding the book to the front on a second launch', () => {
    const dir = tmp()
    const held = new Map<string, FakeApp>()
    const first = fakeApp(held)
    const book = join(dir, 'book.sqlite')
    const calls: string[] = []
    let minimized = true
    const window: FocusableWindow = {
      isMinimized: () => minimized,
      restore: () => void (calls.push('restore'), (minimized = false)),
      show: () => void calls.push('show'),
      focus: () => void calls.push('focus')
    }
    const { lines, log } = memoryLog()
    expect(acquireBookLock(first, { userDataDir: dir, bookPath: book, platform: 'linux' })).toBe(true)
    focusOnSecondInstance(first, { bookPath: book, window: () => window, log, platform: 'linux' })
    expect(acquireBookLock(fakeApp(held), { userDataDir: dir, bookPath: book, platform: 'linux' })).toBe(false)
    expect(calls).toEqual(['restore', 'show', 'focus'])
    expect(lines[0]).toMatch(/a second launch on .*book\.sqlite was handed to this window/)
    // Not minimized: no restore.
    expect(acquireBookLock(fakeApp(held), { userDataDir: dir, bookPath: book, platform: 'linux' })).toBe(false)
    expect(calls).toEqual(['restore', 'show', 'focus', 'show', 'focus'])
  })

  it('does nothing harmful when the window is already gone or the data is odd', () => {
    const app = new FakeApp(new Map())
    const { lines, log } = memoryLog()
    focusOnSecondInstance(app, { bookPath: '/b.sqlite', window: () => null, log, platform: 'linux' })
    app.emit('second-instance', {}, [], '/', null)
    app.emit('second-instance', {}, [], '/', { bookPath: 42 })
    expect(lines).toHaveLength(2)
  })
})

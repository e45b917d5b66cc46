/**
 * One app instance per book file. Electron's single-instance lock is scoped to the user-data folder
 * (`app.requestSingleInstanceLock` docs): each book file gets its own folder,
 * `<userData>/instances/<hash of the book's real path>`, set as `userData` and `sessionData`
 * (Chromium's profile: two processes must not share its LevelDB stores) before the lock is
 * requested. The renderer keeps nothing there (UI state lives in the book file), and the log and
 * the default book stay in the real user-data folder. So two books open side by side, and a second
 * launch on a book already open hands its book path to the first instance, which brings its window
 * to the front, and quits.
 *
 * Call before `app.whenReady()` (setPath of sessionData must precede ready).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, realpathSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

export interface LockApp {
  setPath(name: string, path: string): void
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string, additionalData: unknown) => void): unknown
}

/** The book's path as the file system knows it: symlinks resolved, case folded where the file system folds it. */
export function canonicalBookPath(bookPath: string, platform: NodeJS.Platform = process.platform): string {
  const abs = resolve(bookPath)
  let real = abs
  try {
    real = existsSync(abs) ? realpathSync(abs) : join(realpathSync(dirname(abs)), basename(abs))
  } catch {
    // A folder that does not exist yet: the book will be created there; the plain path is canonical.
  }
  return platform === 'win32' || platform === 'darwin' ? real.toLowerCase() : real
}

export function bookLockDir(userDataDir: string, bookPath: string, platform: NodeJS.Platform = process.platform): string {
  const key = createHash('sha256').update(canonicalBookPath(bookPath, platform)).digest('hex').slice(0, 24)
  return join(userDataDir, 'instances', key)
}

/**
 * Takes the book's lock. Returns false when another instance holds the book open: it has been told
 * (`second-instance` with `{ bookPath }`) and this process should quit without opening a window.
 */
export function acquireBookLock(app: LockApp, opts: { userDataDir: string; bookPath: string; platform?: NodeJS.Platform }): boolean {
  const platform = opts.platform ?? process.platform
  const lockDir = bookLockDir(opts.userDataDir, opts.bookPath, platform)
  mkdirSync(lockDir, { recursive: true })
  app.setPath('userData', lockDir)
  app.setPath('sessionData', lockDir)
  return app.requestSingleInstanceLock({ bookPath: canonicalBookPath(opts.bookPath, platform) })
}

export interface FocusableWindow {
  isMinimized(): boolean
  restore(): void
  show(): void
  focus(): void
}

/** In the instance holding the book: a second launch on it brings the window to the front. */
export function focusOnSecondInstance(app: LockApp, opts: { bookPath: string; window: () => FocusableWindow | null; log: (line: string) => void; platform?: NodeJS.Platform }): void {
  const mine = canonicalBookPath(opts.bookPath, opts.platform ?? process.platform)
  app.on('second-instance', (_event, _argv, _cwd, additionalData) => {
    const theirs = (additionalData as { bookPath?: unknown } | null)?.bookPath
    opts.log(`a second launch on ${typeof theirs === 'string' ? theirs : 'this book'} was handed to this window`)
    if (typeof theirs === 'string' && theirs !== mine) opts.log(`note: it asked for ${theirs}, this instance has ${mine} open`)
    const win = opts.window()
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  })
}

/**
 * Where the book lives: `--book PATH`, else MARGINAL_BOOK, else the user-data folder.
 * The fallback mirrors Electron's app.getPath('userData') per OS so the desktop app and the
 * browser host open the same book by default.
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_DIR_NAME = 'Marginal'
export const BOOK_FILE_NAME = 'book.sqlite'

export function defaultUserDataDir(platform = process.platform, env = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME)
}

export function resolveBookPath(opts: { cliBook?: string | undefined; userDataDir?: string; env?: NodeJS.ProcessEnv }): string {
  const env = opts.env ?? process.env
  if (opts.cliBook) return resolve(opts.cliBook)
  if (env.MARGINAL_BOOK) return resolve(env.MARGINAL_BOOK)
  return join(opts.userDataDir ?? defaultUserDataDir(process.platform, env), BOOK_FILE_NAME)
}

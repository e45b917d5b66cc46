// Where the Electron binary is, without triggering electron's lazy download (node_modules/electron
// downloads on first require, which fails offline). Mirrors node_modules/electron/index.js.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export function installedElectronBinary(root) {
  const pkg = join(root, 'node_modules/electron')
  const pathFile = join(pkg, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const binary = override ? join(override, relative ?? 'electron') : relative ? join(pkg, 'dist', relative) : null
  return binary && existsSync(binary) ? binary : null
}

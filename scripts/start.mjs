// `npm start`: open the Electron window; where Electron cannot start (no binary, no display), say
// so in one line and serve the workstation in the browser host instead.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const args = process.argv.slice(2)

/** The Electron binary's path, or why there is none. */
function electronBinary() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { blocker: 'no display' }
  try {
    // The electron package resolves to its binary's path, downloading it on first use; that
    // throws offline, and then the browser host is the way in.
    const binary = createRequire(import.meta.url)('electron')
    return typeof binary === 'string' && existsSync(binary) ? { binary } : { blocker: 'no Electron binary' }
  } catch (e) {
    return { blocker: `no Electron binary: ${String(e.message).split('\n')[0]}` }
  }
}

const { binary, blocker } = electronBinary()
if (binary) {
  const child = spawn(binary, ['.', ...args], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log(`Electron cannot start here (${blocker}); serving the workstation in your browser instead.`)
  const { serveWorkstation } = await import('../out/main/serve.js')
  await serveWorkstation(args)
}

// `npm start`: open the Electron window; where Electron cannot start (no binary, no display), say
// so in one line and serve the workstation in the browser host instead.
//
// The runtime first (the same test as src-main/app/runtime-check.ts, which a test keeps in step):
// the browser host's SQLite module is a Node-API 10 addon built for Node 22, and under an older
// Node loading it dies with SIGSEGV and no message. `npm start` runs this with the pinned Node.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const REQUIRED_NODE_MAJOR = 22
const REQUIRED_NODE_API = 10

/** One line saying why this Node cannot run Marginal, or null. */
function unsupportedNode() {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= REQUIRED_NODE_MAJOR && Number(process.versions.napi ?? 0) >= REQUIRED_NODE_API) return null
  const needed = major === REQUIRED_NODE_MAJOR ? `Node ${REQUIRED_NODE_MAJOR}.14 or newer` : `Node ${REQUIRED_NODE_MAJOR}`
  return `marginal: ${needed} is required (this is Node ${process.versions.node}): run it through npm (npm start), which uses the pinned Node ${REQUIRED_NODE_MAJOR}`
}

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

const unsupported = unsupportedNode()
if (unsupported) {
  console.error(unsupported)
  process.exitCode = 1
} else {
  const args = process.argv.slice(2)
  const { binary, blocker } = electronBinary()
  if (binary) {
    const child = spawn(binary, ['.', ...args], { stdio: 'inherit' })
    child.on('exit', (code) => process.exit(code ?? 0))
  } else {
    console.log(`Electron cannot start here (${blocker}); serving the workstation in your browser instead.`)
    const { serveWorkstation } = await import('../out/main/serve.js')
    try {
      await serveWorkstation(args)
    } catch (e) {
      console.error(`marginal serve: ${e instanceof Error ? e.message : String(e)}`)
      process.exitCode = 1
    }
  }
}

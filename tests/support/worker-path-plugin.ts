/**
 * Vitest stand-in for electron-vite's `?modulePath` imports: bundle the worker module with Vite
 * into a temp folder and export the bundle's absolute path, so tests run real worker threads on
 * the same source the app ships. The folder is under node_modules/.cache, so a worker's packages
 * (better-sqlite3 for the import worker) resolve from the bundle as they do from out/main.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build, type Plugin } from 'vite'

const SUFFIX = '?modulePath'

export function workerPathPlugin(aliases: Record<string, string>): Plugin {
  const built = new Map<string, string>()
  return {
    name: 'marginal:worker-module-path',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith(SUFFIX) || !importer) return null
      const resolved = await this.resolve(source.slice(0, -SUFFIX.length), importer, { skipSelf: true })
      return resolved ? `\0worker-path:${resolved.id}` : null
    },
    async load(id) {
      if (!id.startsWith('\0worker-path:')) return null
      const entry = id.slice('\0worker-path:'.length)
      let outFile = built.get(entry)
      if (!outFile) {
        const cache = resolve(import.meta.dirname, '../../node_modules/.cache')
        mkdirSync(cache, { recursive: true })
        const outDir = mkdtempSync(join(cache, 'marginal-worker-'))
        await build({
          configFile: false,
          logLevel: 'warn',
          resolve: { alias: aliases },
          build: {
            ssr: entry,
            outDir,
            emptyOutDir: false,
            target: 'node22',
            rolldownOptions: { output: { format: 'es', entryFileNames: 'worker.mjs' } }
          }
        })
        outFile = resolve(outDir, 'worker.mjs')
        built.set(entry, outFile)
      }
      return `export default ${JSON.stringify(outFile)}`
    }
  }
}

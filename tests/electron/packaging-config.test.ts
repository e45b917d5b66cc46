/**
 * The desktop packaging (issue 19, item 8) without an Electron download: electron-builder.yml is
 * loaded and validated by electron-builder's own code (its getConfig and validateConfiguration,
 * i.e. app-builder-lib/scheme.json through its ajv), exactly as `npm run dist` will; every file it
 * names exists (icons of the sizes each OS needs; what `files` packs is what the build produces and
 * what the app loads); the fuses and targets are the ones the issue asks for.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
// app-builder-lib as electron-builder itself resolves it (a dependency of electron-builder, not of ours).
const fromBuilder = createRequire(createRequire(join(ROOT, 'package.json')).resolve('electron-builder'))
const builderConfig = fromBuilder(fromBuilder.resolve('app-builder-lib/out/util/config/config.js')) as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, any>>
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>
}
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown }

let config: Record<string, any>
const work = mkdtempSync(join(tmpdir(), 'marginal-dist-'))
let builtFiles: string[] = []

/** PNG width and height from the IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path)
  expect(b.subarray(1, 4).toString('latin1'), `${path} is a PNG`).toBe('PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}
const globRe = (glob: string): RegExp => new RegExp('^' + glob.split('**').map((p) => p.split('*').map((s) => s.replace(/[.+^${}()|[\]\\?]/g, '\\$&')).join('[^/]*')).join('.*') + '$')
const packed = (file: string): boolean => {
  // getConfig normalises `files` to [{ filter: [...] }].
  const patterns: string[] = (config.files as (string | { filter: string[] })[]).flatMap((f) => (typeof f === 'string' ? [f] : f.filter))
  return patterns.filter((p) => !p.startsWith('!')).some((p) => globRe(p).test(file)) && !patterns.filter((p) => p.startsWith('!')).some((p) => globRe(p.slice(1)).test(file))
}
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]))
}

beforeAll(async () => {
  config = await builderConfig.getConfig(ROOT, 'electron-builder.yml', null)
  execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '--outDir', join(work, 'out'), '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  builtFiles = walk(join(work, 'out')).map((f) => relative(work, f).split('\\').join('/'))
}, 180_000)
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(builderConfig.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('and that validation does reject a wrong configuration (the check is not blind)', async () => {
    await expect(builderConfig.validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/)
    await expect(builderConfig.validateConfiguration({ ...config, nsis: { ...config.nsis, oneClik: false } }, new DebugLogger(false))).rejects.toThrow(/configuration\.nsis/)
  })

  it('builds AppImage and deb, dmg, nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.asar).toBe(true)
    expect(config.publish).toBeNull()
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false)
  })

  it('flips the fuses: RunAsNode off, cookie encryption on, no NODE_OPTIONS or --inspect, ASAR integrity, app only from the ASAR', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false
    })
  })

  it('names icons that exist, at the sizes each OS needs', () => {
    expect(statSync(join(ROOT, config.directories.buildResources)).isDirectory()).toBe(true)
    // Linux: a folder of <n>x<n>.png files, 512 among them.
    const linuxIcons = join(ROOT, config.linux.icon)
    const pngs = readdirSync(linuxIcons).filter((f) => /^\d+x\d+\.png$/.test(f))
    expect(pngs).toContain('512x512.png')
    for (const f of pngs) {
      const n = Number(f.split('x')[0])
      expect(pngSize(join(linuxIcons, f)), f).toEqual({ width: n, height: n })
    }
    // macOS .icns is made from a PNG of at least 512 px; Windows .ico from one of at least 256 px.
    expect(pngSize(join(ROOT, config.mac.icon)).width).toBeGreaterThanOrEqual(512)
    expect(pngSize(join(ROOT, config.win.icon))).toEqual({ width: 256, height: 256 })
    expect(existsSync(join(ROOT, 'resources/icons/icon.svg'))).toBe(true)
  })

  it('packs what the build produces and the app loads, and leaves the rest out', () => {
    const main = String(pkg.main).replace(/^\.\//, '')
    for (const file of [main, 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(builtFiles, `the build makes ${file}`).toContain(file)
      expect(packed(file), `files packs ${file}`).toBe(true)
    }
    // Every chunk the main process loads (workers included) and every renderer asset.
    for (const file of builtFiles.filter((f) => f !== 'out/main/bench.js')) expect(packed(file), file).toBe(true)
    expect(packed('out/main/bench.js')).toBe(false)
    for (const source of ['src-main/index.ts', 'tests/electron/fakes.ts', 'node_modules/.bin/vitest', 'docs/ARCHITECTURE.md']) expect(packed(source), source).toBe(false)
    // The preload path the entry loads is the one the build makes.
    expect(readFileSync(join(ROOT, 'src-main/index.ts'), 'utf8')).toContain("'../preload/index.cjs'")
  })

  it('is what `npm run dist` runs, with electron-builder pinned', () => {
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder --config electron-builder.yml --publish never')
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/)
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/npm run dist/)
  })
})

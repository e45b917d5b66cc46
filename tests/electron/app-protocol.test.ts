/**
 * The app:// protocol handler (src-main/electron/app-protocol.ts) on real files: it serves the
 * renderer folder only, with the CSP header, its content types and nosniff; it refuses other hosts,
 * other methods and every way out of the folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from '../../src-main/electron/app-protocol'
import { CONTENT_SECURITY_POLICY } from '../../src-main/hosts/csp'

function site() {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-proto-'))
  const root = join(dir, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Marginal</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export const x = 1')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'highs.wasm'), new Uint8Array([0, 97, 115, 109]))
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder')
  return createAppProtocolHandler({ root, csp: CONTENT_SECURITY_POLICY })
}
const get = (url: string, method = 'GET') => site()({ url, method })

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } })
  })

  it('serves index.html and the assets with the CSP header and their types', async () => {
    const handler = site()
    for (const [url, type, body] of [
      ['app://marginal/index.html', 'text/html; charset=utf-8', '<!doctype html><title>Marginal</title>'],
      ['app://marginal/', 'text/html; charset=utf-8', '<!doctype html><title>Marginal</title>'],
      ['app://marginal/assets/index-abc.js', 'text/javascript; charset=utf-8', 'export const x = 1'],
      ['app://marginal/assets/index-abc.css?v=1#x', 'text/css; charset=utf-8', 'body{}']
    ]) {
      const r = await handler({ url: url!, method: 'GET' })
      expect(r.status, url).toBe(200)
      expect(r.headers.get('content-type')).toBe(type)
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await r.text()).toBe(body)
    }
    const wasm = await handler({ url: 'app://marginal/assets/highs.wasm', method: 'GET' })
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect([...new Uint8Array(await wasm.arrayBuffer())]).toEqual([0, 97, 115, 109])
    const head = await handler({ url: 'app://marginal/index.html', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('never leaves the renderer folder', async () => {
    for (const url of [
      'app://marginal/../secret.txt',
      'app://marginal/%2e%2e/secret.txt',
      'app://marginal/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://marginal/..%5csecret.txt',
      'app://marginal/%2fetc%2fpasswd',
      'app://marginal//etc/passwd'
    ]) {
      const r = await get(url)
      expect([403, 404], url).toContain(r.status)
      expect(await r.text()).not.toContain('outside the renderer folder')
    }
    expect((await get('app://marginal/index.html%00.js')).status).toBe(400)
    expect((await get('app://marginal/%E0%A4%A')).status).toBe(400)
  })

  it('answers only its own host and only GET and HEAD', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404)
    expect((await get('app://marginal.evil/index.html')).status).toBe(404)
    expect((await get('https://marginal/index.html')).status).toBe(404)
    expect((await get('app://marginal/index.html', 'POST')).status).toBe(405)
    expect((await get('app://marginal/missing.js')).status).toBe(404)
    expect((await get('app://marginal/assets')).status).toBe(404)
  })
})

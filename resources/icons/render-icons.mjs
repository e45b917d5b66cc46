// Renders icon.svg to the PNG sizes electron-builder and the window use (resources/icons/<n>x<n>.png),
// with the system Chromium through playwright-core: `node resources/icons/render-icons.mjs`.
// electron-builder makes the macOS .icns and the Windows .ico from 512x512.png / 256x256.png.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const dir = new URL('.', import.meta.url).pathname
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8')
const browser = await chromium.launch({ executablePath: process.env.MARGINAL_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
try {
  for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`)
    await page.screenshot({ path: join(dir, `${size}x${size}.png`), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
    await page.close()
  }
} finally {
  await browser.close()
}

import { defineConfig } from '@playwright/test'

// Runs only where an Electron binary exists (scripts/test-all.mjs decides and says why not).
export default defineConfig({
  testDir: '.',
  testMatch: 'electron-smoke.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']]
})

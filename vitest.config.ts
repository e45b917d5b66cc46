import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { workerPathPlugin } from './tests/support/worker-path-plugin.ts'

const alias = { '@contract': resolve(import.meta.dirname, 'src-preload/contract'), '@engine': resolve(import.meta.dirname, 'src-main/engine') }

export default defineConfig({
  plugins: [workerPathPlugin(alias), vue()],
  resolve: { alias },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})

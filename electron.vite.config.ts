import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const contractAlias = { '@contract': resolve(__dirname, 'src-preload/contract') }
// The renderer's one window into the engine: the P&L explorer's pure evaluator (eslint.config.js).
const rendererAlias = { ...contractAlias, '@engine': resolve(__dirname, 'src-main/engine') }

export default defineConfig({
  main: {
    resolve: { alias: contractAlias },
    build: {
      target: 'node22',
      // Pure-JS packages every command loads are bundled: Node's ESM loader resolving and linking
      // zod's modules one by one was most of a short CLI command's start (issue 20: ≤ 300 ms).
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        input: {
          // index = Electron host; serve = browser host; cli = batch command line; bench = npm run bench.
          // Only index imports 'electron', so the other three run under plain Node.
          index: resolve(__dirname, 'src-main/index.ts'),
          serve: resolve(__dirname, 'src-main/serve.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
          bench: resolve(__dirname, 'src-main/bench.ts'),
          // The VaR memory bench's child: its own entry, so its peak RSS carries only a VaR run.
          'var-memory-child': resolve(__dirname, 'src-main/bench/var-memory-child.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias: contractAlias },
    build: {
      // A sandboxed preload can require only 'electron' and a few built-ins: bundle zod into it.
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        // A sandboxed preload must be CommonJS; .cjs because the package is type=module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias: rendererAlias },
    plugins: [vue()],
    build: {
      rolldownOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } }
    }
  }
})

// Lint with the layering rules of ../shared/ARCHITECTURE.md made executable (after VS Code's
// code-layering rule): the engine is pure; the renderer reaches the main process only through the
// contract; only the Electron entry and the preload may import 'electron'.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'url', 'util']

const restrict = (message, group) => ({ group, message })

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'reports/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off'
    }
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The renderer never touches Node.', nodeBuiltins),
        restrict('The renderer reaches the main process only through the typed API.', ['electron', 'better-sqlite3']),
        restrict('The renderer imports the contract (@contract/*) and nothing else of main or preload.', ['**/src-main/**', '**/src-preload/**']),
        // The P&L explorer redraws on every slider move, within a frame: it sweeps the engine's own
        // (pure, I/O-free) kernel in the renderer instead of a round trip. The risk-array heatmap lays out
        // scenarios as the PDF report does. Nothing else of the engine.
        { regex: '^@engine/(?!profile/pnl-profile$|margin/scenario-grid$)', message: "The renderer may import only the explorer's evaluator (@engine/profile/pnl-profile) and the risk-array grid layout (@engine/margin/scenario-grid) from the engine." }
      ] }]
    }
  },
  {
    files: ['src-main/**/*.ts', 'tests/**/*.ts'],
    ignores: ['src-main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict("Only src-main/index.ts (the Electron host) imports 'electron': tests, the browser host and the CLI must load without it.", ['electron'])
      ] }]
    }
  },
  // After the block above: flat config lets the last matching block set a rule, and the engine's
  // list must include 'electron' as well.
  {
    files: ['src-main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The engine is pure TypeScript: no I/O, no Node built-ins.', nodeBuiltins),
        restrict('The engine imports no Electron, SQLite or other packages.', ['electron', 'better-sqlite3', 'zod', 'vue', 'pinia']),
        restrict('The engine depends on nothing outside src-main/engine.', ['**/book/**', '**/services/**', '**/workers/**', '**/hosts/**', '**/app/**', '**/cli/**', '@contract/*'])
      ] }]
    }
  },
  {
    files: ['src-preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        restrict('The contract is shared with the renderer: schemas and types only.', [...nodeBuiltins, 'electron', 'better-sqlite3', '../*'])
      ] }]
    }
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-empty-pattern': 'off' }
  }
)

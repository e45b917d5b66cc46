// Layering by allow-list (docs/ARCHITECTURE.md, "Layers"), after VS Code's code-layering and
// code-import-patterns rules: every file belongs to one layer, and each layer names what it MAY import
// (repository paths, resolved from relative and @contract/@engine imports, and packages). Anything
// else is a lint error naming the layer's allowance, so a new dependency is a decision taken here,
// not an accident. Files of src-main, src-preload and src-renderer that fall in no layer are errors
// too. The rule is a small local plugin (below) rather than no-restricted-imports, because a
// relative specifier such as '../../book/x' only means something once resolved against the importing
// file, at any depth. tests/app/layering-lint.test.ts probes every rule.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import { builtinModules } from 'node:module'
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = dirname(fileURLToPath(import.meta.url))
const NODE = 'node:*' // every Node built-in
const ALIASES = { '@contract/': 'src-preload/contract/', '@engine/': 'src-main/engine/' }

// The layer table. First matching layer wins, so the narrower targets come first. `paths` are globs
// over repository paths (extension-less: './black76' and './black76.ts' are the same module),
// `packages` are npm packages (any subpath) or Node built-ins, `typeOnly` may be imported with
// `import type` only. `why` completes the error message.
const ENGINE = 'src-main/engine/**'
const CONTRACT = 'src-preload/contract/**'
const NODE_ENTRIES = ['src-main/index.ts', 'src-preload/index.ts']
const RENDERER_PACKAGES = ['vue', 'pinia', 'ag-grid-community', 'ag-grid-vue3', 'echarts', 'vue-echarts', 'uplot']
// The P&L explorer redraws on every slider move, within a frame: it sweeps the engine's own (pure,
// I/O-free) kernel in the renderer instead of a round trip. The risk-array heatmap lays out scenarios
// as the PDF report does. Nothing else of the engine.
const RENDERER_ENGINE = ['src-main/engine/profile/pnl-profile', 'src-main/engine/margin/scenario-grid']
export const LAYERS = [
  { name: 'The engine', target: [ENGINE], paths: [ENGINE], packages: ['pure-rand'],
    why: 'The engine is pure computation: callers pass data in.' },
  { name: 'The book layer (book/)', target: ['src-main/book/**'], paths: ['src-main/book/**', ENGINE, 'resources/*.json'], packages: ['better-sqlite3', 'zod', NODE],
    why: 'The book stores and reads; it calls no service.' },
  { name: 'Importers', target: ['src-main/importers/**'], paths: ['src-main/importers/**', ENGINE], packages: ['papaparse', 'fast-xml-parser', 'node:crypto', 'node:module'],
    why: 'Importers parse the text they are given into engine types.' },
  { name: 'Workers', target: ['src-main/workers/**'], paths: ['src-main/workers/**', ENGINE], packages: ['node:worker_threads', 'node:os'],
    why: 'Workers run engine code off the main thread.' },
  { name: 'Reports', target: ['src-main/reports/**'], paths: ['src-main/reports/**', ENGINE, CONTRACT], packages: ['exceljs', 'echarts', 'playwright-core', 'papaparse', NODE],
    why: 'Reports render results they are given.' },
  { name: 'Services', target: ['src-main/services/**'],
    paths: ['src-main/services/**', ENGINE, 'src-main/book/**', 'src-main/importers/**', 'src-main/workers/**', 'src-main/reports/**', CONTRACT, 'resources/params/*.json', 'package.json'],
    packages: ['zod', NODE], why: 'Hosts call services, never the reverse.' },
  // The composition root: opens the book, starts the worker pool, builds the API service.
  { name: 'The app (composition root)', target: ['src-main/app/**'], paths: ['src-main/app/**', 'src-main/services/**', 'src-main/book/**', 'src-main/workers/**', 'src-main/reports/**'], packages: [NODE],
    why: 'The app wires the back end together for the hosts.' },
  { name: 'Hosts', target: ['src-main/hosts/**'], paths: ['src-main/hosts/**', 'src-main/services/**', CONTRACT], packages: [NODE],
    why: 'Hosts reach everything through services.' },
  { name: 'The CLI', target: ['src-main/cli/**'],
    paths: ['src-main/cli/**', 'src-main/services/**', 'src-main/app/**', CONTRACT],
    typeOnly: ['src-main/book/database', 'src-main/engine/margin/margin-result'],
    packages: [NODE], why: 'The CLI calls the same handlers as the app and prints their results.' },
  { name: 'The Electron entry', target: ['src-main/index.ts'], paths: ['src-main/app/**', 'src-main/hosts/**', 'src-main/services/**', 'src-main/reports/**', 'src-main/electron/**', CONTRACT], packages: ['electron', NODE],
    why: 'Hosts reach everything through services.' },
  // The Electron hardening (navigation, permissions, protocol, lock, log, menu): pure modules that
  // take the Electron objects as parameters, so tests load them with fakes and without Electron.
  { name: 'The Electron main modules', target: ['src-main/electron/**'], paths: ['src-main/electron/**', CONTRACT, 'src-main/hosts/static-files'], packages: [NODE],
    why: "They are handed the Electron objects by src-main/index.ts, so tests load them without 'electron'." },
  { name: 'The browser host entry', target: ['src-main/serve.ts'], paths: ['src-main/app/**', 'src-main/hosts/**'], packages: [NODE], why: 'Hosts reach everything through services.' },
  { name: 'The CLI entry', target: ['src-main/cli.ts'], paths: ['src-main/cli/**'], packages: ['node:module'], why: 'It only starts the CLI (with V8\'s compile cache on).' },
  { name: 'The bench', target: ['src-main/bench.ts', 'src-main/bench/**'],
    paths: ['src-main/bench/**', ENGINE, 'src-main/book/**', 'src-main/importers/**', 'src-main/workers/**', 'src-main/reports/**', 'src-main/services/**'], packages: ['papaparse', 'playwright-core', NODE],
    why: 'It times the layers below the hosts.' },
  { name: 'Ambient types', target: ['src-main/types/**'], paths: [], packages: [], why: 'Declarations only.' },
  { name: 'The preload', target: ['src-preload/index.ts'], paths: [CONTRACT], packages: ['electron'], why: 'It exposes the contract, nothing else.' },
  { name: 'The contract', target: [CONTRACT], paths: [CONTRACT], packages: ['zod'], why: 'It is shared with the renderer: schemas and types only.' },
  { name: 'A store', target: ['src-renderer/src/stores/**'], paths: ['src-renderer/**', '!**/*.vue', CONTRACT, ...RENDERER_ENGINE], packages: ['vue', 'pinia'],
    why: 'A store holds state and calls the API; views import stores, never the reverse.' },
  { name: 'The renderer', target: ['src-renderer/**'], paths: ['src-renderer/**', CONTRACT, ...RENDERER_ENGINE], packages: RENDERER_PACKAGES,
    why: 'It reaches the main process only through the typed API (@contract/*).' }
]
const HINTS = { electron: ` (only ${NODE_ENTRIES.join(' and ')} import it: the browser host, the CLI and the tests run under plain Node)` }

const escapeRe = (s) => s.replace(/[.+^$()|[\]\\?]/g, '\\$&')
const globRe = (glob) => new RegExp('^' + glob.split(/(\*\*\/|\*\*|\*|\{[^}]*\})/).map((p) =>
  p === '**/' ? '(?:.*/)?' : p === '**' ? '.*' : p === '*' ? '[^/]*' : p.startsWith('{') ? `(?:${p.slice(1, -1).split(',').map(escapeRe).join('|')})` : escapeRe(p)).join('') + '$')
const pathMatcher = (globs) => {
  const yes = globs.filter((g) => !g.startsWith('!')).map(globRe)
  const no = globs.filter((g) => g.startsWith('!')).map((g) => globRe(g.slice(1)))
  return (p) => yes.some((r) => r.test(p)) && !no.some((r) => r.test(p))
}
const showPath = (p) => p === CONTRACT ? '@contract/*' : p.startsWith('!') ? `(not ${p.replace(/^!(\*\*\/)?/, '')})` : p.replace(/^src-main\//, '').replace(/\*\*$/, '')
const builtins = new Set(builtinModules)
const packageMatcher = (names) => (pkg) => names.some((n) => n === pkg || (n === NODE && pkg.startsWith('node:')))
const compiled = LAYERS.map((l) => ({ ...l, isTarget: pathMatcher(l.target), isPath: pathMatcher(l.paths), isPackage: packageMatcher(l.packages), isTypeOnly: pathMatcher(l.typeOnly ?? []),
  allowance: [...l.paths.map(showPath), ...l.packages.map((p) => (p === NODE ? 'Node built-ins' : p)), ...(l.typeOnly ?? []).map((p) => `types of ${showPath(p)}`)].join(', ').replace(/, \(/g, ' (') || 'nothing' }))

/** What a specifier names: { path } inside the repository (extension-less for .ts/.js) or { pkg }. */
function resolveSpecifier(spec, fromFile) {
  const bare = spec.split('?')[0]
  const alias = Object.keys(ALIASES).find((a) => bare.startsWith(a))
  const abs = alias ? resolve(ROOT, ALIASES[alias] + bare.slice(alias.length)) : bare.startsWith('.') || bare.startsWith('/') ? resolve(dirname(fromFile), bare) : undefined
  if (abs) return { path: relative(ROOT, abs).split(sep).join('/').replace(/\.(ts|js|mjs|cjs)$/, '') }
  const name = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]
  return { pkg: name.startsWith('node:') || builtins.has(name) ? `node:${name.replace(/^node:/, '')}` : name }
}

const allowListRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each layer imports only what its allow-list names (see the layer table in eslint.config.js)' },
    schema: [],
    messages: {
      notAllowed: "{{layer}} may import only {{allowance}} — not '{{spec}}'{{hint}}. {{why}}",
      noLayer: '{{file}} is in no layer: add it to the layer table in eslint.config.js.'
    }
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/')
    const layer = compiled.find((l) => l.isTarget(file))
    if (!layer) return { Program: (node) => context.report({ node, messageId: 'noLayer', data: { file } }) }
    const check = (node, source, typeOnly) => {
      if (!source || typeof source.value !== 'string') return
      const spec = source.value
      const { path, pkg } = resolveSpecifier(spec, context.filename)
      const ok = path !== undefined ? layer.isPath(path) || (typeOnly && layer.isTypeOnly(path)) : layer.isPackage(pkg)
      if (ok) return
      context.report({ node: source, messageId: 'notAllowed', data: { layer: layer.name, allowance: layer.allowance, spec, hint: (pkg && HINTS[pkg]) || '', why: layer.why } })
    }
    const allTypes = (n) => n.importKind === 'type' || n.exportKind === 'type' ||
      (n.specifiers?.length > 0 && n.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'))
    return {
      ImportDeclaration: (n) => check(n, n.source, allTypes(n)),
      ExportNamedDeclaration: (n) => check(n, n.source, allTypes(n)),
      ExportAllDeclaration: (n) => check(n, n.source, n.exportKind === 'type'),
      ImportExpression: (n) => check(n, n.source, false),
      TSImportType: (n) => check(n, n.source ?? (n.argument?.type === 'TSLiteralType' ? n.argument.literal : undefined), true),
      TSExternalModuleReference: (n) => check(n, n.expression, false),
      'CallExpression[callee.name="require"]': (n) => check(n, n.arguments[0], false)
    }
  }
}

const clockAndEnvironment = {
  'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The engine has no clock: pass the time in (asOfMs).' }],
  'no-restricted-globals': ['error', { name: 'process', message: 'The engine has no environment (process.*): pass it in.' }]
}

export default tseslint.config(
  // src-kernel/: AssemblyScript (decorators on functions, v128), compiled by scripts/build-kernel.mjs, not tsc.
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'reports/**', 'playwright-report/**', 'src-kernel/**'] },
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
    languageOptions: { globals: { ...globals.browser } }
  },
  {
    files: ['src-main/**', 'src-preload/**', 'src-renderer/**'],
    plugins: { layers: { rules: { 'allow-list': allowListRule } } },
    rules: { 'layers/allow-list': 'error' }
  },
  { files: [ENGINE], rules: clockAndEnvironment },
  {
    files: ['tests/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: `Only ${NODE_ENTRIES.join(' and ')} import 'electron': tests run under plain Node.` }] }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty-pattern': 'off'
    }
  },
  // Issue 20: the positions grid at desk scale. A locale call (localeCompare, toLocale*, Intl, a
  // collator's compare) per sort comparison or per grid cell cost 34 s before a 10,000-position
  // book showed: keys are computed once per row or per distinct value (position-groups.ts) and
  // formatters built once (cell-format.ts). tests/renderer/position-hot-paths.test.ts checks it.
  {
    files: ['src-renderer/src/modules/positions/**/*.{ts,vue}', 'src-renderer/src/stores/use-positions-store.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          // In a callback per row (sort comparators, map/filter/forEach…): a locale call.
          'CallExpression[callee.property.name=/^(sort|toSorted|map|filter|forEach|every|some|find|findIndex|reduce|flatMap)$/] > :function :matches(CallExpression[callee.property.name=/^(localeCompare|toLocale[A-Za-z]*)$/], MemberExpression[object.name="Intl"])',
          // In a sort comparator: any compare() call (a collator's per comparison).
          'CallExpression[callee.property.name=/^(sort|toSorted)$/] > :function CallExpression[callee.property.name="compare"]',
          // In a grid callback run per cell or per row.
          'Property[key.name=/^(valueGetter|valueFormatter|cellRenderer|cellClass|cellStyle|tooltipValueGetter|comparator|getRowId|getRowClass|getRowStyle|doesExternalFilterPass|postSortRows)$/] :matches(CallExpression[callee.property.name=/^(localeCompare|toLocale[A-Za-z]*)$/], MemberExpression[object.name="Intl"])',
          // In a loop body.
          ':matches(ForOfStatement, ForStatement, ForInStatement, WhileStatement) :matches(CallExpression[callee.property.name=/^(localeCompare|toLocale[A-Za-z]*)$/], MemberExpression[object.name="Intl"])'
        ].map((selector) => ({
          selector,
          message: 'A locale call here runs once per row or per comparison (issue 20: 34 s at 10,000 positions): compute the key once per row or per distinct value; build formatters and collators once.'
        }))
      ]
    }
  }
)

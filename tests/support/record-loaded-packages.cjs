// Preloaded with `node --require` by cli-and-serve.spec.ts: on exit, prints to stderr the
// node_modules packages the process loaded (the CommonJS loader's cache, which ESM imports of
// CommonJS packages also fill), one line "loaded-packages: a,b,c".
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload (node --require) has no import
const Module = require('node:module')
process.on('exit', () => {
  const names = new Set()
  for (const file of Object.keys(Module._cache)) {
    const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)
    if (m) names.add(m[1].replace('\\', '/'))
  }
  process.stderr.write(`loaded-packages: ${[...names].sort().join(',')}\n`)
})

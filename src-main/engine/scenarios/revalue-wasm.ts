/**
 * The WebAssembly twin of the revaluation kernel (src-kernel/revalue.ts, embedded by
 * scripts/build-kernel.mjs): loading it, and laying a call's rows and scenarios out in its memory.
 *
 * Loading: synchronously on first use where the host allows it (Node, worker threads), or after
 * `await prepareKernel()` where it does not (Chromium refuses synchronous compiles over 4 KB on the
 * main thread). Where WebAssembly, its SIMD or relaxed SIMD's lane select (V8 11.4+: Node 21+,
 * Chromium 114+) is missing, `kernel()` stays null and callers use the JS kernel. Nothing here does
 * I/O: the module's bytes are a constant.
 */
import type { PortfolioArrays } from './portfolio-arrays'
import { ROW_INVERSE, ROW_LINEAR } from './portfolio-arrays'
import type { ScenarioSet } from './scenario-set'
import type { ScenarioPrecompute } from './revalue'
import { volTermWeight } from './vol-term-weight'
import { REVALUE_WASM_BASE64 } from './revalue-wasm-bytes'

/** The parts of the WebAssembly API used here; typed locally because the engine's lib has no DOM. */
interface WasmMemory {
  buffer: ArrayBuffer
  grow(pages: number): number
}
interface KernelExports {
  memory: WasmMemory
  heapBase(): number
  revalue(rows: number, rowCount: number, scenarios: number, scenarioCount: number, underlyingCount: number, out: number): void
  expLanes(xs: number, count: number, out: number): void
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
  compile(bytes: Uint8Array): Promise<object>
  instantiate(module: object, imports: object): Promise<{ exports: unknown }>
}

/** Row record layout, f64 per field: keep in step with src-kernel/revalue.ts. */
const ROW_FIELDS = 16
const PAGE_BYTES = 65_536
/** Rows per kernel call: about 2^17 cells (1 MB of output), so memory stays small whatever the book. */
const CHUNK_CELLS = 1 << 17

/**
 * Below this many cells, or one scenario (the SIMD lanes run over scenarios), the JS twin is as
 * fast: the call's layout costs about a microsecond. Same results either way.
 */
const MIN_CELLS = 64

let loaded: KernelExports | null = null
let syncTried = false
/** A Float64Array over the kernel's memory, renewed when the memory grows (which detaches the old buffer). */
let view: Float64Array | null = null

const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly

function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const value = new Int16Array(128).fill(-1)
  for (let i = 0; i < alphabet.length; i++) value[alphabet.charCodeAt(i)] = i
  const clean = text.replace(/=+$/, '')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let bits = 0
  let held = 0
  let o = 0
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i)]!
    if (v < 0) throw new RangeError(`revalue-wasm: bad base64 at ${i}`)
    bits = (bits << 6) | v
    held += 6
    if (held >= 8) {
      held -= 8
      out[o++] = (bits >> held) & 0xff
    }
  }
  return out
}

/** The kernel's module bytes (also for tests comparing them with a fresh build). */
export function kernelBytes(): Uint8Array {
  return decodeBase64(REVALUE_WASM_BASE64)
}

/** The loaded kernel, loading it synchronously on first call where the host allows; null where it cannot be loaded. */
export function kernel(): KernelExports | null {
  if (loaded || syncTried) return loaded
  syncTried = true
  const api = wasmApi()
  if (!api) return null
  try {
    loaded = new api.Instance(new api.Module(kernelBytes()), {}).exports as KernelExports
  } catch {
    // No SIMD, a content-security policy without wasm, or a main thread refusing synchronous compiles:
    // the JS kernel serves (prepareKernel may still load it asynchronously).
    loaded = null
  }
  return loaded
}

/** Load the kernel asynchronously (allowed on a browser main thread). Resolves to whether it is available. */
export async function prepareKernel(): Promise<boolean> {
  if (loaded) return true
  const api = wasmApi()
  if (!api) return false
  try {
    const module = await api.compile(kernelBytes())
    loaded = (await api.instantiate(module, {})).exports as KernelExports
  } catch {
    loaded = null
  }
  syncTried = true
  return loaded !== null
}

const align16 = (bytes: number): number => (bytes + 15) & ~15

/** The kernel's memory as f64, grown to at least `bytes`; null when the host refuses to grow it. */
function memoryOf(k: KernelExports, bytes: number): Float64Array | null {
  const have = k.memory.buffer.byteLength
  if (have < bytes) {
    try {
      k.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES))
    } catch {
      return null
    }
  }
  if (!view || view.buffer !== k.memory.buffer) view = new Float64Array(k.memory.buffer)
  return view
}

/** Whether a call of this size gains from the kernel (same results either way). */
export function kernelGains(rowCount: number, scenarioCount: number): boolean {
  return scenarioCount >= 2 && rowCount * scenarioCount >= MIN_CELLS
}

/**
 * revalueRows on the WebAssembly kernel, same contract. Returns false (having written nothing) when
 * its memory cannot grow to the call's size, for the caller to run the JS twin.
 */
export function revalueRowsWasm(
  k: KernelExports,
  a: PortfolioArrays,
  s: ScenarioSet,
  pre: ScenarioPrecompute,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
  rowOffset: number
): boolean {
  const S = s.count
  const U = pre.underlyingCount
  if (rowEnd <= rowStart || S === 0) return true
  const stride = (S + 1) & ~1
  const chunkRows = Math.max(1, Math.min(rowEnd - rowStart, Math.floor(CHUNK_CELLS / S)))
  const scenarioAt = align16(k.heapBase())
  const rowsAt = scenarioAt + (3 * U + 3) * stride * 8
  const outAt = rowsAt + chunkRows * ROW_FIELDS * 8
  const memory = memoryOf(k, outAt + chunkRows * S * 8)
  if (!memory) return false

  // Scenarios, transposed to one contiguous array per underlying so the kernel loads two scenarios at once.
  const growthAt = scenarioAt / 8
  const inverseGrowthAt = growthAt + U * stride
  const logGrowthAt = inverseGrowthAt + U * stride
  const volAbsAt = logGrowthAt + U * stride
  for (let u = 0; u < U; u++) {
    for (let j = 0; j < S; j++) {
      memory[growthAt + u * stride + j] = pre.growth[j * U + u]!
      memory[inverseGrowthAt + u * stride + j] = pre.inverseGrowth[j * U + u]!
      memory[logGrowthAt + u * stride + j] = pre.logGrowth[j * U + u]!
    }
  }
  memory.set(s.volAbs, volAbsAt)
  memory.set(s.volRel, volAbsAt + stride)
  memory.set(s.timeShiftYears, volAbsAt + 2 * stride)

  for (let chunkStart = rowStart; chunkStart < rowEnd; chunkStart += chunkRows) {
    const n = Math.min(chunkRows, rowEnd - chunkStart)
    for (let i = 0; i < n; i++) writeRowRecord(memory, rowsAt / 8 + i * ROW_FIELDS, a, s, chunkStart + i)
    k.revalue(rowsAt, n, scenarioAt, S, U, outAt)
    out.set(memory.subarray(outAt / 8, outAt / 8 + n * S), (chunkStart - rowOffset) * S)
  }
  return true
}

/** Row r's record. The constants needing log and pow are computed here, with the JS kernel's own calls. */
function writeRowRecord(m: Float64Array, at: number, a: PortfolioArrays, s: ScenarioSet, r: number): void {
  const kind = a.kind[r]!
  const f0 = a.forward[r]!
  m[at] = kind
  m[at + 1] = a.underlyingIndex[r]!
  m[at + 2] = a.units[r]!
  m[at + 3] = f0
  if (kind === ROW_LINEAR || kind === ROW_INVERSE) return
  const strike = a.strike[r]!
  const t0 = a.years[r]!
  m[at + 4] = strike
  m[at + 5] = a.isCall[r] === 1 ? 1 : 0
  m[at + 6] = t0
  m[at + 7] = a.vol[r]!
  m[at + 8] = s.stickyMoneyness ? a.volSkewUp[r]! : 0
  m[at + 9] = s.stickyMoneyness ? a.volSkewDown[r]! : 0
  m[at + 10] = a.baseValue[r]!
  m[at + 11] = Math.log(f0 / strike)
  m[at + 12] = 1 / strike
  m[at + 13] = 1 / f0
  m[at + 14] = volTermWeight(s.volTerm, t0)
}

/** e^x on the kernel's vectorised exp, for tests (x ≤ 0). */
export function kernelExp(k: KernelExports, xs: Float64Array): Float64Array {
  const n = (xs.length + 1) & ~1
  const at = align16(k.heapBase())
  const memory = memoryOf(k, at + 2 * n * 8)
  if (!memory) throw new RangeError('kernelExp: memory')
  memory.set(xs, at / 8)
  if (xs.length % 2) memory[at / 8 + n - 1] = 0
  k.expLanes(at, n, at + n * 8)
  return memory.slice(at / 8 + n, at / 8 + n + xs.length)
}

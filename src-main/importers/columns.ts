/**
 * Growable typed-array columns and a string table: a 1M-row statement's numbers kept in a few flat
 * buffers instead of a million objects with boxed doubles (issue 20: a row object with its
 * HeapNumbers and id string costs ~170 bytes; a row in columns ~35). Appends only; a column doubles
 * its buffer when full, so a row costs amortised O(1).
 */

/**
 * One class per element type, each with its own push: a single generic class pushing into four
 * kinds of typed array made its store megamorphic (V8), ~15 % of a 1M-row parse.
 */
export class Float64Column {
  data = new Float64Array(1024)
  length = 0
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length] = value
    return this.length++
  }
}

export class Int32Column {
  data = new Int32Array(1024)
  length = 0
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length] = value
    return this.length++
  }
}

export class Uint16Column {
  data = new Uint16Array(1024)
  length = 0
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Uint16Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length] = value
    return this.length++
  }
}

export class Uint8Column {
  data = new Uint8Array(1024)
  length = 0
  push(value: number): number {
    if (this.length === this.data.length) {
      const grown = new Uint8Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length] = value
    return this.length++
  }
}

export const float64Column = (): Float64Column => new Float64Column()
export const int32Column = (): Int32Column => new Int32Column()
export const uint16Column = (): Uint16Column => new Uint16Column()
export const uint8Column = (): Uint8Column => new Uint8Column()

/** Each distinct string once, numbered in order of first sight: a row keeps the number. */
export class StringTable {
  private readonly index = new Map<string, number>()
  readonly values: string[] = []
  of(value: string): number {
    let i = this.index.get(value)
    if (i === undefined) {
      i = this.values.length
      this.values.push(value)
      this.index.set(value, i)
    }
    return i
  }
}

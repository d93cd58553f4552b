// WebAssembly SIMD kernels for the vector metrics, two doubles per instruction (f64x2): the
// dot-product tiles (three rows against a run of row triples, nine sums per triple) behind the
// pair pass and every Gram matrix, and the two O(n²) loops of a step of the eigensolver's
// Householder reduction. About twice the multiply-adds per clock of the JavaScript loops
// (linalg.ts `dotTile3`, `reduce`), which stay the fallback. The module is assembled here from
// its instructions (no compiler, no eval, no file to fetch) and compiled synchronously, which
// Node and Web Workers allow; where WebAssembly or its SIMD is missing or refused (a content
// security policy without 'wasm-unsafe-eval'), `simdKernels()` is undefined and callers use
// the JavaScript loops. Each sum adds the even and the odd positions separately, so it differs
// from the JavaScript order by rounding (tests hold the two within 1e-12).

/** The kernel and the memory its rows must live in. */
export interface SimdKernels {
  /**
   * For rows a, a + d, a + 2d (offsets in doubles into `memory`) and `count` triples of rows
   * starting at c (each triple 3d doubles after the previous one), the nine dot products of
   * each triple over the first `even` (an even number ≤ d) positions, row-major, written from
   * double offset `out`: out[9k + 3i + j] = row (a + i·d) · row (c + 3k·d + j·d).
   */
  tiles(a: number, c: number, count: number, d: number, even: number, out: number): void;
  /**
   * One column step of the Householder reduction (linalg.ts `tred2`): over k < count,
   * e[k] += v[k]·f and the return value is Σ v[k]·d[k] (v, d, e offsets in doubles).
   */
  dotAxpy(v: number, d: number, e: number, count: number, f: number): number;
  /** The rank-two update of that reduction: over k < count, v[k] −= f·e[k] + g·d[k]. */
  rankTwo(v: number, d: number, e: number, count: number, f: number, g: number): void;
  /** Bytes of memory the kernel holds. */
  bytes(): number;
  /** A Float64Array view of at least `doubles` numbers over the kernel's memory (grown as needed; earlier views may detach). */
  view(doubles: number): Float64Array;
}

// The few WebAssembly names used here (the project's TypeScript libraries do not declare them).
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmGlobal }).WebAssembly;

let cached: SimdKernels | null | undefined;
let disabled = false;

/** The kernel, or undefined where WebAssembly SIMD cannot run here (or `useSimd(false)` was called). */
export function simdKernels(): SimdKernels | undefined {
  if (disabled) return undefined;
  if (cached === undefined) cached = instantiate();
  return cached ?? undefined;
}

/**
 * Lets a kernel whose memory grew past 16 MB go (the next call builds a new one, in well under a
 * millisecond): WebAssembly memory never shrinks, and a long-lived worker should not keep the
 * rows of its largest analysis.
 */
export function releaseLargeMemory(): void {
  if (cached && cached.bytes() > 16 << 20) cached = undefined;
}

/** Turns the kernel off (true turns it back on): for tests comparing it with the JavaScript tiles. */
export function useSimd(on: boolean): void {
  disabled = !on;
}

/**
 * Memory two threads can share, of at least `doubles` numbers (fixed size), or undefined where
 * shared WebAssembly memory is missing (browsers without cross-origin isolation).
 */
export function sharedMemory(doubles: number): WasmMemory | undefined {
  const Memory = (wasm as unknown as { Memory?: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory } | undefined)?.Memory;
  if (!Memory || typeof SharedArrayBuffer === 'undefined') return undefined;
  try {
    const pages = Math.max(1, Math.ceil((doubles * 8) / 65536));
    return new Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined;
  }
}

let sharedModule: object | null | undefined;

/**
 * The kernel over `memory` from `sharedMemory` (so that another thread's kernel reads the same
 * rows), or undefined where it cannot run; `view` never grows it.
 */
export function sharedSimdKernels(memory: WasmMemory, check = true): SimdKernels | undefined {
  if (disabled || !wasm) return undefined;
  try {
    if (sharedModule === undefined) {
      const bytes = moduleBytes(true);
      sharedModule = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    }
    if (!sharedModule) return undefined;
    return kernelsOf(new wasm.Instance(sharedModule, { env: { memory } }), memory.buffer.byteLength / 8, check) ?? undefined;
  } catch {
    return undefined;
  }
}

function instantiate(): SimdKernels | null {
  try {
    if (!wasm) return null;
    const bytes = moduleBytes(false);
    if (!wasm.validate(bytes)) return null;
    return kernelsOf(new wasm.Instance(new wasm.Module(bytes), {}));
  } catch {
    return null;
  }
}

/**
 * The kernel of an instance, after a check on known numbers in the first 40 doubles of its
 * memory (`check` false: none, for a memory another thread is using); `fixed`: the doubles
 * of a memory that must not grow.
 */
function kernelsOf(instance: { exports: Record<string, unknown> }, fixed?: number, check = true): SimdKernels | null {
  {
    const memory = instance.exports.memory as WasmMemory;
    const tiles = instance.exports.tiles as (a: number, c: number, count: number, rowBytes: number, evenBytes: number, out: number) => void;
    const dotAxpy = instance.exports.dotAxpy as (v: number, d: number, e: number, count: number, f: number) => number;
    const rankTwo = instance.exports.rankTwo as (v: number, d: number, e: number, count: number, f: number, g: number) => void;
    let f64 = new Float64Array(memory.buffer);
    const kernels: SimdKernels = {
      tiles: (a, c, count, d, even, out) => tiles(a * 8, c * 8, count, d * 8, even * 8, out * 8),
      dotAxpy: (v, d, e, count, f) => dotAxpy(v * 8, d * 8, e * 8, count, f),
      rankTwo: (v, d, e, count, f, g) => rankTwo(v * 8, d * 8, e * 8, count, f, g),
      bytes: () => memory.buffer.byteLength,
      view(doubles) {
        const bytes = doubles * 8;
        if (fixed !== undefined && doubles > fixed) throw new RangeError(`shared kernel memory holds ${fixed} doubles, not ${doubles}`);
        if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
        if (f64.buffer !== memory.buffer || f64.length * 8 !== memory.buffer.byteLength) f64 = new Float64Array(memory.buffer);
        return f64;
      },
    };
    if (!check) return kernels;
    // A check on known numbers: a platform that runs the module wrongly gets the JavaScript tiles.
    const v = kernels.view(40);
    for (let i = 0; i < 24; i++) v[i] = i + 1;
    kernels.tiles(0, 12, 1, 4, 4, 24);
    const want = (i: number, j: number) => {
      let s = 0;
      for (let t = 0; t < 4; t++) s += (i * 4 + t + 1) * ((12 + j * 4) + t + 1);
      return s;
    };
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (v[24 + 3 * i + j] !== want(i, j)) return null;
    // v = 1..7 at 0, d = 1 at 8, e = 0 at 16: Σ v·d = 28 and e = 2v; then v −= 1·e + 1·d.
    for (let k = 0; k < 7; k++) {
      v[k] = k + 1;
      v[8 + k] = 1;
      v[16 + k] = 0;
    }
    if (kernels.dotAxpy(0, 8, 16, 7, 2) !== 28 || v[16 + 6] !== 14) return null;
    kernels.rankTwo(0, 8, 16, 7, 1, 1);
    if (v[6] !== 7 - 14 - 1 || v[0] !== 1 - 2 - 1) return null;
    return kernels;
  }
}

// ---------------------------------------------------------------------------------------
// The module, instruction by instruction.

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

// Parameters: a, c, count, rowBytes, evenBytes, out (byte offsets and sizes, i32).
const A = 0, C = 1, COUNT = 2, ROW = 3, EVEN = 4, OUT = 5;
// Locals after them.
const T = 6, K = 7, A1 = 8, A2 = 9, C1 = 10, C2 = 11;
const S = 12; // nine v128 sums s00..s22 at S + 3i + j
const Y = 21; // three v128 loads of the c rows
const Q = 24; // one v128 load of an a row

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_GE_U = [0x4f];
const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_LOAD = [...simd(0x00), 3, 0]; // align 2^3, offset 0
const V128_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const lane = (l: number) => [...simd(0x21), l];
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_MUL = [0xa2];
const I32_SUB = [0x6b];
const I32_LT_S = [0x48];
const F64 = 0x7c;
const V128_LOAD_AT = (offset: number) => [...simd(0x00), 3, ...uleb(offset)];
const V128_STORE_AT = (offset: number) => [...simd(0x0b), 3, ...uleb(offset)];
const F64_LOAD_AT = (offset: number) => [0x2b, 3, ...uleb(offset)];
const F64X2_SUB = simd(0xf1);
const F64X2_SPLAT = simd(0x14);
const tee = (i: number) => [0x22, ...uleb(i)];
const F64_STORE = (offset: number) => [0x39, 3, ...uleb(offset)];

function tilesBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(A), get(ROW), I32_ADD, set(A1), get(A1), get(ROW), I32_ADD, set(A2));
  emit(i32(0), set(K));
  emit([0x02, 0x40], [0x03, 0x40]); // block $done; loop $triples
  emit(get(K), get(COUNT), I32_GE_U, [0x0d, 1]); // br_if $done
  emit(get(C), get(ROW), I32_ADD, set(C1), get(C1), get(ROW), I32_ADD, set(C2));
  for (let s = 0; s < 9; s++) emit(V128_ZERO, set(S + s));
  emit(i32(0), set(T));
  emit([0x02, 0x40], [0x03, 0x40]); // block $even; loop $positions
  emit(get(T), get(EVEN), I32_GE_U, [0x0d, 1]); // br_if $even
  const cRows = [C, C1, C2];
  for (let j = 0; j < 3; j++) emit(get(cRows[j]!), get(T), I32_ADD, V128_LOAD, set(Y + j));
  const aRows = [A, A1, A2];
  for (let i = 0; i < 3; i++) {
    emit(get(aRows[i]!), get(T), I32_ADD, V128_LOAD, set(Q));
    for (let j = 0; j < 3; j++) emit(get(S + 3 * i + j), get(Q), get(Y + j), F64X2_MUL, F64X2_ADD, set(S + 3 * i + j));
  }
  emit(get(T), i32(16), I32_ADD, set(T), [0x0c, 0]); // br $positions
  emit([0x0b], [0x0b]); // end loop, end block
  for (let s = 0; s < 9; s++) emit(get(OUT), get(S + s), lane(0), get(S + s), lane(1), F64_ADD, F64_STORE(8 * s));
  emit(get(OUT), i32(72), I32_ADD, set(OUT));
  emit(get(C), get(ROW), i32(3), I32_MUL, I32_ADD, set(C));
  emit(get(K), i32(1), I32_ADD, set(K), [0x0c, 0]); // br $triples
  emit([0x0b], [0x0b], [0x0b]); // end loop, end block, end function
  const locals = vector([[...uleb(6), I32], [...uleb(19), V128]]);
  return [...locals, ...code];
}

// dotAxpy(vp, dp, ep, count, f) -> f64: byte pointers; four numbers a step, then one.
function dotAxpyBody(): number[] {
  const VP = 0, DP = 1, EP = 2, N = 3, FS = 4; // parameters
  const G0 = 5, G1 = 6, FV = 7, VV = 8; // v128 locals
  const TAIL = 9, X = 10; // f64 locals
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(FS), F64X2_SPLAT, set(FV));
  emit([0x02, 0x40], [0x03, 0x40]);
  emit(get(N), i32(4), I32_LT_S, [0x0d, 1]);
  for (const [g, off] of [[G0, 0], [G1, 16]] as const) {
    emit(get(VP), V128_LOAD_AT(off), set(VV));
    emit(get(g), get(VV), get(DP), V128_LOAD_AT(off), F64X2_MUL, F64X2_ADD, set(g));
    emit(get(EP), get(EP), V128_LOAD_AT(off), get(VV), get(FV), F64X2_MUL, F64X2_ADD, V128_STORE_AT(off));
  }
  for (const ptr of [VP, DP, EP]) emit(get(ptr), i32(32), I32_ADD, set(ptr));
  emit(get(N), i32(4), I32_SUB, set(N), [0x0c, 0]);
  emit([0x0b], [0x0b]);
  emit([0x02, 0x40], [0x03, 0x40]);
  emit(get(N), i32(1), I32_LT_S, [0x0d, 1]);
  emit(get(VP), F64_LOAD_AT(0), set(X));
  emit(get(TAIL), get(X), get(DP), F64_LOAD_AT(0), F64_MUL, F64_ADD, set(TAIL));
  emit(get(EP), get(EP), F64_LOAD_AT(0), get(X), get(FS), F64_MUL, F64_ADD, F64_STORE(0));
  for (const ptr of [VP, DP, EP]) emit(get(ptr), i32(8), I32_ADD, set(ptr));
  emit(get(N), i32(1), I32_SUB, set(N), [0x0c, 0]);
  emit([0x0b], [0x0b]);
  emit(get(G0), get(G1), F64X2_ADD, tee(G0), lane(0), get(G0), lane(1), F64_ADD, get(TAIL), F64_ADD);
  emit([0x0b]);
  return [...vector([[...uleb(4), V128], [...uleb(2), F64]]), ...code];
}

// rankTwo(vp, dp, ep, count, f, g): v −= f·e + g·d; two numbers a step, then one.
function rankTwoBody(): number[] {
  const VP = 0, DP = 1, EP = 2, N = 3, FS = 4, GS = 5; // parameters
  const FV = 6, GV = 7; // v128 locals
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(FS), F64X2_SPLAT, set(FV), get(GS), F64X2_SPLAT, set(GV));
  emit([0x02, 0x40], [0x03, 0x40]);
  emit(get(N), i32(2), I32_LT_S, [0x0d, 1]);
  emit(get(VP), get(VP), V128_LOAD_AT(0), get(FV), get(EP), V128_LOAD_AT(0), F64X2_MUL, get(GV), get(DP), V128_LOAD_AT(0), F64X2_MUL, F64X2_ADD, F64X2_SUB, V128_STORE_AT(0));
  for (const ptr of [VP, DP, EP]) emit(get(ptr), i32(16), I32_ADD, set(ptr));
  emit(get(N), i32(2), I32_SUB, set(N), [0x0c, 0]);
  emit([0x0b], [0x0b]);
  emit([0x02, 0x40]);
  emit(get(N), i32(1), I32_LT_S, [0x0d, 0]);
  emit(get(VP), get(VP), F64_LOAD_AT(0), get(FS), get(EP), F64_LOAD_AT(0), F64_MUL, get(GS), get(DP), F64_LOAD_AT(0), F64_MUL, F64_ADD, F64_SUB, F64_STORE(0));
  emit([0x0b]);
  emit([0x0b]);
  return [...vector([[...uleb(2), V128]]), ...code];
}

// `shared`: the memory is imported (env.memory), shared and of a fixed size, instead of its own.
function moduleBytes(shared: boolean): Uint8Array {
  const type = section(
    1,
    vector([
      [0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), 0],
      [0x60, ...vector([[I32], [I32], [I32], [I32], [F64]]), ...vector([[F64]])],
      [0x60, ...vector([[I32], [I32], [I32], [I32], [F64], [F64]]), 0],
    ]),
  );
  const func = section(3, vector([[0], [1], [2]]));
  // Imported: shared, min 1 page, max 65,536 (the instance takes the size it is given).
  const name = (text: string) => vector([...text].map((ch) => [ch.charCodeAt(0)]));
  const imports = shared ? section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]])) : [];
  const memory = shared ? [] : section(5, vector([[0x00, ...uleb(1)]])); // min 1 page, no max
  const exports = section(
    7,
    vector([
      [...vector([..."memory"].map((ch) => [ch.charCodeAt(0)])), 0x02, 0],
      [...vector([..."tiles"].map((ch) => [ch.charCodeAt(0)])), 0x00, 0],
      [...vector([..."dotAxpy"].map((ch) => [ch.charCodeAt(0)])), 0x00, 1],
      [...vector([..."rankTwo"].map((ch) => [ch.charCodeAt(0)])), 0x00, 2],
    ]),
  );
  const bodies = [tilesBody(), dotAxpyBody(), rankTwoBody()];
  const codeSection = section(10, vector(bodies.map((body) => [...uleb(body.length), ...body])));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...func, ...memory, ...exports, ...codeSection]);
}

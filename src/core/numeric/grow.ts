// Growing typed arrays: a copy at twice the length, doubled again until it holds `min`.

export function grownF64(a: Float64Array, min = 0): Float64Array {
  const b = new Float64Array(grownLength(a.length, min));
  b.set(a);
  return b;
}

export function grownI32(a: Int32Array, min = 0): Int32Array {
  const b = new Int32Array(grownLength(a.length, min));
  b.set(a);
  return b;
}

function grownLength(length: number, min: number): number {
  let cap = Math.max(1, length) * 2;
  while (cap < min) cap *= 2;
  return cap;
}

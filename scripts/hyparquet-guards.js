// Bounds for hyparquet's run-length decoder on damaged Parquet pages, applied when esbuild
// bundles it (every bundle: extension, CLI, reading thread, tests). hyparquet trusts the
// counts and offsets in a page: a damaged data page header (v2, without its level lengths)
// leaves the reader's offset NaN, DataView reads NaN as byte 0, and the level decoder loops
// forever; a bit-packed run of width 0 with a damaged header runs 2^34 times or, after an
// int32 shift, never ends; an RLE run longer than the page grows a plain Array by up to 2^31
// entries. Each guard only changes what happens on such input: a valid page reads the same
// bytes and yields the same values (the Parquet test suites in test/unit check it). Found by
// the fuzz tests (test/fixtures/fuzz/readers--any-bytes--e0ce5a6cf0.json).
//
// Each replacement must match exactly once; a new hyparquet version that changes these lines
// fails the build here, so the guards are reviewed rather than silently lost.
const fs = require('fs');

const REPLACEMENTS = [
  {
    what: 'readRleBitPackedHybrid: offset and length in range, data left for every value',
    from: `  const startOffset = reader.offset
  let seen = 0
  while (seen < output.length) {
`,
    to: `  const startOffset = reader.offset
  if (!(startOffset >= 0 && startOffset <= reader.view.byteLength) || !(length >= 0)) {
    throw new Error(\`parquet levels out of range (offset \${startOffset}, length \${length}); the page header is damaged\`)
  }
  let seen = 0
  while (seen < output.length) {
    if (!(reader.offset < reader.view.byteLength)) throw new Error('parquet run-length data ends before its values')
`,
  },
  {
    what: 'readRle: a run never writes past the output',
    from: `  for (let i = 0; i < count; i++) {
    output[seen + i] = value
  }`,
    to: `  const end = Math.min(count, output.length - seen)
  for (let i = 0; i < end; i++) {
    output[seen + i] = value
  }`,
  },
  {
    what: 'readBitPacked: no negative run, no run of width 0 past the output',
    from: `  let count = header >> 1 << 3 // values to read
`,
    to: `  let count = header >> 1 << 3 // values to read
  if (count < 0) throw new Error(\`parquet bit-packed run of \${count} values; the page is damaged\`)
  if (!bitWidth) count = Math.min(count, output.length - seen)
`,
  },
];

function applyGuards(source, file) {
  let out = source;
  for (const r of REPLACEMENTS) {
    const at = out.indexOf(r.from);
    if (at === -1 || out.indexOf(r.from, at + 1) !== -1) {
      throw new Error(`${file}: the hyparquet guard "${r.what}" no longer matches its source; review scripts/hyparquet-guards.js for this hyparquet version`);
    }
    out = out.slice(0, at) + r.to + out.slice(at + r.from.length);
  }
  return out;
}

/** The esbuild plugin. */
const hyparquetGuards = {
  name: 'hyparquet-guards',
  setup(build) {
    build.onLoad({ filter: /[\\/]hyparquet[\\/]src[\\/]encoding\.js$/ }, async (args) => ({
      contents: applyGuards(await fs.promises.readFile(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};

module.exports = { hyparquetGuards, applyGuards };

// The web build's byte seam (src/core/bytes.web.ts: pako, TextEncoder) gives what the Node one
// (src/core/bytes.ts: zlib, Buffer) gives: the same gzip bytes, so compression_ratio is the same
// in a browser; the same decompressed bytes and zlib error codes, multi-member files included.
// Named bytes.test.ts, not bytes.web.test.ts: a `*.web.test.ts` is bundled with the `.web.ts`
// modules in place of their Node twins (esbuild.js), and this test needs both.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import * as node from '../../../src/core/bytes';
import * as web from '../../../src/core/bytes.web';
import { Random } from '../../../src/core/random';

/** A seeded generator, so every run checks the same texts. */
function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

const WORDS = 'the model wrote the same answer again é 日本語 🙂 collapse tail rare token generation output'.split(' ');

function texts(): string[] {
  const random = seeded(7);
  const out = ['', 'a', 'x'.repeat(100_000)];
  for (let i = 0; i < 24; i++) {
    const vocabulary = 1 + Math.floor(random() * WORDS.length);
    const words: string[] = [];
    const length = Math.floor(random() ** 3 * 150_000);
    for (let n = 0; n < length; n += 6) {
      words.push(random() < 0.1 ? Math.floor(random() * 1e9).toString(36) : WORDS[Math.floor(random() * vocabulary)]!);
    }
    out.push(words.join(' '));
  }
  return out;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** What a gunzip gives for the bytes split as `sizes`: the data, or the error's code and message. */
async function outcome(gunzip: typeof node.gunzip, bytes: Uint8Array, sizes: number[]): Promise<{ data?: string; error?: string }> {
  try {
    return { data: (await collect(gunzip(pieces(bytes, sizes)))).toString('latin1') };
  } catch (e) {
    const error = e as Error & { code?: string };
    return { error: `${error.code}: ${error.message}` };
  }
}

describe('bytes.web.ts matches bytes.ts', () => {
  test('gzip at level 9: the same bytes as Node zlib, and so the same compression_ratio', () => {
    for (const text of texts()) {
      const bytes = node.utf8Bytes(text);
      const expected = node.gzipLevel9(bytes);
      assert.deepEqual(Buffer.from(web.gzipLevel9(bytes)), Buffer.from(expected), `text of ${bytes.length} bytes`);
      // The reference's file: a gzip wrapped in another one.
      assert.equal(web.gzipLevel9(web.gzipLevel9(bytes)).length, node.gzipLevel9(expected).length);
    }
  });

  test('UTF-8: the same bytes and lengths, lone surrogates included', () => {
    const random = seeded(11);
    const samples = ['', 'ascii', 'é', '日本語', '🙂', '\ud800', 'a\udc00b', '\ud83d\ude42\ud83d', ...texts().slice(0, 5)];
    for (let i = 0; i < 2000; i++) {
      samples.push(String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * 0x10000))));
    }
    for (const s of samples) {
      assert.equal(web.utf8Length(s), node.utf8Length(s), JSON.stringify(s));
      assert.deepEqual(Buffer.from(web.utf8Bytes(s)), Buffer.from(node.utf8Bytes(s)), JSON.stringify(s));
    }
  });

  test('gunzip: the same data and the same zlib errors, however the bytes are split', async () => {
    const member = zlib.gzipSync(Buffer.from('{"output":"same answer"}\n'.repeat(5000)));
    const other = zlib.gzipSync(Buffer.from('{"output":"another"}\n'.repeat(100)));
    const corrupt = Buffer.from(member);
    corrupt[12]! ^= 0xff;
    corrupt[13]! ^= 0xff;
    const cases: Record<string, Buffer> = {
      'one member': member,
      'two members (gzip.open(…, "ab") twice)': Buffer.concat([member, other]),
      'a member then zero padding': Buffer.concat([member, Buffer.alloc(7)]),
      'a member then bytes that are not gzip': Buffer.concat([member, Buffer.from('junk')]),
      truncated: member.subarray(0, member.length - 30),
      corrupt,
      empty: zlib.gzipSync(Buffer.alloc(0)),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      for (const sizes of [[bytes.length], [1], [member.length], [7, 1000, 65536], [16 * 1024 + 3]]) {
        const expected = await outcome(node.gunzip, bytes, sizes);
        const got = await outcome(web.gunzip, bytes, sizes);
        // Node may report a bad trailing member before it has passed on the data before it.
        if (expected.error) assert.equal(got.error, expected.error, `${name}, pieces of ${sizes.join('/')}`);
        else assert.deepEqual(got, expected, `${name}, pieces of ${sizes.join('/')}`);
      }
    }
  });

  test('gunzip passes a source error on as it is', async () => {
    const failing = async function* () {
      yield zlib.gzipSync(Buffer.from('abc')).subarray(0, 5);
      throw new Error('the file went away');
    };
    await assert.rejects(collect(web.gunzip(failing())), /the file went away/);
  });
});

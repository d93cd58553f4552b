// Re-creates the corpus excerpt from the Debian package r-cran-janeaustenr, so its
// provenance can be checked rather than trusted:
//
//   apt-get download r-cran-janeaustenr && dpkg-deb -x r-cran-janeaustenr_*.deb pkg
//   node corpus/extract.mjs pkg/usr/lib/R/site-library/janeaustenr/data/Rdata prideprejudice 3951 \
//     > corpus/pride-and-prejudice-ch01-20.txt
//
// The package stores each novel as an R character vector (one element per line) in R's
// lazy-load database (`.rdx` index + `.rdb` blobs, XDR serialization). This reader knows
// just enough of that format to pull one character vector out.
import { readFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';

const [base, objectName, lineCount] = process.argv.slice(2);
if (!base || !objectName) {
  console.error('usage: node corpus/extract.mjs PATH/Rdata OBJECT [LINES]');
  process.exit(2);
}

class RReader {
  constructor(buf) {
    this.b = buf;
    this.p = 0;
    this.refs = [];
  }
  int() {
    const v = this.b.readInt32BE(this.p);
    this.p += 4;
    return v;
  }
  start() {
    if (this.b.toString('latin1', 0, 2) !== 'X\n') throw new Error('not an XDR serialization');
    this.p = 2;
    const version = this.int();
    this.int();
    this.int();
    if (version === 3) {
      const encodingLength = this.int();
      this.p += encodingLength;
    }
    return this.item();
  }
  item() {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttr = (flags & (1 << 9)) !== 0;
    const hasTag = (flags & (1 << 10)) !== 0;
    if (type === 254) return null; // NILVALUE
    if ([253, 242, 241, 251, 252, 250].includes(type)) return { env: type };
    if (type === 255) return this.refs[(flags >> 8) - 1];
    if (type === 1) {
      const sym = { sym: this.item() };
      this.refs.push(sym);
      return sym;
    }
    if (type === 2) {
      const attr = hasAttr ? this.item() : null;
      const tag = hasTag ? this.item() : null;
      return { tag, car: this.item(), cdr: this.item(), attr };
    }
    if (type === 9) {
      const n = this.int();
      if (n === -1) return null;
      const s = this.b.toString('utf8', this.p, this.p + n);
      this.p += n;
      return s;
    }
    let value;
    if (type === 16 || type === 19) {
      const n = this.int();
      value = [];
      for (let i = 0; i < n; i++) value.push(this.item());
    } else if (type === 13 || type === 10) {
      const n = this.int();
      value = [];
      for (let i = 0; i < n; i++) value.push(this.int());
    } else {
      throw new Error(`unsupported R type ${type}`);
    }
    const attr = hasAttr ? this.item() : null;
    return { type, value, attr };
  }
}

function attribute(pairlist, name) {
  for (let p = pairlist; p; p = p.cdr) if (p.tag?.sym === name) return p.car;
  return undefined;
}

const index = new RReader(gunzipSync(readFileSync(`${base}.rdx`))).start();
const variables = index.value[0];
const names = attribute(variables.attr, 'names').value;
const at = names.indexOf(objectName);
if (at < 0) {
  console.error(`no object ${objectName}; the database holds ${names.join(', ')}`);
  process.exit(1);
}
const [offset, length] = variables.value[at].value;
const blob = readFileSync(`${base}.rdb`).subarray(offset, offset + length);
// Blobs are a 4-byte uncompressed length followed by a zlib stream.
const vector = new RReader(inflateSync(blob.subarray(4))).start();
let lines = vector.value.map((l) => l ?? '');
if (lineCount) lines = lines.slice(0, Number(lineCount));
process.stdout.write(lines.join('\n').trimEnd() + '\n');

// The file types Collapse Lens reads: one home for the extensions that the readers, the
// host's menus and file lists, the CLI's messages and the report's names all use. The menus'
// `when` clauses in package.json are tested against `WHEN_EXTNAME` and `WHEN_GZIP_FILENAME`.
import type { InputFormat } from './report';

/** Extension (lower case, with its dot) to format. */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, InputFormat>> = Object.freeze({
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.parquet': 'parquet',
});

/** Extensions that may also come gzip-compressed (`.jsonl.gz`); Parquet compresses its own pages. */
export const GZIP_EXTENSIONS: readonly string[] = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv'];

const names = (exts: readonly string[]) => exts.map((e) => e.slice(1)).join('|');

/** A file Collapse Lens can analyze, by name. */
export const SUPPORTED_FILE = new RegExp(`(\\.(${names(GZIP_EXTENSIONS)})(\\.gz)?|\\.(${names(Object.keys(FORMAT_BY_EXTENSION).filter((e) => !GZIP_EXTENSIONS.includes(e)))}))$`, 'i');

/** The regexes of the menus' `when` clauses (`resourceExtname =~ …`, `resourceFilename =~ …`). */
export const WHEN_EXTNAME = `/^\\.(${names(Object.keys(FORMAT_BY_EXTENSION))})$/i`;
export const WHEN_GZIP_FILENAME = `/\\.(${names(GZIP_EXTENSIONS)})\\.gz$/i`;

/** For messages: what the product reads. */
export const SUPPORTED_DESCRIPTION = '.jsonl, .ndjson, .json, .csv and .tsv files, each optionally gzip-compressed (.gz), and .parquet files';

/** The default glob of Analyze Workspace. */
export const DEFAULT_INCLUDE = `**/*.{${[...Object.keys(FORMAT_BY_EXTENSION).map((e) => e.slice(1)), ...GZIP_EXTENSIONS.map((e) => `${e.slice(1)}.gz`)].join(',')}}`;

/** A data file's name without its data extensions: `gen-1.jsonl.gz` → `gen-1`. */
export function stripDataExtension(name: string): string {
  return name.replace(SUPPORTED_FILE, '');
}

/** `1.5 MB`, `812 bytes`: sizes in messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

// A generation's tagged template sample (templates.ts) packed for the time between reducing
// the generation and finishing it against the baseline (textFinish.ts, reduceTextAccumulator).
import type { TaggedOutput, TaggedSentence } from './templates';
import { encodeBase64, float64FromBase64, int32FromBase64, uint16FromBase64 } from '../numeric/base64';

/**
 * A tagged sample in a few arrays and strings instead of an array and a string per sentence
 * and per token: what a reduced generation keeps of it (a thousand outputs) until the
 * baseline is known. `unpackTagged` gives the sample back as it was.
 */
export interface PackedTagged extends PackedTags {
  texts: string[];
  lines: Float64Array;
}

/**
 * The tags of a sample's outputs, packed (`packTags`): what the reading thread sends back when
 * it tags a sample (analysis/offThread.ts), its arrays moved rather than copied.
 */
export interface PackedTags {
  /** Distinct tags; `tags` holds indices into it. */
  names: string[];
  tags: Uint16Array;
  /** Per sentence, its tags; per output, its sentences. */
  sentenceLengths: Int32Array;
  outputSentences: Int32Array;
  /** Per sentence, its tokens, or −1 without them (the tagger gives them; hand-tagged input may not). */
  sentenceTokens: Int32Array;
  /** Every token back to back, and each one's length. */
  tokenText: string;
  tokenLengths: Int32Array;
  /** Per output, its tags. */
  counts: Int32Array;
}

export function packTagged(items: readonly { output: TaggedOutput; text: string; line: number; tags: number }[]): PackedTagged {
  return { ...withOutputs(packTags(items.map((i) => i.output)), items), counts: Int32Array.from(items, (i) => i.tags) };
}

/** Packed tags with the texts and lines of the outputs they tag (the same order): a packed sample. */
export function withOutputs(tags: PackedTags, outputs: readonly { text: string; line: number }[]): PackedTagged {
  return { ...tags, texts: outputs.map((o) => o.text), lines: Float64Array.from(outputs, (o) => o.line) };
}

/** The typed arrays of packed tags, to move them to another thread. */
export function packedTagsBuffers(p: PackedTags): ArrayBuffer[] {
  return [p.tags, p.sentenceLengths, p.outputSentences, p.sentenceTokens, p.tokenLengths, p.counts].map((a) => a.buffer as ArrayBuffer);
}

export function packTags(outputs: readonly TaggedOutput[]): PackedTags {
  const names: string[] = [];
  const index = new Map<string, number>();
  const tags: number[] = [];
  const sentenceLengths: number[] = [];
  const sentenceTokens: number[] = [];
  const tokenParts: string[] = [];
  const tokenLengths: number[] = [];
  const counts = new Int32Array(outputs.length);
  outputs.forEach((output, o) => {
    for (const sentence of output.sentences) {
      counts[o]! += sentence.tags.length;
      for (const t of sentence.tags) {
        let k = index.get(t);
        if (k === undefined) index.set(t, (k = names.push(t) - 1));
        tags.push(k);
      }
      sentenceLengths.push(sentence.tags.length);
      sentenceTokens.push(sentence.tokens ? sentence.tokens.length : -1);
      for (const w of sentence.tokens ?? []) {
        tokenParts.push(w);
        tokenLengths.push(w.length);
      }
    }
  });
  return {
    names,
    tags: Uint16Array.from(tags),
    sentenceLengths: Int32Array.from(sentenceLengths),
    outputSentences: Int32Array.from(outputs, (o) => o.sentences.length),
    sentenceTokens: Int32Array.from(sentenceTokens),
    tokenText: tokenParts.join(''),
    tokenLengths: Int32Array.from(tokenLengths),
    counts,
  };
}

export function unpackTagged(p: PackedTagged): { output: TaggedOutput; text: string; line: number; tags: number }[] {
  let tag = 0;
  let sentence = 0;
  let token = 0;
  let at = 0;
  return p.texts.map((text, o) => {
    const sentences: TaggedSentence[] = [];
    for (let k = 0; k < p.outputSentences[o]!; k++, sentence++) {
      const n = p.sentenceLengths[sentence]!;
      const tags: string[] = [];
      for (let j = 0; j < n; j++) tags.push(p.names[p.tags[tag++]!]!);
      const m = p.sentenceTokens[sentence]!;
      if (m < 0) {
        sentences.push({ tags });
        continue;
      }
      const tokens: string[] = [];
      for (let j = 0; j < m; j++) {
        const len = p.tokenLengths[token++]!;
        tokens.push(p.tokenText.slice(at, at + len));
        at += len;
      }
      sentences.push({ tags, tokens });
    }
    return { output: { sentences }, text, line: p.lines[o]!, tags: p.counts[o]! };
  });
}

/** A packed sample as plain data (a reduced text state, textState.ts). */
export interface PackedTaggedState {
  names: string[];
  tags: string;
  sentenceLengths: string;
  outputSentences: string;
  sentenceTokens: string;
  tokenText: string;
  tokenLengths: string;
  texts: string[];
  lines: string;
  counts: string;
}

export function packedToState(p: PackedTagged): PackedTaggedState {
  return {
    names: p.names.slice(),
    tags: encodeBase64(p.tags),
    sentenceLengths: encodeBase64(p.sentenceLengths),
    outputSentences: encodeBase64(p.outputSentences),
    sentenceTokens: encodeBase64(p.sentenceTokens),
    tokenText: p.tokenText,
    tokenLengths: encodeBase64(p.tokenLengths),
    texts: p.texts.slice(),
    lines: encodeBase64(p.lines),
    counts: encodeBase64(p.counts),
  };
}

export function packedFromState(s: PackedTaggedState): PackedTagged {
  return {
    names: s.names.slice(),
    tags: uint16FromBase64(s.tags),
    sentenceLengths: int32FromBase64(s.sentenceLengths),
    outputSentences: int32FromBase64(s.outputSentences),
    sentenceTokens: int32FromBase64(s.sentenceTokens),
    tokenText: s.tokenText,
    tokenLengths: int32FromBase64(s.tokenLengths),
    texts: s.texts.slice(),
    lines: float64FromBase64(s.lines),
    counts: int32FromBase64(s.counts),
  };
}

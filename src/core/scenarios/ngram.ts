// A word n-gram language model trained on a real corpus, then generation after generation on
// nothing but its own samples. Words and continuations the samples miss are gone for good,
// so the vocabulary, distinct n-grams and the rare tail shrink (Shumailov et al. 2024 show
// the same for fine-tuned language models).
import type { Random } from '../random';
import { num } from './common';
import type { OutputRecord } from './common';
import { corpusSentences } from './corpus';
import { CORPUS_FILE } from './corpus-text';
import { defineScenario } from './define';
import { clearRules, textRows } from './expect';

const BOS = '<s>';
const EOS = '</s>';

interface Distribution {
  tokens: string[];
  counts: number[];
  total: number;
}

class Counter {
  private readonly map = new Map<string, Map<string, number>>();

  add(context: string, token: string): void {
    let m = this.map.get(context);
    if (!m) this.map.set(context, (m = new Map()));
    m.set(token, (m.get(token) ?? 0) + 1);
  }

  /** Sampling weights count^(1/temperature): below 1, decoding favours frequent words. */
  freeze(temperature: number): Map<string, Distribution> {
    const out = new Map<string, Distribution>();
    for (const [ctx, m] of this.map) {
      const tokens = [...m.keys()];
      const counts = tokens.map((t) => (temperature === 1 ? m.get(t)! : Math.pow(m.get(t)!, 1 / temperature)));
      out.set(ctx, { tokens, counts, total: counts.reduce((a, b) => a + b, 0) });
    }
    return out;
  }
}

/**
 * Interpolated (Jelinek-Mercer) n-gram model, sampled by first choosing the order with
 * probability lambda and backing off to a lower order when the context was never seen.
 */
export class NgramModel {
  private readonly levels: Map<string, Distribution>[];
  readonly vocabulary: number;

  constructor(sentences: readonly (readonly string[])[], readonly order: 2 | 3, temperature = 1) {
    const counters = [new Counter(), new Counter(), new Counter()];
    const types = new Set<string>();
    for (const s of sentences) {
      const padded = [BOS, BOS, ...s, EOS];
      for (let i = 2; i < padded.length; i++) {
        const t = padded[i]!;
        types.add(t);
        counters[0]!.add('', t);
        counters[1]!.add(padded[i - 1]!, t);
        if (order === 3) counters[2]!.add(`${padded[i - 2]} ${padded[i - 1]}`, t);
      }
    }
    this.levels = counters.map((c) => c.freeze(temperature));
    this.vocabulary = types.size - (types.has(EOS) ? 1 : 0);
  }

  private static readonly LAMBDAS: Record<2 | 3, number[]> = { 2: [0.05, 0.95], 3: [0.05, 0.2, 0.75] };

  sample(rng: Random, maxLength: number): string[] {
    const out: string[] = [];
    let p2 = BOS;
    let p1 = BOS;
    const lambdas = NgramModel.LAMBDAS[this.order];
    while (out.length < maxLength) {
      let level = rng.weighted(lambdas);
      let dist: Distribution | undefined;
      for (; level >= 0 && !dist; level--) {
        const ctx = level === 2 ? `${p2} ${p1}` : level === 1 ? p1 : '';
        dist = this.levels[level]!.get(ctx);
      }
      const t = dist!.tokens[rng.weighted(dist!.counts, dist!.total)]!;
      // A unigram draw may pick the end marker at the start; sample again rather than emit nothing.
      if (t === EOS) {
        if (out.length === 0) continue;
        break;
      }
      out.push(t);
      p2 = p1;
      p1 = t;
    }
    return out;
  }
}

export const ngramSelfTraining = defineScenario({
  name: 'ngram-self-training',
  title: 'N-gram self-training',
  description: 'Generation 0 is real text (Pride and Prejudice); each later generation is sampled from a trigram model trained only on the previous one.',
  source: `Shumailov et al., Nature 2024 (corpus: Jane Austen, corpus/${CORPUS_FILE})`,
  defaultGenerations: 10,
  parameters: [
    { name: 'order', description: 'n-gram order: 2 (bigram) or 3 (trigram), interpolated with the lower orders', type: 'integer', default: 3, min: 2, max: 3 },
    { name: 'sentences', description: 'sentences per generation: generation 0 draws them from the corpus, later ones sample them from the model', type: 'integer', default: 500, min: 10, max: 1600 },
    { name: 'temperature', description: 'decoding temperature: weights are counts^(1/T); below 1 favours frequent words, like the mode-seeking decoding (beam search) of Shumailov et al.; 1 samples the model as trained', type: 'number', default: 0.8, min: 0.1, max: 10 },
    { name: 'max-length', description: 'longest sampled sentence in tokens', type: 'integer', default: 60, min: 5, max: 500 },
  ],
  simulate: ({ rng, generations: G, params }) => {
    const order = num(params, 'order') as 2 | 3;
    const per = num(params, 'sentences');
    const temperature = num(params, 'temperature');
    const maxLength = num(params, 'max-length');
    const corpus = rng.shuffle(corpusSentences().slice());
    const records: OutputRecord[][] = [];
    const series = { model_vocabulary: [] as number[], vocabulary_size: [] as number[], distinct_2: [] as number[], token_entropy: [] as number[], rare_token_share: [] as number[] };
    const texts: string[][] = [];
    let id = 0;
    let previous: readonly (readonly string[])[] = corpus.slice(0, per);
    for (let g = 0; g < G; g++) {
      let sentences = previous;
      let vocabulary = NaN;
      if (g > 0) {
        const model = new NgramModel(previous, order, temperature);
        vocabulary = model.vocabulary;
        const sampled: string[][] = [];
        for (let i = 0; i < per; i++) sampled.push(model.sample(rng, maxLength));
        sentences = sampled;
      }
      const outputs = sentences.map((s) => s.join(' '));
      texts.push(outputs);
      records.push(outputs.map((output) => ({ generation: g, id: id++, output })));
      const m = textRows([outputs])[0]!;
      series.model_vocabulary.push(g === 0 ? m.vocabulary_size! : vocabulary);
      series.vocabulary_size.push(m.vocabulary_size!);
      series.distinct_2.push(m.distinct_2!);
      series.token_entropy.push(m.token_entropy!);
      previous = sentences;
    }
    const rows = textRows(texts);
    series.rare_token_share = rows.map((r) => r.rare_token_share!);
    return {
      records,
      series,
      expected: {
        rules: clearRules(rows),
        description: `Generation 0 is ${per} real sentences; every later generation is sampled from a model trained only on the one before. The vocabulary shrinks from ${series.vocabulary_size[0]} to ${series.vocabulary_size[G - 1]} words and distinct-n falls; rare words ${temperature < 1 ? 'thin out fast under the low temperature (the rare-token share falls)' : 'go extinct one by one'}.`,
      },
    };
  },
});

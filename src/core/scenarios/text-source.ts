// Realistic, distinct sentences for the scenarios whose "novel" outputs need text: a
// shuffled deck of the corpus sentences, reshuffled only when exhausted, so outputs within
// a generation repeat only when the model repeats itself, not by accident of sampling.
import type { Random } from '../random';
import { corpusSentences } from './corpus';

export class SentenceDeck {
  private order: number[] = [];
  private at = 0;
  private readonly sentences: readonly string[];

  constructor(private readonly rng: Random) {
    this.sentences = corpusSentences().map((s) => s.join(' '));
  }

  next(): string {
    if (this.at >= this.order.length) {
      this.order = this.rng.shuffle(Array.from({ length: this.sentences.length }, (_, i) => i));
      this.at = 0;
    }
    return this.sentences[this.order[this.at++]!]!;
  }
}

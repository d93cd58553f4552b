// The guide's toy models (docs/scenarios.md, "seed"), ported line for line with every
// draw going through a seeded Random. Deviations from the Python are marked "Port:".
import type { Random } from '../random';

/** `simulate_model_collapse`: diversity[i] = diversity[i-1] * (1 - rate), diversity[0] = 1. */
export function simulateModelCollapse(iterations: number, collapseRate: number): number[] {
  const diversity = new Array<number>(iterations).fill(1);
  for (let i = 1; i < iterations; i++) diversity[i] = diversity[i - 1]! * (1 - collapseRate);
  return diversity;
}

/** `AIModel`: generic inputs shrink diversity by 1%, unique inputs grow it by 1% up to 1. */
export class AIModel {
  constructor(public diversity: number, private readonly rng: Random) {}

  generateOutput(): 'Unique output' | 'Generic output' {
    return this.rng.next() < this.diversity ? 'Unique output' : 'Generic output';
  }

  updateDiversity(newInput: string): void {
    if (newInput === 'Generic input') this.diversity *= 0.99;
    else this.diversity = Math.min(1.0, this.diversity * 1.01);
  }
}

export const CAT_SENTENCE = 'The cat sat on the mat. ';

/** `ContentGenerator`: random words with probability creativity, else the stock sentence. */
export class ContentGenerator {
  readonly vocabulary: string[];

  constructor(vocabularySize: number, public creativityFactor: number, private readonly rng: Random) {
    this.vocabulary = Array.from({ length: vocabularySize }, (_, i) => `word_${i}`);
  }

  generateContent(length: number): { text: string; creative: boolean } {
    if (this.rng.next() < this.creativityFactor) {
      const words: string[] = [];
      for (let i = 0; i < length; i++) words.push(this.rng.choice(this.vocabulary));
      return { text: words.join(' '), creative: true };
    }
    return { text: CAT_SENTENCE.repeat(Math.floor(length / 6)), creative: false };
  }
}

/**
 * `RecommendationSystem`: with probability diversity_factor a random catalogue item, else an
 * item from the user's history; the factor shrinks by 1% per update.
 * Port: `historyWindow` > 0 draws only from the user's last N items (a session window);
 * 0 is the guide's whole history. `decay` is the guide's 0.99 unless given.
 */
export class RecommendationSystem {
  readonly userHistory: string[] = [];

  constructor(
    readonly itemPool: readonly string[],
    public diversityFactor: number,
    private readonly rng: Random,
    private readonly historyWindow = 0,
    private readonly decay = 0.99,
  ) {}

  recommend(): { item: string; explored: boolean } {
    if (this.rng.next() < this.diversityFactor) return { item: this.rng.choice(this.itemPool), explored: true };
    if (!this.userHistory.length) return { item: this.rng.choice(this.itemPool), explored: true };
    const from = this.historyWindow > 0 ? Math.max(0, this.userHistory.length - this.historyWindow) : 0;
    return { item: this.userHistory[from + this.rng.int(this.userHistory.length - from)]!, explored: false };
  }

  update(item: string): void {
    this.userHistory.push(item);
    this.diversityFactor *= this.decay;
  }
}

/**
 * `AdaptiveModel`: epsilon-greedy over situations; the rate decays by 5% per decision with a
 * floor of 0.1. Port: exploring invents a numbered new approach (the guide's string is the
 * same every time), and exploiting returns the stored approach without exploring; the guide's
 * `self.knowledge.get(situation, self.explore(situation))` evaluates explore() eagerly.
 */
export class AdaptiveModel {
  readonly knowledge = new Map<string, string>();
  private approaches = 0;

  /** `floor` null lets the rate decay to 0 (the guide's floor is 0.1). */
  constructor(public explorationRate: number, private readonly rng: Random, private readonly floor: number | null = 0.1) {}

  makeDecision(situation: string): { decision: string; explored: boolean } {
    if (this.rng.next() < this.explorationRate) return { decision: this.explore(situation), explored: true };
    return this.exploit(situation);
  }

  private explore(situation: string): string {
    this.approaches++;
    const decision = `New approach #${this.approaches} for situation ${situation}`;
    this.knowledge.set(situation, decision);
    return decision;
  }

  private exploit(situation: string): { decision: string; explored: boolean } {
    const known = this.knowledge.get(situation);
    return known !== undefined ? { decision: known, explored: false } : { decision: this.explore(situation), explored: true };
  }

  updateExplorationRate(): void {
    this.explorationRate *= 0.95;
    if (this.floor !== null) this.explorationRate = Math.max(this.floor, this.explorationRate);
  }
}

/**
 * `EthicalAI`: every `biasCheckFrequency` decisions, warns when one decision exceeds the
 * threshold share of the decisions since the last reset, then resets that history.
 * Port: the decision is drawn by the caller's policy instead of a fair coin.
 */
export class EthicalAI {
  decisions: string[] = [];
  readonly warnings: { atDecision: number; decision: string; share: number }[] = [];
  readonly checksAt: number[] = [];
  private made = 0;

  constructor(readonly biasCheckFrequency: number, readonly threshold = 0.6) {}

  record(decision: string): void {
    this.decisions.push(decision);
    this.made++;
    if (this.decisions.length % this.biasCheckFrequency === 0) this.checkForBias();
  }

  private checkForBias(): void {
    this.checksAt.push(this.made);
    const counts = new Map<string, number>();
    for (const d of this.decisions) counts.set(d, (counts.get(d) ?? 0) + 1);
    const total = this.decisions.length;
    for (const [decision, count] of counts) {
      if (count / total > this.threshold) {
        this.warnings.push({ atDecision: this.made, decision, share: count / total });
        this.adjustDecisionMaking();
        return;
      }
    }
  }

  private adjustDecisionMaking(): void {
    this.decisions = [];
  }
}

/** `AdaptiveAIModel`: performance *= U(0.95, 1.05) per evaluation; below 0.7, adapt by x1.1. */
export class AdaptiveAIModel {
  readonly adaptationThreshold = 0.7;

  constructor(public performance: number, private readonly rng: Random) {}

  evaluate(): number {
    this.performance *= this.rng.uniform(0.95, 1.05);
    return this.performance;
  }

  adapt(): void {
    this.performance *= 1.1;
  }

  /** One cycle; returns the evaluated performance and whether the model adapted. */
  runCycle(): { performance: number; adapted: boolean } {
    const current = this.evaluate();
    const adapted = current < this.adaptationThreshold;
    if (adapted) this.adapt();
    return { performance: current, adapted };
  }
}

/** `AdaptiveLearningRateModel.update`: RMS-style step with g^2 history. */
export class AdaptiveLearningRate {
  private readonly history: Float64Array;

  constructor(size: number, readonly learningRate = 0.01, readonly adaptationRate = 0.9) {
    this.history = new Float64Array(size);
  }

  step(parameters: Float64Array | number[], gradient: ArrayLike<number>): void {
    for (let i = 0; i < parameters.length; i++) {
      const g = gradient[i]!;
      this.history[i] = this.adaptationRate * this.history[i]! + (1 - this.adaptationRate) * g * g;
      parameters[i] = parameters[i]! - (this.learningRate / (Math.sqrt(this.history[i]!) + 1e-8)) * g;
    }
  }
}

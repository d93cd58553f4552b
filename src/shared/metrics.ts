// Metric keys of METRICS.md, with what each says about diversity. Used by the rules (which
// way is a drop), the charts (titles, small multiples per role) and the docs.

export type MetricRole = 'text' | 'vectors' | 'labels' | 'values';

/**
 * `up`: higher means more diverse (a fall is collapse). `down`: higher means less diverse
 * (a rise is collapse). `none`: not a diversity measure (quality or location).
 */
export type DiversityDirection = 'up' | 'down' | 'none';

export interface MetricInfo {
  key: string;
  role: MetricRole;
  title: string;
  direction: DiversityDirection;
  /** Compared with the baseline by `diversity-drop`. */
  dropRule: boolean;
}

const m = (key: string, role: MetricRole, title: string, direction: DiversityDirection, dropRule = direction === 'up'): MetricInfo =>
  ({ key, role, title, direction, dropRule });

export const METRICS: readonly MetricInfo[] = [
  m('distinct_1', 'text', 'Distinct-1', 'up'),
  m('distinct_2', 'text', 'Distinct-2', 'up'),
  m('distinct_3', 'text', 'Distinct-3', 'up'),
  m('ngram_diversity', 'text', 'N-gram diversity', 'up'),
  m('compression_ratio', 'text', 'Compression ratio', 'down'),
  m('duplicate_rate', 'text', 'Duplicate rate', 'down'),
  m('near_duplicate_rate', 'text', 'Near-duplicate rate', 'down'),
  m('self_bleu', 'text', 'Self-BLEU', 'down'),
  m('token_entropy', 'text', 'Token entropy (bits)', 'up'),
  m('vocabulary_size', 'text', 'Vocabulary size', 'up'),
  m('rare_token_share', 'text', 'Rare-token share', 'up', false),
  m('mean_length', 'text', 'Mean length (tokens)', 'none'),
  m('ead', 'text', 'EAD (expectation-adjusted distinct)', 'up'),
  m('text_vendi', 'text', 'Text Vendi score (n-gram kernel)', 'up'),
  m('per_prompt_distinct_2', 'text', 'Per-prompt distinct-2', 'up', false),
  m('per_prompt_ead', 'text', 'Per-prompt EAD', 'up', false),
  m('identical_prompt_share', 'text', 'Prompts with identical outputs', 'down'),
  m('pos_ngram_diversity', 'text', 'POS n-gram diversity', 'up'),
  m('template_rate', 'text', 'Syntactic template rate', 'down'),
  m('vendi_score', 'vectors', 'Vendi score', 'up'),
  m('mean_pairwise_distance', 'vectors', 'Mean pairwise distance', 'up'),
  m('remote_clique', 'vectors', 'Remote clique (mean cosine distance)', 'up'),
  m('chamfer_distance', 'vectors', 'Chamfer distance (nearest cosine distance)', 'up'),
  m('effective_rank', 'vectors', 'Effective rank', 'up'),
  m('total_variance', 'vectors', 'Total variance', 'up'),
  m('label_entropy', 'labels', 'Label entropy (bits)', 'up'),
  m('simpson_diversity', 'labels', 'Simpson diversity', 'up'),
  m('top_share', 'labels', 'Top-label share', 'down'),
  m('coverage', 'labels', 'Label coverage', 'up'),
  m('accuracy', 'labels', 'Accuracy', 'none'),
  m('mean', 'values', 'Mean', 'none'),
  m('std', 'values', 'Standard deviation', 'up'),
  m('tail_mass', 'values', 'Tail mass', 'up', false),
  m('ks_vs_baseline', 'values', 'KS vs baseline', 'none'),
  m('wasserstein_vs_baseline', 'values', 'Wasserstein vs baseline', 'none'),
];

export const METRIC_BY_KEY: ReadonlyMap<string, MetricInfo> = new Map(METRICS.map((x) => [x.key, x]));

export const RULE_IDS = [
  'diversity-drop',
  'diversity-trend',
  'pairwise-distance-collapse',
  'dominant-output',
  'repeated-outputs',
  'per-prompt-collapse',
  'tail-loss',
  'accuracy-below-threshold',
  'distribution-drift',
  'malformed-records',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

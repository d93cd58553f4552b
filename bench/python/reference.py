#!/usr/bin/env python3
"""The peer Collapse Lens is measured against: the reference definitions in Python with numpy.

`python3 bench/python/reference.py text|vectors FILE` reads a JSON Lines file of records with
a `generation` field (and `output`, or `embedding`), computes per generation what the
reference packages compute, and prints one JSON line: seconds, peak RSS, and the metrics.

- text: distinct-1/2/3 (unique / total n-grams within records, Li et al. 2016),
  `ngram_diversity_score` and `compression_ratio` of cshaib/diversity (the texts joined with
  one space; the ratio against the two-layer gzip file that package writes), duplicate rate,
  token entropy, vocabulary size, mean length. Tokens: whitespace split, as docs/METRICS.md.
  Self-BLEU, near duplicates, EAD, templates and Vendi of texts are left out: their reference
  code (NLTK, spaCy) takes minutes to hours on these files, so the comparison is conservative.
- vectors: Vendi score (Friedman & Dieng: exp of the entropy of the eigenvalues of K/n, K the
  cosine kernel; numpy.linalg.eigvalsh on the n x n kernel, as the vendi_score package does),
  mean pairwise Euclidean distance (scikit-learn's pairwise distances through the Gram
  identity, here in numpy), remote clique and Chamfer distance (cshaib/diversity's
  embedding.py: cosine distances; remote clique over pairs i != j), effective rank (Roy &
  Vetterli: exp of the entropy of the normalized singular values of the centered rows) and
  total variance (trace of the sample covariance).

Only the standard library and numpy; it says so and exits 3 when numpy is missing.
"""
import gzip
import io
import json
import math
import resource
import sys
import time
from collections import Counter, defaultdict

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("bench/python/reference.py needs numpy (Debian: apt-get install python3-numpy)", file=sys.stderr)
    sys.exit(3)


def read_groups(path, field):
    groups = defaultdict(list)
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            value = rec.get(field)
            if value is None:
                continue
            groups[str(rec.get("generation", "0"))].append(value)
    return groups


def distinct_n(token_lists, n):
    seen = set()
    total = 0
    for tokens in token_lists:
        for i in range(len(tokens) - n + 1):
            seen.add(tuple(tokens[i:i + n]))
            total += 1
    return len(seen) / total if total else 0.0


def ngram_diversity_score(tokens, num_n=4):
    # diversity.ngram_diversity_score: sum over n of unique / total n-grams of the joined text.
    score = 0.0
    for n in range(1, num_n + 1):
        grams = [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
        if grams:
            score += len(set(grams)) / len(grams)
    return score


def compression_ratio(texts):
    # diversity.compression_ratio: the joined text's gzip, written into a gzip file named
    # "compressed"; original size / file size.
    data = " ".join(texts).encode("utf-8")
    inner = gzip.compress(data, compresslevel=9)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="compressed", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(inner)
    return len(data) / len(buf.getvalue())


def text_metrics(texts):
    token_lists = [t.split() for t in texts]
    joined = [tok for tokens in token_lists for tok in tokens]
    counts = Counter(joined)
    total = len(joined)
    entropy = -sum((c / total) * math.log2(c / total) for c in counts.values()) if total else 0.0
    return {
        "distinct_1": distinct_n(token_lists, 1),
        "distinct_2": distinct_n(token_lists, 2),
        "distinct_3": distinct_n(token_lists, 3),
        "ngram_diversity": ngram_diversity_score(joined),
        "compression_ratio": compression_ratio(texts),
        "duplicate_rate": 1 - len(set(texts)) / len(texts),
        "token_entropy": entropy,
        "vocabulary_size": len(counts),
        "mean_length": total / len(texts),
    }


def spectral_entropy_exp(values):
    p = values[values > 0]
    p = p / p.sum()
    return float(math.exp(-(p * np.log(p)).sum()))


def vector_metrics(rows):
    x = np.asarray(rows, dtype=np.float64)
    n = x.shape[0]
    norms = np.linalg.norm(x, axis=1)
    unit = x[norms > 0] / norms[norms > 0, None]
    # Vendi: eigenvalues of K / n with K the cosine kernel (vendi_score.vendi.score_K).
    k = unit @ unit.T
    vendi = spectral_entropy_exp(np.linalg.eigvalsh(k / unit.shape[0]))
    # Mean pairwise Euclidean distance over pairs i < j (Gram identity, as sklearn).
    sq = (x * x).sum(axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * (x @ x.T), 0)
    iu = np.triu_indices(n, 1)
    mpd = float(np.sqrt(d2[iu]).mean())
    # Cosine distances (embedding.py): remote clique over i != j, Chamfer with the diagonal masked.
    cos = np.clip(1 - k, 0, 2)
    m = cos.shape[0]
    remote = float((cos.sum() - np.trace(cos)) / (m * (m - 1)))
    np.fill_diagonal(cos, np.inf)
    chamfer = float(cos.min(axis=1).mean())
    centered = x - x.mean(axis=0)
    s = np.linalg.svd(centered, compute_uv=False)
    eff_rank = spectral_entropy_exp(s / s.sum()) if s.sum() > 0 else 0.0
    total_var = float((centered * centered).sum() / (n - 1))
    return {
        "vendi_score": vendi,
        "mean_pairwise_distance": mpd,
        "remote_clique": remote,
        "chamfer_distance": chamfer,
        "effective_rank": eff_rank,
        "total_variance": total_var,
    }


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("text", "vectors"):
        print("usage: reference.py text|vectors FILE", file=sys.stderr)
        sys.exit(2)
    role, path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    groups = read_groups(path, "output" if role == "text" else "embedding")
    compute = text_metrics if role == "text" else vector_metrics
    metrics = {gid: compute(values) for gid, values in sorted(groups.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else kv[0])}
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": f"python-{role}", "ms": round(seconds * 1000), "peakRssMb": round(peak_mb), "records": sum(len(v) for v in groups.values()), "groups": metrics}))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Collapse Lens on Spark: `partial` per shard on the executors, `merge` on the driver.

The shards (one or more input files each) become the elements of an RDD with one shard per
partition; `mapPartitionsWithIndex` runs `collapse-lens partial` on each executor, which
writes the shard's partial result (a JSON state) to storage the driver can read; the driver
collects the state paths and runs `collapse-lens merge`, which prints, or writes, the report
one `collapse-lens analyze` of all the files gives.

    spark-submit spark_partial.py /shared/evals/gen-*.jsonl --states /shared/states \\
        --read "--text-field response.text" --report "--format sarif --out collapse.sarif"

Every executor needs Node 20 and collapse-lens (`npm install -g collapse-lens`, or
--collapse-lens "node /opt/collapse-lens/dist/cli.js"); the input files and the states folder
must be at the same path on the executors and the driver (NFS, or a bucket mounted with
s3fs/gcsfuse/blobfuse). The report names the files by their absolute paths (as
`collapse-lens analyze` of the same absolute paths does). Exits with merge's exit code (0, 1 for findings at or
above --fail-on, 2 for unusable input). A failed shard fails its Spark task, which Spark
retries; `partial` writes its state to a temporary file and renames it, so a retry is safe.

Not run by the project's tests (no Spark there); the same commands are tested on Dask
(test/dask/, the recipe dask_partial.py beside this one).
"""
import argparse
import os
import shlex
import subprocess
import sys


def run_partials(cli, states_dir, read_args):
    """The function each partition runs on its executor: one `partial` per shard it holds."""

    def run(index, shards):
        for n, shard in enumerate(shards):
            state = os.path.join(states_dir, f"shard-{index:05d}-{n:03d}.json")
            try:
                done = subprocess.run([*cli, "partial", *shard, "--out", state, *read_args], capture_output=True, text=True)
            except FileNotFoundError as e:
                raise RuntimeError(f"collapse-lens partial: {cli[0]} is not installed on this executor (npm install -g collapse-lens): {e}") from e
            if done.returncode != 0:
                raise RuntimeError(f"collapse-lens partial {' '.join(shard)} exited {done.returncode}: {done.stderr.strip()}")
            yield state

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="the input files, generations in natural order (gen2 before gen10)")
    parser.add_argument("--states", required=True, help="folder for the partial results, shared by the executors and the driver")
    parser.add_argument("--files-per-shard", type=int, default=1, help="files each task reads (default 1)")
    parser.add_argument("--collapse-lens", default="collapse-lens", help='the command on the executors and the driver (default collapse-lens)')
    parser.add_argument("--read", default="", help='options for partial: fields, --seed, --lowercase (e.g. "--text-field output")')
    parser.add_argument("--report", default="", help='options for merge: --format, --out, --baseline, --fail-on')
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    cli = shlex.split(args.collapse_lens)
    read_args = shlex.split(args.read)
    if not any(a == "--jobs" or a.startswith("--jobs=") or a.startswith("-j") for a in read_args):
        read_args += ["--jobs", "1"]  # one reading thread per task: Spark runs one task per executor core
    states_dir = os.path.abspath(args.states)
    os.makedirs(states_dir, exist_ok=True)
    # Executors start in folders of their own: absolute paths, which the report then names.
    files = [os.path.abspath(f) for f in args.files]
    n = max(1, args.files_per_shard)
    shards = [files[i:i + n] for i in range(0, len(files), n)]

    spark = SparkSession.builder.appName("collapse-lens partial").getOrCreate()
    try:
        rdd = spark.sparkContext.parallelize(shards, numSlices=len(shards))
        states = rdd.mapPartitionsWithIndex(run_partials(cli, states_dir, read_args)).collect()
    except Exception as e:  # the job failed after Spark's retries: the shard's own message, exit 2 as collapse-lens does
        failed = [line.strip() for line in str(e).splitlines() if "collapse-lens partial" in line]
        print(f"spark_partial: {failed[0] if failed else str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    finally:
        spark.stop()
    # collect() keeps the order of the partitions; merge gives the same report in any order.
    return subprocess.run([*cli, "merge", *states, *shlex.split(args.report)]).returncode


if __name__ == "__main__":
    sys.exit(main())

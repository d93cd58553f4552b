#!/usr/bin/env python3
"""Collapse Lens on a Dask cluster: `partial` per shard on the workers, `merge` on the driver.

Each shard (one or more input files) is read by `collapse-lens partial` as a Dask task on a
worker, which writes the shard's partial result (a JSON state) into a folder every machine
sees; the driver then runs `collapse-lens merge` on the states and prints, or writes, the
report one `collapse-lens analyze` of all the files gives.

    python3 dask_partial.py gen-*.jsonl --states states/ --report "--format json --out report.json"
    python3 dask_partial.py --scheduler tcp://scheduler:8786 /shared/evals/gen-*.jsonl \\
        --states /shared/states --read "--text-field response.text" --files-per-shard 4

Needs Dask's distributed on the driver and the workers (`pip install distributed`, or Debian's
`apt-get install python3-distributed`), and Node 20 with collapse-lens on every worker
(`npm install -g collapse-lens`; or --collapse-lens "node path/to/dist/cli.js"). The input
files and the states folder must be at the same path on every machine (shared storage). Each
partial runs in the driver's current folder when a worker has it, so relative paths work on
shared storage; otherwise give absolute paths. The report names the files as they were given.
Without --scheduler a LocalCluster of local
processes is started. Exits with merge's exit code (0, 1 for findings at or above --fail-on,
2 for unusable input).
"""
import argparse
import os
import shlex
import subprocess
import sys


def partial(cli, files, state, read_args=(), cwd=None):
    """Runs on a worker: the partial result of `files` written to `state`; returns `state`."""
    cwd = cwd if cwd and os.path.isdir(cwd) else None
    try:
        run = subprocess.run([*cli, "partial", *files, "--out", state, *read_args], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError as e:
        raise RuntimeError(f"{cli[0]} is not installed on this worker (npm install -g collapse-lens): {e}") from e
    if run.returncode != 0:
        raise RuntimeError(f"collapse-lens partial {' '.join(files)} exited {run.returncode}: {run.stderr.strip()}")
    return state


def partials(client, cli, shards, states_dir, read_args=(), cwd=None):
    """One Dask task per shard; the paths of the states, in the order of the shards."""
    futures = [
        client.submit(partial, cli, shard, os.path.join(states_dir, f"shard-{n:05d}.json"), list(read_args), cwd, pure=False)
        for n, shard in enumerate(shards)
    ]
    return client.gather(futures)


def merge(cli, states, report_args=(), cwd=None):
    """On the driver: the report of all the shards (merge's output and exit code)."""
    return subprocess.run([*cli, "merge", *states, *report_args], cwd=cwd)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="the input files, generations in natural order (gen2 before gen10)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: start a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the LocalCluster (default 2)")
    parser.add_argument("--states", required=True, help="folder for the partial results, shared by the workers and the driver")
    parser.add_argument("--files-per-shard", type=int, default=1, help="files each task reads (default 1)")
    parser.add_argument("--collapse-lens", default="collapse-lens", help='the command (default collapse-lens; e.g. "node dist/cli.js")')
    parser.add_argument("--read", default="", help='options for partial: fields, --seed, --lowercase (e.g. "--text-field output")')
    parser.add_argument("--report", default="", help='options for merge: --format, --out, --baseline, --fail-on (e.g. "--format sarif --out r.sarif")')
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    cli = shlex.split(args.collapse_lens)
    read_args = shlex.split(args.read)
    if not any(a == "--jobs" or a.startswith("--jobs=") or a.startswith("-j") for a in read_args):
        read_args += ["--jobs", "1"]  # one reading thread per task: Dask runs one task per worker thread
    states_dir = os.path.abspath(args.states)
    os.makedirs(states_dir, exist_ok=True)
    n = max(1, args.files_per_shard)
    shards = [args.files[i:i + n] for i in range(0, len(args.files), n)]
    cwd = os.getcwd()

    try:
        if args.scheduler:
            with Client(args.scheduler) as client:
                states = partials(client, cli, shards, states_dir, read_args, cwd)
        else:
            with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
                states = partials(client, cli, shards, states_dir, read_args, cwd)
    except RuntimeError as e:  # a shard collapse-lens could not read: its message, and exit 2 as collapse-lens does
        print(f"dask_partial: {e}", file=sys.stderr)
        return 2
    return merge(cli, states, shlex.split(args.report)).returncode


if __name__ == "__main__":
    sys.exit(main())

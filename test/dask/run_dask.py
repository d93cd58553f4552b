#!/usr/bin/env python3
"""Partial results on a Dask cluster give the report one analysis of everything gives.

On a LocalCluster of two worker processes, `collapse-lens partial` runs once per shard as a
Dask task (a subprocess on the worker, writing its state file into a shared folder); the
driver gathers the state paths, runs `collapse-lens merge` and compares its JSON report byte
for byte with one `collapse-lens analyze` of all the files, and their exit codes.

    python3 test/dask/run_dask.py --node node --cli dist/cli.js --work DIR [--result FILE]

The cases are sample scenarios of every field role (values, labels, text, embeddings), one
file per shard, and one run whose shards hold two files; the shards run through the functions
of docs/recipes/dask_partial.py, and a last case runs that recipe's command line against this
cluster (also with a shard it cannot read: exit 2). Prints one line per case, writes the
results as JSON to --result, and exits 0 when every case matches, 1 when one does not, 2 when
the cluster or a scenario cannot be set up. test/dask/dask.test.mjs (the `dask` layer of
npm test) runs it.
"""
import argparse
import json
import logging
import os
import shlex
import signal
import subprocess
import sys
import time

# No __pycache__ beside the sources, here or in the processes this one starts.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
# The recipe the README shows: its functions run the shards here. Worker processes are started
# with this sys.path, so they import it too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "recipes"))
import dask_partial  # noqa: E402

# Each case: a name, the scenario, the role (accumulator) it is there for, generations, files per shard.
CASES = [
    ("values", "gaussian-refit", "values", 5, 1),
    ("labels", "biased-decisions", "labels", 5, 1),
    ("text", "ngram-self-training", "text", 3, 1),
    ("embeddings", "mixture-mode-collapse", "vectors", 5, 1),
    ("labels against predictions, and scores", "classifier-self-training", "labels", 4, 1),
    ("two files per shard", "gaussian-refit", "values", 5, 2),
]


class SetupError(Exception):
    """The cluster or a scenario could not be set up: no case could be checked."""


def cli(node, cli_path, args, cwd):
    return subprocess.run([node, cli_path, *args], cwd=cwd, capture_output=True)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def context(data, at):
    return data[max(0, at - 60):at + 60].decode("utf8", "replace")


def scenario_files(args, folder, scenario, generations):
    data = os.path.join(folder, "data")
    made = cli(args.node, args.cli, ["scenario", scenario, "--out", data, "--generations", str(generations)], args.work)
    if made.returncode != 0:
        raise SetupError(f"collapse-lens scenario {scenario} exited {made.returncode}: {made.stderr.decode().strip()}")
    return data, sorted(f for f in os.listdir(data) if f.startswith("gen-"))


def state_roles(paths):
    """The roles (accumulators) the states hold."""
    roles = set()
    for path in paths:
        with open(path, encoding="utf8") as f:
            for group in json.load(f)["groups"]:
                roles.update(group["roles"])
    return sorted(roles)


def run_case(client, args, index, case):
    from distributed import get_task_stream

    name, scenario, role, generations, per_shard = case
    started = time.monotonic()
    folder = os.path.join(args.work, f"case-{index}-{scenario}")
    states = os.path.join(folder, "states")
    os.makedirs(states)
    data, files = scenario_files(args, folder, scenario, generations)
    shards = [files[i:i + per_shard] for i in range(0, len(files), per_shard)]

    result = {"name": name, "scenario": scenario, "role": role, "files": files, "shards": shards}
    try:
        with get_task_stream(client) as stream:
            # Two reading threads per partial, whatever the machine's cores (the recipe's command line below uses its default, one).
            paths = dask_partial.partials(client, [args.node, args.cli], shards, states, ["--jobs", "2"], cwd=data)
    except Exception as e:  # a failed partial: its message names the files and the CLI's error
        result.update(ok=False, detail=str(e), seconds=round(time.monotonic() - started, 2))
        return result
    tasks = [t for t in stream.data if str(t["key"]).startswith("partial-")]
    result["workers"] = sorted({t["worker"] for t in tasks})
    result["on_workers"] = len(tasks) == len(shards) and all(t["worker"] in client.scheduler_info()["workers"] for t in tasks)
    roles = state_roles(paths)
    result["roles"] = roles

    merged = cli(args.node, args.cli, ["merge", *paths, "--format", "json"], folder)
    shuffled = cli(args.node, args.cli, ["merge", *reversed(paths), "--format", "json"], folder)
    analyzed = cli(args.node, args.cli, ["analyze", *files, "--format", "json"], data)
    out = {"merge": merged, "merge-reversed": shuffled, "analyze": analyzed}
    for what, run in out.items():
        path = os.path.join(folder, f"{what}.json")
        with open(path, "wb") as f:
            f.write(run.stdout)
        result[what] = {"path": path, "exit": run.returncode, "bytes": len(run.stdout), "stderr": run.stderr.decode("utf8", "replace").strip()}

    problems = []
    if role not in roles:
        problems.append(f"the states hold the roles {roles}, not {role}: the scenario no longer tests what this case is for")
    if not result["on_workers"]:
        problems.append(f"the cluster's task stream shows {len(tasks)} partial tasks on {result['workers']}, not one per shard on its workers")
    for what, run in out.items():
        if run.returncode not in (0, 1):
            problems.append(f"{what} exited {run.returncode}: {run.stderr.decode('utf8', 'replace').strip()}")
    if not problems:
        for what in ("merge", "merge-reversed"):
            run = out[what]
            if run.returncode != analyzed.returncode:
                problems.append(f"{what} exited {run.returncode}, analyze {analyzed.returncode}")
            if run.stdout != analyzed.stdout:
                at = first_difference(run.stdout, analyzed.stdout)
                problems.append(
                    f"{what}'s JSON ({len(run.stdout)} bytes) differs from analyze's ({len(analyzed.stdout)} bytes) at byte {at}: "
                    f"{context(run.stdout, at)!r} against {context(analyzed.stdout, at)!r}"
                )
    result.update(ok=not problems, detail="; ".join(problems), seconds=round(time.monotonic() - started, 2))
    return result


def run_recipe(client, scheduler, args):
    """The recipe's command line, on this cluster: its report (--out) = analyze's output."""
    from distributed import get_task_stream

    started = time.monotonic()
    folder = os.path.join(args.work, "recipe")
    scenario, role = "ngram-self-training", "text"
    data, files = scenario_files(args, folder, scenario, 3)
    shards = [files[i:i + 2] for i in range(0, len(files), 2)]
    report = os.path.join(folder, "merge.json")
    states = os.path.join(folder, "states")

    def recipe_run(*options):
        command = [sys.executable, dask_partial.__file__, *files, "--scheduler", scheduler, "--files-per-shard", "2",
                   "--collapse-lens", shlex.join([args.node, args.cli]), *options]
        return subprocess.run(command, cwd=data, capture_output=True)

    with get_task_stream(client) as stream:  # the scheduler's: the recipe's own client's tasks too
        recipe = recipe_run("--states", states, "--report", shlex.join(["--format", "json", "--out", report]))
    tasks = [t for t in stream.data if str(t["key"]).startswith("partial-")]
    # A shard collapse-lens cannot read: exit 2 and its message, as collapse-lens gives them.
    unreadable = recipe_run("--states", os.path.join(folder, "states-unreadable"), "--read", "--value-field no.such.field")
    analyzed = cli(args.node, args.cli, ["analyze", *files, "--format", "json"], data)
    analyze_path = os.path.join(folder, "analyze.json")
    with open(analyze_path, "wb") as f:
        f.write(analyzed.stdout)
    result = {"name": "the recipe's command line", "scenario": scenario, "role": role, "files": files,
              "shards": shards, "workers": sorted({t["worker"] for t in tasks}), "on_workers": len(tasks) == len(shards),
              "roles": state_roles(os.path.join(states, f) for f in sorted(os.listdir(states))) if os.path.isdir(states) else [],
              "merge": {"path": report, "exit": recipe.returncode, "stderr": recipe.stderr.decode("utf8", "replace").strip()},
              "analyze": {"path": analyze_path, "exit": analyzed.returncode, "stderr": analyzed.stderr.decode("utf8", "replace").strip()}}
    unreadable_message = (unreadable.stderr.decode("utf8", "replace").strip().splitlines() or [""])[-1]
    result["unreadable"] = {"exit": unreadable.returncode, "message": unreadable_message}
    problems = []
    if recipe.returncode not in (0, 1) or not os.path.exists(report):
        problems.append(f"dask_partial.py exited {recipe.returncode}: {recipe.stderr.decode('utf8', 'replace').strip()[-2000:]}")
    elif not result["on_workers"]:
        problems.append(f"the cluster's task stream shows {len(tasks)} partial tasks, not one per shard ({len(shards)})")
    elif role not in result["roles"]:
        problems.append(f"the states hold the roles {result['roles']}, not {role}: the scenario no longer tests what this case is for")
    elif unreadable.returncode != 2 or not unreadable_message.startswith("dask_partial: collapse-lens partial") or "no.such.field" not in unreadable_message:
        problems.append(f"with a field no shard has, dask_partial.py exited {unreadable.returncode} (expected 2 and the shard's message): "
                        f"{unreadable.stderr.decode('utf8', 'replace').strip()[-2000:]}")
    elif recipe.returncode != analyzed.returncode:
        problems.append(f"dask_partial.py exited {recipe.returncode}, analyze {analyzed.returncode}")
    else:
        with open(report, "rb") as f:
            merged = f.read()
        if merged != analyzed.stdout:
            at = first_difference(merged, analyzed.stdout)
            problems.append(f"the recipe's report differs from analyze's at byte {at}: {context(merged, at)!r} against {context(analyzed.stdout, at)!r}")
    result.update(ok=not problems, detail="; ".join(problems), seconds=round(time.monotonic() - started, 2))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", default="node", help="the Node executable")
    parser.add_argument("--cli", required=True, help="collapse-lens's dist/cli.js")
    parser.add_argument("--work", required=True, help="an empty folder for the scenarios, states and reports")
    parser.add_argument("--result", help="write the results as JSON here")
    parser.add_argument("--only", help="comma-separated case names to run")
    args = parser.parse_args()
    args.cli = os.path.abspath(args.cli)
    args.work = os.path.abspath(args.work)

    from distributed import Client, LocalCluster

    # Stopped from outside (the test's timeout): close the cluster, so no worker process outlives this one.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))

    cases = [c for c in CASES if not args.only or c[0] in args.only.split(",")]
    started = time.monotonic()
    try:
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=os.path.join(args.work, "dask-worker-space"),
            silence_logs=logging.ERROR,
        )
    except Exception as e:
        raise SetupError(f"the LocalCluster did not start: {e!r}") from e
    results = []
    with cluster, Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        cluster_seconds = round(time.monotonic() - started, 2)
        print(f"cluster: {len(client.scheduler_info()['workers'])} worker processes, 1 thread each ({cluster_seconds} s)", flush=True)
        runs = [lambda index=index, case=case: run_case(client, args, index, case) for index, case in enumerate(cases)]
        if not args.only or "recipe" in args.only.split(","):
            runs.append(lambda: run_recipe(client, cluster.scheduler_address, args))
        for run in runs:
            r = run()
            results.append(r)
            shards = "+".join(str(len(s)) for s in r["shards"])
            status = "ok" if r["ok"] else "FAILED"
            roles = ", ".join(r.get("roles", [])) or "none"
            print(f"{status}: {r['name']} ({r['scenario']}: {roles}; {len(r['files'])} files in shards of {shards} on {len(r.get('workers', []))} workers, {r['seconds']} s)"
                  + (f": {r['detail']}" if r["detail"] else ""), flush=True)
    summary = {"dask": __import__("distributed").__version__, "python": sys.version.split()[0],
               "cluster_seconds": cluster_seconds, "seconds": round(time.monotonic() - started, 2), "cases": results}
    if args.result:
        with open(args.result, "w") as f:
            json.dump(summary, f, indent=2)
    failed = [r for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)} cases matched, {len(failed)} did not ({summary['seconds']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as e:
        print(f"run_dask.py: {e}", file=sys.stderr)
        sys.exit(2)

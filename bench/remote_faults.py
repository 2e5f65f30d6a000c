"""Kill writers of a store on an object store at random moments, then check and recover it.

Each round SIGKILLs ``ingest --add`` of a new folder (or a ``vacuum``) into the store a
random time after it started (while it syncs, writes its copy, uploads or deletes), then
checks what the product promises:

- ``info --store URL`` (a fresh working copy) succeeds and verifies every checksum;
- ``export briefings`` from a third copy equals the store before or after the write: never
  a mix;
- after ``unlock`` (the killed writer's lock stays, as a lost machine's would), the same
  command again (alternately from the killed writer's copy and another machine's) succeeds,
  and ``export briefings`` then equals that of a plain local store fed the same folders.

Not part of the test run. Run from the project root with the code on ``PYTHONPATH``::

    python bench/remote_faults.py --rounds 30
    python bench/remote_faults.py --rounds 10 --s3     # a local moto S3 server

Prints one line per round and a summary; exits 1 when any check failed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from local_s3 import start_s3_server

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "store"
COUNTRIES = ("Brazil", "Argentina", "France", "Germany", "Japan", "India", "Kenya", "Chile")


def _run(args: list[str], cache: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        env={**env, "BRIEFING_ATLAS_STORE_CACHE": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _briefing(folder: Path, number: int) -> Path:
    """A folder holding one new briefing, different in every round."""
    folder.mkdir(parents=True)
    one, two = COUNTRIES[number % 8], COUNTRIES[(number * 3 + 1) % 8]
    (folder / f"r{number}.txt").write_text(
        f"Date: 2025-04-{number % 28 + 1:02d}\n\nWhat's Happening?\n{one} and {two} signed "
        f"agreement number {number} in talks.\nWhy It's Important?\nThe pact cuts tariffs.\n"
        f"What's Next?\n{one} will host {two} next month.\n",
        encoding="utf-8",
    )
    return folder


def _export(url: str, cache: Path, out: Path, env: dict[str, str]) -> bytes | None:
    done = _run(["export", "briefings", "--store", url, "--out", str(out)], cache, env)
    return out.read_bytes() if done.returncode == 0 else None


def _s3_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    server, settings = start_s3_server("atlas-bench")
    env.update(settings)
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--s3", action="store_true", help="a local moto S3 server")
    parser.add_argument("--most", type=float, default=4.0, help="latest kill, in seconds")
    args = parser.parse_args()
    random.seed(args.seed)
    work = Path(tempfile.mkdtemp(prefix="remote-faults-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = _s3_server(env) if args.s3 else None
    url = "s3://atlas-bench/atlas" if args.s3 else f"objstore+file://{work / 'bucket'}"
    local = work / "local"
    corpus = work / "corpus"
    shutil.copytree(FIXTURES, corpus)
    failures: list[str] = []
    try:
        for store in (url, str(local)):
            done = _run(
                ["ingest", str(corpus), "--store", store, "--topics", "2", "--quiet"],
                work / "cache-a",
                env,
            )
            assert done.returncode == 0, done.stderr
        started = time.monotonic()
        for number in range(args.rounds):
            vacuum = number % 5 == 4
            folder = None if vacuum else _briefing(work / f"in-{number}", number)
            command = (
                ["vacuum", "--store", url]
                if folder is None
                else ["ingest", str(folder), "--store", url, "--add", "--quiet"]
            )
            before = _export(url, work / "cache-r", work / "before.csv", env)
            writer_cache = work / ("cache-a" if number % 2 else "cache-b")
            # A vacuum of this small store takes about 2 s: killed within it.
            delay = random.uniform(0.2, 1.8 if folder is None else args.most)
            writer = subprocess.Popen(
                [sys.executable, "-m", "analytics", *command],
                env={**env, "BRIEFING_ATLAS_STORE_CACHE": str(writer_cache)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            finished = writer.poll() is not None
            if not finished:
                os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            info = _run(["info", "--store", url], work / f"cache-info-{number}", env)
            shutil.rmtree(work / f"cache-info-{number}", ignore_errors=True)
            if info.returncode != 0 or "checksums: verified" not in info.stdout:
                failures.append(f"round {number}: info after the kill: {info.stderr.strip()}")
            during = _export(url, work / "cache-r", work / "during.csv", env)
            after_kill_ok = during is not None
            _run(["unlock", "--store", url], work / "cache-a", env)
            again_cache = writer_cache if number % 3 else work / "cache-c"
            again = _run(command, again_cache, env)
            if again.returncode != 0:
                failures.append(f"round {number}: the command again: {again.stderr.strip()}")
            if folder is not None:
                done = _run(
                    ["ingest", str(folder), "--store", str(local), "--add", "--quiet"],
                    work / "cache-a",
                    env,
                )
                assert done.returncode == 0, done.stderr
            after = _export(url, work / "cache-r", work / "after.csv", env)
            expected = _export(str(local), work / "cache-a", work / "expected.csv", env)
            whole = during in (before, after)
            if not after_kill_ok or not whole:
                failures.append(f"round {number}: export after the kill was not a whole state")
            if after != expected:
                failures.append(f"round {number}: the recovered store differs from the local one")
            print(
                f"round {number:3d}: {command[0]:6s} killed after {delay:4.2f} s"
                f"{' (had finished)' if finished else ''}: info "
                f"{'ok' if info.returncode == 0 else 'FAILED'}, recovered "
                f"{'ok' if after == expected and again.returncode == 0 else 'FAILED'}",
                flush=True,
            )
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.rounds} rounds in {elapsed:.0f} s; {len(failures)} failures")
    for failure in failures:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

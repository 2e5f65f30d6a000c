"""``python -m analytics.synth``: generate a synthetic corpus and write it where ``--out`` says.

Run ``python -m analytics.synth --help`` for the options.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analytics.errors import InputError
from analytics.synth.generate import generate_corpus
from analytics.synth.layout import DEFAULT_END, DEFAULT_START, FORMATS
from analytics.synth.output import write_corpus


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m analytics.synth`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m analytics.synth",
        description=(
            "Generate a synthetic corpus of briefings in the canonical three-section format, "
            "with planted relation spikes and emerging topics recorded in truth.json."
        ),
    )
    parser.add_argument(
        "--n", type=int, default=100_000, help="number of briefings (default 100000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--start", default=DEFAULT_START, help=f"first day (default {DEFAULT_START})"
    )
    parser.add_argument("--end", default=DEFAULT_END, help=f"last day (default {DEFAULT_END})")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    parser.add_argument(
        "--plant-spike",
        action="append",
        default=[],
        metavar="ISO3A:ISO3B:YYYY-MM[:N]",
        help="add N conflict briefings between the two countries in that month "
        "(default N: 5%% of the month's volume); repeatable",
    )
    parser.add_argument(
        "--plant-topic",
        action="append",
        default=[],
        metavar="NAME:YYYY-MM",
        help="a theme of data/synth/topics.csv that appears only from that month on; repeatable",
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator from the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        frame = generate_corpus(
            args.n,
            seed=args.seed,
            start=args.start,
            end=args.end,
            spikes=args.plant_spike,
            emerging_topics=args.plant_topic,
        )
        generated = time.perf_counter() - began
        path = write_corpus(frame, args.out, args.format)
    except InputError as error:
        parser.error(str(error))  # exits with status 2 and the usage line
    print(
        f"wrote {len(frame)} synthetic briefings to {path} "
        f"(generated in {generated:.1f} s, total {time.perf_counter() - began:.1f} s)",
        file=sys.stdout,
    )
    return 0

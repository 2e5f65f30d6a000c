"""Precision of the relation claims on news no labelled set holds: a judged audit.

    python bench/relations_audit.py draw  [--shared ../shared] [--n 100] [--name audit2]
    python bench/relations_audit.py show  HALF [--shared ../shared]
    python bench/relations_audit.py score [--shared ../shared]

The labelled halves of ``bench/relations_dev/`` are small and were read many times to
choose rules. This audit asks one question of fresh text: when the product claims that two
countries relate in a current-events summary, is it right? ``draw`` scores every summary of
``wce-dev.jsonl`` that no labelled half or earlier selection holds, sums the claims per text
and pair as the shared scorer does, and draws ``--n`` of them (seeded, at most one per text)
into ``relations_dev/audit.csv``, split by one seeded permutation into ``audit-tune`` (read
to choose rules) and ``audit-test`` (judged before any rule was chosen, then only measured).
A later draw (``--name audit2``, ``audit3``, ``audit4``) leaves out the texts of the
earlier ones (and of every ``selection*.csv``, the texts read to choose rules among them)
and makes halves ``audit2-tune`` and ``audit2-test`` the same way.
``show`` prints a half's texts and claims for judging (the text is read from the shared
corpus, never kept here). A reader fills ``verdict`` by the annotation rules:
``right`` (the text relates the two as actors with that sign), ``sign`` (related, other
sign), ``none`` (the text does not relate them) and ``kind``, the error's pattern.

``score`` runs the product again on the audited texts and reports, per half, the judged
claims it still makes, the share of them judged right, and the claims it makes now that no
one judged (a rule that adds claims must be judged again before its precision is known).

Skips cleanly (exit 0) when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.ingest import load_files
from analytics.pipeline import compute_interactions, compute_mentions

HERE = Path(__file__).resolve().parent
DEV_SET = HERE / "relations_dev"
WCE = Path("corpora/wikipedia-current-events/wce-dev.jsonl")
# Each draw: its file ``relations_dev/<name>.csv`` and its seed. A later draw leaves out the
# texts of the earlier ones.
DRAWS = {
    "audit": 20261207,
    "audit2": 20261208,
    "audit3": 20261212,
    "audit4": 20261213,
    "audit5": 20261214,
}
AUDIT_COLUMNS = ("id", "a", "b", "score", "text_claims", "half", "verdict", "kind")


def _labelled_ids() -> set[str]:
    """Every text id any labelled half or selection file of the development set holds."""
    ids: set[str] = set()
    for path in DEV_SET.glob("*.jsonl"):
        ids |= {json.loads(line)["id"] for line in path.read_text().splitlines() if line}
    for path in DEV_SET.glob("selection*.csv"):
        table = pd.read_csv(path, dtype=str)
        ids |= set(table["briefing_id" if "briefing_id" in table.columns else "id"])
    return ids


def claims_of(briefings: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The product's claims (text, pair, summed score != 0) and the rows behind them."""
    mentions, _ = compute_mentions(briefings)
    rows = compute_interactions(briefings, mentions)
    low = rows[[S.COUNTRY_A, S.COUNTRY_B]].min(axis=1)
    high = rows[[S.COUNTRY_A, S.COUNTRY_B]].max(axis=1)
    rows = rows.assign(a=low, b=high)
    summed = rows.groupby([S.BRIEFING_ID, "a", "b"], as_index=False)[S.SCORE].sum()
    claims = summed[summed[S.SCORE] != 0].rename(columns={S.BRIEFING_ID: "id"})
    return claims.reset_index(drop=True), rows


def _audit_files() -> list[Path]:
    return [DEV_SET / f"{name}.csv" for name in DRAWS if (DEV_SET / f"{name}.csv").exists()]


def draw(shared: Path, n: int, name: str = "audit") -> None:
    wce = load_files([shared / WCE]).briefings
    earlier = {
        text_id
        for path in _audit_files()
        if path.stem != name
        for text_id in pd.read_csv(path, dtype=str)["id"]
    }
    fresh = wce[~wce[S.BRIEFING_ID].isin(_labelled_ids() | earlier)].reset_index(drop=True)
    claims, _ = claims_of(fresh)
    rng = np.random.default_rng(DRAWS[name])
    one_per_text = claims.loc[rng.permutation(len(claims))].drop_duplicates("id")
    picked = one_per_text.head(n).reset_index(drop=True)
    picked["text_claims"] = picked["id"].map(claims["id"].value_counts())
    halves = np.where(
        rng.permutation(len(picked)) < len(picked) // 2, f"{name}-test", f"{name}-tune"
    )
    table = picked.assign(score=picked[S.SCORE].round(2), half=halves, verdict="", kind="")
    table = table[list(AUDIT_COLUMNS)].sort_values(["half", "id"])
    table.to_csv(DEV_SET / f"{name}.csv", index=False)
    print(
        f"{len(claims):,} claims in {claims['id'].nunique():,} of {len(fresh):,} fresh texts; "
        f"drew {len(table)} into {name}.csv"
    )


def _audits() -> pd.DataFrame:
    """Every draw's rows, one table (the halves are named by their draw)."""
    tables = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in _audit_files()]
    return pd.concat(tables, ignore_index=True)


def _audited(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    audit = _audits()
    wce = load_files([shared / WCE]).briefings
    return audit, wce[wce[S.BRIEFING_ID].isin(set(audit["id"]))].reset_index(drop=True)


def show(shared: Path, half: str) -> None:
    audit, briefings = _audited(shared)
    _, rows = claims_of(briefings)
    texts = briefings.set_index(S.BRIEFING_ID)["text"]
    for number, row in enumerate(audit[audit["half"] == half].itertuples(), 1):
        print(f"#{number} {row.id}  {row.a}-{row.b}  claimed {row.score}")
        print(textwrap.fill(texts[row.id], 110, initial_indent="   ", subsequent_indent="   "))
        mine = rows[(rows[S.BRIEFING_ID] == row.id) & (rows["a"] == row.a) & (rows["b"] == row.b)]
        for found in mine.to_dict("records"):
            print(f"   -> {found[S.SCORE]:+.2f} [{found[S.CUES]}] {found[S.ROLES]}")
            print(
                textwrap.fill(
                    found[S.SENTENCE], 110, initial_indent="      ", subsequent_indent="      "
                )
            )
        print()


@dataclass(frozen=True)
class AuditScore:
    """One half of the audit, scored against the product's claims now."""

    judged: int  # claims judged at the draw
    right_at_draw: int
    claimed: int  # judged claims the product still makes
    right: int  # ... of which the verdict says right (sign as judged)
    in_texts: int  # every claim the product makes in the half's texts now
    in_texts_at_draw: int

    @property
    def precision(self) -> float:
        return self.right / max(self.claimed, 1)


def audit_scores(shared: Path) -> dict[str, AuditScore]:
    """Each judged half's precision now: of the judged claims the product still makes,
    the share judged right (a claim whose sign flipped counts as right when judged
    ``sign``)."""
    audit, briefings = _audited(shared)
    claims, _ = claims_of(briefings)
    now = claims.assign(sign=np.sign(claims[S.SCORE]))
    judged = audit[audit["verdict"] != ""]
    if judged.empty:
        raise SystemExit("no verdicts yet in the audit files")
    scores: dict[str, AuditScore] = {}
    for half, rows in judged.groupby("half"):
        merged = rows.merge(now, on=["id", "a", "b"], how="left")
        kept = merged[merged["sign"].notna()]
        same_sign = np.sign(kept["score_x"].astype(float)) == kept["sign"]
        right = int((kept["verdict"][same_sign] == "right").sum())
        right += int((kept["verdict"][~same_sign] == "sign").sum())
        scores[str(half)] = AuditScore(
            judged=len(rows),
            right_at_draw=int((rows["verdict"] == "right").sum()),
            claimed=len(kept),
            right=right,
            in_texts=int(now["id"].isin(set(rows["id"])).sum()),
            in_texts_at_draw=int(rows["text_claims"].astype(int).sum()),
        )
    return scores


def score(shared: Path) -> None:
    audit = _audits()
    for half, found in audit_scores(shared).items():
        print(
            f"{half}: judged {found.judged}, right at the draw {found.right_at_draw} "
            f"({found.right_at_draw / found.judged:.2f}); claimed now {found.claimed}, right "
            f"{found.right} ({found.precision:.2f}); all claims in these texts: "
            f"{found.in_texts} (at the draw {found.in_texts_at_draw})"
        )
        errors = audit[(audit["half"] == half) & (audit["verdict"] != "right")]
        for kind, count in errors["kind"].value_counts().items():
            print(f"    {count:3d} {kind}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["draw", "show", "score"])
    parser.add_argument("half", nargs="?", default="audit-test")
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--name", choices=list(DRAWS), default="audit", help="the draw to make")
    args = parser.parse_args()
    if not (args.shared / WCE).exists():
        print(f"skipped: {args.shared / WCE} not found")
        return 0
    if args.command == "draw":
        draw(args.shared, args.n, args.name)
    elif args.command == "show":
        show(args.shared, args.half)
    else:
        score(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())

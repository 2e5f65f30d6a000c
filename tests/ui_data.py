"""A small hand-built processed corpus for dashboard tests.

Twenty briefings from January to June 2026 with sections, country mentions whose
spans point at the real words, three topics and scored interactions. Every table
follows the contract in ``analytics.artefacts``; values are chosen so tests can
work expected results out by hand.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics.artefacts import Artefacts

NAMES = {
    "USA": "United States",
    "CHN": "China",
    "JPN": "Japan",
    "TWN": "Taiwan",
    "KOR": "South Korea",
    "RUS": "Russia",
    "UKR": "Ukraine",
    "DEU": "Germany",
}
TOPICS = {0: "trade & tariffs", 1: "security & defence", 2: "energy"}
TOPIC_TERMS = {
    0: "tariffs|exports|trade|chips|duties",
    1: "troops|missiles|drills|navy|border",
    2: "gas|oil|pipeline|prices|grid",
}

# (country a, country b, topic, verb, score, cue, source)
_PLAN = [
    ("USA", "JPN", 0, "signed a trade pact with", 0.8, "signed a trade pact", "Atlas Daily"),
    ("CHN", "TWN", 1, "held drills near", -0.7, "drills", "Atlas Daily"),
    ("RUS", "UKR", 1, "launched strikes on", -0.9, "strikes", "Wire"),
    ("USA", "CHN", 0, "raised tariffs on", -0.6, "tariffs", "Wire"),
    ("JPN", "KOR", 1, "agreed to cooperate with", 0.6, "agreed to cooperate", "Atlas Daily"),
    ("DEU", "RUS", 2, "cut gas imports from", -0.4, "cut", "Wire"),
    ("USA", "KOR", 1, "reaffirmed its alliance with", 0.9, "alliance", "Atlas Daily"),
    ("CHN", "JPN", 1, "protested to", -0.5, "protested", "Wire"),
    ("UKR", "DEU", 2, "signed an energy deal with", 0.7, "signed an energy deal", "Atlas Daily"),
    ("USA", "CHN", 0, "imposed sanctions on", -0.8, "sanctions", "Wire"),
]


def _sentence(a: str, b: str, verb: str) -> str:
    return f"{NAMES[a]} {verb} {NAMES[b]}."


def build_artefacts() -> Artefacts:
    """The hand-built corpus: 20 briefings, ids ``b00`` .. ``b19``, one every 9 days."""
    briefings, mentions, countries, topics, interactions, report = [], [], [], [], [], []
    start = pd.Timestamp("2026-01-05", tz="UTC")
    for i in range(20):
        a, b, topic_id, verb, score, cue, source = _PLAN[i % len(_PLAN)]
        bid = f"b{i:02d}"
        date = start + pd.Timedelta(days=9 * i)
        title = f"{NAMES[a]} and {NAMES[b]}: briefing {i}"
        happening = _sentence(a, b, verb)
        importance = f"Markets in {NAMES[a]} watched closely."
        nxt = f"{NAMES[b]} will respond to {NAMES[a]} next month."
        if i == 7:
            # Markup and formula-like text must always stay literal text.
            title = '=HYPERLINK("http://x") <b>bold</b>'
            importance = "<script>alert('x')</script> **not bold** # not a heading"
        text = "\n\n".join([happening, importance, nxt])
        briefings.append(
            {
                S.BRIEFING_ID: bid,
                S.DATE: date,
                S.DATE_SOURCE: "record",
                S.TITLE: title,
                S.SOURCE: source,
                S.URL: f"https://example.org/{bid}",
                S.TEXT: text,
                S.HAPPENING: happening,
                S.IMPORTANCE: importance,
                S.NEXT: nxt,
                S.DUPLICATE_OF: pd.NA,
                S.ORIGIN: f"sample/{bid}.txt",
            }
        )
        report.append(
            {
                "file": f"sample/{bid}.txt",
                "row": pd.NA,
                "status": "loaded",
                "reason": "",
                S.BRIEFING_ID: bid,
            }
        )
        found: dict[str, int] = {}
        for section, body in ((S.HAPPENING, happening), (S.IMPORTANCE, importance), (S.NEXT, nxt)):
            for code in (a, b):
                at = body.find(NAMES[code])
                if at < 0:
                    continue
                mentions.append(
                    {
                        S.BRIEFING_ID: bid,
                        S.SECTION: section,
                        S.SENTENCE_INDEX: 0,
                        S.START: at,
                        S.END: at + len(NAMES[code]),
                        S.SURFACE: NAMES[code],
                        S.ISO3: code,
                        S.KIND: "name",
                        S.CONFIDENCE: 1.0,
                    }
                )
                found[code] = found.get(code, 0) + 1
        for code, count in found.items():
            countries.append(
                {
                    S.BRIEFING_ID: bid,
                    S.DATE: date,
                    S.ISO3: code,
                    S.COUNTRY: NAMES[code],
                    "count": count,
                    "kinds": "name",
                    "evidence": NAMES[code],
                }
            )
        topics.append(
            {
                S.BRIEFING_ID: bid,
                S.TOPIC_ID: topic_id,
                S.TOPIC_LABEL: TOPICS[topic_id],
                S.WEIGHT: 0.9,
                S.DATE: date,
            }
        )
        pair = tuple(sorted((a, b)))
        interactions.append(
            {
                S.BRIEFING_ID: bid,
                S.DATE: date,
                S.SECTION: S.HAPPENING,
                S.SENTENCE_INDEX: 0,
                S.SENTENCE: happening,
                S.COUNTRY_A: pair[0],
                S.COUNTRY_B: pair[1],
                S.SCORE: score,
                S.CLASS: "tension" if score < 0 else "alliance",
                S.CUES: cue,
                S.FORWARD_LOOKING: False,
            }
        )
        interactions.append(
            {
                S.BRIEFING_ID: bid,
                S.DATE: date,
                S.SECTION: S.NEXT,
                S.SENTENCE_INDEX: 0,
                S.SENTENCE: nxt,
                S.COUNTRY_A: pair[0],
                S.COUNTRY_B: pair[1],
                S.SCORE: -0.2,
                S.CLASS: "tension",
                S.CUES: "respond",
                S.FORWARD_LOOKING: True,
            }
        )
    report.append(
        {
            "file": "sample/notes.pdf",
            "row": pd.NA,
            "status": "skipped",
            "reason": "unsupported file type '.pdf'",
            S.BRIEFING_ID: pd.NA,
        }
    )
    briefing_table = pd.DataFrame(briefings)
    topic_table = pd.DataFrame(topics)
    summary = []
    for topic_id, label in TOPICS.items():
        members = topic_table.loc[topic_table[S.TOPIC_ID] == topic_id, S.BRIEFING_ID]
        summary.append(
            {
                S.TOPIC_ID: topic_id,
                "label": label,
                S.TOP_TERMS: TOPIC_TERMS[topic_id],
                S.N_BRIEFINGS: len(members),
                "representative_ids": "|".join(members.head(3)),
            }
        )
    return Artefacts(
        briefings=briefing_table,
        report=pd.DataFrame(report),
        mentions=pd.DataFrame(mentions),
        countries=pd.DataFrame(countries),
        topics=topic_table,
        topic_summary=pd.DataFrame(summary),
        interactions=pd.DataFrame(interactions),
        fingerprint="ui-test-0001",
        versions={"analytics": "0.1.0", "cues": "abc123", "topic_model": "k=3"},
        watchlist=build_watchlist(briefing_table),
    )


# Expected events of the "What's Next?" sentences: (briefing, countries, family, event type,
# certainty, when, window start, window end). The latest briefing (b19) is Thursday
# 2026-06-25. b00's event is reported by b10 ("United States signed a trade pact with
# Japan": both countries, "pact", family 05, the same words, inside the window); b10's
# window ends 2026-05-31 with no briefing naming both countries after it (not seen);
# b18's and b19's windows are still open.
_WATCHES = [
    (
        "b00",
        "JPN|USA",
        "05",
        "engage in diplomatic cooperation",
        "firm",
        "by April 10",
        "2026-01-05",
        "2026-04-10",
    ),
    (
        "b10",
        "JPN|USA",
        "05",
        "engage in diplomatic cooperation",
        "likely",
        "next month",
        "2026-05-01",
        "2026-05-31",
    ),
    ("b18", "CHN|JPN", "04", "consult", "possible", "June 25-26", "2026-06-25", "2026-06-26"),
    ("b19", "CHN|USA", "13", "threaten", "firm", "next month", "2026-07-01", "2026-07-31"),
]


def build_watchlist(briefings: pd.DataFrame) -> pd.DataFrame:
    """The corpus' watchlist (``schema.WATCHLIST_COLUMNS``): four events, see ``_WATCHES``."""
    from analytics.relations import default_lexicon

    lexicon = default_lexicon()
    by_id = briefings.set_index(S.BRIEFING_ID)
    rows = []
    for bid, countries, family, event_type, certainty, when, start, end in _WATCHES:
        # b00's event is its "What's Happening?" sentence, which b10 repeats word for word.
        section = S.HAPPENING if bid == "b00" else S.NEXT
        rows.append(
            {
                S.BRIEFING_ID: bid,
                S.DATE: by_id.loc[bid, S.DATE],
                S.SECTION: section,
                S.SENTENCE_INDEX: 0,
                S.SENTENCE: by_id.loc[bid, section],
                S.COUNTRIES: countries,
                # The sentence's own cues, as the watchlist lists them ("pact").
                S.CUES: "|".join(
                    match.surface.lower()
                    for match in lexicon.find_cues(by_id.loc[bid, section])
                    if match.cue.names_an_event
                ),
                S.CUE_FAMILY: family,
                S.EVENT_TYPE: event_type,
                S.CERTAINTY: certainty,
                S.WHEN: when,
                S.WHEN_KIND: S.EXPLICIT if when[0].isupper() else S.RELATIVE,
                S.WINDOW_START: pd.Timestamp(start),
                S.WINDOW_END: pd.Timestamp(end),
            }
        )
    return pd.DataFrame(rows, columns=list(S.WATCHLIST_COLUMNS))


_CODES = (
    "USA CHN JPN TWN KOR RUS UKR DEU FRA GBR IND PAK IRN ISR SAU TUR BRA MEX CAN AUS "
    "IDN VNM PHL EGY NGA ZAF ARG ITA ESP POL SWE NOR FIN NLD BEL CHE AUT GRC PRK SYR"
).split()


def build_scaled_artefacts(copies: int = 950) -> Artefacts:
    """The hand-built corpus repeated ``copies`` times (20 x copies briefings) for timing.

    Each copy gets new ids, dates shifted by a day per copy (so ~2.6 years for 950
    copies) and its countries rotated through 40 codes, so groupings have realistic sizes.
    """
    from analytics.countries import load_gazetteer

    base = build_artefacts()
    rotation = {code: i for i, code in enumerate(_CODES)}
    names = {code: load_gazetteer().country_name(code) for code in _CODES}

    def shifted(frame: pd.DataFrame, copy: int) -> pd.DataFrame:
        out = frame.copy()
        if S.BRIEFING_ID in out:
            out[S.BRIEFING_ID] = out[S.BRIEFING_ID] + f"-{copy}"
        if S.DATE in out:
            out[S.DATE] = out[S.DATE] + pd.Timedelta(days=copy)
        for column in (S.ISO3, S.COUNTRY_A, S.COUNTRY_B):
            if column in out:
                out[column] = out[column].map(lambda c: _CODES[(rotation[c] + copy) % 40])
        if S.COUNTRY in out:
            out[S.COUNTRY] = out[S.ISO3].map(names)
        return out

    tables = {}
    for name in ("briefings", "report", "mentions", "countries", "topics", "interactions"):
        frame = getattr(base, name)
        tables[name] = pd.concat([shifted(frame, c) for c in range(copies)], ignore_index=True)
    summary = base.topic_summary.assign(
        **{S.N_BRIEFINGS: base.topic_summary[S.N_BRIEFINGS] * copies}
    )
    return Artefacts(
        **tables, topic_summary=summary, fingerprint="ui-scaled-0001", versions=base.versions
    )


def build_scaled_default() -> Artefacts:
    """19,000 briefings: the size of the Reuters-21578 corpus."""
    return build_scaled_artefacts(950)


LONG_PARAGRAPHS = 20_000


def build_long_artefacts() -> Artefacts:
    """The hand-built corpus plus ``b20``, the newest briefing: 20,000 numbered paragraphs
    ("Paragraph 17: Japan warned China.", about 700 kB) with a mention of Japan in each."""
    base = build_artefacts()
    paragraphs = [f"Paragraph {k}: Japan warned China." for k in range(LONG_PARAGRAPHS)]
    text = "\n\n".join(paragraphs)
    starts = np.cumsum([0] + [len(p) + 2 for p in paragraphs[:-1]])
    at = len("Paragraph ") + np.array([len(str(k)) for k in range(LONG_PARAGRAPHS)]) + 2
    row = base.briefings.iloc[[-1]].assign(
        **{
            S.BRIEFING_ID: "b20",
            S.DATE: base.briefings[S.DATE].max() + pd.Timedelta(days=1),
            S.TITLE: "A very long briefing",
            S.TEXT: text,
            S.HAPPENING: "",
            S.IMPORTANCE: "",
            S.NEXT: "",
        }
    )
    mentions = pd.DataFrame(
        {
            S.BRIEFING_ID: "b20",
            S.SECTION: S.SECTION_BODY,
            S.SENTENCE_INDEX: np.arange(LONG_PARAGRAPHS),
            S.START: starts + at,
            S.END: starts + at + len("Japan"),
            S.SURFACE: "Japan",
            S.ISO3: "JPN",
            S.KIND: "name",
            S.CONFIDENCE: 1.0,
        }
    )
    return dataclasses.replace(
        base,
        briefings=pd.concat([base.briefings, row], ignore_index=True),
        mentions=pd.concat([base.mentions, mentions], ignore_index=True),
        fingerprint="ui-long-0001",
    )


def build_artefacts_all_loaded() -> Artefacts:
    """``build_artefacts`` without its skipped input: every input loaded."""
    artefacts = build_artefacts()
    report = artefacts.report[artefacts.report["status"] == "loaded"].reset_index(drop=True)
    return dataclasses.replace(artefacts, report=report, fingerprint="ui-all-loaded-0001")


def build_artefacts_with_spike() -> Artefacts:
    """``build_artefacts`` with three more sharp China–United States sentences in b19
    (2026-06-25, -0.9 each): June's tension per briefing for the pair jumps to
    (0.8 + 3 × 0.9) / 3 = 1.17 over its usual 0.11, a spike in the week and month views."""
    artefacts = build_artefacts()
    rows = artefacts.interactions
    said = rows[(rows[S.BRIEFING_ID] == "b19") & (rows[S.SECTION] == S.HAPPENING)]
    sharp = pd.concat([said] * 3, ignore_index=True).assign(
        **{S.SENTENCE_INDEX: [1, 2, 3], S.SCORE: -0.9}
    )
    interactions = pd.concat([rows, sharp], ignore_index=True)
    return dataclasses.replace(artefacts, interactions=interactions, fingerprint="ui-spike-0001")


def build_artefacts_untitled() -> Artefacts:
    """``build_artefacts`` with no titles, as summaries of current events come."""
    artefacts = build_artefacts()
    briefings = artefacts.briefings.assign(**{S.TITLE: ""})
    return dataclasses.replace(artefacts, briefings=briefings, fingerprint="ui-untitled-0001")


def build_artefacts_unsourced() -> Artefacts:
    """``build_artefacts`` with no sources, as summaries of current events come."""
    artefacts = build_artefacts()
    briefings = artefacts.briefings.assign(**{S.SOURCE: ""})
    return dataclasses.replace(artefacts, briefings=briefings, fingerprint="ui-unsourced-0001")


def with_read_me(report: pd.DataFrame) -> pd.DataFrame:
    """``report`` and a row for the corpus folder's README.txt, set aside as documentation."""
    from analytics.ingest.files import DOCUMENTATION

    read_me = {
        "file": "sample/README.txt",
        "row": pd.NA,
        "status": "skipped",
        "reason": DOCUMENTATION,
        S.BRIEFING_ID: pd.NA,
    }
    return pd.concat([report, pd.DataFrame([read_me])], ignore_index=True)


def build_artefacts_with_read_me() -> Artefacts:
    """``build_artefacts_all_loaded`` and the corpus folder's README.txt, set aside as
    documentation: every briefing input loaded."""
    artefacts = build_artefacts_all_loaded()
    report = with_read_me(artefacts.report)
    return dataclasses.replace(artefacts, report=report, fingerprint="ui-read-me-0001")

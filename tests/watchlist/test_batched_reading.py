"""The batched watchlist reads every sentence as the per-sentence steps did (#17).

The reference steps (``watchlist_reference``) search each sentence on its own; swapped into
the modules, they must give the same expected events, byte for byte, on the bundled sample
and on invented briefings that exercise every rule: each time expression of
``test_timing``, certainty words and their exceptions, coming words, conditions, the
"What's Next?" section, the countries that do not act, letters that change when lower-cased,
spaces beyond ASCII and an undated briefing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import watchlist_reference
from test_timing import CASES as TIME_CASES

from analytics import schema as S
from analytics import settings
from analytics.countries import extract_mentions
from analytics.pipeline import compute_interactions, compute_sentence_tables, compute_watchlist
from analytics.relations import PhraseIndex, sentence_roles, shared_roles
from analytics.relations import roles as roles_module
from analytics.watchlist import (
    CertaintyWords,
    expected_events,
    expected_window,
    expected_windows,
    forward_sentences,
    without_conditions,
    without_conditions_batch,
)
from analytics.watchlist import certainty as certainty_module
from analytics.watchlist import extract as extract_module
from analytics.watchlist import timing as timing_module

# Sentences beyond the time expressions, each naming a country so that it is read.
EXTRA_HAPPENING = [
    "France won't sign the accord with Japan, and Germany shall decide next week.",
    "China is to hold talks with India, and Japan is due to respond.",
    "Russia is expected to meet Turkey; Iran probably will attend the summit tomorrow.",
    "Brazil may have been hit by sanctions from Argentina.",
    "The likely winner of the vote in Chile will meet Peru.",
    "Mexico said 12 likely outcomes of the talks with Canada remain.",
    "Egypt said " + "1" * 50 + " likely outcomes of the talks with Sudan remain.",
    "Kenya named " + "x" * 50 + " likely to mediate talks with Uganda.",
    "In May Spain and Portugal signed a deal; Italy may meet Greece in May.",
    "Poland is considering talks with Ukraine in the months ahead.",
    "Sweden will act if Norway imposes sanctions on Denmark next month.",
    "Unless Chile ends the blockade, Bolivia will hold talks with Peru on March 3.",
    "Provided that Cuba frees prisoners; the United States will ease sanctions later this year.",
    "In the event of a strike by Ghana, Nigeria could close its border.",
    "Vietnam will meet Laos in case Cambodia joins, and Thailand will sign on Friday.",
    "LOS ANGELES, March 2 - Mexico will hold talks with the United States in April.",
    "Israel and Jordan\u2019s leaders won\u2019t meet until September 19.",
    "\u0130stanbul will host Turkey and Greece for talks ahead of the upcoming summit.",
    "Japan will meet China the\u00a0months ahead and on\u00a0strike days.",
    "Australia will hold\x00 talks with New Zealand if Fiji agrees.",
    "The vote, originally planned for 22 March, will see Serbia meet Croatia.",
    "Former Bosnian Serb leader will visit Serbia, and then Prime Minister of Japan will go.",
]
EXTRA_NEXT = [
    "Pakistan and India: the summit opens on March 3.",
    "Iran meets Iraq.",
    "South Korea reviews its accord with North Korea by the end of the year.",
    "The Argentine farmers will protest against Brazil next week.",
]
ACTING_TEXTS = [
    "China will pay a visit to Japan next week.",
    "Ford will close its plant in Genk, Belgium, while France will hold talks.",
    "The Organization of American States will meet France next week.",
    "Indonesia's ambassador to Malaysia says Indonesia will act.",
    "The mayor of Berlin will resign, and France will meet.",
    "The Brazilian Democratic Movement Party will meet France.",
    "Mitsui and Co USA Inc will own half, and France will sign.",
    "Talks in Iraq and Syria will follow, and France will attend them.",
]


# The bundled sample holds 372 forward-looking sentences, 275 of them expected events (one
# more of each since "around Taiwan's presidential election" names Taiwan as a party; one
# of each less since "the exchange of fire along the Israel–Lebanon border" names the two
# only as the border, where it happens: no country acts in it; one more of each since a
# journey to a capital names its state: "Mediators could travel to Niamey ..." names Niger;
# one event less since "a survival-threatening situation" is no threat, so "a Chinese attempt
# to take control of Taiwan ... could constitute a survival-threatening situation for Japan"
# names no expected act of Japan's on Taiwan).
SAMPLE_SENTENCES, SAMPLE_EVENTS = 372, 275


def _row(briefing_id: str, day: object, happening: str, nxt: str) -> dict:
    date = pd.NaT if day is None else pd.Timestamp(str(day), tz="UTC")
    return {
        S.BRIEFING_ID: briefing_id,
        S.DATE: date,
        S.TITLE: "",
        S.HAPPENING: happening,
        S.IMPORTANCE: "",
        S.NEXT: nxt,
        S.TEXT: f"{happening}\n\n{nxt}",
    }


def invented_briefings() -> pd.DataFrame:
    """One briefing per time expression (the sentence, naming two countries, in "What's
    Next?" and dated as its case), then the other sentences in both sections, once dated
    and once undated."""
    rows = [
        _row(f"t{n}", reference, "", case.rstrip(".") + ", France and Japan say.")
        for n, (case, reference, *_) in enumerate(TIME_CASES)
    ]
    rows.append(_row("x1", "2024-02-14", " ".join(EXTRA_HAPPENING), " ".join(EXTRA_NEXT)))
    rows.append(_row("x2", "2024-02-14", "", " ".join(ACTING_TEXTS)))
    rows.append(_row("x3", None, " ".join(EXTRA_HAPPENING[:4]), " ".join(EXTRA_NEXT)))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def invented() -> tuple[pd.DataFrame, pd.DataFrame]:
    briefings = invented_briefings()
    return briefings, extract_mentions(briefings)


@pytest.fixture(scope="module")
def sample(project_root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analytics.ingest import load_corpus_with_report

    briefings = load_corpus_with_report([project_root / "data" / "sample"]).briefings
    return briefings, extract_mentions(briefings)


def _use_reference_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PhraseIndex, "find_batch", watchlist_reference.find_batch)
    for module in (extract_module, timing_module):
        monkeypatch.setattr(
            module, "without_conditions_batch", watchlist_reference.without_conditions_batch
        )
    monkeypatch.setattr(certainty_module, "_attribute_before", watchlist_reference.attribute_before)
    monkeypatch.setattr(timing_module, "_TRIGGER", watchlist_reference.TRIGGER)
    monkeypatch.setattr(timing_module, "_rule_groups", watchlist_reference.rule_groups)


@pytest.mark.parametrize(
    ("corpus", "least_sentences", "least_events"),
    [("sample", SAMPLE_SENTENCES, SAMPLE_EVENTS), ("invented", 60, 35)],
    ids=["sample", "invented"],
)
def test_forward_sentences_equal_the_per_sentence_reference(
    corpus: str,
    least_sentences: int,
    least_events: int,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    briefings, mentions = request.getfixturevalue(corpus)
    sentences = forward_sentences(briefings, mentions)
    events = expected_events(briefings, mentions)
    _use_reference_steps(monkeypatch)
    assert len(sentences) >= least_sentences
    assert len(events) >= least_events
    if corpus == "sample":
        assert (len(sentences), len(events)) == (SAMPLE_SENTENCES, SAMPLE_EVENTS)
    pd.testing.assert_frame_equal(sentences, forward_sentences(briefings, mentions))
    pd.testing.assert_frame_equal(events, expected_events(briefings, mentions))


def test_invented_briefings_reach_every_window_kind_and_certainty(invented) -> None:
    # The invented corpus is only a fair test if it reaches every outcome.
    sentences = forward_sentences(*invented)
    assert set(sentences[S.WHEN_KIND]) == {S.EXPLICIT, S.RELATIVE, S.UNDATED}
    assert set(sentences[S.CERTAINTY]) == set(S.CERTAINTIES)
    assert set(sentences[S.SECTION]) == {S.HAPPENING, S.NEXT}
    # The undated briefing's sentences are not read: there is no day to count from.
    assert "x3" not in set(sentences[S.BRIEFING_ID])


def test_forward_sentences_on_two_processes_equal_one(
    invented, monkeypatch: pytest.MonkeyPatch
) -> None:
    briefings, mentions = invented
    alone = forward_sentences(briefings, mentions)
    monkeypatch.setattr(extract_module, "fork_workers", lambda: 2)
    with settings.override(watchlist_parallel_from=2):
        shared = forward_sentences(briefings, mentions)
    pd.testing.assert_frame_equal(shared, alone)


@pytest.mark.parametrize("at_once", [1, 2, 7])
def test_forward_sentences_read_a_few_at_a_time_equal_all_at_once(
    invented, monkeypatch: pytest.MonkeyPatch, at_once: int
) -> None:
    briefings, mentions = invented
    with settings.override(watchlist_read_at_once=10**9):
        alone = forward_sentences(briefings, mentions)
    slices: list[tuple[int, int]] = []
    original = extract_module._Plan._read_slice

    def counted(plan, lo: int, hi: int) -> list[tuple]:
        slices.append((lo, hi))
        return original(plan, lo, hi)

    monkeypatch.setattr(extract_module._Plan, "_read_slice", counted)
    with settings.override(watchlist_read_at_once=at_once):
        sliced = forward_sentences(briefings, mentions)
    pd.testing.assert_frame_equal(sliced, alone)
    # Every sentence read once, in slices of at most at_once.
    assert all(hi - lo <= at_once for lo, hi in slices)
    assert [lo for lo, _ in slices][1:] == [hi for _, hi in slices][:-1]
    assert len(slices) > 1


def test_sentence_tables_equal_each_stage_on_its_own(invented) -> None:
    briefings, mentions = invented
    interactions, watchlist = compute_sentence_tables(briefings, mentions)
    assert len(interactions) > 60 and len(watchlist) > 35
    pd.testing.assert_frame_equal(interactions, compute_interactions(briefings, mentions))
    pd.testing.assert_frame_equal(watchlist, compute_watchlist(briefings, mentions))


def test_shared_roles_work_out_a_sentence_once_inside_the_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    original = roles_module._sentence_roles

    def counted(text, mentions, table):
        calls.append(text)
        return original(text, mentions, table)

    monkeypatch.setattr(roles_module, "_sentence_roles", counted)
    text = "British tourists met Japan's leaders."
    mentions = [(0, 7, "GBR", "demonym"), (21, 26, "JPN", "name")]
    alone = sentence_roles(text, mentions)
    with shared_roles():
        first = sentence_roles(text, mentions)
        first.clear()  # a caller's change to its list is not kept
        again = sentence_roles(text, mentions)
        other = sentence_roles(text, mentions[1:])
        as_lists = sentence_roles(text, [list(mention) for mention in mentions])
    after = sentence_roles(text, mentions)
    assert [(role.iso3, role.role) for role in alone] == [("GBR", "nationality"), ("JPN", "actor")]
    assert again == alone and as_lists == alone and after == alone
    assert [(role.iso3, role.role) for role in other] == [("JPN", "actor")]
    # Outside the block, inside it once per mentions (the lists cannot be kept), after it.
    assert len(calls) == 5
    assert roles_module._SHARED == []


@pytest.mark.parametrize(
    "texts",
    [
        ["will meet if talks resume.", "no condition here", "", "unless Japan acts, talks"],
        ["if a\x00b, then", "in case of rain"],
        [],
    ],
    ids=["plain", "text-holding-the-separator", "none"],
)
def test_without_conditions_batch_blanks_each_text_as_on_its_own(texts: list[str]) -> None:
    assert without_conditions_batch(texts) == [without_conditions(text) for text in texts]


def test_without_conditions_batch_ends_a_clause_with_its_text() -> None:
    assert without_conditions_batch(["talks if Japan agrees", "then China, Korea"]) == [
        "talks                ",
        "then China, Korea",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials said " + "1" * 50 + " likely outcomes remain.", None),
        ("Officials said 12 likely outcomes remain.", None),
        ("Officials named " + "x" * 50 + " likely to mediate.", ("likely", "likely")),
        ("The likely winner is expected to speak.", ("likely", "is expected to")),
    ],
    ids=["long-number", "number", "long-word", "determiner-then-another-word"],
)
def test_certainty_looks_back_for_a_determiner_however_far_it_starts(sentence, expected) -> None:
    found = CertaintyWords().certainty(sentence)
    assert (found.certainty, found.phrase) == expected if expected else found is None


def test_expected_windows_equal_expected_window_sentence_by_sentence() -> None:
    sentences = [case[0] for case in TIME_CASES] + ["Japan will act if China signs on May 3."]
    references = [case[1] for case in TIME_CASES] + [TIME_CASES[0][1]]
    found = expected_windows(sentences, references)
    assert found == [
        expected_window(sentence, reference)
        for sentence, reference in zip(sentences, references, strict=True)
    ]
    assert found[-1] is None  # the date is the condition's
    assert sum(window is not None for window in found) == len(TIME_CASES)

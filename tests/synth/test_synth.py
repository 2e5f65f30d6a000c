"""Tests of the synthetic corpus generator (analytics.synth)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import schema as S
from analytics import synth
from analytics.errors import InputError
from analytics.paths import data_dir
from analytics.relations import Lexicon
from analytics.synth import EmergingTopic, PlantedSpike

SECTIONS = re.compile(
    r"What's Happening\?\n(?P<happening>[^\n]+)\n"
    r"Why It's Important\?\n(?P<importance>[^\n]+)\n"
    r"What's Next\?\n(?P<next>[^\n]+)"
)
SPIKE_PAIR = ("USA", "CHN")  # a frequent pair with a conflictual baseline
SPIKE_MONTH = "2024-06"
SPIKE_BRIEFINGS = 40
TOPIC = "deep-sea mining"
TOPIC_MONTH = "2024-07"


@pytest.fixture(scope="module")
def vocabulary() -> synth.Vocabulary:
    return synth.load_vocabulary()


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return synth.generate_corpus(
        3000,
        seed=7,
        spikes=[f"{SPIKE_PAIR[0]}:{SPIKE_PAIR[1]}:{SPIKE_MONTH}:{SPIKE_BRIEFINGS}"],
        emerging_topics=[f"{TOPIC}:{TOPIC_MONTH}"],
    )


def _alternation(phrases: list[str]) -> str:
    # Longest first, so "South Korean" wins over "South Korea" and "Mexico City" over "Mexico".
    return "|".join(re.escape(phrase) for phrase in sorted(set(phrases), key=len, reverse=True))


def _surfaces(vocabulary: synth.Vocabulary) -> dict[str, str]:
    """Every way the generator names a country (article dropped) -> ISO3."""
    surfaces: dict[str, str] = {}
    for row in vocabulary.countries.itertuples(index=False):
        for surface in (row.name, row.demonym, row.capital):
            surfaces[surface.removeprefix("the ")] = row.iso3
    return surfaces


def _pair_conflict_pattern(vocabulary: synth.Vocabulary, code_a: str, code_b: str) -> re.Pattern:
    """A conflict cue sentence with one country as subject and the other as object."""
    countries = vocabulary.countries.set_index("iso3")

    def names(code: str) -> str:
        row = countries.loc[code]
        return _alternation([row["name"], row["capital"]])

    conflict = vocabulary.cues[vocabulary.cues["sign"] == -1]
    cues = _alternation([*conflict["past"], *conflict["base"]])
    hedges = _alternation(list(vocabulary.hedges))
    subject_object = [(names(code_a), names(code_b)), (names(code_b), names(code_a))]
    return re.compile(
        "|".join(
            rf"\b(?:{subject}) (?:(?:{hedges}) )?(?:{cues}) (?:{target})\b"
            for subject, target in subject_object
        ),
        re.IGNORECASE,
    )


def _theme_pattern(vocabulary: synth.Vocabulary, theme: str) -> re.Pattern:
    terms = vocabulary.themes.set_index("theme").loc[theme, "terms"]
    return re.compile(rf"\b(?:{_alternation(list(terms))})\b")


# -- determinism -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["jsonl", "parquet"], ids=["jsonl", "parquet"])
def test_write_corpus_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    arguments = {
        "seed": 11,
        "spikes": ["USA:CHN:2024-03"],
        "emerging_topics": ["quantum computing:2025-01"],
    }
    paths = []
    for run in ("first", "second"):
        frame = synth.generate_corpus(2000, **arguments)
        paths.append(synth.write_corpus(frame, tmp_path / run, fmt))
    for name in (paths[0].name, synth.TRUTH_FILE, synth.LABELS_FILE, synth.README_FILE):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_generate_corpus_different_seed_differs() -> None:
    first = synth.generate_corpus(500, seed=1)
    second = synth.generate_corpus(500, seed=2)
    assert not first[S.TEXT].equals(second[S.TEXT])
    assert (first[S.TEXT] != second[S.TEXT]).mean() > 0.99


# -- structure ---------------------------------------------------------------------
def test_generate_corpus_texts_have_three_sections_in_order(corpus: pd.DataFrame) -> None:
    matched = corpus["text"].map(lambda text: SECTIONS.fullmatch(text) is not None)
    assert matched.all()


def test_generate_corpus_word_counts_in_range(corpus: pd.DataFrame) -> None:
    words = corpus["text"].str.split().str.len()
    assert words.min() >= synth.MIN_WORDS
    assert words.max() <= synth.MAX_WORDS
    # A realistic spread, not one fixed length.
    assert words.std() > 15


def test_generate_corpus_records_are_marked_synthetic(corpus: pd.DataFrame) -> None:
    assert list(corpus.columns[: len(synth.RECORD_COLUMNS)]) == list(synth.RECORD_COLUMNS)
    assert corpus["synthetic"].dtype == bool
    assert corpus["synthetic"].all()
    assert (corpus["source"] == "synthetic").all()
    assert corpus["title"].str.startswith("[synthetic] ").all()
    assert corpus["id"].str.fullmatch(r"syn-\d{7}").all()
    assert corpus["id"].is_unique
    assert corpus["id"].iloc[0] == "syn-0000001"
    assert corpus["date"].is_monotonic_increasing


def test_generate_corpus_dates_within_period_weekday_heavy(corpus: pd.DataFrame) -> None:
    dates = pd.to_datetime(corpus["date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp(synth.DEFAULT_START)
    assert dates.max() <= pd.Timestamp(synth.DEFAULT_END)
    # Weekend days weigh 0.4 and 0.3 against about 1 for weekdays: ~12% of briefings.
    weekend_share = (dates.dt.day_of_week >= 5).mean()
    assert 0.06 < weekend_share < 0.2
    monthly = dates.dt.to_period("M").value_counts()
    assert len(monthly) == 36
    assert monthly.min() < 0.85 * monthly.max()


def test_generate_corpus_custom_period_respected() -> None:
    frame = synth.generate_corpus(200, seed=3, start="2024-02-10", end="2024-03-05")
    assert frame["date"].min() >= "2024-02-10"
    assert frame["date"].max() <= "2024-03-05"


def test_generate_corpus_names_the_labelled_countries(
    corpus: pd.DataFrame, vocabulary: synth.Vocabulary
) -> None:
    surfaces = _surfaces(vocabulary)
    pattern = re.compile(rf"\b(?:{_alternation(list(surfaces))})\b")
    found = corpus["text"].map(lambda text: {surfaces[name] for name in pattern.findall(text)})
    labelled = corpus["countries"].str.split(";").map(set)
    assert (found == labelled).all()
    assert found.map(len).between(2, 5).all()
    assert set(found.map(len)) == {2, 3, 4, 5}


def test_generate_corpus_outlook_is_hedged(
    corpus: pd.DataFrame, vocabulary: synth.Vocabulary
) -> None:
    hedges = _alternation(list(vocabulary.hedges))
    cues = _alternation(list(vocabulary.cues["base"]))
    hedged = re.compile(rf" (?:{hedges}) (?:{cues}) ")
    outlooks = corpus["text"].map(lambda text: SECTIONS.fullmatch(text).group("next"))
    assert outlooks.map(lambda text: hedged.search(text) is not None).all()


def test_generate_corpus_theme_vocabulary_dominates(
    corpus: pd.DataFrame, vocabulary: synth.Vocabulary
) -> None:
    for theme, texts in corpus.groupby("theme")["text"]:
        own = texts.map(
            lambda text, theme=theme: len(_theme_pattern(vocabulary, theme).findall(text))
        )
        assert own.min() >= 5, theme


# -- planted structure -------------------------------------------------------------
def test_generate_corpus_planted_spike_recorded_in_truth(corpus: pd.DataFrame) -> None:
    truth = corpus.attrs[synth.TRUTH_ATTR]
    (spike,) = truth["spikes"]
    assert (spike["country_a"], spike["country_b"], spike["month"]) == (*SPIKE_PAIR, SPIKE_MONTH)
    assert spike["n_briefings"] == SPIKE_BRIEFINGS
    planted = corpus[corpus["id"].isin(spike["briefing_ids"])]
    assert len(planted) == SPIKE_BRIEFINGS
    assert planted["date"].str.startswith(SPIKE_MONTH).all()
    assert planted["countries"].str.startswith(";".join(SPIKE_PAIR)).all()
    assert len(corpus) == truth["n"] == 3000


def test_generate_corpus_planted_spike_exceeds_other_months(
    corpus: pd.DataFrame, vocabulary: synth.Vocabulary
) -> None:
    pattern = _pair_conflict_pattern(vocabulary, *SPIKE_PAIR)
    counts = corpus["text"].map(lambda text: len(pattern.findall(text)))
    monthly = counts.groupby(corpus["date"].str[:7]).sum()
    others = monthly.drop(SPIKE_MONTH)
    assert monthly[SPIKE_MONTH] >= synth.SPIKE_SENTENCES * SPIKE_BRIEFINGS
    assert monthly[SPIKE_MONTH] - others.max() >= SPIKE_BRIEFINGS


def test_generate_corpus_default_spike_size_is_five_percent() -> None:
    frame = synth.generate_corpus(20000, seed=5, spikes=["IND:PAK:2024-03"])
    truth = frame.attrs[synth.TRUTH_ATTR]
    size = truth["spikes"][0]["n_briefings"]
    background = truth["monthly_volume"]["2024-03"] - size
    assert abs(size - synth.SPIKE_DEFAULT_SHARE * background) <= 3


@pytest.mark.parametrize(
    ("theme", "month"),
    [(TOPIC, TOPIC_MONTH), ("elections", "2024-01")],
    ids=["reserve-theme", "background-theme"],
)
def test_generate_corpus_emerging_topic_absent_before_month(
    vocabulary: synth.Vocabulary, theme: str, month: str
) -> None:
    frame = synth.generate_corpus(3000, seed=9, emerging_topics=[EmergingTopic(theme, month)])
    pattern = _theme_pattern(vocabulary, theme)
    mentions = frame["text"].map(lambda text: pattern.search(text) is not None)
    frame_month = frame["date"].str[:7]
    assert not mentions[frame_month < month].any()
    assert mentions[frame_month == month].any()
    share_after = mentions[frame_month >= month].mean()
    assert 0.5 * synth.EMERGING_SHARE < share_after < 2 * synth.EMERGING_SHARE
    (planted,) = frame.attrs[synth.TRUTH_ATTR]["emerging_topics"]
    assert (planted["name"], planted["first_month"]) == (theme, month)
    assert planted["n_briefings"] == (frame["theme"] == theme).sum()


def test_generate_corpus_reserve_theme_never_appears_unplanted(
    corpus: pd.DataFrame, vocabulary: synth.Vocabulary
) -> None:
    reserve = vocabulary.themes.loc[vocabulary.themes["role"] == "reserve", "theme"]
    unplanted = [theme for theme in reserve if theme != TOPIC]
    assert not corpus["theme"].isin(unplanted).any()
    for theme in unplanted:
        pattern = _theme_pattern(vocabulary, theme)
        assert not corpus["text"].map(lambda text, p=pattern: p.search(text) is not None).any()


# -- vocabulary ----------------------------------------------------------------------
def test_load_vocabulary_themes_have_distinct_vocabulary(vocabulary: synth.Vocabulary) -> None:
    background = vocabulary.themes[vocabulary.themes["role"] == "background"]
    assert 10 <= len(background) <= 20
    terms = [term.lower() for terms in vocabulary.themes["terms"] for term in terms]
    assert len(terms) == len(set(terms))


def test_load_vocabulary_terms_name_no_country(vocabulary: synth.Vocabulary) -> None:
    pattern = re.compile(rf"\b(?:{_alternation(list(_surfaces(vocabulary)))})\b")
    terms = [term for terms in vocabulary.themes["terms"] for term in terms]
    assert [term for term in terms if pattern.search(term)] == []


def test_load_vocabulary_cues_of_both_signs(vocabulary: synth.Vocabulary) -> None:
    assert set(vocabulary.cues["sign"]) == {-1, 1}
    assert {"condemned", "imposed sanctions on", "held talks with"} <= set(vocabulary.cues["past"])


def test_load_vocabulary_missing_table_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"vocabulary table is missing.*got .*countries\.csv"):
        synth.load_vocabulary(tmp_path)


def test_load_vocabulary_names_in_gazetteer(
    project_root: Path, vocabulary: synth.Vocabulary
) -> None:
    gazetteer_path = project_root / "data" / "gazetteer.csv"
    if not gazetteer_path.is_file():
        pytest.skip("data/gazetteer.csv is not present")
    gazetteer = pd.read_csv(gazetteer_path, dtype=str, keep_default_na=False)
    known = set(zip(gazetteer["surface"].str.lower(), gazetteer["iso3"], strict=True))
    unknown = sorted(
        (surface, iso3)
        for surface, iso3 in _surfaces(vocabulary).items()
        if (surface.lower(), iso3) not in known
    )
    assert unknown == []


def test_load_vocabulary_cues_agree_with_project_lexicon(vocabulary: synth.Vocabulary) -> None:
    lexicon = Lexicon()
    for cue in vocabulary.cues.itertuples(index=False):
        for form in (cue.past, cue.base):
            matches = lexicon.find_cues(f"Japan {form} Vietnam{cue.tail}.")
            signs = {int(np.sign(match.cue.weight)) for match in matches} - {0}
            assert signs == {cue.sign}, form
    modifiers = pd.read_csv(data_dir() / "modifiers.csv", dtype=str, keep_default_na=False)
    hedge_words = modifiers.loc[modifiers["kind"] == "hedge", "phrase"]
    for hedge in vocabulary.hedges:
        assert any(re.search(rf"\b{re.escape(word)}\b", hedge) for word in hedge_words), hedge
    # Everything else is neutral, so the only relations are the planted cue sentences.
    neutral = [
        *(term for terms in vocabulary.themes["terms"] for term in terms),
        *(text for section, texts in vocabulary.templates.items() for text in texts),
    ]
    # Words that only tie a list of actors together ("said", "warships") are not events.
    assert [
        text
        for text in neutral
        if any(match.cue.names_an_event for match in lexicon.find_cues(text.replace("{V}", "")))
    ] == []


@pytest.fixture
def vocabulary_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "synth"
    shutil.copytree(synth.vocabulary_dir(), folder)
    return folder


@pytest.mark.parametrize(
    ("table", "old", "new", "message"),
    [
        (
            "templates.csv",
            "{Xd} officials weigh",
            "{Z} officials weigh",
            r"title templates may use",
        ),
        ("templates.csv", "context,", "contexts,", r"got none for \['context'\]"),
        ("cues.csv", "conflict,-1,condemned", "conflict,-2,condemned", r"signs 1 and -1"),
        ("topics.csv", "trade,background,1.3", "trade,background,-1", r"weights must be positive"),
        ("topics.csv", "trade,background", "trade,foreground", r"roles must be 'background'"),
        ("relations.csv", "USA,CHN,0.7", "USA,XYZ,0.7", r"unknown codes \['XYZ'\]"),
        ("countries.csv", "CHN,China", "USA,China", r"at least 5 distinct ISO3 codes"),
    ],
    ids=[
        "template-field",
        "template-section",
        "cue-sign",
        "theme-weight",
        "theme-role",
        "relation-iso3",
        "country-duplicate",
    ],
)
def test_load_vocabulary_invalid_table_raises(
    vocabulary_copy: Path, table: str, old: str, new: str, message: str
) -> None:
    path = vocabulary_copy / table
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        synth.load_vocabulary(vocabulary_copy)


# -- parsing and errors --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("usa:chn:2024-05", PlantedSpike("USA", "CHN", "2024-05", None)),
        ("JPN:KOR:2023-11:12", PlantedSpike("JPN", "KOR", "2023-11", 12)),
    ],
    ids=["default-size", "explicit-size"],
)
def test_parse_spike_reads_fields(text: str, expected: PlantedSpike) -> None:
    assert synth.parse_spike(text) == expected


def test_parse_topic_reads_fields() -> None:
    assert synth.parse_topic("deep-sea mining:2024-07") == EmergingTopic(
        "deep-sea mining", "2024-07"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"n": 0}, r"n must be a positive whole number.*got 0"),
        ({"n": -3}, r"n must be a positive whole number.*got -3"),
        ({"n": 2.5}, r"n must be a positive whole number.*got 2\.5"),
        ({"n": True}, r"n must be a positive whole number.*got True"),
        ({"seed": -1}, r"seed must be a non-negative whole number.*got -1"),
        ({"start": "soon"}, r"start must be a date.*got 'soon'"),
        ({"start": "2025-01-01", "end": "2024-01-01"}, r"start must not be after end"),
        ({"spikes": ["USA-CHN-2024-01"]}, r"ISO3A:ISO3B:YYYY-MM\[:N\].*got 'USA-CHN-2024-01'"),
        ({"spikes": ["USA:XXX:2024-01"]}, r"unknown ISO3 code.*got 'XXX'"),
        ({"spikes": ["USA:USA:2024-01"]}, r"two different countries.*got 'USA'"),
        ({"spikes": ["USA:CHN:2030-01"]}, r"must lie between 2023-01 and 2025-12.*got '2030-01'"),
        ({"spikes": ["USA:CHN:2024-13"]}, r"must be YYYY-MM.*got '2024-13'"),
        (
            {"spikes": [PlantedSpike("USA", "CHN", "2024-01", 0)]},
            r"positive number of briefings.*got 0",
        ),
        ({"spikes": ["USA:CHN:2024-01:100"]}, r"fewer than n=100.*got 100"),
        ({"emerging_topics": ["volcanoes:2024-01"]}, r"unknown planted topic.*got 'volcanoes'"),
        ({"emerging_topics": ["deep-sea mining"]}, r"NAME:YYYY-MM.*got 'deep-sea mining'"),
        (
            {"emerging_topics": ["trade:2024-01", "Trade:2024-05"]},
            r"planted once.*got 'Trade' twice",
        ),
    ],
    ids=[
        "n-zero",
        "n-negative",
        "n-float",
        "n-bool",
        "seed-negative",
        "start-not-date",
        "start-after-end",
        "spike-format",
        "spike-unknown-iso3",
        "spike-same-country",
        "spike-month-outside",
        "spike-month-invalid",
        "spike-size-zero",
        "spike-too-many",
        "topic-unknown",
        "topic-format",
        "topic-twice",
    ],
)
def test_generate_corpus_invalid_arguments_raise(arguments: dict, message: str) -> None:
    arguments = {"n": 100, **arguments}
    with pytest.raises(InputError, match=message):
        synth.generate_corpus(**arguments)


def test_write_corpus_unknown_format_raises(tmp_path: Path) -> None:
    frame = synth.generate_corpus(50, seed=0)
    with pytest.raises(InputError, match=r"format must be one of jsonl, parquet, got 'csv'"):
        synth.write_corpus(frame, tmp_path, "csv")


def test_write_corpus_without_truth_raises(tmp_path: Path) -> None:
    frame = pd.DataFrame({column: [] for column in (*synth.RECORD_COLUMNS, *synth.LABEL_COLUMNS)})
    with pytest.raises(InputError, match=r"must come from generate_corpus.*got attrs keys \[\]"):
        synth.write_corpus(frame, tmp_path)


def test_write_corpus_missing_columns_raises(tmp_path: Path) -> None:
    frame = synth.generate_corpus(50, seed=0).drop(columns=["text"])
    with pytest.raises(InputError, match=r"needs columns \['text'\]"):
        synth.write_corpus(frame, tmp_path)


# -- output files --------------------------------------------------------------------
def test_write_corpus_writes_records_truth_and_readme(tmp_path: Path) -> None:
    frame = synth.generate_corpus(120, seed=4, spikes=["FRA:DEU:2024-02:3"])
    path = synth.write_corpus(frame, tmp_path, "parquet")
    assert path == tmp_path / "briefings.parquet"
    records = pd.read_parquet(path)
    assert list(records.columns) == list(synth.RECORD_COLUMNS)
    assert records["synthetic"].dtype == bool and records["synthetic"].all()
    truth = json.loads((tmp_path / ".truth" / "truth.json").read_text(encoding="utf-8"))
    assert (truth["n"], truth["seed"], truth["synthetic"]) == (120, 4, True)
    assert truth["spikes"][0]["n_briefings"] == 3
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert "SYNTHETIC CORPUS" in readme
    assert "--plant-spike FRA:DEU:2024-02:3" in readme
    assert ".truth/labels.csv" in readme and ".truth/truth.json" in readme
    labels = pd.read_csv(tmp_path / ".truth" / "labels.csv")
    assert list(labels.columns) == list(synth.LABEL_COLUMNS)
    assert labels["id"].tolist() == records["id"].tolist()


# -- command line --------------------------------------------------------------------
def _run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analytics.synth", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_main_help_lists_options() -> None:
    result = _run_cli("--help")
    assert result.returncode == 0
    for option in ("--n", "--seed", "--out", "--format", "--plant-spike", "--plant-topic"):
        assert option in result.stdout


def test_main_writes_small_corpus(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    result = _run_cli(
        "--n", "300", "--seed", "2", "--out", str(out),
        "--plant-spike", "RUS:UKR:2024-04:6", "--plant-topic", "orbital debris:2025-02",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "wrote 300 synthetic briefings" in result.stdout
    lines = (out / "briefings.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    record = json.loads(lines[0])
    assert list(record) == list(synth.RECORD_COLUMNS)
    assert record["synthetic"] is True
    truth = json.loads((out / synth.TRUTH_FILE).read_text(encoding="utf-8"))
    assert truth["emerging_topics"][0]["first_month"] == "2025-02"
    assert (out / "README.txt").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--n", "0"], "n must be a positive whole number"),
        (["--plant-spike", "USA-CHN"], "ISO3A:ISO3B:YYYY-MM"),
        (["--plant-spike", "USA:XXX:2024-01"], "unknown ISO3 code"),
        (["--format", "csv"], "invalid choice"),
    ],
    ids=["n-zero", "spike-format", "spike-unknown-iso3", "format"],
)
def test_main_invalid_arguments_fail(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = _run_cli("--n", "50", "--out", str(tmp_path / "out"), *arguments)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "out" / "briefings.jsonl").exists()


def test_generate_corpus_does_not_touch_numpy_global_state() -> None:
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    synth.generate_corpus(50, seed=0)
    assert np.random.random() == expected


def test_a_generated_folder_loads_its_briefings_and_only_names_its_read_me(
    tmp_path: Path,
) -> None:
    from analytics.ingest import load_corpus_with_report

    synth.write_corpus(synth.generate_corpus(30, seed=3), tmp_path / "corpus", "jsonl")
    loaded = load_corpus_with_report([tmp_path / "corpus"])
    # The read-me beside the briefings was read as a 31st briefing dated by its file's time.
    assert len(loaded.briefings) == 30
    assert loaded.briefings[S.TITLE].str.startswith("[synthetic] ").all()
    # The gold labels and the truth were named as skipped ("no text column", a malformed
    # table): the generator's own files are no problem of the input. Only the read-me is
    # named, as documentation.
    skipped = loaded.report[loaded.report[S.STATUS] == S.SKIPPED]
    reasons = dict(zip(skipped[S.FILE], skipped[S.REASON], strict=True))
    assert list(reasons) == [synth.README_FILE]
    assert reasons[synth.README_FILE].startswith("a folder's read-me, licence or change log")
    assert set(loaded.report[S.FILE]) == {"briefings.jsonl", synth.README_FILE}

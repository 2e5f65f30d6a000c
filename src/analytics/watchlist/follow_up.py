"""Follow-up: did later briefings report what an expected event announced?

For each expected event, the sentences of other briefings dated inside its window (plus
``watchlist_grace_days`` for news that lags) that name every one of its countries, carry a
cue of the same family, share what the event is about (content words: more for an event of
one country or without a date) and do not themselves look forward, are its evidence.
An event with evidence is ``reported``; one without is ``open`` while its window (plus the
grace) has not ended by the corpus' latest date, else ``not seen``. A heuristic: the
evidence is always kept beside the verdict.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from analytics import schema as S
from analytics import settings
from analytics.errors import InputError
from analytics.relations import ACTOR_KINDS, Lexicon, TextBatch, default_lexicon, sentence_spans
from analytics.watchlist.certainty import CertaintyWords, default_certainty_words
from analytics.watchlist.families import cue_family

_EVENT = "_event"
_SEPARATOR = " || "


def _reports(
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    since: pd.Timestamp,
    lexicon: Lexicon,
    words: CertaintyWords,
) -> pd.DataFrame:
    """Sentences from ``since`` on that report something: one row per country and family.

    Columns: briefing id, date, section, sentence index, sentence, ``iso3``, ``cue_family``.
    Forward-looking sentences ("What's Next?", a certainty word) report nothing.
    """
    dates = briefings[[S.BRIEFING_ID, S.DATE]].drop_duplicates(S.BRIEFING_ID, keep="last")
    recent = dates.loc[dates[S.DATE] >= since, S.BRIEFING_ID]
    usable = mentions[
        mentions[S.KIND].isin(ACTOR_KINDS)
        & mentions[S.ISO3].notna()
        & (mentions[S.SECTION] != S.NEXT)
        & mentions[S.BRIEFING_ID].isin(recent)
    ]
    keys = [S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX]
    countries = usable[[*keys, S.ISO3]].drop_duplicates()
    heads = countries[keys].drop_duplicates().reset_index(drop=True)
    spans = sentence_spans(
        briefings,
        heads[S.BRIEFING_ID].to_numpy(dtype=object),
        heads[S.SECTION].to_numpy(dtype=object),
        heads[S.SENTENCE_INDEX].to_numpy(dtype=np.int64),
    )
    if heads.empty or spans is None:
        return pd.DataFrame(columns=[*keys, S.DATE, S.SENTENCE, S.ISO3, S.CUE_FAMILY])
    joined, _, starts, ends = spans
    texts = [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    batch = TextBatch(texts)
    looks_forward = np.fromiter((sure is not None for sure in words.certainty_batch(batch)), bool)
    families: list[list[str]] = []
    for found in lexicon.find_cues_batch(batch):
        families.append(
            list(
                dict.fromkeys(
                    family
                    for match in found
                    if not match.cue.is_stop and (family := cue_family(match.cue.cameo))
                )
            )
        )
    heads[S.SENTENCE] = texts
    heads[S.CUE_FAMILY] = families
    heads = heads[~looks_forward].explode(S.CUE_FAMILY).dropna(subset=[S.CUE_FAMILY])
    reports = heads.merge(countries, on=keys).merge(dates, on=S.BRIEFING_ID)
    return reports


def follow_up(
    watchlist: pd.DataFrame,
    briefings: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None = None,
    lexicon: Lexicon | None = None,
    certainty_words: CertaintyWords | None = None,
) -> pd.DataFrame:
    """Each expected event with its follow-up status and the evidence behind it.

    Parameters:
        watchlist: expected events (``schema.WATCHLIST_COLUMNS``).
        briefings: the briefing table the events and their reports come from.
        mentions: its country mentions (``schema.MENTION_COLUMNS``).
        as_of: the day the follow-up is made on; default the corpus' latest date.
        lexicon: the cue lexicon (default ``data/cues.csv``).
        certainty_words: the certainty table compiled (default ``data/certainty.csv``).

    Returns:
        ``schema.FOLLOW_UP_COLUMNS``, the watchlist's rows in its order: ``follow_up`` is
        reported / not seen / open, ``evidence_ids`` the reporting briefings
        (``|``-separated, earliest first) and ``evidence`` their sentences, each after its
        date (at most ``watchlist_evidence``, `` || ``-separated).

    Raises:
        InputError: when a table lacks its columns.
    """
    missing = [column for column in S.WATCHLIST_COLUMNS if column not in watchlist.columns]
    if missing:
        raise InputError(
            f"watchlist must have columns {', '.join(S.WATCHLIST_COLUMNS)}; missing {missing!r}"
        )
    table = watchlist.reset_index(drop=True).copy()
    table[S.FOLLOW_UP] = pd.Series(dtype=object)
    table[S.EVIDENCE_IDS] = ""
    table[S.EVIDENCE] = ""
    if table.empty:
        return table[list(S.FOLLOW_UP_COLUMNS)]
    grace = pd.Timedelta(days=int(settings.value("watchlist_grace_days")))
    if as_of is None:
        as_of = briefings[S.DATE].max()
    as_of_day = (
        pd.Timestamp(as_of).tz_localize(None).normalize()
        if pd.Timestamp(as_of).tzinfo
        else pd.Timestamp(as_of).normalize()
    )
    events = table[
        [
            S.BRIEFING_ID,
            S.DATE,
            S.SENTENCE,
            S.COUNTRIES,
            S.CUES,
            S.CUE_FAMILY,
            S.WHEN_KIND,
            S.WINDOW_START,
            S.WINDOW_END,
        ]
    ]
    events = events.assign(**{_EVENT: np.arange(len(table))})
    events = events[events[S.CUE_FAMILY] != ""]
    evidence = pd.DataFrame()
    if not events.empty:
        since = pd.Timestamp(events[S.WINDOW_START].min()).tz_localize("UTC")
        reports = _reports(
            briefings,
            mentions,
            since,
            lexicon or default_lexicon(),
            certainty_words or default_certainty_words(),
        )
        evidence = _matches(events, reports, grace)
    limit = int(settings.value("watchlist_evidence"))
    if not evidence.empty:
        evidence = evidence.sort_values(
            [_EVENT, S.DATE, S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX], kind="stable"
        )
        evidence = evidence.drop_duplicates([_EVENT, S.BRIEFING_ID, S.SECTION, S.SENTENCE_INDEX])
        shown = evidence.groupby(_EVENT, sort=True).head(limit)
        ids = evidence.drop_duplicates([_EVENT, S.BRIEFING_ID]).groupby(_EVENT)[S.BRIEFING_ID]
        days = shown[S.DATE].dt.strftime("%Y-%m-%d")
        lines = (days + ": " + shown[S.SENTENCE]).groupby(shown[_EVENT]).agg(_SEPARATOR.join)
        joined_ids = ids.agg("|".join)
        table.loc[joined_ids.index, S.EVIDENCE_IDS] = joined_ids.to_numpy()
        table.loc[lines.index, S.EVIDENCE] = lines.to_numpy()
    over = (table[S.WINDOW_END] + grace) < as_of_day
    table[S.FOLLOW_UP] = np.where(
        table[S.EVIDENCE_IDS] != "", S.REPORTED, np.where(over, S.NOT_SEEN, S.OPEN)
    )
    return table[list(S.FOLLOW_UP_COLUMNS)]


def _matches(events: pd.DataFrame, reports: pd.DataFrame, grace: pd.Timedelta) -> pd.DataFrame:
    """Report sentences of each event: inside its window, every country, same family."""
    if reports.empty:
        return pd.DataFrame()
    per_country = events.assign(**{S.ISO3: events[S.COUNTRIES].str.split("|")}).explode(S.ISO3)
    needed = per_country.groupby(_EVENT).size()
    candidates = per_country[
        [_EVENT, S.ISO3, S.CUE_FAMILY, S.BRIEFING_ID, S.DATE, S.WINDOW_START, S.WINDOW_END]
    ].merge(
        reports.rename(columns={S.BRIEFING_ID: "report_id", S.DATE: "report_date"}),
        on=[S.ISO3, S.CUE_FAMILY],
    )
    report_day = candidates["report_date"].dt.tz_localize(None).dt.normalize()
    event_day = candidates[S.DATE].dt.tz_localize(None).dt.normalize()
    inside = (
        (candidates["report_id"] != candidates[S.BRIEFING_ID])
        & (report_day >= candidates[S.WINDOW_START])
        & (report_day >= event_day)
        & (report_day <= candidates[S.WINDOW_END] + grace)
    )
    candidates = candidates[inside]
    sentence = ["report_id", S.SECTION, S.SENTENCE_INDEX]
    found = candidates.drop_duplicates([_EVENT, *sentence, S.ISO3])
    counts = found.groupby([_EVENT, *sentence]).size().rename("n").reset_index()
    counts = counts[counts["n"].to_numpy() == needed.reindex(counts[_EVENT]).to_numpy()]
    kept = counts.merge(
        found.drop_duplicates([_EVENT, *sentence])[[_EVENT, *sentence, S.SENTENCE, "report_date"]],
        on=[_EVENT, *sentence],
    )
    kept = kept[_share_what(events, kept, needed)]
    return kept.rename(columns={"report_id": S.BRIEFING_ID, "report_date": S.DATE})


def _share_what(events: pd.DataFrame, kept: pd.DataFrame, needed: pd.Series) -> np.ndarray:
    """Whether each report sentence says what its event is about, on content words in
    common (compared on their stems: "hosted", "host").

    A dated event of several countries needs one ("summit", "six-party"); one of a
    single country two besides its cue words (one country and a kind of event match far
    too much). An undated event's window is only the default horizon, so it needs two
    more: three (four for a single country) besides its cue words.
    """
    if kept.empty:
        return np.zeros(0, dtype=bool)
    stop = _stop_words()
    by_event = events.set_index(_EVENT)
    alone = needed.reindex(kept[_EVENT]).to_numpy() == 1
    undated = (by_event[S.WHEN_KIND] == S.UNDATED).reindex(kept[_EVENT]).to_numpy(dtype=bool)
    event_words: dict[int, set[str]] = {}
    for event, beyond_cue in zip(kept[_EVENT].tolist(), (alone | undated).tolist(), strict=True):
        if event not in event_words:
            words = _stems(str(by_event[S.SENTENCE].get(event, "")), stop)
            if beyond_cue:
                words -= _stems(str(by_event[S.CUES].get(event, "")), stop)
            event_words[event] = words
    shared = np.fromiter(
        (
            len(event_words[event] & _stems(text, stop))
            for event, text in zip(kept[_EVENT].tolist(), kept[S.SENTENCE].tolist(), strict=True)
        ),
        dtype=np.int64,
        count=len(kept),
    )
    return shared >= np.where(alone, 2, 1) + np.where(undated, 2, 0)


def _stems(text: str, stop: frozenset[str]) -> set[str]:
    """The content words of ``text`` (stop words out), each cut to a rough stem."""
    return {
        _SUFFIX.sub("", word) for word in _CONTENT_WORD.findall(text.lower()) if word not in stop
    }


# Words of four letters or more; stop words are those of the topic model (English, news
# boilerplate, country and leader names) and the state and place words of the role table
# ("president", "government", "capital"), so what is left says what happens.
_CONTENT_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_SUFFIX = re.compile(r"(?<=...)(?:ing|ed|es|s)$")


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from analytics.relations import load_roles
    from analytics.topics import topic_stop_words

    roles = load_roles()
    titles = roles.loc[roles["kind"].isin(("state", "place")), "word"]
    words = {word for phrase in titles for word in _CONTENT_WORD.findall(phrase.lower())}
    return frozenset(topic_stop_words()) | frozenset(words)

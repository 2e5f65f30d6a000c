"""Text of synthetic briefings: templates filled from the plan, counted before they are built.

Word counts come from the templates and vocabulary as arrays, so each briefing gets just
enough sentences per section to reach its target length and only those are formatted.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from analytics.synth.layout import HEADING_WORDS, HEADINGS, TITLE_PREFIX
from analytics.synth.plan import CorpusPlan
from analytics.synth.vocabulary import TEMPLATE_SECTIONS, Vocabulary

_SECTION_SHARES = (0.4, 0.7, 1.0)  # cumulative share of the target reached per section


def _word_counts(strings: Iterable[str]) -> np.ndarray:
    return np.array([len(text.split()) for text in strings], dtype=np.int64)


@dataclass(frozen=True)
class _Templates:
    """One section's templates with what is needed to count words without formatting."""

    texts: tuple[str, ...]
    base_words: np.ndarray  # words with every field taken as one word (``tail`` as none)
    fields: dict[str, np.ndarray]  # field name -> occurrences per template
    capitalise: np.ndarray  # the template starts with a field

    @classmethod
    def of(cls, texts: tuple[str, ...]) -> _Templates:
        formatter = string.Formatter()
        base_words = np.zeros(len(texts), dtype=np.int64)
        fields: dict[str, np.ndarray] = {}
        for number, text in enumerate(texts):
            parts: list[str] = []
            for literal, field, _, _ in formatter.parse(text):
                parts.append(literal)
                if field is not None:
                    fields.setdefault(field, np.zeros(len(texts), dtype=np.int64))[number] += 1
                    # A tail carries its own leading space; every other field stands
                    # where a word would.
                    parts.append("" if field == "tail" else "X")
            base_words[number] = len("".join(parts).split())
        capitalise = np.array([text.startswith("{") for text in texts])
        return cls(texts, base_words, fields, capitalise)

    def words(self, chosen: np.ndarray, fills: dict[str, np.ndarray]) -> np.ndarray:
        """Word counts of the chosen templates once ``fills`` (word counts per field) are in."""
        total = self.base_words[chosen].copy()
        for field, fill_words in fills.items():
            if field in self.fields:
                extra = fill_words if field == "tail" else fill_words - 1
                total += self.fields[field][chosen] * extra
        return total


def _sentences_needed(
    words: np.ndarray, already: np.ndarray, goal: np.ndarray, minimum: int
) -> tuple[np.ndarray, np.ndarray]:
    """How many leading sentences reach ``goal`` words; returns the count and new total."""
    running = already[:, None] + np.cumsum(words, axis=1)
    needed = np.maximum(minimum, (running < goal[:, None]).sum(axis=1) + 1)
    needed = np.minimum(needed, words.shape[1])
    return needed, running[np.arange(len(words)), needed - 1]


def _format_all(
    templates: _Templates, chosen: np.ndarray, fields: dict[str, list[str]]
) -> list[str]:
    """Format ``templates.texts[chosen[i]]`` with ``fields[name][i]`` for every i."""
    names = [name for name in fields if name in templates.fields]
    position = {name: number for number, name in enumerate(names)}
    # Positional fields format several times faster than keyword ones.
    formatter = string.Formatter()
    positional = [
        "".join(
            literal.replace("{", "{{").replace("}", "}}")
            + ("" if field is None else f"{{{position[field]}}}")
            for literal, field, _, _ in formatter.parse(text)
        )
        for text in templates.texts
    ]
    columns = [fields[name] for name in names]
    formatted = [
        positional[index].format(*values)
        for index, *values in zip(chosen.tolist(), *columns, strict=True)
    ]
    return [
        sentence[:1].upper() + sentence[1:] if capital else sentence
        for sentence, capital in zip(formatted, templates.capitalise[chosen].tolist(), strict=True)
    ]


def assemble(vocab: Vocabulary, corpus: CorpusPlan) -> tuple[list[str], list[str], np.ndarray]:
    """Build titles and texts from the drawn plan; returns word counts (headings included).

    Word counts are worked out from the templates and vocabulary as arrays, so only
    the sentences a briefing uses are ever formatted.
    """
    themes, countries, n_countries = corpus.themes, corpus.countries, corpus.n_countries
    plan = corpus.text
    n_rows = len(themes)
    rows = np.arange(n_rows)
    names = np.array(vocab.countries["name"].tolist(), dtype=object)
    demonyms = np.array(vocab.countries["demonym"].tolist(), dtype=object)
    capitals = np.array(vocab.countries["capital"].tolist(), dtype=object)
    name_words = _word_counts(names)
    demonym_words = _word_counts(demonyms)
    capital_words = _word_counts(capitals)
    # All themes' terms in one array; a theme's term k is at offsets[theme] + k.
    all_terms = np.array([term for terms in vocab.themes["terms"] for term in terms], dtype=object)
    term_words = _word_counts(all_terms)
    offsets = np.concatenate([[0], np.cumsum(vocab.themes["terms"].map(len).to_numpy())])[:-1]
    sections = {name: _Templates.of(vocab.templates[name]) for name in TEMPLATE_SECTIONS}

    def topic_parts(section: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Template choice and field values (country and term ids) for every slot."""
        drawn = plan.sections[section]
        chosen = drawn.order
        x_country = countries[rows[:, None], drawn.x]
        y_country = countries[rows[:, None], drawn.y]
        terms = offsets[themes][:, None, None] + drawn.terms
        ids = {"X": x_country, "Xd": x_country, "Xc": x_country, "Y": y_country}
        ids.update({f"t{k + 1}": terms[..., k] for k in range(3)})
        return chosen, ids

    lookups = {"X": names, "Xd": demonyms, "Xc": capitals, "Y": names}
    lookups.update({f"t{k + 1}": all_terms for k in range(3)})
    word_lookups = {"X": name_words, "Xd": demonym_words, "Xc": capital_words, "Y": name_words}
    word_lookups.update({f"t{k + 1}": term_words for k in range(3)})

    def topic_words(section: str) -> np.ndarray:
        chosen, ids = topic_parts(section)
        fills = {field: word_lookups[field][value] for field, value in ids.items()}
        return sections[section].words(chosen, fills)

    def topic_sentences(section: str, needed: np.ndarray) -> tuple[list[str], list[int]]:
        """The first ``needed`` sentences of every row, flat, with row offsets."""
        chosen, ids = topic_parts(section)
        take_rows, take_slots = np.nonzero(np.arange(chosen.shape[1])[None, :] < needed[:, None])
        fields = {
            field: lookups[field][value[take_rows, take_slots]].tolist()
            for field, value in ids.items()
        }
        flat = _format_all(sections[section], chosen[take_rows, take_slots], fields)
        return flat, np.concatenate([[0], np.cumsum(needed)]).tolist()

    # Relation sentences: slot 0 leads What's Happening?, slot 1 may follow it, slot 2
    # is the hedged outlook in What's Next?.
    cue_past = np.array(vocab.cues["past"].tolist(), dtype=object)
    cue_base = np.array(vocab.cues["base"].tolist(), dtype=object)
    cue_tail = np.array(vocab.cues["tail"].tolist(), dtype=object)
    hedges = np.array(list(vocab.hedges), dtype=object)
    relation_texts: list[list[str]] = []
    relation_words: list[np.ndarray] = []
    for slot in range(3):
        subject = countries[rows, plan.subject[:, slot]]
        target = countries[rows, plan.object[:, slot]]
        subject_capital = plan.subject_capital[:, slot]
        object_capital = plan.object_capital[:, slot]
        cue = plan.cue[:, slot]
        outlook = slot == 2
        frames = sections["outlook" if outlook else "relation"]
        chosen = plan.outlook_frame if outlook else plan.relation_frame[:, slot]
        values = {
            "S": np.where(subject_capital, capitals[subject], names[subject]),
            "O": np.where(object_capital, capitals[target], names[target]),
            "V": (cue_base if outlook else cue_past)[cue],
            "tail": cue_tail[cue],
        }
        fills = {
            "S": np.where(subject_capital, capital_words[subject], name_words[subject]),
            "O": np.where(object_capital, capital_words[target], name_words[target]),
            "V": _word_counts(cue_base if outlook else cue_past)[cue],
            "tail": _word_counts(cue_tail)[cue],
        }
        if outlook:
            values["H"] = hedges[plan.hedge]
            fills["H"] = _word_counts(hedges)[plan.hedge]
        relation_words.append(frames.words(chosen, fills))
        relation_texts.append(
            _format_all(frames, chosen, {key: value.tolist() for key, value in values.items()})
        )

    # The countries beyond the related pair are named together in one sentence.
    name_list = names.tolist()
    listed = [
        _listed([name_list[country] for country in row[: count - 2]]) if count > 2 else ""
        for row, count in zip(countries[:, 2:].tolist(), n_countries.tolist(), strict=True)
    ]
    has_context = n_countries > 2
    context_words = sections["context"].words(
        plan.context, {"L": np.array([len(text.split()) for text in listed])}
    )
    context_texts = _format_all(sections["context"], plan.context, {"L": listed})

    target = plan.target
    present = plan.present[:, 1]
    fixed = relation_words[0] + present * relation_words[1] + has_context * context_words
    happening_needed, words = _sentences_needed(
        topic_words("happening"), fixed, _SECTION_SHARES[0] * target, 1
    )
    importance_needed, words = _sentences_needed(
        topic_words("importance"), words, _SECTION_SHARES[1] * target, 2
    )
    next_needed, words = _sentences_needed(
        topic_words("next"), words + relation_words[2], _SECTION_SHARES[2] * target, 1
    )
    happening, happening_at = topic_sentences("happening", happening_needed)
    importance, importance_at = topic_sentences("importance", importance_needed)
    upcoming, upcoming_at = topic_sentences("next", next_needed)
    titles = [
        TITLE_PREFIX + title for title in topic_sentences("title", np.ones(n_rows, np.int64))[0]
    ]

    texts: list[str] = []
    lead, second, outlook_texts = relation_texts
    for row, (has_second, has_others, outlook_first) in enumerate(
        zip(
            present.tolist(),
            has_context.tolist(),
            plan.outlook_first.tolist(),
            strict=True,
        )
    ):
        filler = happening[happening_at[row] : happening_at[row + 1]]
        opening = [lead[row], filler[0]]
        if has_second:
            opening.append(second[row])
        opening.extend(filler[1:])
        if has_others:
            opening.append(context_texts[row])
        closing = upcoming[upcoming_at[row] : upcoming_at[row + 1]]
        closing.insert(0 if outlook_first else 1, outlook_texts[row])
        texts.append(
            "\n".join(
                (
                    HEADINGS[0],
                    " ".join(opening),
                    HEADINGS[1],
                    " ".join(importance[importance_at[row] : importance_at[row + 1]]),
                    HEADINGS[2],
                    " ".join(closing),
                )
            )
        )
    return titles, texts, words + HEADING_WORDS


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

"""The cue lexicon: validation, inflection, matching and modifiers."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.relations import (
    CUE_CLASSES,
    CUE_COLUMNS,
    CueMatch,
    Lexicon,
    PhraseIndex,
    TextBatch,
    load_cues,
    load_modifiers,
    phrase_inflections,
    validate_cues,
    validate_modifiers,
    word_inflections,
    word_positions,
)


def cue_table(*rows: tuple) -> pd.DataFrame:
    """Cue rows as (phrase, pos, direction, weight, class[, inflect[, forms]])."""
    records = []
    for row in rows:
        phrase, pos, direction, weight, cue_class, *rest = row
        inflect = rest[0] if rest else "yes"
        forms = rest[1] if len(rest) > 1 else ""
        records.append(
            {
                "phrase": phrase,
                "pos": pos,
                "direction": direction,
                "weight": str(weight),
                "class": cue_class,
                "cameo": "",
                "cameo_label": "",
                "inflect": inflect,
                "forms": forms,
            }
        )
    return pd.DataFrame(records)


MODIFIERS = pd.DataFrame(
    {
        "phrase": ["not", "refused to", "lifted", "could", "may"],
        "kind": ["negation", "negation", "reversal", "hedge", "hedge"],
    }
)


@pytest.fixture(scope="module")
def small_lexicon() -> Lexicon:
    cues = cue_table(
        ("condemn", "verb", "directed", -2, "verbal_conflict"),
        ("tension", "noun", "mutual", -3, "verbal_conflict"),
        ("dispute", "noun", "mutual", -3, "verbal_conflict"),
        ("trade dispute", "noun", "mutual", -4, "verbal_conflict"),
        ("sign * agreement", "verb", "mutual", 8, "verbal_cooperation"),
        ("action against", "noun", "directed", -4, "material_conflict"),
        ("world war", "noun", "mutual", 0, "stop"),
        ("war", "noun", "mutual", -10, "material_conflict"),
        ("fight", "verb", "mutual", -10, "material_conflict", "yes", "fought"),
        ("strike", "verb", "directed", -9, "material_conflict", "no", "strikes|struck"),
    )
    return Lexicon(cues, MODIFIERS)


# -- validation ----------------------------------------------------------------


def test_load_cues_bundled_table_is_valid() -> None:
    cues = load_cues()
    assert list(cues.columns) == list(CUE_COLUMNS)
    assert len(cues) >= 200
    assert set(cues["class"]) == {*CUE_CLASSES, "stop", "joint"}
    assert cues["weight"].between(-10, 10).all()


def test_load_modifiers_bundled_table_has_every_kind() -> None:
    modifiers = load_modifiers()
    assert set(modifiers["kind"]) == {"negation", "reversal", "hedge"}


@pytest.mark.parametrize(
    ("row", "match"),
    [
        (("attack", "verb", "directed", -11, "material_conflict"), r"between -10 and 10; got -11"),
        (
            ("aid", "noun", "directed", 10.5, "material_cooperation"),
            r"between -10 and 10; got 10.5",
        ),
        (("attack", "verb", "directed", "heavy", "material_conflict"), r"a number; got 'heavy'"),
        (("attack", "verb", "directed", -9, "armed_conflict"), r"class .* got 'armed_conflict'"),
        (("aid", "noun", "directed", -7, "material_cooperation"), r"> 0 for class .*got -7"),
        (("attack", "verb", "directed", 9, "material_conflict"), r"< 0 for class .*got 9"),
        (("world war", "noun", "mutual", -1, "stop"), r"0 for class stop; got -1"),
        (("announce", "verb", "mutual", 2, "joint"), r"0 for class joint; got 2"),
        (("attack", "adverb", "directed", -9, "material_conflict"), r"pos .* got 'adverb'"),
        (("attack", "verb", "sideways", -9, "material_conflict"), r"direction .* got 'sideways'"),
        (("* attack", "verb", "directed", -9, "material_conflict"), r"one '\*'.*got '\* attack'"),
        (("", "verb", "directed", -9, "material_conflict"), r"must be words .*got ''"),
    ],
    ids=[
        "weight-below-range",
        "weight-above-range",
        "weight-not-number",
        "unknown-class",
        "cooperation-negative",
        "conflict-positive",
        "stop-nonzero",
        "joint-nonzero",
        "unknown-pos",
        "unknown-direction",
        "leading-gap",
        "empty-phrase",
    ],
)
def test_validate_cues_rejects_bad_row(row: tuple, match: str) -> None:
    with pytest.raises(InputError, match=match):
        validate_cues(cue_table(row))


def test_validate_cues_rejects_missing_column() -> None:
    table = cue_table(("attack", "verb", "directed", -9, "material_conflict")).drop(
        columns=["weight"]
    )
    with pytest.raises(InputError, match=r"needs columns .*weight"):
        validate_cues(table)


def test_validate_cues_rejects_duplicate_phrase_and_pos() -> None:
    table = cue_table(
        ("attack", "verb", "directed", -9, "material_conflict"),
        ("Attack", "verb", "directed", -8, "material_conflict"),
    )
    with pytest.raises(InputError, match=r"once; got 'attack/verb' twice"):
        validate_cues(table)


def test_validate_cues_fills_optional_columns() -> None:
    table = cue_table(("attack", "verb", "directed", -9, "material_conflict"))
    table = table[["phrase", "pos", "direction", "weight", "class"]]
    clean = validate_cues(table)
    assert list(clean.columns) == list(CUE_COLUMNS)
    assert clean.loc[0, "inflect"] == "yes"
    assert clean.loc[0, "weight"] == -9.0


@pytest.mark.parametrize(
    ("table", "match"),
    [
        (pd.DataFrame({"phrase": ["not"], "kind": ["denial"]}), r"kind .* got 'denial'"),
        (pd.DataFrame({"phrase": [""], "kind": ["hedge"]}), r"must not be empty; got ''"),
        (pd.DataFrame({"phrase": ["not"]}), r"needs columns phrase, kind"),
    ],
    ids=["unknown-kind", "empty-phrase", "missing-column"],
)
def test_validate_modifiers_rejects_bad_table(table: pd.DataFrame, match: str) -> None:
    with pytest.raises(InputError, match=match):
        validate_modifiers(table)


def test_load_cues_missing_file_raises(tmp_path) -> None:
    with pytest.raises(InputError, match=r"existing CSV file; got .*nowhere.csv"):
        load_cues(tmp_path / "nowhere.csv")


# -- inflection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "pos", "expected"),
    [
        ("condemn", "verb", {"condemn", "condemns", "condemned", "condemning"}),
        ("invade", "verb", {"invade", "invades", "invaded", "invading"}),
        ("ally", "verb", {"ally", "allies", "allied", "allying"}),
        ("ban", "verb", {"ban", "bans", "banned", "banning"}),
        ("tension", "noun", {"tension", "tensions"}),
        ("embargo", "noun", {"embargo", "embargoes"}),
        ("memo", "noun", {"memo", "memos"}),
        ("sanction", "noun", {"sanction", "sanctions"}),
        ("sanction", "verb", {"sanctioned", "sanctioning"}),
        ("tense", "adj", {"tense"}),
    ],
    ids=[
        "regular-verb",
        "e-verb",
        "y-verb",
        "doubling-verb",
        "noun",
        "noun-plural-oes",
        "noun-plural-os",
        "noun-plural",
        "verb-past",
        "adjective",
    ],
)
def test_word_inflections_cover_regular_forms(word: str, pos: str, expected: set[str]) -> None:
    assert expected <= set(word_inflections(word, pos))


# Hand-written English forms. ``absent`` lists the misspellings a naive rule makes.
VERB_FORMS = [
    ("agree", ["agree", "agrees", "agreed", "agreeing"], ["agreing"]),
    ("see", ["see", "sees", "seeing"], ["seing"]),
    ("free", ["free", "frees", "freed", "freeing"], ["freing"]),
    ("dye", ["dye", "dyes", "dyed", "dyeing"], ["dying"]),
    ("eye", ["eye", "eyes", "eyed", "eyeing"], ["eying"]),
    ("hoe", ["hoe", "hoes", "hoed", "hoeing"], ["hoing"]),
    ("canoe", ["canoe", "canoes", "canoed", "canoeing"], ["canoing"]),
    ("invade", ["invade", "invades", "invaded", "invading"], ["invadeing"]),
    ("cease", ["cease", "ceases", "ceased", "ceasing"], ["ceaseing"]),
    ("pledge", ["pledge", "pledges", "pledged", "pledging"], ["pledgeing"]),
    ("be", ["be", "being"], ["bing"]),
    ("die", ["die", "dies", "died", "dying"], ["diing", "dieing"]),
    ("tie", ["tie", "ties", "tied", "tying"], ["tiing", "tieing"]),
    ("ally", ["ally", "allies", "allied", "allying"], ["allyed"]),
    ("deny", ["deny", "denies", "denied", "denying"], ["denyed"]),
    ("obey", ["obey", "obeys", "obeyed", "obeying"], ["obeies", "obeied"]),
    ("ban", ["ban", "bans", "banned", "banning"], []),
    ("commit", ["commit", "commits", "committed", "committing"], []),
    ("visit", ["visit", "visits", "visited", "visiting"], []),
    ("condemn", ["condemn", "condemns", "condemned", "condemning"], ["condemnned"]),
    ("push", ["push", "pushes", "pushed", "pushing"], ["pushs"]),
    ("fix", ["fix", "fixes", "fixed", "fixing"], ["fixxed", "fixxing"]),
    ("veto", ["veto", "vetoes", "vetoed", "vetoing"], []),
    # A final l after a vowel: both the American and the British spelling.
    ("fuel", ["fuel", "fuels", "fueled", "fueling", "fuelled", "fuelling"], []),
    ("signal", ["signal", "signals", "signaled", "signalled", "signalling"], []),
    ("kill", ["kill", "kills", "killed", "killing"], ["killled"]),
]


@pytest.mark.parametrize(
    ("word", "expected", "absent"), VERB_FORMS, ids=[word for word, _, _ in VERB_FORMS]
)
def test_word_inflections_follow_english_spelling(
    word: str, expected: list[str], absent: list[str]
) -> None:
    forms = word_inflections(word, "verb")
    assert forms[0] == word
    assert set(expected) <= set(forms)
    assert not set(absent) & set(forms)


def test_bundled_lexicon_matches_agreeing_to_meet() -> None:
    from analytics.relations import score_sentence

    text = "Japan and China are agreeing to meet next week."
    # Without the -ee rule only "meet" (weight 1) was found.
    rows = score_sentence(text, [(0, 5, "JPN"), (10, 15, "CHN")], Lexicon())
    assert rows == [("CHN", "JPN", 4.0, "verbal_cooperation", "agreeing to meet", False)]


def test_bundled_lexicon_matches_plural_embargoes() -> None:
    found = [(m.surface, m.cue.phrase) for m in Lexicon().find_cues("oil embargoes on Iran")]
    assert found == [("embargoes", "embargo")]


@pytest.fixture(scope="module")
def bundled() -> Lexicon:
    return Lexicon()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # families of relation phrases, in their inflections (#14 item 4)
        ("the two armies exchanged heavy fire", [("exchanged heavy fire", -8.0)]),
        ("border guards opened fire on a patrol", [("opened fire", -9.0)]),
        (
            "the ministers agreed to restore diplomatic ties",
            [("restore diplomatic ties", 4.5)],
        ),
        ("the republic recognised the new state", [("recognised", 4.5)]),
        ("seven states agreed to form a rapid reaction force", [("agreed to form", 4.0)]),
        ("the siege of the port city", [("siege", -7.0)]),
        ("troops besieged the town", [("besieged", -7.0)]),
        ("the two sides completed a swap of prisoners", [("swap of prisoners", 5.0)]),
        ("the envoy arrives in the capital", [("arrives in", 1.9)]),
        ("the minister contacted his counterpart", [("contacted", 1.0)]),
        ("flights were coordinated with the neighbours", [("coordinated with", 3.5)]),
        ("the government offered emergency funds", [("offered", 4.0)]),
        ("a claim disputed by its neighbours", [("disputed", -2.0)]),
        ("the government considers suing its neighbour", [("suing", -2.0)]),
        ("the republic closes its airspace to their flights", [("closes its airspace to", -4.0)]),
        ("normalisation of bilateral relations", [("normalisation of bilateral relations", 4.5)]),
        ("the government severed all ties", [("severed all ties", -4.0)]),
        ("it broke off diplomatic relations", [("broke off diplomatic relations", -4.0)]),
        ("the capital withdrew its envoy", [("withdrew its envoy", -4.0)]),
        ("the ministry summoned the ambassador", [("summoned", -3.0)]),
        ("the authorities reopened the border crossing", [("reopened the border crossing", 4.0)]),
        ("the cabinet closes its borders", [("closes its borders", -4.0)]),
        ("the decision to ban beef imports", [("ban beef imports", -4.0)]),
        ("the utility halts gas deliveries", [("halts gas deliveries", -4.0)]),
        ("new arms deliveries arrived", [("arms deliveries", 7.4)]),
        ("the court ordered his extradition", [("extradition", 5.0)]),
        ("parliament voted to ratify", [("ratify", 6.0)]),
        ("a vote in defiance of the warning", [("in defiance of", -4.0), ("warning", -3.0)]),
        ("the threat of the use of force", [("threat", -6.0), ("use of force", -8.0)]),
        ("repeated ceasefire violations", [("ceasefire violations", -5.0)]),
        ("the diplomats voiced deep concern", [("voiced deep concern", -2.0)]),
        ("both sides wanted to stabilise relations", [("stabilise relations", 4.0)]),
        ("an effort to mend ties", [("mend ties", 4.0)]),
        ("the bid remains blocked by two members", [("blocked", -4.0)]),
        ("the permanent member vetoed the draft", [("vetoed", -4.0)]),
        ("the president hosted the leaders", [("hosted", 2.8)]),
        ("he continued his trip to the region", [("trip to", 1.9)]),
        ("joining the military campaign", [("military campaign", -10.0)]),
        ("the ministry urged its neighbour to halt the tests", [("urged", -5.0)]),
        ("the air force intercepted two missiles", [("intercepted", -9.0)]),
        ("more military funding for the army", [("funding", 7.0)]),
        # fighting beside someone is fighting with them, not against them (CAMEO 062)
        ("troops fought alongside the army", [("fought alongside", 6.0)]),
        ("units are fighting side by side with the navy", [("fighting side by side with", 6.0)]),
        ("soldiers serve alongside the guards", [("serve alongside", 6.0)]),
        # suspending flights to a country reduces relations with it (CAMEO 16)
        ("the government suspends flights to the capital", [("suspends flights", -4.0)]),
        ("the ministry halted all flights", [("halted all flights", -4.0)]),
        ("the state bans direct flights", [("bans direct flights", -4.0)]),
        # sinking a ship is military force (CAMEO 190), in the past, passive and headline tense
        ("the frigate was sunk by a submarine", [("sunk", -10.0)]),
        ("the navy sinks a patrol boat", [("sinks", -10.0)]),
        ("after the sinking of the corvette", [("sinking of", -10.0)]),
        # trading accusations is done by each side to the other (CAMEO 112)
        ("the neighbours traded accusations", [("traded accusations", -2.0)]),
        ("both sides exchange insults", [("exchange insults", -2.0)]),
    ],
)
def test_bundled_lexicon_matches_relation_phrases(
    bundled: Lexicon, text: str, expected: list[tuple[str, float]]
) -> None:
    found = [(m.surface, m.cue.weight) for m in bundled.find_cues(text) if _is_act(m)]
    assert found == expected


def _is_act(match: CueMatch) -> bool:
    """A cue that relates countries: not a stop phrase, not a joint act of one list."""
    return match.cue.names_an_event


@pytest.mark.parametrize(
    "text",
    [
        "a village close to the border",  # "close" as an adjective is no closure
        "leaders called for an immediate ceasefire",  # a call is not a ceasefire agreed
        "the two states said they had new quotas",  # "states" is no verb; "said" a joint act
        "a proposal for a lasting truce",
        "combat troops left the country",  # a kind of soldier, not fighting
        # a crime, a court or a remembrance named after a war is no fighting
        "involvement in war crimes committed there",
        "the war crimes tribunal opened",
        "the shrine honours war dead and convicted war criminals",
        "war veterans laid wreaths at the war memorial",
        # a strike by workers, students or women is no attack
        "women in both countries go on sex strike",
        "a nationwide strike closes the ports",
        "the teachers' strike enters its second week",
        # a price, a hope or a feeling that sinks is no attack
        "shares sink on the news",
        "hopes of a quick recovery sink",
        "a sinking feeling",
        # troops leaving a country make it a place (the development set's convention)
        "the government will withdraw its troops",
        "after the withdrawal of troops",
        # a capitalised cue between capitalised words is inside a name
        "the loan pays half a point over the London Interbank Offered Rate",
        "the ministers of the Shanghai Cooperation Organisation Secretariat arrived",
        # a cue written into a hyphenated compound describes, it does not act
        "five states were elected as non-veto-holding members",
        "anti-war rallies spread",
        "post-war reconstruction began",
        "the war-torn region was quiet",
        # a named war is history, not an act of the sentence
        "trains run for the first time since the Korean War",
        "families separated in the 2006 Lebanon War were reunited",
    ],
)
def test_bundled_lexicon_scores_no_act_in_non_acts(bundled: Lexicon, text: str) -> None:
    assert [m.surface for m in bundled.find_cues(text) if _is_act(m)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # at a name's edge, or after a sentence's first word, a capitalised cue is an act
        ("the Camp David Accords were signed", ["Accords"]),
        ("Talks Resume between the two states", ["Talks"]),
        # a headline in title case capitalises every word and keeps its cues
        ("Japan Imposes Sanctions On Russia", ["Imposes Sanctions"]),
        # a hyphen inside the cue's own words, or another prefix, keeps it
        ("the two sides agreed a cease-fire", ["cease-fire"]),
        ("they signed a non-aggression pact", ["signed a non-aggression pact"]),
        # a war named in lower case is still a war; a capitalised act after a demonym is an act
        ("since the Korean war began", ["war"]),
        ("Israeli Airstrikes hit the town", ["Airstrikes"]),
    ],
)
def test_bundled_lexicon_capitalised_cues_outside_names(
    bundled: Lexicon, text: str, expected: list[str]
) -> None:
    assert [m.surface for m in bundled.find_cues(text) if _is_act(m)] == expected
    batch = TextBatch([text, "the loan pays over the London Interbank Offered Rate"])
    assert [[m.surface for m in found] for found in bundled.find_cues_batch(batch)] == [
        [m.surface for m in bundled.find_cues(text)],
        [],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leaders called for an immediate ceasefire", ["called for an immediate ceasefire"]),
        ("the ministers announced new quotas and said more would follow", ["announced", "said"]),
        ("the navies conducted drills and joined the patrol", ["navies", "conducted", "joined"]),
        ("a statement was jointly issued", ["jointly"]),
    ],
)
def test_bundled_lexicon_finds_joint_acts(bundled: Lexicon, text: str, expected: list[str]) -> None:
    assert [m.surface for m in bundled.find_cues(text) if m.cue.is_joint] == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("he suspends the pact", "reversal", ["suspends"]),
        ("it withdraws from the treaty", "reversal", ["withdraws from"]),
        ("she breaks the truce", "reversal", ["breaks"]),
        ("they tore up the accord", "reversal", ["tore up"]),
        # Calling off or putting off a planned act undoes it, as cancelling does.
        ("she calls off the visit", "reversal", ["calls off"]),
        ("talks were postponed", "reversal", ["postponed"]),
        ("the postponement of the summit", "reversal", ["postponement of"]),
        ("the army denies the attack", "negation", ["denies"]),
        ("she encourages both sides to talk", "hedge", ["encourages"]),
    ],
)
def test_bundled_modifiers_cover_third_person_and_phrasal_forms(
    bundled: Lexicon, text: str, kind: str, expected: list[str]
) -> None:
    assert [text[a:b] for a, b in bundled.find_modifiers(text, kind)] == expected


@pytest.mark.parametrize(
    ("phrase", "pos", "expected"),
    [
        ("sign an agreement", "verb", "signed an agreement"),
        ("trade dispute", "noun", "trade disputes"),
        ("action against", "noun", "actions against"),
    ],
    ids=["verb-first-word", "noun-last-word", "noun-before-preposition"],
)
def test_phrase_inflections_inflect_the_head(phrase: str, pos: str, expected: str) -> None:
    assert expected in phrase_inflections(phrase, pos)


# -- matching ------------------------------------------------------------------


# Texts where a batched search could go wrong: phrases at a text's edges (where the
# next text begins), inside longer words, in capitals, with curly apostrophes, with
# letters that change length when lower-cased or lie beyond the basic plane, and a
# month that is no hedge.
BATCH_TEXTS = [
    "Japan condemned China",
    "condemned",
    "",
    "uncondemned trade disputes; a trade dispute and a dispute",
    "signed a new trade agreement, then signed the agreement",
    "since World War Two the war went on; they fought and it struck",
    "CONDEMNS ATTACK",
    "\u0130stanbul condemned the strike",
    "\u03a3 condemned",
    "Japan didn\u2019t condemn it and won't sign; it refused to sign",
    "talks in May ended; May 5 talks; talks may follow; the U.S. Could act",
    "Japan lifted curbs and did not lift the tension",
    "sign",
    "agreement",
    "\U0001d400condemned and \U0001d11econdemned",
]


def test_find_cues_batch_matches_find_cues_text_by_text(small_lexicon: Lexicon) -> None:
    batch = TextBatch(BATCH_TEXTS)
    expected = [small_lexicon.find_cues(text) for text in BATCH_TEXTS]
    found = small_lexicon.find_cues_batch(batch)
    assert found == expected
    # Hand-checked: the first text and the one with a dotted capital I.
    assert [(m.start, m.end) for m in found[0]] == [(6, 15)]
    assert [m.surface for m in found[7]] == ["condemned", "strike"]
    # A letter beyond the basic plane is part of the word; a musical symbol is not.
    assert [(m.start, m.end) for m in found[-1]] == [(16, 25)]


@pytest.mark.parametrize("kind", ["negation", "reversal", "hedge"])
def test_find_modifiers_batch_matches_find_modifiers(small_lexicon: Lexicon, kind: str) -> None:
    batch = TextBatch(BATCH_TEXTS)
    expected = [small_lexicon.find_modifiers(text, kind) for text in BATCH_TEXTS]
    assert small_lexicon.find_modifiers_batch(batch, kind) == expected


def test_batched_search_with_bundled_lexicon_matches_text_by_text() -> None:
    bundled = Lexicon()
    batch = TextBatch(BATCH_TEXTS)
    assert bundled.find_cues_batch(batch) == [bundled.find_cues(text) for text in BATCH_TEXTS]
    for kind in ("negation", "reversal", "hedge"):
        expected = [bundled.find_modifiers(text, kind) for text in BATCH_TEXTS]
        assert bundled.find_modifiers_batch(batch, kind) == expected
    # "didn\u2019t" and "won't": the contraction is found inside the word.
    negations = bundled.find_modifiers_batch(batch, "negation")[9]
    assert (9, 12) in negations and (30, 33) in negations


def test_find_modifiers_batch_skips_the_month(small_lexicon: Lexicon) -> None:
    [found] = small_lexicon.find_modifiers_batch(TextBatch(["in May they may talk"]), "hedge")
    assert found == [(12, 15)]


def test_find_modifiers_batch_rejects_unknown_kind(small_lexicon: Lexicon) -> None:
    with pytest.raises(InputError, match=r"kind must be one of .* got 'maybe'"):
        small_lexicon.find_modifiers_batch(TextBatch(["text"]), "maybe")


def test_text_batch_sets_aside_texts_that_grow_when_lower_cased() -> None:
    batch = TextBatch(["plain", "\u0130zmir", "\u03a3 sigma", "again"])
    assert batch.odd == [1, 2]
    assert batch.offsets.tolist() == [0, 6, 12, 20]
    assert len(batch.lowered) == len(batch.joined)


def test_find_cues_batch_of_no_texts(small_lexicon: Lexicon) -> None:
    assert small_lexicon.find_cues_batch(TextBatch([])) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They condemned it", [("condemned", "condemn")]),
        ("while condemning it", [("condemning", "condemn")]),
        ("rising tensions", [("tensions", "tension")]),
        ("a trade dispute", [("trade dispute", "trade dispute")]),
        ("a dispute", [("dispute", "dispute")]),
        ("signed a new trade agreement", [("signed a new trade agreement", "sign * agreement")]),
        ("signed the agreement", [("signed the agreement", "sign * agreement")]),
        ("signed a 10 year agreement", [("signed a 10 year agreement", "sign * agreement")]),
        ("signed a 1,200 page agreement", [("signed a 1,200 page agreement", "sign * agreement")]),
        ("signed a US$3 agreement", [("signed a US$3 agreement", "sign * agreement")]),
        (
            "signed a \u20ac5,000 agreement",
            [("signed a \u20ac5,000 agreement", "sign * agreement")],
        ),
        ("actions against", [("actions against", "action against")]),
        ("since World War Two", [("World War", "world war")]),
        ("they fought", [("fought", "fight")]),
        ("it struck", [("struck", "strike")]),
        ("it striked", []),
        ("CONDEMNS ATTACK", [("CONDEMNS", "condemn")]),
        ("uncondemned", []),
    ],
    ids=[
        "past",
        "ing",
        "plural",
        "longest-phrase",
        "single-word",
        "gap-three-words",
        "gap-one-word",
        "gap-a-number",
        "gap-a-number-with-a-comma",
        "gap-an-amount-of-dollars",
        "gap-an-amount-of-euros",
        "preposition-phrase",
        "stop-phrase-shadows-war",
        "irregular-form",
        "fixed-form",
        "no-inflection-when-fixed",
        "upper-case",
        "word-boundary",
    ],
)
def test_find_cues_matches_inflections(
    small_lexicon: Lexicon, text: str, expected: list[tuple[str, str]]
) -> None:
    found = [(match.surface, match.cue.phrase) for match in small_lexicon.find_cues(text)]
    assert found == expected


def test_find_cues_gap_does_not_swallow_capitalised_words(small_lexicon: Lexicon) -> None:
    assert small_lexicon.find_cues("sign Japan agreement") == []
    # Nor a comma closing a clause after a number.
    assert small_lexicon.find_cues("sign a 3, agreement") == []
    # A currency sign is no word of its own, nor a capitalised word before an amount.
    assert small_lexicon.find_cues("sign a $ agreement") == []
    assert small_lexicon.find_cues("sign Japan$3 agreement") == []


def test_find_cues_reports_spans(small_lexicon: Lexicon) -> None:
    [match] = small_lexicon.find_cues("Japan condemned China")
    assert (match.start, match.end) == (6, 15)
    assert match.cue.weight == -2
    assert match.cue.cue_class == "verbal_conflict"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Japan did not condemn", "negation", [(10, 13)]),
        ("Japan refused to sign", "negation", [(6, 16)]),
        ("the U.S. Could act", "hedge", [(9, 14)]),
        ("talks may follow", "hedge", [(6, 9)]),
        ("talks in May ended", "hedge", []),
        ("May 5 talks", "hedge", []),
        ("Japan lifted curbs", "reversal", [(6, 12)]),
    ],
    ids=[
        "not",
        "refused-to",
        "capitalised-modal",
        "may",
        "month-after-in",
        "month-before-day",
        "reversal",
    ],
)
def test_find_modifiers_finds_spans(
    small_lexicon: Lexicon, text: str, kind: str, expected: list[tuple[int, int]]
) -> None:
    assert small_lexicon.find_modifiers(text, kind) == expected


def test_find_modifiers_rejects_unknown_kind(small_lexicon: Lexicon) -> None:
    with pytest.raises(InputError, match=r"kind must be one of .* got 'maybe'"):
        small_lexicon.find_modifiers("text", "maybe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China and CHINA", {"china": [0, 10], "and": [6]}),
        ("Don\u2019t go", {"don't": [0], "go": [6]}),
        ("\u0130stanbul and Ankara", {"i\u0307stanbul": [0], "and": [9], "ankara": [13]}),
        ("\u039f\u0394\u039f\u03a3 talks", {"\u03bf\u03b4\u03bf\u03c2": [0], "talks": [5]}),
        ("  -- ", {}),
    ],
    ids=["case", "curly-apostrophe", "letter-growing-when-lowered", "final-sigma", "no-words"],
)
def test_word_positions_starts_by_lower_case_word(text: str, expected: dict) -> None:
    assert word_positions(text) == expected


PHRASE_TEXTS = [
    "the months ahead, the weeks ahead and the vote",
    "The  months\tahead; the-months ahead; the month's ahead",
    "talks on strike, on strikes, on\u00a0strike and on the table",
    "a d\u00e9tente deal, D\u00c9TENTE talks and the d\u00e9tentes",
    "the\u017fe months ahead and \u212aey talks",
    "the",
    "the months",
]


@pytest.mark.parametrize(
    "phrases",
    [
        ["the months ahead", "the weeks ahead", "on strike", "on strikes", "talks"],
        ["d\u00e9tente", "d\u00e9tente deal", "the months ahead", "the", "on * table"],
        ["\u017fe months", "the months ahead", "talks"],
    ],
    ids=["led-by-common-words", "beyond-ascii-and-gaps", "case-ambiguous-letter"],
)
def test_phrase_index_batch_matches_text_by_text(phrases: list[str]) -> None:
    index = PhraseIndex(phrases)
    found = index.find_batch(TextBatch(PHRASE_TEXTS))
    assert found == [index.find(text) for text in PHRASE_TEXTS]


def test_phrase_index_batch_finds_a_phrase_after_its_common_first_word_elsewhere() -> None:
    index = PhraseIndex(["the months ahead", "the weeks ahead", "talks"])
    [found] = index.find_batch(TextBatch(["the vote, the months ahead and talks"]))
    # "the vote" is passed over without a pattern; the phrase and the word are found.
    assert found == [(10, 26), (31, 36)]

"""When an expected event should happen: time expressions found in a sentence and resolved
against the briefing's date into a window ``[start, end]`` of days.

Rules about English, not about particular sentences: a calendar date ("on March 3", "3 May
2024", "March 3-5") is the day (or days) it names; a month, a season, a quarter or a year is
its span ("in March", "early next year", "mid-2015", "the second half of 2025"); relative
expressions count from the briefing's date ("next week", "later this month", "in the coming
months", "within 30 days", "on Thursday"); "by ..."/"before ..."/"ahead of ..." run from the
briefing's date to what they name ("ahead of ..." after a present act, "begins its campaign
ahead of the April 14 election", names the event expected: that day), and "after ..." from
what they name for a month. A month
or a day without a year is the next one on or after the briefing's date (a forward-looking
sentence looks forward), and the first expression whose window has not ended before the
briefing's date is the one that counts.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from analytics import schema as S
from analytics.watchlist.certainty import without_conditions, without_conditions_batch

_MONTH_NAMES = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "sixty": 60,
    "ninety": 90,
    "few": 3,
    "several": 4,
    "couple of": 2,
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
# "the first of March", "the twenty-third of May": days written as ordinal words.
_ORDINAL_UNITS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_ORDINAL_DAYS = {
    **{word: number for number, word in enumerate(_ORDINAL_UNITS, start=1)},
    "twentieth": 20,
    "thirtieth": 30,
    **{f"twenty-{word}": 20 + number for number, word in enumerate(_ORDINAL_UNITS[:9], start=1)},
    "thirty-first": 31,
}
# Days fixed by the calendar: the coming one is meant ("before Christmas", "on New Year's Eve").
_HOLIDAYS = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
}
_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# How far the vague spans reach from the briefing's date, in days.
_COMING_DAYS = {"day": 10, "week": 42, "fortnight": 42, "month": 183, "year": 3 * 365}

# Capitalised names only: "may", "march" and "sun" are ordinary words in lower case.
_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?+"
)
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
# Wire copy writes small days as words ("the meeting on May Five").
_DAY_WORDS = r"(?-i:One|Two|Three|Four|Five|Six|Seven|Eight|Nine)"
_DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|{_DAY_WORDS})\b"
# and in lower case ("redeemed June one"), read as a day after a month only where no noun
# can follow ("on April eight", not "in May one analyst said"; see "month_day_word")
_DAY_WORDS_LOWER = r"(?-i:one|two|three|four|five|six|seven|eight|nine)"
# The words before a month that make a small number word after it its day ("on April eight
# all shares", "by June one").
_DAY_WORD_PREPS = frozenset(
    ("on", "by", "until", "till", "before", "after", "from", "no later than", "no earlier than")
)
_YEAR = r"(?:1[89]\d\d|20\d\d)\b"
_NUMBER = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|sixty|ninety|few|several|couple\s+of)"
)
# "two to five years" counts to its far end.
_COUNT = rf"(?:{_NUMBER}\s*(?:-|\u2013|to|or)\s*)?(?P<count>{_NUMBER})"
# "October 5 to 19 in 2014": the year of the days named, after them.
_IN_YEAR = rf"(?:in\s+)?(?P<year>{_YEAR})"
# "January 1 next year": the day in the year named.
_WHICH_YEAR = r"\s+(?P<which>next|this)\s+year\b"
# "December 20/21": a night across two days, or either of them.
_DASH = r"\s*(?:-|\u2013|\u2014|/|to|through|and|until)\s*"
_PART = (
    r"(?P<part>early|mid|late|the\s+end\s+of|end\s+of|the\s+start\s+of|the\s+beginning\s+of|"
    r"the\s+(?:first|opening|last|final|closing)\s+days\s+of|"
    r"the\s+middle\s+of|the\s+turn\s+of|later\s+in|later|end)[\s-]*"
)

# Each rule: a name and its pattern; one alternation of them all is scanned once per sentence.
_RULES: tuple[tuple[str, str], ...] = (
    ("iso", rf"(?P<year>{_YEAR[:-2]})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    (
        # "the third quarter ending June 30", "the fiscal year that began Feb 1, 1987"
        "period_bound",
        r"(?:the\s+)?(?:(?P<half>first|second)\s+half\s+of\s+(?:the\s+|its\s+)?)?"
        r"(?:(?P<ordinal>first|second|third|fourth)\s+)?(?:(?:fiscal|financial)\s+)?"
        r"(?P<period>year|quarter)\s*,?\s+(?:that\s+)?(?P<bound>ending|ends|ended|to|"
        r"beginning|begins|began|starting|starts|started)\s+(?:on\s+)?"
        rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?:,?\s+(?P<year>{_YEAR}))?",
    ),
    (
        # "a record July 12 second quarter": the period that ends on the day before it
        "dated_period",
        rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?:,?\s+(?P<year>{_YEAR}))?\s+"
        r"(?:(?P<ordinal>first|second|third|fourth)\s+)?(?:(?:fiscal|financial)\s+)?"
        r"(?P<period>year|quarter)\b",
    ),
    (
        "month_day_to_month_day",
        rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY}){_DASH}(?P<month2>{_MONTH})\s+(?P<day2>{_DAY})"
        rf"(?:,?\s+{_IN_YEAR})?",
    ),
    (
        "day_month_to_day_month",
        rf"(?P<day>{_DAY})\s+(?P<month>{_MONTH}){_DASH}(?P<day2>{_DAY})\s+(?P<month2>{_MONTH})"
        rf"(?:,?\s+{_IN_YEAR})?",
    ),
    (
        "month_day_range",
        rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY}){_DASH}(?P<day2>{_DAY})(?!\s*{_MONTH})"
        rf"(?:,?\s+{_IN_YEAR})?",
    ),
    (
        "day_month_range",
        rf"(?P<day>{_DAY}){_DASH}(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH})"
        rf"(?:,?\s+{_IN_YEAR})?",
    ),
    (
        "month_day",
        rf"(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?!\s*[-\u2013:]?\s*\d{{3}})"
        rf"(?:,?\s+{_IN_YEAR}|{_WHICH_YEAR})?",
    ),
    (
        "day_month",
        rf"(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+{_IN_YEAR}|{_WHICH_YEAR})?",
    ),
    # "will be redeemed June one", "beginning May one": a small day written as a lower-case
    # word after a month, but not after "in" or "of", where the word starts what follows ("in
    # May one analyst said")
    (
        "month_day_word",
        rf"(?<!\bin\s)(?<!\bof\s)(?P<month>{_MONTH})\s+"
        rf"(?P<day>{_DAY_WORDS_LOWER})\b"
        rf"(?:,?\s+{_IN_YEAR})?",
    ),
    (
        "ordinal_day_month",
        r"\bthe\s+(?P<day>(?:twenty-|thirty-)?(?:first|second|third|fourth|fifth|sixth|seventh|"
        r"eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
        r"seventeenth|eighteenth|nineteenth|twentieth|thirtieth)\s+of\s+"
        rf"(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR})|{_WHICH_YEAR})?",
    ),
    (
        "half",
        r"(?:the\s+)?(?P<ordinal>first|second)\s+half\s+of\s+"
        rf"(?:(?P<which>next|this|the\s+coming|the)\s+year|(?P<year>{_YEAR}))|"
        rf"(?P<owner>{_YEAR})['\u2019]s\s+(?P<ordinal2>first|second)\s+half\b",
    ),
    (
        # "the third quarter of next year"; "1988's first quarter": the year's possessive
        "quarter",
        rf"(?:the\s+|(?P<owner>{_YEAR})['\u2019]s\s+)?(?P<ordinal>first|second|third|fourth)\s+"
        r"quarter"
        rf"(?:\s+of\s+(?:(?P<which>next|this|the\s+coming|the)\s+year|(?P<year>{_YEAR})))?",
    ),
    ("quarter_code", rf"\bQ(?P<number>[1-4])\s+(?P<year>{_YEAR})"),
    (
        "day_word",
        r"\b(?P<word>the\s+day\s+after\s+tomorrow|tomorrow|later\s+today|later\s+in\s+the\s+day|"
        r"(?:later\s+)?this\s+(?:morning|afternoon|evening)|today|tonight|"
        r"within\s+(?:the|an)\s+hour|with\s+immediate\s+effect|effective\s+immediately)\b",
    ),
    (
        "coming",
        r"\b(?:in|over|during|within)\s+the\s+(?:coming|next|following)\s+(?:(?:few|several|"
        r"couple\s+of)\s+)?(?P<unit>day|week|fortnight|month|year)(?P<plural>s)?\b|\b(?:in|over)\s+"
        r"the\s+(?P<unit2>day|week|month|year)(?P<plural2>s)\s+(?:ahead|to\s+come)\b|"
        r"\b(?:within|in)\s+(?:a\s+few\s+)(?P<unit4>day|week|month|year)(?P<plural4>s)\b|"
        r"\bwithin\s+(?P<unit3>day|week|month|year)(?P<plural3>s)\b",
    ),
    (
        "span",
        r"\b(?P<lead>within\s+the\s+next|within|in|over\s+the\s+next|in\s+the\s+next|inside|over|"
        rf"for(?:\s+about|\s+around)?)\s+{_COUNT}"
        r"\s+(?P<unit>day|week|fortnight|month|year)s?\b"
        r"(?!\s+(?:ago|earlier|before|after|since))",
    ),
    # "two weeks from now", "a month hence": as "in two weeks", "in a month"
    (
        "from_now",
        rf"\b{_COUNT}\s+(?P<unit>day|week|fortnight|month|year)s?\s+(?:from\s+(?:now|today)|hence)\b",
    ),
    (
        "weekend",
        r"\b(?:(?P<which>this|next|the\s+coming)\s+)weekend\b",
    ),
    # "the week after next": the second such unit on
    ("after_next", r"\bthe\s+(?P<unit>week|month|year)\s+after\s+next\b"),
    # "in the second week of March": its second seven days; "the last week of June" its last
    (
        "week_of_month",
        r"\b(?:the\s+)?(?P<nth>first|second|third|fourth|last|final)\s+week\s+(?:of|in)\s+"
        rf"(?P<month>{_MONTH})(?!\s*{_DAY})(?:,?\s+(?P<year>{_YEAR}))?",
    ),
    # "the week of March 4": the week (Monday to Sunday) that holds the day; "the week
    # beginning March 4": the seven days from it
    (
        "week_of",
        r"\b(?:the\s+)?week\s+(?P<bound>of|beginning|starting|commencing)\s+"
        rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?:(?P<month>{_MONTH})\s+(?P<day>{_DAY})|"
        rf"(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH}))(?:,?\s+(?P<year>{_YEAR}))?",
    ),
    (
        "unit",
        rf"\b(?:{_PART})?(?P<which>next|this|the\s+coming|the\s+following|the\s+current|the)"
        r"\s+(?P<unit>week|month|year|spring|summer|autumn|fall|winter)\b",
    ),
    ("year_end", r"\b(?:year[\s-]end|end[\s-]year|end\s+of\s+year)\b"),
    # "by month-end": the end of the month under way, as "by the end of the month"
    ("month_end", r"\b(?:month[\s-]end|end[\s-]month|end\s+of\s+month)\b"),
    (
        "holiday",
        r"\b(?-i:(?P<holiday>Christmas(?:\s+(?:Day|Eve))?|New\s+Year['\u2019]s\s+(?:Day|Eve)))"
        # not a name ("Christmas Island") nor a noun's modifier ("Christmas sales")
        r"(?!\s+(?-i:[A-Z]|(?!(?:this|next|and|or|in|at|on|to|when|as|but|so|with|for|"
        r"after|before)\b)[a-z]))",
    ),
    (
        "season",
        r"\b(?P<prep>in|by|until|before|during|over|through|throughout|expected|ahead\s+of|"
        r"the|no\s+later\s+than)"
        r"\s+(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?"
        rf"(?P<season>spring|summer|autumn|winter)\b(?:\s+(?:of\s+)?(?P<year>{_YEAR})|"
        r"\s+of\s+(?P<which>next|this)\s+year\b)?",
    ),
    # "even in the usually sluggish summer season": a season named as one, whatever words
    # stand before it
    (
        "season_noun",
        r"\b(?:(?P<part>early|mid|late)[\s-]+)?(?P<season>spring|summer|autumn|winter)\s+season\b",
    ),
    (
        # "from Friday to Monday": the days from the coming Friday to the Monday after it
        "weekday_range",
        rf"\b(?:from\s+)?(?P<weekday>{_WEEKDAY})\s*(?:-|\u2013|to|through|until|till)\s*"
        rf"(?P<weekday2>{_WEEKDAY})",
    ),
    (
        # "on Friday next week": the Friday of next week, not the coming Friday
        "weekday",
        rf"\b(?:(?P<which>next|this|coming)\s+)?(?P<weekday>{_WEEKDAY})"
        rf"(?!,?\s+(?:the\s+)?(?:\d|{_MONTH}))"
        r"(?:\s+(?:of\s+)?(?P<week>next|this)\s+week\b)?",
    ),
    (
        # "between June and July this year", "from March to May 2025"
        "month_range",
        rf"\b(?:between|from)\s+(?P<month>{_MONTH})\s+(?:and|to|until|till|through)\s+"
        rf"(?P<month2>{_MONTH})(?!\s*{_DAY})"
        rf"(?:,?\s+(?P<year>{_YEAR})|\s+(?P<which>this|next)\s+year)?",
    ),
    (
        "month",
        rf"\b(?:{_PART}|(?P<prep>in|by|until|till|before|after|from|since|of|during|through|"
        r"next|this|last|on|no\s+later\s+than|no\s+earlier\s+than|between\s+now\s+and)\s+)"
        rf"(?P<month>{_MONTH})(?:\s+(?P<dayword>{_DAY_WORDS_LOWER})\b)?(?!\s*{_DAY})"
        rf"(?:,?\s+(?P<year>{_YEAR})|\s+(?P<which>this|next|last)\s+year\b)?",
    ),
    ("month_year", rf"(?P<month>{_MONTH})\s+(?P<year>{_YEAR})"),
    # "the June economic summit": a month before a common noun is the thing's month; "the
    # June quarter" names a period that ends in it, not the month.
    (
        "month_noun",
        rf"\bthe\s+(?P<month>{_MONTH})(?=\s+(?-i:[a-z]))"
        r"(?!\s+(?:quarter|half|year|term|period|fiscal)\b)",
    ),
    (
        "year",
        rf"\b(?:{_PART}|(?P<prep>in|by|until|till|before|after|from|during|through|for|"
        r"no\s+later\s+than|no\s+earlier\s+than|between\s+now\s+and)"
        rf"\s+(?:the\s+year\s+)?)(?P<year>{_YEAR})(?![-/]\d)"
        # "until 1988's first quarter": the quarter, not the year
        r"(?!['\u2019]s\s+(?:first|second|third|fourth)\s+(?:half|quarter)\b)",
    ),
)


def _suffixed(pattern: str, index: int) -> str:
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}_{index}>", pattern)


# Every expression starts a word: the leading test turns away the other positions before
# the twenty rules are tried there.
_SCANNER = re.compile(
    r"\b(?=\w)(?:"
    + "|".join(f"(?P<rule_{i}>{_suffixed(pattern, i)})" for i, (_, pattern) in enumerate(_RULES))
    + ")",
    re.IGNORECASE,
)
# Each rule's named groups: the rule's name for it and its place in ``Match.groups()``.
_RULE_GROUPS = [
    tuple(
        (name, _SCANNER.groupindex[f"{name}_{index}"] - 1)
        for name in re.findall(r"\(\?P<(\w+)>", pattern)
    )
    for index, (_, pattern) in enumerate(_RULES)
]
# Every expression holds one of these (a digit, a month, a weekday, a unit of time), and
# starts at most ``_LEAD`` characters before it ("the second half of next year"). The
# leading class holds the first character of every alternative: it turns away the other
# positions before the alternatives are tried there.
_TRIGGER = re.compile(
    r"(?=[\dacdefhijmnoqstwy])(?:\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|"
    r"tue|wed|thu|fri|sat|sun|week|month|year|day|quarter|tomorrow|today|tonight|hour|spring|"
    r"summer|autumn|fall|winter|fortnight|morning|afternoon|evening|christmas|new\s+year|"
    r"immediate))",
    re.IGNORECASE,
)
_WORD_START = re.compile(r"\b\w")
_LEAD = 50


def _matches(sentence: str) -> list[re.Match[str]]:
    """``_SCANNER.finditer(sentence)``, tried only at the word starts near a trigger word.

    The scanner is leftmost-first: tried at the candidate starts in order, skipping those
    inside a match already found, it finds what ``finditer`` finds, many times faster.
    """
    triggers = [found.start() for found in _TRIGGER.finditer(sentence)]
    if not triggers:
        return []
    starts = [found.start() for found in _WORD_START.finditer(sentence)]
    candidates: set[int] = set()
    for trigger in triggers:
        low = bisect.bisect_left(starts, trigger - _LEAD)
        high = bisect.bisect_right(starts, trigger)
        candidates.update(starts[low:high])
    found: list[re.Match[str]] = []
    reached = 0
    for start in sorted(candidates):
        if start < reached:
            continue
        match = _SCANNER.match(sentence, start)
        if match:
            found.append(match)
            reached = max(match.end(), start + 1)
    return found


# A weekday may stand before the date it names ("on Tuesday, May 14").
_WEEKDAY_FIRST = rf"(?:{_WEEKDAY},?\s+)?"
_BY_BEFORE = re.compile(
    r"\b(?P<word>by|before|until|till|ahead\s+of|no\s+later\s+than|prior\s+to|in\s+time\s+for|"
    r"on\s*,?\s+or\s+before|between\s+now\s+and)\s*,?"
    rf"\s+(?:the\s+)?(?:end\s+of\s+)?{_WEEKDAY_FIRST}$",
    re.IGNORECASE,
)
_AFTER_BEFORE = re.compile(
    r"\b(?P<word>after|following|ahead\s+of|before|in\s+the\s+wake\s+of|once)\b"
    rf"(?:(?:\s+[\w'\u2019-]+){{0,8}}\s+(?:on|in))?\s+{_WEEKDAY_FIRST}$",
    re.IGNORECASE,
)
# "won't resume until September 19", "will not be completed before the end of April": the
# event is not before the day named, so it is that day, not the days up to it.
_NOT_BEFORE = re.compile(
    r"(?:\bnot\b|n['\u2019]t\b|\bnever\b)(?:\s+[\w'\u2019-]+){0,8}\s*$", re.IGNORECASE
)
# "until the end of next week at the earliest": the time named is the earliest the event
# may come, so it is that time, as after "not until".
_AT_THE_EARLIEST_AFTER = re.compile(r"\s*,?\s+at\s+the\s+earliest\b", re.IGNORECASE)
# "begins his campaign ahead of the April 14 election", "the aim is to help ahead of
# expected spring fighting": a present act before the event, so the event named after
# "ahead of" is the one expected, on its own time; after a future ("will be finished ahead
# of the summit") the act comes first, in the days up to it.
_FUTURE_BEFORE = re.compile(
    r"\b(?:will|would|shall|could|can|may|might|must|should|wo|going\s+to|due\s+to|set\s+to|"
    r"expected\s+to|plans?\s+to|planned|scheduled|intends?\s+to)\b|['\u2019]ll\b",
    re.IGNORECASE,
)
# "will be dissolved, effective February 24": the day a change takes effect, which may be
# backdated; a day just past is still the event's.
_EFFECTIVE_BEFORE = re.compile(
    r"\beffective\s+(?:from\s+|as\s+of\s+|on\s+)?(?:the\s+)?$", re.IGNORECASE
)
# "in place for four years to March 31, 1991": a span bounded by the day that follows it runs
# from the briefing's date to that day, not for the span's own length.
_SPAN_TO_AFTER = re.compile(r"\s+(?:to|until|till|through)\s+", re.IGNORECASE)
_SPAN_TO_BEFORE = re.compile(
    r"\b(?:for|over)\s+(?:about\s+|around\s+)?[\w-]+\s+(?:day|week|month|year)s?\s+"
    r"(?P<word>to|until|till|through)\s+$",
    re.IGNORECASE,
)
# "will extend the ban to October 17", "an extension of the talks to as late as May 3": what
# is extended to a day lasts until it, the days up to it.
_EXTENDED_TO_BEFORE = re.compile(
    r"\b(?:extend(?:s|ed|ing)?|extension|prolong(?:s|ed|ing)?)\b(?:\s+[\w'\u2019-]+){0,8}?"
    r"\s+(?P<word>to)\s+(?:as\s+(?:long|late|far)\s+as\s+)?(?:the\s+end\s+of\s+)?"
    rf"{_WEEKDAY_FIRST}$",
    re.IGNORECASE,
)
# "an October 10 deadline": a deadline, the days up to it.
_DEADLINE_AFTER = re.compile(r"\s+deadline\b", re.IGNORECASE)
# "originally planned for 22 March 2015": a date given up, not the one expected.
_SUPERSEDED_BEFORE = re.compile(
    r"\b(?:originally|initially|previously|first)\s+(?:planned|scheduled|set|due|slated|"
    r"expected)(?:\s+to\s+[\w-]+)?\s+(?:for|on|in|to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "the first coupon, payable April 1, 1988, of 9.85 pct": a date set off after a thing
# describes it, not the event expected.
_APPOSITIVE_BEFORE = re.compile(
    r"[A-Za-z]\s*,\s+(?:payable|due|maturing|expiring)\s+(?:on\s+)?$", re.IGNORECASE
)
# "75 mln dlrs of notes due March 1, 1997", "a bond maturing April 15": the day a debt falls
# due names the debt, not the event expected (its offer, its sale), as after a comma.
_INSTRUMENT_DUE_BEFORE = re.compile(
    r"\b(?:notes|bonds?|debentures|securities|loans?|debt|bills|paper|certificates|"
    r"obligations|eurobonds|warrants|issues?|stock|shares|preferred)\s+"
    r"(?:due|maturing|expiring|redeemable)\s+(?:on\s+|in\s+)?$",
    re.IGNORECASE,
)
# "has scheduled the vote for a new leader for December 3": what is scheduled for a day is
# still to come, however long ago the last such day was.
_SCHEDULED_BEFORE = re.compile(
    r"\b(?:scheduled|rescheduled|slated|set|fixed)\b(?:\s+[\w'\u2019-]+){0,6}?\s+for\s+$",
    re.IGNORECASE,
)
# "orders placed after 1530 EST on March 20": "after" bounds the hour, on the day named.
_AFTER_HOUR_BEFORE = re.compile(
    r"\bafter\s+(?:\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\.?|\d{3,4}(?:\s*(?:hrs|hours))?|noon|midday|"
    r"midnight)(?:\s+(?:GMT|EST|EDT|BST|UTC|local\s+time))?\s+on\s+"
    rf"{_WEEKDAY_FIRST}$",
    re.IGNORECASE,
)
# "final figures for the period to February 28": a period of no stated length, bounded by a
# day, is what a thing covers, not a time of the event.
_PERIOD_BOUND_BEFORE = re.compile(
    r"\bperiod\s+(?:to|ending|ended|through|until|till)\s+(?:on\s+)?$", re.IGNORECASE
)
# "citing security concerns for the election scheduled for January 30, announces ...": a
# reason given, to the next comma, with its time the reason's, like a condition's.
_REASON = re.compile(r"\bciting\b[^,;:\u2013\u2014]*", re.IGNORECASE)
# "the March 23 Movement": a date in a name.
_NAME_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")


_DEADLINE_WORDS = frozenset(("by", "before", "until", "till", "no later than", "between now and"))
_DEFERRED = re.compile(
    r"\b(?:deferred|postponed|delayed|adjourned|put\s+off|pushed\s+back)\s*$", re.IGNORECASE
)
# "earlier this year", "earlier in the month": the part of the period already past.
_EARLIER_BEFORE = re.compile(r"\b(?:earlier|previously)\s+(?:in\s+)?$", re.IGNORECASE)
_SAID = re.compile(
    r"\b(?:said|says|told|announced|reported|added|stated|confirmed)\s+(?:on\s+)?$",
    re.IGNORECASE,
)
# A wire dateline ("LOS ANGELES, March 2 - "): the report's own date, never an expectation.
_DATELINE_BEFORE = re.compile(r"^\s*(?:[A-Z][\w.'()]*[\s,]+)+$")
_DATELINE_AFTER = re.compile(r"\s+-\s")


def _in_dateline(sentence: str, match: re.Match[str]) -> bool:
    return (
        match.start() < 60
        and _DATELINE_AFTER.match(sentence, match.end()) is not None
        and _DATELINE_BEFORE.match(sentence[: match.start()]) is not None
    )


class Window(NamedTuple):
    """An expected date or window resolved from a sentence."""

    start: date
    end: date
    kind: str  # ``schema.EXPLICIT`` or ``schema.RELATIVE``
    text: str  # the expression as written
    backdated: bool = False  # "effective February 24" said in March: counts though past
    aside: bool = False  # inside parentheses: "(later named ... in July 2005)"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _number(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def _day_number(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    word = text.lower()
    return _ORDINAL_DAYS[word] if word in _ORDINAL_DAYS else _NUMBER_WORDS[word]


def _month_number(text: str) -> int:
    return _MONTH_NAMES[text.rstrip(".").lower()]


def _upcoming_year(reference: date, month: int) -> int:
    """The year of the next ``month`` from ``reference``'s month on."""
    return reference.year if month >= reference.month else reference.year + 1


def _month_year(reference: date, month: int) -> int:
    """The year of a month named without one: the coming one unless the last one is
    less than half as far ("in February" said in May is the February just past)."""
    ahead = (month - reference.month) % 12
    behind = (reference.month - month) % 12
    if ahead == 0 or ahead <= 2 * behind:
        return _upcoming_year(reference, month)
    return reference.year - (1 if month > reference.month else 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _part_of(start: date, end: date, part: str | None) -> tuple[date, date]:
    """The early / mid / late / end part of a span.

    A span of whole months (a season, a quarter, a year) is cut in thirds of months, and
    its "end" is the last quarter of them (the end of a year is October to December); a
    month is cut at the 10th and the 20th; a shorter span in thirds of days. "The first /
    last days of" a month are its early / late third, of a longer span its first / last ten.
    """
    if not part:
        return start, end
    part = " ".join(part.lower().split())
    if part.endswith(" days of") and (end - start).days > 31:
        # "the last days of the year": its last ten days, not its last third
        if part.split()[1] in ("first", "opening"):
            return start, start + timedelta(days=9)
        return end - timedelta(days=9), end
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole_months = start.day == 1 and end == _month_end(end.year, end.month) and months >= 3
    if whole_months:
        third = months // 3
        cuts = {
            "early": (0, third),
            "mid": (third, months - third),
            "late": (months - third, months),
            "end": (months - max(1, months // 4), months),
        }
    else:
        length = (end - start).days + 1
        third = 10 if months == 1 and start.day == 1 else max(1, length // 3)
        cuts = {
            "early": (0, third),
            "mid": (third, 2 * third),
            "late": (2 * third, length),
            "end": (2 * third, length),
        }
    group = {
        "the start of": "early",
        "the beginning of": "early",
        "the first days of": "early",
        "the opening days of": "early",
        "the last days of": "late",
        "the final days of": "late",
        "the closing days of": "late",
        "the middle of": "mid",
        "later": "late",
        "the end of": "end",
        "end of": "end",
    }.get(part, part)
    if group == "the turn of":
        return start - timedelta(days=15), start + timedelta(days=15)
    first, last = cuts[group]
    if whole_months:
        return _add_months(start, first), _add_months(start, last) - timedelta(days=1)
    return start + timedelta(days=first), start + timedelta(days=last - 1)


def _dates(
    groups: dict[str, str], reference: date, *, coming: bool = False
) -> tuple[date, date] | None:
    """A calendar date or range of days; a missing year is the next such day (with
    ``coming``, always the coming one)."""
    month = (
        _month_number(groups["month"]) if not groups["month"].isdigit() else int(groups["month"])
    )
    day = _day_number(groups["day"])
    day2 = _day_number(groups["day2"]) if groups.get("day2") else day
    if groups.get("year") or groups.get("which"):
        year = _year_of(groups, reference)
    else:
        found_year = _day_year(reference, month, day, coming=coming)
        if found_year is None:
            return None
        year = found_year
    month2 = _month_number(groups["month2"]) if groups.get("month2") else month
    year2 = year + (1 if month2 < month else 0)  # "28 December to 2 January"
    start, end = _safe_date(year, month, day), _safe_date(year2, month2, day2)
    if start is None or end is None or end < start:
        return None
    return start, end


def _day_year(reference: date, month: int, day: int, *, coming: bool = False) -> int | None:
    """The year of a day named without one: the coming one unless the last one is less than
    half as far ("on January 3" said in December is next month's; "on September 14" said
    in January is this year's, not last September's); with ``coming``, always the coming one.
    """
    ahead = behind = None
    for offset in (-1, 0, 1):
        found = _safe_date(reference.year + offset, month, day)
        if found is None:
            continue
        distance = (found - reference).days
        if distance >= 0 and (ahead is None or distance < ahead[0]):
            ahead = (distance, found.year)
        if distance < 0 and (behind is None or -distance < behind[0]):
            behind = (-distance, found.year)
    if ahead is not None and (coming or behind is None or ahead[0] <= 2 * behind[0]):
        return ahead[1]
    return behind[1] if behind is not None else None


def _period_bound(groups: dict[str, str], reference: date) -> tuple[date, date] | None:
    """A year or quarter named by the day it ends or begins on: "the quarter ending June 30"
    is the three months to June 30 (the coming June 30: a period "ending" is under way);
    "the year that began Feb 1" the twelve months from it, and "the second half of" it its
    last six months; "ended", "began" and "started"
    name the last such day (a year "ended January 31" said in June is over)."""
    month, day = _month_number(groups["month"]), _day_number(groups["day"])
    bound = groups["bound"].lower()
    ends = bound in ("ending", "ends", "ended", "to")
    if groups.get("year"):
        year: int | None = int(groups["year"])
    elif bound in ("ended", "began", "started"):
        # "the year ended January 31" said in June: the last January 31, in the past tense
        year = reference.year - (1 if (month, day) > (reference.month, reference.day) else 0)
    else:
        year = _day_year(reference, month, day, coming=bound in ("ending", "ends", "to"))
    day_named = _safe_date(year, month, day) if year is not None else None
    if day_named is None:
        return None
    months = 12 if groups["period"].lower() == "year" else 3
    if ends:
        start, end = _add_months(day_named + timedelta(days=1), -months), day_named
    else:
        start, end = day_named, _add_months(day_named, months) - timedelta(days=1)
    if groups.get("half"):
        # "the second half of the fiscal year ending September 30": its last six months
        middle = _add_months(start, months // 2)
        return (
            (start, middle - timedelta(days=1))
            if groups["half"].lower() == "first"
            else (
                middle,
                end,
            )
        )
    return start, end


def _year_of(groups: dict[str, str], reference: date) -> int:
    if groups.get("year"):
        return int(groups["year"])
    which = " ".join((groups.get("which") or "this").lower().split())
    return reference.year + (1 if which == "next" else 0)


def _unit(groups: dict[str, str], reference: date) -> tuple[date, date] | None:
    unit = groups["unit"].lower()
    which = " ".join(groups["which"].lower().split())
    part = groups.get("part")
    if which == "the" and not part:
        return None  # "the week" alone names no particular week
    following = which in ("next", "the following") or (which == "the coming" and unit != "year")
    if unit == "week":
        monday = reference - timedelta(days=reference.weekday())
        if following:
            monday += timedelta(days=7)
        start, end = monday, monday + timedelta(days=6)
    elif unit == "month":
        first = date(reference.year, reference.month, 1)
        if following:
            first = _add_months(first, 1)
        start, end = first, _month_end(first.year, first.month)
    elif unit == "year":
        year = reference.year + (1 if following else 0)
        start, end = date(year, 1, 1), date(year, 12, 31)
    else:
        month = _SEASON_MONTHS[unit]
        year = reference.year
        start = date(year, month, 1)
        if which in ("next", "the coming", "the following") and start <= reference:
            start = date(year + 1, month, 1)
        end = _add_months(start, 3) - timedelta(days=1)
    return _later_or_part(start, end, part, reference)


def _later_or_part(start: date, end: date, part: str | None, reference: date) -> tuple[date, date]:
    """ "later (in) this month" runs from the day after the briefing's to the span's end;
    other parts cut the span (``_part_of``)."""
    if part and " ".join(part.lower().split()) in ("later", "later in"):
        return max(start, reference + timedelta(days=1)), end
    return _part_of(start, end, part)


def _resolve(
    rule: str, groups: dict[str, str], reference: date, *, coming: bool = False
) -> tuple[date, date] | None:
    """The days one matched expression names, before "by" / "after" widen them; with
    ``coming``, a day without a year is the coming one."""
    if rule in _EXPLICIT_RULES:
        return _dates(groups, reference, coming=coming)
    if rule == "period_bound":
        return _period_bound(groups, reference)
    if rule == "dated_period":
        return _period_bound({**groups, "bound": "ending"}, reference)
    if rule == "month_range":
        month, month2 = _month_number(groups["month"]), _month_number(groups["month2"])
        if groups.get("year") or groups.get("which"):
            year = _year_of(groups, reference)
        else:
            year = _month_year(reference, month)
        year2 = year + (1 if month2 < month else 0)
        return date(year, month, 1), _month_end(year2, month2)
    if rule == "half":
        year = int(groups["owner"]) if groups.get("owner") else _year_of(groups, reference)
        first = (groups.get("ordinal") or groups["ordinal2"]).lower() == "first"
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if first
            else (
                date(year, 7, 1),
                date(year, 12, 31),
            )
        )
    if rule in ("quarter", "quarter_code"):
        number = (
            int(groups["number"]) if groups.get("number") else _ORDINALS[groups["ordinal"].lower()]
        )
        if groups.get("owner"):
            year = int(groups["owner"])
        elif groups.get("year") or groups.get("which"):
            year = _year_of(groups, reference)
        else:
            year = _upcoming_year(reference, 3 * number)
        return date(year, 3 * number - 2, 1), _month_end(year, 3 * number)
    if rule == "day_word":
        word = " ".join(groups["word"].lower().split())
        offset = {"tomorrow": 1, "the day after tomorrow": 2}.get(word, 0)
        day = reference + timedelta(days=offset)
        return day, day
    if rule == "coming":
        unit = (
            groups.get("unit") or groups.get("unit2") or groups.get("unit4") or groups["unit3"]
        ).lower()
        plural = ("plural", "plural2", "plural3", "plural4")
        if not any(groups.get(name) for name in plural):
            # "over the coming year": one of them, not a vague few.
            return reference, _add_months(reference, {"year": 12, "month": 1}.get(unit, 0)) + (
                timedelta(days={"fortnight": 14, "week": 7, "day": 1}.get(unit, 0))
            )
        return reference, reference + timedelta(days=_COMING_DAYS[unit])
    if rule in ("span", "from_now"):
        count = _number(groups["count"])
        unit = groups["unit"].lower()
        if unit == "fortnight":
            count, unit = 2 * count, "week"
        if unit in ("month", "year"):
            far = _add_months(reference, count * (12 if unit == "year" else 1))
            near = _add_months(reference, (count - 1) * (12 if unit == "year" else 1))
        else:
            days = count * (7 if unit == "week" else 1)
            far = reference + timedelta(days=days)
            near = reference + timedelta(days=days - (7 if unit == "week" else 1))
        lead = " ".join((groups.get("lead") or "in").lower().split())
        if lead == "in":
            return near + timedelta(days=1), far
        return reference, far
    if rule == "weekend":
        which = " ".join(groups["which"].lower().split())
        saturday = reference + timedelta(days=(5 - reference.weekday()) % 7)
        if which == "next" and reference.weekday() < 5:
            saturday += timedelta(days=7)
        return saturday, saturday + timedelta(days=1)
    if rule == "unit":
        return _unit(groups, reference)
    if rule == "year_end":
        return date(reference.year, 10, 1), date(reference.year, 12, 31)
    if rule == "month_end":
        return _part_of(
            date(reference.year, reference.month, 1),
            _month_end(reference.year, reference.month),
            "end",
        )
    if rule == "holiday":
        name = " ".join(groups["holiday"].lower().replace("\u2019", "'").split())
        fixed_month, fixed_day = _HOLIDAYS[name]
        found_year = _day_year(reference, fixed_month, fixed_day, coming=True)
        if found_year is None:
            return None
        holiday = date(found_year, fixed_month, fixed_day)
        return holiday, holiday
    if rule in ("season", "season_noun"):
        # The season under way, or the next one.
        month = _SEASON_MONTHS[groups["season"].lower()]
        if groups.get("year") or groups.get("which"):
            # "spring 2025", "the spring of next year": that year's (a winter is named by
            # the year it begins in)
            start = date(_year_of(groups, reference), month, 1)
            return _part_of(start, _add_months(start, 3) - timedelta(days=1), groups.get("part"))
        start = date(reference.year - (1 if month == 12 and reference.month < 3 else 0), month, 1)
        end = _add_months(start, 3) - timedelta(days=1)
        if end < reference:
            start, end = (
                date(start.year + 1, month, 1),
                _add_months(date(start.year + 1, month, 1), 3) - timedelta(days=1),
            )
        return _part_of(start, end, groups.get("part"))  # "in late summer": its last month
    if rule == "after_next":
        unit = groups["unit"].lower()
        if unit == "week":
            monday = reference - timedelta(days=reference.weekday()) + timedelta(days=14)
            return monday, monday + timedelta(days=6)
        if unit == "month":
            month_start = _add_months(date(reference.year, reference.month, 1), 2)
            return month_start, _month_end(month_start.year, month_start.month)
        return date(reference.year + 2, 1, 1), date(reference.year + 2, 12, 31)
    if rule == "week_of_month":
        month = _month_number(groups["month"])
        year = int(groups["year"]) if groups.get("year") else _month_year(reference, month)
        last = _month_end(year, month)
        nth = groups["nth"].lower()
        if nth in ("last", "final"):
            return last - timedelta(days=6), last
        week_start = date(year, month, 1) + timedelta(days=7 * (_ORDINALS[nth] - 1))
        return week_start, week_start + timedelta(days=6)
    if rule == "week_of":
        named = {
            "month": groups.get("month") or groups["month2"],
            "day": groups.get("day") or groups["day2"],
            **({"year": groups["year"]} if groups.get("year") else {}),
        }
        named_days = _dates(named, reference, coming=coming)
        if named_days is None:
            return None
        week_start = named_days[0]
        if groups["bound"].lower() == "of":
            week_start -= timedelta(days=week_start.weekday())
        return week_start, week_start + timedelta(days=6)
    if rule == "weekday":
        weekday = _WEEKDAYS[groups["weekday"].lower()]
        if groups.get("week"):
            monday = reference - timedelta(days=reference.weekday())
            if groups["week"].lower() == "next":
                monday += timedelta(days=7)
            day = monday + timedelta(days=weekday)
            return day, day
        # The coming such day ("next Monday" included: news means the coming one, not the
        # one a week later); the briefing's own weekday is its own day ("the vote is on
        # Wednesday" written on a Wednesday), unless it is "next".
        ahead = (weekday - reference.weekday()) % 7
        if ahead == 0 and (groups.get("which") or "").lower() == "next":
            ahead = 7
        day = reference + timedelta(days=ahead)
        return day, day
    if rule == "weekday_range":
        opening = _WEEKDAYS[groups["weekday"].lower()]
        closing = _WEEKDAYS[groups["weekday2"].lower()]
        start = reference + timedelta(days=(opening - reference.weekday()) % 7 or 7)
        return start, start + timedelta(days=(closing - opening) % 7 or 7)
    if rule in ("month", "month_year", "month_noun"):
        month = _month_number(groups["month"])
        prep = (groups.get("prep") or "").lower()
        which = (groups.get("which") or "").lower()
        if groups.get("year"):
            year = int(groups["year"])
        elif which:
            year = reference.year + {"this": 0, "next": 1, "last": -1}[which]
        elif prep == "last":
            year = reference.year - (0 if month < reference.month else 1)
        elif prep == "since":
            year = reference.year if month <= reference.month else reference.year - 1
        else:
            year = _month_year(reference, month)
        return _later_or_part(
            date(year, month, 1), _month_end(year, month), groups.get("part"), reference
        )
    if rule == "year":
        year = int(groups["year"])
        return _later_or_part(date(year, 1, 1), date(year, 12, 31), groups.get("part"), reference)
    return None


# Rules whose windows never start before the briefing's date ("this week" said on Wednesday).
_FROM_TODAY_RULES = frozenset(
    ("unit", "weekend", "coming", "span", "from_now", "day_word", "year_end", "month_end")
)
_EXPLICIT_RULES = frozenset(
    (
        "iso",
        "month_day_to_month_day",
        "day_month_to_day_month",
        "month_day_range",
        "day_month_range",
        "month_day",
        "day_month",
        "month_day_word",
        "ordinal_day_month",
    )
)


def _rule_groups(match: re.Match[str], index: int) -> dict[str, str]:
    """The groups the scanner's rule ``index`` matched, by the rule's names for them."""
    values = match.groups()
    return {
        name: values[number] for name, number in _RULE_GROUPS[index] if values[number] is not None
    }


def find_windows(sentence: str, reference: date) -> list[Window]:
    """Every time expression of ``sentence`` resolved against ``reference``, in text order.

    Parameters:
        sentence: one sentence.
        reference: the briefing's date.

    Returns:
        One ``Window`` per expression; "by"/"before"/"ahead of" run from ``reference``,
        "after" starts at the day named and lasts a month.
    """
    windows = []
    matches = _matches(sentence)
    starts = {match.start() for match in matches}
    reasons = [found.span() for found in _REASON.finditer(sentence)] if matches else []
    for match in matches:
        if _in_dateline(sentence, match):
            continue
        if any(start <= match.start() < end for start, end in reasons):
            continue  # "citing concerns for the election on January 30": the reason's time
        index = int(match.lastgroup.rsplit("_", 1)[1])  # type: ignore[union-attr]
        rule = _RULES[index][0]
        groups = _rule_groups(match, index)
        if (
            rule == "month"
            and groups.get("dayword")
            and " ".join((groups.get("prep") or "").lower().split()) in _DAY_WORD_PREPS
        ):
            rule, groups = "month_day_word", {**groups, "day": groups["dayword"]}
        if rule == "span":
            bound = _SPAN_TO_AFTER.match(sentence, match.end())
            if bound is not None and bound.end() in starts:
                continue  # "for four years to March 31": the day that follows bounds it
        if rule == "weekday" and _SAID.search(sentence, max(0, match.start() - 20), match.start()):
            continue  # "said Friday": the day it was said, not one to come
        before = sentence[max(0, match.start() - 80) : match.start()]
        if _SUPERSEDED_BEFORE.search(before):
            continue  # "originally planned for 22 March": given up
        if rule in _EXPLICIT_RULES and _APPOSITIVE_BEFORE.search(before):
            continue  # "the first coupon, payable April 1": the coupon's date
        if rule in _EXPLICIT_RULES and _INSTRUMENT_DUE_BEFORE.search(before):
            continue  # "notes due March 1, 1997": the notes' date
        if rule in _EXPLICIT_RULES and _PERIOD_BOUND_BEFORE.search(before):
            continue  # "figures for the period to February 28": what they cover
        if (
            rule in _EXPLICIT_RULES
            and _NAME_BEFORE.search(before)
            and _NAME_AFTER.match(sentence, match.end())
        ):
            continue  # "the March 23 Movement": a name
        days = _resolve(
            rule, groups, reference, coming=_SCHEDULED_BEFORE.search(before) is not None
        )
        if days is None:
            continue
        start, end = days
        kind = S.EXPLICIT if rule in _EXPLICIT_RULES else S.RELATIVE
        prep = " ".join((groups.get("prep") or "").lower().split())
        deadline = _BY_BEFORE.search(
            before + prep + " " if prep in _DEADLINE_WORDS else before
        ) or (_SPAN_TO_BEFORE.search(before) or _EXTENDED_TO_BEFORE.search(before))
        on_the_day = False
        if deadline is not None and (
            _DEFERRED.search(before, 0, max(0, deadline.start()))
            or _NOT_BEFORE.search(before, 0, max(0, deadline.start()))
            or _AT_THE_EARLIEST_AFTER.match(sentence, match.end())
            or (
                " ".join(deadline.group("word").lower().split()) == "ahead of"
                and not _FUTURE_BEFORE.search(
                    sentence, 0, match.start() - len(before) + deadline.start()
                )
            )
        ):
            # "deferred until Saturday a vote", "won't resume until Friday": on that day
            deadline, on_the_day = None, True
            if prep in _DEADLINE_WORDS:
                prep = ""
        elif deadline is None and _DEADLINE_AFTER.match(sentence, match.end()):
            deadline = _DEADLINE_AFTER.match(sentence, match.end())
        after = None
        if deadline is None and not on_the_day:
            # "before the alliance's summit in Vilnius in July": the time of the thing named
            after = _AFTER_BEFORE.search(before + prep + " " if prep in ("in", "on") else before)
        if after is not None and _AFTER_HOUR_BEFORE.search(before):
            after = None  # "after 1530 EST on March 20": that day
        if (
            after is not None
            and " ".join(after.group("word").lower().split()) == "ahead of"
            and not _FUTURE_BEFORE.search(sentence, 0, match.start() - len(before) + after.start())
        ):
            # "trial runs begin ahead of the railway's opening on 20 June": a present act
            # before the event, which is the one expected, on its own time
            after = None
        text = match.group().strip().rstrip(".,")
        if rule == "month" and groups.get("dayword"):
            # "in May one analyst said": the word after the month is not the window's
            text = text[: text.rindex(groups["dayword"])].rstrip()
        if deadline is not None:
            start, kind = reference, S.RELATIVE
            if not prep and deadline.start() < match.start():
                # "extend the ban to October 17" is written "to October 17"
                opening = deadline.start("word" if deadline.re is _EXTENDED_TO_BEFORE else 0)
                text = deadline.string[opening : deadline.end()].strip() + " " + text
        elif after is not None or prep == "after":
            word = "after" if after is None else " ".join(after.group("word").lower().split())
            if word in ("ahead of", "before"):
                start, end = reference, end
            else:
                start, end = start, _add_months(start, 1)
            kind = S.RELATIVE
        if _EARLIER_BEFORE.search(before) and start < reference:
            end = reference - timedelta(days=1)  # only what has passed of the period
        elif rule in _FROM_TODAY_RULES:
            start = max(start, reference) if end >= reference else start
        backdated = (
            rule in _EXPLICIT_RULES
            and deadline is None
            and after is None
            and _EFFECTIVE_BEFORE.search(before) is not None
        )
        aside = sentence.count("(", 0, match.start()) > sentence.count(")", 0, match.start())
        windows.append(Window(start, end, kind, text, backdated, aside))
    return windows


def expected_window(sentence: str, reference: date) -> Window | None:
    """The window of the event a forward-looking sentence expects, or ``None``.

    The first expression whose window ends on or after ``reference`` counts: dates of
    the past in the sentence are background, not the expected event (except a change
    backdated, "effective February 24" said in March), and the dates of a
    condition ("if his party is elected later this year") are the condition's.
    """
    return _first_coming(find_windows(without_conditions(sentence), reference), reference)


def expected_windows(sentences: Sequence[str], references: Sequence[date]) -> list[Window | None]:
    """``expected_window`` of every sentence against its own reference date.

    Parameters:
        sentences: forward-looking sentences.
        references: each sentence's briefing date.

    Returns:
        One window or ``None`` per sentence, in order; the conditions of all of them are
        blanked in one pass.
    """
    blanked = without_conditions_batch(sentences)
    return [
        _first_coming(find_windows(sentence, reference), reference)
        for sentence, reference in zip(blanked, references, strict=True)
    ]


def _first_coming(windows: list[Window], reference: date) -> Window | None:
    """The first window that ends on or after ``reference``, or takes effect backdated
    ("effective February 24" said in March): the expected event's. A time inside
    parentheses is an aside's ("asteroid 2004 MN4 (later named Apophis in July 2005) will
    pass Earth on April 13, 2029"): it counts only when no time outside them does."""
    for asides in (False, True):
        for window in windows:
            if window.aside == asides and (window.end >= reference or window.backdated):
                return window
    return None

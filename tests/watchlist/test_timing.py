"""Time expressions resolved against a briefing's date: the rules of English, worked by hand.

The reference day is Wednesday 14 February 2024 unless a case says otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics import schema as S
from analytics.watchlist import expected_window, find_windows

WEDNESDAY = date(2024, 2, 14)

CASES = [
    # (sentence, reference, start, end, kind, text)
    # "later in the day" is the briefing's own day, as "later today" is.
    (
        "Parliament is set to reconvene later in the day, before its return on March 4.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "later in the day",
    ),
    # A year's possessive before a quarter or a half names that quarter or half.
    (
        "Unit Two will not start commercial operation until 1988's first quarter.",
        date(1987, 3, 6),
        "1988-01-01",
        "1988-03-31",
        S.RELATIVE,
        "1988's first quarter",
    ),
    (
        "Profits will recover in 2025's second half.",
        WEDNESDAY,
        "2025-07-01",
        "2025-12-31",
        S.RELATIVE,
        "2025's second half",
    ),
    # "ahead of" a thing held on a day, after a present act: the thing is the event
    # expected, on its own time; after a future, the days up to it.
    (
        "Trial runs begin for the railway, ahead of its official opening on 20 June 2024.",
        WEDNESDAY,
        "2024-06-20",
        "2024-06-20",
        S.EXPLICIT,
        "20 June 2024",
    ),
    (
        "The railway will be tested ahead of its official opening on 20 June 2024.",
        WEDNESDAY,
        "2024-02-14",
        "2024-06-20",
        S.RELATIVE,
        "20 June 2024",
    ),
    (
        "The minister resigns ahead of the party congress in November.",
        date(2024, 8, 27),
        "2024-11-01",
        "2024-11-30",
        S.RELATIVE,
        "in November",
    ),
    # What is extended to a day lasts until it: the days up to it.
    (
        "The regulator would extend the short-sale ban to as long as October 17.",
        date(2024, 10, 2),
        "2024-10-02",
        "2024-10-17",
        S.RELATIVE,
        "to as long as October 17",
    ),
    (
        "The council will extend the curfew to the end of March.",
        WEDNESDAY,
        "2024-02-14",
        "2024-03-31",
        S.RELATIVE,
        "to the end of March",
    ),
    # A season named as a season, whatever words stand before it.
    (
        "Rates will not decline even in the usually sluggish summer season.",
        date(2024, 3, 30),
        "2024-06-01",
        "2024-08-31",
        S.RELATIVE,
        "summer season",
    ),
    # A reason given after "citing", to the next comma: its time is the reason's.
    (
        "The army, citing concerns for the election on March 3, will send troops next week.",
        WEDNESDAY,
        "2024-02-19",
        "2024-02-25",
        S.RELATIVE,
        "next week",
    ),
    # A weekday "next week" is that day of next week, not the coming one.
    (
        "Ministers will meet on Friday next week.",
        WEDNESDAY,
        "2024-02-23",
        "2024-02-23",
        S.RELATIVE,
        "Friday next week",
    ),
    # "the week after next", "the month after next": the second such unit on.
    (
        "Ministers will meet the week after next.",
        WEDNESDAY,
        "2024-02-26",
        "2024-03-03",
        S.RELATIVE,
        "the week after next",
    ),
    (
        "Ministers will meet the month after next.",
        WEDNESDAY,
        "2024-04-01",
        "2024-04-30",
        S.RELATIVE,
        "the month after next",
    ),
    # The Nth week of a month is its Nth seven days; the last week its last seven.
    (
        "Ministers will meet in the second week of March.",
        WEDNESDAY,
        "2024-03-08",
        "2024-03-14",
        S.RELATIVE,
        "the second week of March",
    ),
    (
        "Ministers will meet in the last week of June.",
        WEDNESDAY,
        "2024-06-24",
        "2024-06-30",
        S.RELATIVE,
        "the last week of June",
    ),
    # "the week of March 6" is the week (Monday to Sunday) that holds it; "the week
    # beginning March 6" the seven days from it.
    (
        "Ministers will meet in the week of March 6.",
        WEDNESDAY,
        "2024-03-04",
        "2024-03-10",
        S.RELATIVE,
        "the week of March 6",
    ),
    (
        "Rates will be unchanged for the week starting 6 March.",
        WEDNESDAY,
        "2024-03-06",
        "2024-03-12",
        S.RELATIVE,
        "the week starting 6 March",
    ),
    # "ten flights a week from May 31": a rate, then the day
    (
        "It will operate ten flights a week from May 31.",
        WEDNESDAY,
        "2024-05-31",
        "2024-05-31",
        S.EXPLICIT,
        "May 31",
    ),
    # "N units from now" and "hence" are "in N units"; a fortnight is two weeks.
    (
        "Ministers will meet two weeks from now.",
        WEDNESDAY,
        "2024-02-22",
        "2024-02-28",
        S.RELATIVE,
        "two weeks from now",
    ),
    (
        "Ministers will meet within a fortnight.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-28",
        S.RELATIVE,
        "within a fortnight",
    ),
    (
        "Ministers will meet in a fortnight.",
        WEDNESDAY,
        "2024-02-22",
        "2024-02-28",
        S.RELATIVE,
        "in a fortnight",
    ),
    (
        "Ministers will meet over the next fortnight.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-28",
        S.RELATIVE,
        "over the next fortnight",
    ),
    # Days the calendar fixes are the coming ones; "before" one runs up to it.
    (
        "Ministers will meet before Christmas.",
        WEDNESDAY,
        "2024-02-14",
        "2024-12-25",
        S.RELATIVE,
        "before Christmas",
    ),
    (
        "Ministers will meet on New Year's Eve.",
        WEDNESDAY,
        "2024-12-31",
        "2024-12-31",
        S.RELATIVE,
        "New Year's Eve",
    ),
    # "by month-end" is "by the end of the month"; "this evening" the briefing's day.
    (
        "Ministers will meet by month-end.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-29",
        S.RELATIVE,
        "by month-end",
    ),
    (
        "Ministers will meet later this afternoon.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "later this afternoon",
    ),
    # A day written as an ordinal word ("the twenty-third of March").
    (
        "Ministers will meet on the twenty-third of March.",
        WEDNESDAY,
        "2024-03-23",
        "2024-03-23",
        S.EXPLICIT,
        "the twenty-third of March",
    ),
    # "the spring of next year" is next year's spring.
    (
        "Ministers will meet in the spring of next year.",
        WEDNESDAY,
        "2025-03-01",
        "2025-05-31",
        S.RELATIVE,
        "in the spring of next year",
    ),
    # "between now and X" is "by X".
    (
        "Ministers will meet between now and June.",
        WEDNESDAY,
        "2024-02-14",
        "2024-06-30",
        S.RELATIVE,
        "between now and June",
    ),
    (
        "Ministers will meet between now and the end of the year.",
        WEDNESDAY,
        "2024-02-14",
        "2024-12-31",
        S.RELATIVE,
        "between now and the end of the year",
    ),
    # "no earlier than X" is "not before X": X itself.
    (
        "Ministers will meet no earlier than May.",
        WEDNESDAY,
        "2024-05-01",
        "2024-05-31",
        S.RELATIVE,
        "no earlier than May",
    ),
    # "the last days of March" are its late third; "the final days of the year" its last ten.
    (
        "Ministers will meet in the last days of March.",
        WEDNESDAY,
        "2024-03-21",
        "2024-03-31",
        S.RELATIVE,
        "the last days of March",
    ),
    (
        "Ministers will meet in the final days of the year.",
        WEDNESDAY,
        "2024-12-22",
        "2024-12-31",
        S.RELATIVE,
        "the final days of the year",
    ),
    # Two days joined by a slash ("the night of December 20/21") are both days.
    (
        "A total eclipse will take place on December 20/21, 2024.",
        WEDNESDAY,
        "2024-12-20",
        "2024-12-21",
        S.EXPLICIT,
        "December 20/21, 2024",
    ),
    (
        "The fair will run on 20/21 June.",
        WEDNESDAY,
        "2024-06-20",
        "2024-06-21",
        S.EXPLICIT,
        "20/21 June",
    ),
    # "next" on the briefing's own weekday is a week on (WEDNESDAY is a Wednesday).
    (
        "The vote is next Wednesday.",
        WEDNESDAY,
        "2024-02-21",
        "2024-02-21",
        S.RELATIVE,
        "next Wednesday",
    ),
    # "within the next N units" runs from the briefing's date; a part of a season is its third.
    (
        "Talks resume within the next 12 months.",
        WEDNESDAY,
        "2024-02-14",
        "2025-02-14",
        S.RELATIVE,
        "within the next 12 months",
    ),
    (
        "Talks resume in late summer.",
        WEDNESDAY,
        "2024-08-01",
        "2024-08-31",
        S.RELATIVE,
        "in late summer",
    ),
    # "over", "through" or "throughout" a season is during it, as "in" and "during" are.
    (
        "Talks will continue over the summer.",
        WEDNESDAY,
        "2024-06-01",
        "2024-08-31",
        S.RELATIVE,
        "over the summer",
    ),
    (
        "Fighting is expected to go on through the winter.",
        date(2024, 3, 20),  # the winter under way has ended: the next one
        "2024-12-01",
        "2025-02-28",
        S.RELATIVE,
        "through the winter",
    ),
    # "in a few weeks" is "in the coming weeks" (six weeks from the briefing's date).
    (
        "The talks will resume in a few weeks.",
        WEDNESDAY,
        "2024-02-14",
        "2024-03-27",
        S.RELATIVE,
        "in a few weeks",
    ),
    (
        "A decision may come in a few days.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-24",
        S.RELATIVE,
        "in a few days",
    ),
    # "by" a season is a deadline, from the briefing's date to the season's end; "no later
    # than X" is "by X"; a thing held in a season after "before" runs to its end.
    (
        "The deal will be signed by the autumn.",
        WEDNESDAY,
        "2024-02-14",
        "2024-11-30",
        S.RELATIVE,
        "by the autumn",
    ),
    (
        "Talks resume by spring.",
        WEDNESDAY,
        "2024-02-14",
        "2024-05-31",
        S.RELATIVE,
        "by spring",
    ),
    (
        "The law takes effect no later than June.",
        WEDNESDAY,
        "2024-02-14",
        "2024-06-30",
        S.RELATIVE,
        "no later than June",
    ),
    (
        "Troops leave no later than 2026.",
        WEDNESDAY,
        "2024-02-14",
        "2026-12-31",
        S.RELATIVE,
        "no later than 2026",
    ),
    (
        "The deal will be signed before the summit in spring.",
        WEDNESDAY,
        "2024-02-14",
        "2024-05-31",
        S.RELATIVE,
        "in spring",
    ),
    (
        "The summit will be held in spring.",
        WEDNESDAY,
        "2024-03-01",
        "2024-05-31",
        S.RELATIVE,
        "in spring",
    ),
    # A season or a day with its year named is that year's.
    (
        "Elections are due in spring 2025.",
        WEDNESDAY,
        "2025-03-01",
        "2025-05-31",
        S.RELATIVE,
        "in spring 2025",
    ),
    (
        "The plan takes effect January 1st next year.",
        WEDNESDAY,
        "2025-01-01",
        "2025-01-01",
        S.EXPLICIT,
        "January 1st next year",
    ),
    # An abbreviated month's full stop and a day's ordinal suffix keep the day.
    (
        "The vote will be held on Mar. 12.",
        WEDNESDAY,
        "2024-03-12",
        "2024-03-12",
        S.EXPLICIT,
        "Mar. 12",
    ),
    (
        "The vote will be held on March 12th.",
        WEDNESDAY,
        "2024-03-12",
        "2024-03-12",
        S.EXPLICIT,
        "March 12th",
    ),
    (
        "The rule takes effect on Jan. 1, 2025.",
        WEDNESDAY,
        "2025-01-01",
        "2025-01-01",
        S.EXPLICIT,
        "Jan. 1, 2025",
    ),
    (
        "The leaders will meet on March 3.",
        WEDNESDAY,
        "2024-03-03",
        "2024-03-03",
        S.EXPLICIT,
        "March 3",
    ),
    (
        "They meet on 3 March 2025.",
        WEDNESDAY,
        "2025-03-03",
        "2025-03-03",
        S.EXPLICIT,
        "3 March 2025",
    ),
    (
        "The summit on March 3-5, 2024 will decide.",
        WEDNESDAY,
        "2024-03-03",
        "2024-03-05",
        S.EXPLICIT,
        "March 3-5, 2024",
    ),
    (
        "A vote is set for 2024-06-01.",
        WEDNESDAY,
        "2024-06-01",
        "2024-06-01",
        S.EXPLICIT,
        "2024-06-01",
    ),
    (
        "Talks resume on January 9.",
        date(2023, 12, 20),
        "2024-01-09",
        "2024-01-09",
        S.EXPLICIT,
        "January 9",
    ),
    ("Talks are due next week.", WEDNESDAY, "2024-02-19", "2024-02-25", S.RELATIVE, "next week"),
    (
        "A vote is expected later this month.",
        WEDNESDAY,
        "2024-02-15",
        "2024-02-29",
        S.RELATIVE,
        "later this month",
    ),
    (
        "It will be signed by the end of the year.",
        WEDNESDAY,
        "2024-02-14",
        "2024-12-31",
        S.RELATIVE,
        "by the end of the year",
    ),
    (
        "Ties could improve in the coming months.",
        WEDNESDAY,
        "2024-02-14",
        "2024-08-15",
        S.RELATIVE,
        "in the coming months",
    ),
    (
        "He will visit after the election on 12 May.",
        WEDNESDAY,
        "2024-05-12",
        "2024-06-12",
        S.RELATIVE,
        "12 May",
    ),
    ("They will meet on Thursday.", WEDNESDAY, "2024-02-15", "2024-02-15", S.RELATIVE, "Thursday"),
    # The briefing's own weekday is its own day (the set's convention): "next" moves it on.
    (
        "They will meet on Wednesday.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "Wednesday",
    ),
    (
        "Elections are planned in 2025.",
        WEDNESDAY,
        "2025-01-01",
        "2025-12-31",
        S.RELATIVE,
        "in 2025",
    ),
    (
        "Growth may pick up early next year.",
        WEDNESDAY,
        "2025-01-01",
        "2025-04-30",
        S.RELATIVE,
        "early next year",
    ),
    ("Troops leave by mid-2025.", WEDNESDAY, "2024-02-14", "2025-08-31", S.RELATIVE, "by mid-2025"),
    (
        "Results come in the second half of next year.",
        WEDNESDAY,
        "2025-07-01",
        "2025-12-31",
        S.RELATIVE,
        "the second half of next year",
    ),
    ("Ministers meet tomorrow.", WEDNESDAY, "2024-02-15", "2024-02-15", S.RELATIVE, "tomorrow"),
    (
        "He will visit within two weeks.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-28",
        S.RELATIVE,
        "within two weeks",
    ),
    (
        "He will visit in two weeks.",
        WEDNESDAY,
        "2024-02-22",
        "2024-02-28",
        S.RELATIVE,
        "in two weeks",
    ),
    (
        "A deal could come in late March.",
        WEDNESDAY,
        "2024-03-21",
        "2024-03-31",
        S.RELATIVE,
        "late March",
    ),
    ("Voting ends in July.", WEDNESDAY, "2024-07-01", "2024-07-31", S.RELATIVE, "in July"),
    (
        "A decision is due next summer.",
        WEDNESDAY,
        "2024-06-01",
        "2024-08-31",
        S.RELATIVE,
        "next summer",
    ),
    (
        "Fighting may pause this weekend.",
        WEDNESDAY,
        "2024-02-17",
        "2024-02-18",
        S.RELATIVE,
        "this weekend",
    ),
    ("They will answer by Friday.", WEDNESDAY, "2024-02-14", "2024-02-16", S.RELATIVE, "by Friday"),
    (
        "Aid is pledged over the following year.",
        WEDNESDAY,
        "2024-02-14",
        "2025-02-14",
        S.RELATIVE,
        "over the following year",
    ),
    ("Results are due in Q3 2024.", WEDNESDAY, "2024-07-01", "2024-09-30", S.RELATIVE, "Q3 2024"),
    ("Budgets close at year-end.", WEDNESDAY, "2024-10-01", "2024-12-31", S.RELATIVE, "year-end"),
    (
        "Polls open on Sunday, March 10.",
        WEDNESDAY,
        "2024-03-10",
        "2024-03-10",
        S.EXPLICIT,
        "March 10",
    ),
    # A day without a year is the coming one unless the last is less than half as far.
    (
        "The election will be held on September 14.",
        date(2024, 1, 30),
        "2024-09-14",
        "2024-09-14",
        S.EXPLICIT,
        "September 14",
    ),
    # A negated deadline names the day itself.
    (
        "Trading won't resume until September 19.",
        WEDNESDAY,
        "2024-09-19",
        "2024-09-19",
        S.EXPLICIT,
        "September 19",
    ),
    (
        "The work will not be completed before the end of April.",
        WEDNESDAY,
        "2024-04-21",
        "2024-04-30",
        S.RELATIVE,
        "the end of April",
    ),
    (
        "The bonds will not mature until the year 2030.",
        WEDNESDAY,
        "2030-01-01",
        "2030-12-31",
        S.RELATIVE,
        "until the year 2030",
    ),
    (
        "The plan is extended until the year 2030.",
        WEDNESDAY,
        "2024-02-14",
        "2030-12-31",
        S.RELATIVE,
        "until the year 2030",
    ),
    (
        "Final terms will be set on, or before, June 5.",
        WEDNESDAY,
        "2024-02-14",
        "2024-06-05",
        S.RELATIVE,
        "on, or before, June 5",
    ),
    (
        "Forces are to withdraw to an October 10 deadline.",
        WEDNESDAY,
        "2024-02-14",
        "2024-10-10",
        S.RELATIVE,
        "October 10",
    ),
    (
        "The tax will apply to drilling on or after April 1.",
        WEDNESDAY,
        "2024-04-01",
        "2024-05-01",
        S.RELATIVE,
        "April 1",
    ),
    (
        "It will be announced following a meeting of the council on Tuesday, May 14.",
        WEDNESDAY,
        "2024-05-14",
        "2024-06-14",
        S.RELATIVE,
        "May 14",
    ),
    (
        "The gain will be booked in the third quarter ending June 30.",
        WEDNESDAY,
        "2024-04-01",
        "2024-06-30",
        S.RELATIVE,
        "the third quarter ending June 30",
    ),
    (
        "It expects the fiscal year that began Feb 1 to improve.",
        date(2024, 4, 3),
        "2024-02-01",
        "2025-01-31",
        S.RELATIVE,
        "the fiscal year that began Feb 1",
    ),
    (
        "It will send two missions between June and July this year.",
        WEDNESDAY,
        "2024-06-01",
        "2024-07-31",
        S.RELATIVE,
        "between June and July this year",
    ),
    (
        "The firm will release news within the hour.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "within the hour",
    ),
    # "ahead of X" after a present act: X is the event expected, on its own time; after a
    # future, the days up to X.
    (
        "The party begins its campaign ahead of the April 14 election.",
        WEDNESDAY,
        "2024-04-14",
        "2024-04-14",
        S.EXPLICIT,
        "April 14",
    ),
    (
        "The aim is to train crews ahead of expected spring fighting.",
        WEDNESDAY,
        "2024-03-01",
        "2024-05-31",
        S.RELATIVE,
        "expected spring",
    ),
    (
        "The talks will end ahead of the April 14 election.",
        WEDNESDAY,
        "2024-02-14",
        "2024-04-14",
        S.RELATIVE,
        "ahead of the April 14",
    ),
    # a change takes effect on the day named, also when it is backdated
    (
        "The unit will be dissolved, effective February 2.",
        WEDNESDAY,
        "2024-02-02",
        "2024-02-02",
        S.EXPLICIT,
        "February 2",
    ),
    # a span bounded by the day that follows it runs to that day
    (
        "The credit line will be in place for four years to March 31, 2027.",
        WEDNESDAY,
        "2024-02-14",
        "2027-03-31",
        S.RELATIVE,
        "for four years to March 31, 2027",
    ),
    (
        "The envoy will stay for two years to help.",
        WEDNESDAY,
        "2024-02-14",
        "2026-02-14",
        S.RELATIVE,
        "for two years",
    ),
    (
        "Interest payable March 31 will be paid to holders of record.",
        WEDNESDAY,
        "2024-03-31",
        "2024-03-31",
        S.EXPLICIT,
        "March 31",
    ),
    # What is scheduled for a day is still to come: the next 3 December, although the last
    # one (106 days back) is less than half as far as the next (259 days ahead).
    (
        "The party has scheduled the vote for a new leader for December 3.",
        date(2006, 3, 19),
        "2006-12-03",
        "2006-12-03",
        S.EXPLICIT,
        "December 3",
    ),
    # A time in parentheses is an aside's; the one outside them is the event's, though later.
    (
        "The asteroid (to be named in July) will pass Earth on April 13, 2029.",
        WEDNESDAY,
        "2029-04-13",
        "2029-04-13",
        S.EXPLICIT,
        "April 13, 2029",
    ),
    # With no time outside them, the one inside parentheses still counts.
    (
        "The vote will be held (on March 3) as planned.",
        WEDNESDAY,
        "2024-03-03",
        "2024-03-03",
        S.EXPLICIT,
        "March 3",
    ),
    # "after" an hour on a day bounds the hour: the day itself, not the month after it.
    (
        "Orders will be accepted only after 1530 EST on March 20.",
        WEDNESDAY,
        "2024-03-20",
        "2024-03-20",
        S.EXPLICIT,
        "March 20",
    ),
    (
        "The polls will close after 8 pm on Sunday, March 3.",
        WEDNESDAY,
        "2024-03-03",
        "2024-03-03",
        S.EXPLICIT,
        "March 3",
    ),
    # A range of weekdays: the coming Friday (16 February) to the Monday after it.
    (
        "It will suspend operations from Friday to Monday.",
        WEDNESDAY,
        "2024-02-16",
        "2024-02-19",
        S.RELATIVE,
        "from Friday to Monday",
    ),
    # A month before a common noun is the thing's month.
    (
        "The allies will push for a statement at the June economic summit in Venice.",
        WEDNESDAY,
        "2024-06-01",
        "2024-06-30",
        S.RELATIVE,
        "the June",
    ),
    # "before" a thing held in a month: from the briefing's date to the end of that month.
    (
        "Allies will press for approval before the summit in Vilnius in July.",
        WEDNESDAY,
        "2024-02-14",
        "2024-07-31",
        S.RELATIVE,
        "in July",
    ),
    # A half of a fiscal year named by its last day: its last six months.
    (
        "It expects a profit in the second half of the fiscal year ending September 30, 2024.",
        WEDNESDAY,
        "2024-04-01",
        "2024-09-30",
        S.RELATIVE,
        "the second half of the fiscal year ending September 30, 2024",
    ),
    # A day before a period's name is the day it ends: the three months to 12 July.
    (
        "The company expects a record July 12 second quarter.",
        WEDNESDAY,
        "2024-04-13",
        "2024-07-12",
        S.RELATIVE,
        "July 12 second quarter",
    ),
    # The day that bounds the period figures cover is theirs: the event is after the
    # carnival that ends on 27 February, for a month.
    (
        "Figures for the period to February 28 will be published after the carnival which "
        "ends on February 27.",
        WEDNESDAY,
        "2024-02-27",
        "2024-03-27",
        S.RELATIVE,
        "February 27",
    ),
    # A small day written as a lower-case word after a month, where no noun can follow it.
    (
        "The bonds will be redeemed June one, with the rest repaid later.",
        WEDNESDAY,
        "2024-06-01",
        "2024-06-01",
        S.EXPLICIT,
        "June one",
    ),
    (
        "The firm will redeem on April eight all its preferred shares.",
        WEDNESDAY,
        "2024-04-08",
        "2024-04-08",
        S.EXPLICIT,
        "on April eight",
    ),
    # After "in" the word starts what follows: the month.
    (
        "Prices will rise in May one analyst said.",
        WEDNESDAY,
        "2024-05-01",
        "2024-05-31",
        S.RELATIVE,
        "in May",
    ),
    # The year of the days named, after them.
    (
        "The synod will be held from October 5 to 19 in 2025.",
        WEDNESDAY,
        "2025-10-05",
        "2025-10-19",
        S.EXPLICIT,
        "October 5 to 19 in 2025",
    ),
    # "with immediate effect", "effective immediately": the briefing's day.
    (
        "The league will close its European arm with immediate effect.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "with immediate effect",
    ),
    (
        "The new rate is effective immediately, the bank said.",
        WEDNESDAY,
        "2024-02-14",
        "2024-02-14",
        S.RELATIVE,
        "effective immediately",
    ),
    # "until X at the earliest": X itself, the end of next week (Friday to Sunday).
    (
        "The board is unlikely to decide until the end of next week at the earliest.",
        WEDNESDAY,
        "2024-02-23",
        "2024-02-25",
        S.RELATIVE,
        "the end of next week",
    ),
    (
        "The plant will reopen by June at the earliest.",
        WEDNESDAY,
        "2024-06-01",
        "2024-06-30",
        S.RELATIVE,
        "by June",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "reference", "start", "end", "kind", "text"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_expected_window_resolves_the_expression(sentence, reference, start, end, kind, text):
    window = expected_window(sentence, reference)
    assert window is not None
    assert (window.start.isoformat(), window.end.isoformat()) == (start, end)
    assert (window.kind, window.text) == (kind, text)


@pytest.mark.parametrize(
    "sentence",
    [
        "May could bring relief.",  # the modal, not the month
        "Prices have risen since March.",
        "Talks collapsed in January.",
        "Fighting began on February 2.",
        "The 2015 budget was cut.",  # a bare year names no window
        "The talks, which began last week, continue.",
        # a date given up, a date in a name, a month of the year already past
        "The vote, originally planned for 22 March, can be cancelled.",
        "The March 23 Movement says talks will only begin later.",
        "The May Day rally will be large.",  # a month before a name is not the month
        "The June quarter borrowing requirement will be announced.",  # a period's name
        "The forum will weigh the events of January this year.",
        # a period that ended
        "It will match the profit of the year ended February 2.",
        # a date set off after a thing describes it
        "The notes will yield 9 pct on the first coupon, payable April 1, 2025, at par.",
        # a holiday's name as a name or a noun's modifier
        "Christmas Island will vote.",
        "Christmas sales will rise.",
        # a reason's time
        "The army, citing concerns for the election scheduled for March 3, announces a deployment.",
        # the day a debt falls due names the debt
        "The company will offer notes due March 1, 2030 and debentures due March 1, 2040.",
        "It will sell 50 mln dlrs of bonds maturing April 15, 2031.",
    ],
)
def test_expected_window_is_none_without_a_coming_time(sentence):
    assert expected_window(sentence, WEDNESDAY) is None


def test_expected_window_skips_past_dates_for_the_coming_one():
    sentence = "The talks, which began on January 3, will resume in April."
    windows = find_windows(sentence, WEDNESDAY)
    assert [w.text for w in windows] == ["January 3", "in April"]
    window = expected_window(sentence, WEDNESDAY)
    assert window is not None and window.text == "in April"
    assert (window.start, window.end) == (date(2024, 4, 1), date(2024, 4, 30))


def test_a_period_that_ended_is_over():
    # "ended January 31" said on 18 June 1987: the year to 31 January 1987, over; the next
    # January 31 (227 days ahead) is not half as far again as the last (138 days back)
    sentence = "Auditors will qualify their report on the year ended January 31."
    assert expected_window(sentence, date(1987, 6, 18)) is None


def test_a_period_that_began_is_the_one_under_way():
    # "began February 1" said on 18 June 1987: the twelve months from 1 February 1987
    window = expected_window(
        "Sales in the year that began February 1 will improve.", date(1987, 6, 18)
    )
    assert window is not None
    assert (window.start, window.end) == (date(1987, 2, 1), date(1988, 1, 31))


def test_a_month_just_past_is_not_pushed_to_next_year():
    # "in February" said at the end of April is the February just past, not next year's.
    assert expected_window("A signing collapsed in February.", date(2025, 4, 30)) is None

"""Regexes: MongoDB's (PCRE) word boundaries in PostgreSQL's dialect, and SQLite's REGEXP
under a time budget."""

import pytest

from lotr_kit.query.regex import RegexTimeout, _matcher, regex_budget, sqlite_regexp, to_postgres


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(r"\bfoot\b", r"\yfoot\y", id="word-boundary"),
        pytest.param(r"\Bor\B", r"\Yor\Y", id="not-word-boundary"),
        pytest.param(r"[\b]", r"[\b]", id="backspace-in-brackets-kept"),
        pytest.param(r"[]\b]\b", r"[]\b]\y", id="bracket-first-is-literal"),
        pytest.param(r"[^]\b]\b", r"[^]\b]\y", id="negated-bracket-first-is-literal"),
        pytest.param(r"\\b", r"\\b", id="escaped-backslash-then-b"),
        pytest.param(r"\d+\.\w", r"\d+\.\w", id="other-escapes-unchanged"),
        pytest.param("a\\", "a\\", id="trailing-backslash"),
        pytest.param("^gand", "^gand", id="plain"),
    ],
)
def test_word_boundaries_become_postgresqls(pattern, expected):
    assert to_postgres(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param("foot", "Nina Lightfoot", True, id="search-not-match"),
        pytest.param("(?i)^GAND", "Gandalf", True, id="inline-ignore-case"),
        pytest.param("^Gand$", "Gandalf", False, id="anchored"),
        pytest.param("(?i)DALF$", "Gandalf", True, id="literal-ignore-case-anchored-end"),
        pytest.param("(?i)éOMER", "Éomer", True, id="literal-ignore-case-beyond-ascii"),
        pytest.param("a.c", "abc", True, id="any-character"),
        pytest.param("a\\.c", "abc", False, id="escaped-dot"),
        pytest.param("x", None, None, id="null-value"),
        pytest.param(None, "x", None, id="null-pattern"),
    ],
)
def test_sqlite_regexp_searches(pattern, value, expected):
    assert sqlite_regexp(pattern, value) == expected


def test_sqlite_regexp_stops_once_the_budget_is_spent():
    with regex_budget(0), pytest.raises(RegexTimeout):
        sqlite_regexp("a", "a")


@pytest.mark.parametrize(
    ("pattern", "limited"),
    [
        ("an", False),
        ("(?i)an", False),
        ("^Gan", False),
        ("(?i)^Gandalf$", False),
        ("Bag gins", False),
        ("a.c", True),
        ("(a+)+$", True),
        ("a\\.c", True),
        ("[ab]", True),
        ("a|b", True),
        ("a$b", True),
        ("^^a", True),
    ],
)
def test_only_literal_patterns_skip_the_time_limit(pattern, limited):
    assert _matcher(pattern)[1] is limited


def test_a_pattern_that_backtracks_is_still_stopped_within_the_budget():
    with regex_budget(0.05), pytest.raises(RegexTimeout):
        sqlite_regexp("((.*){9}){9}[0-9]$", "Gandalf the Grey, the Grey Pilgrim, Mithrandir")


def test_a_literal_pattern_still_stops_once_the_budget_is_spent():
    with regex_budget(0), pytest.raises(RegexTimeout):
        sqlite_regexp("(?i)an", "Gandalf")

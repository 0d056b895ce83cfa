"""Actor normalisation: the words a sentence uses for an armed group or a state, mapped to one name.

The alias table (data/aliases/actors.csv) is knowledge an analyst may correct, so it lives in
data/. Two kinds of alias are resolved from context rather than looked up:

* ``@government`` ("the army", "government forces", "troops"): the state forces of the country the
  article is mostly about (data/aliases/state_forces.csv), because news writes "the army" for the
  army of the country it is reporting from.
* ``@recent-non-state`` ("the group", "the terrorists", "jihadists", "militants"): the armed
  non-state actor named most recently *before* this point in the same article. Reporters use these
  definite descriptions anaphorically for the group just named; restricting the antecedent to armed
  non-state actors named earlier in the same article keeps the guess cheap and rarely wrong, and
  with no such antecedent the actor stays unresolved instead of being invented.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from etl import config

GOVERNMENT = "@government"
RECENT_NON_STATE = "@recent-non-state"
CASE_SENSITIVE_ALIASES = frozenset({"is"})  # "IS" the group, never the verb "is"
MAX_ALIAS_WORDS = 8


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str  # state | non-state | civilian | international


@dataclass(frozen=True)
class AliasTable:
    aliases: dict[tuple[str, ...], Actor]
    state_forces: dict[str, str]  # country code -> actor name

    def lookup(self, words: list[str], originals: list[str]) -> tuple[Actor | None, int]:
        """The best alias found as a contiguous word sequence: named actors beat generic ones,
        then longer aliases beat shorter ones. Returns (actor, start index)."""
        best: tuple[tuple[int, int], Actor, int] | None = None
        for i in range(len(words)):
            for n in range(min(MAX_ALIAS_WORDS, len(words) - i), 0, -1):
                key = tuple(words[i : i + n])
                actor = self.aliases.get(key)
                if actor is None:
                    continue
                if n == 1 and key[0] in CASE_SENSITIVE_ALIASES and originals[i] != key[0].upper():
                    continue
                rank = (0 if actor.name.startswith("@") else 1, n)
                if best is None or rank > best[0]:
                    best = (rank, actor, i)
                break
        return (best[1], best[2]) if best else (None, -1)


def _words(text: str) -> list[str]:
    """Split like the spaCy tokenizer does for names: "Assad's" -> assad 's, "US-led" -> us - led."""
    text = text.lower().replace("’", "'").replace("'s", " 's").replace("-", " - ")
    return text.split()


@functools.lru_cache(maxsize=4)
def load_aliases(aliases_dir: str | None = None) -> AliasTable:
    directory = config.ALIASES_DIR if aliases_dir is None else Path(aliases_dir)
    aliases: dict[tuple[str, ...], Actor] = {}
    with open(directory / "actors.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases[tuple(_words(row["alias"]))] = Actor(row["actor"], row["kind"])
    state_forces: dict[str, str] = {}
    with open(directory / "state_forces.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            state_forces[row["country_code"].upper()] = row["actor"]
    return AliasTable(aliases, state_forces)


def normalise_words(
    originals: list[str],
    *,
    main_country: str = "",
    recent_non_state: str = "",
    table: AliasTable | None = None,
) -> Actor | None:
    """Map the words of a noun phrase to a canonical actor, resolving generic aliases from context."""
    table = table or load_aliases()
    words = [w.lower().replace("’", "'") for w in originals]
    actor, _ = table.lookup(words, originals)
    if actor is None:
        return None
    if actor.name == GOVERNMENT:
        name = table.state_forces.get(main_country.upper(), "")
        return Actor(name or "Government forces", "state")
    if actor.name == RECENT_NON_STATE:
        return Actor(recent_non_state, "non-state") if recent_non_state else None
    return actor


def normalise(text: str, **context) -> Actor | None:
    """Convenience for plain strings: normalise("Assad's troops") -> Syrian government forces."""
    originals = text.replace("’", "'").replace("'s", " 's").replace("-", " - ").split()
    return normalise_words(originals, **context)

"""From what a person types to what each database's full-text search understands.

SQLite FTS5 has no stemmer for Spanish, so the query is stemmed lightly here: plural endings
are cut and each word becomes a prefix query ("plantaciones" → `"plantacion"*`, which the
`remove_diacritics 2` tokenizer also matches to "plantación"). PostgreSQL gets the same query
in its own syntax (`'plantacion':*`), over words split and folded the way SQLite splits and
folds them (migration 0005), so that both databases find the same motions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)
_PIECE = re.compile(r"[^\W_]+", re.UNICODE)  # what both tokenizers keep of a \w+ token
_PHRASE = re.compile(r'"([^"]*)"')
MAX_TERMS = 12
MAX_QUERY = 200


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case, accents removed: what the search compares."""
    lowered = text.casefold()
    if lowered.isascii():
        return lowered
    return _COMBINING.sub("", unicodedata.normalize("NFKD", lowered))


def stem(word: str) -> str:
    """A deliberately small stemmer for es/en/pt/fr plurals, used as a prefix."""
    if len(word) > 5 and word.endswith("es"):
        return word[:-2]
    if len(word) > 4 and word.endswith("s"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Terms:
    """A query as words (each matched by prefix of its stem) and quoted phrases."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    def needles(self) -> list[str]:
        """Folded fragments to look for when cutting a snippet."""
        found = [stem(w) for w in self.words]
        found += [" ".join(p) for p in self.phrases]
        return [n for n in found if n]


def parse(q: str) -> Terms:
    q = (q or "")[:MAX_QUERY]
    phrases = []
    for phrase in _PHRASE.findall(q):
        tokens = tuple(fold(t) for t in _TOKEN.findall(phrase))
        if tokens:
            phrases.append(tokens)
    rest = _PHRASE.sub(" ", q)
    words = []
    for token in _TOKEN.findall(rest):
        folded = fold(token)
        if folded and folded not in words:
            words.append(folded)
    return Terms(tuple(words[:MAX_TERMS]), tuple(phrases[:MAX_TERMS]))


def fts5_match(terms: Terms) -> str:
    """An FTS5 MATCH expression. Every term is quoted, so nothing typed is FTS syntax."""
    parts = []
    for word in terms.words:
        stemmed = stem(word)
        parts.append(f'"{stemmed}"*' if len(stemmed) >= 3 else f'"{word}"')
    for phrase in terms.phrases:
        parts.append('"' + " ".join(phrase) + '"')
    return " AND ".join(parts)


def _tsquery_phrase(tokens: list[str], prefix: bool) -> str:
    quoted = [f"'{token}'" for token in tokens]
    if prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def tsquery_text(terms: Terms) -> str | None:
    """The PostgreSQL `to_tsquery` expression meaning what `fts5_match` means to SQLite (a
    quoted FTS5 string splits into a phrase where the tokenizer splits it; so do these), or
    None when no term has a letter or a digit. Only letters and digits are ever quoted, so
    nothing typed is tsquery syntax."""
    parts = []
    for word in terms.words:
        stemmed = stem(word)
        prefix = len(stemmed) >= 3
        tokens = _PIECE.findall(stemmed if prefix else word)
        if tokens:
            parts.append(_tsquery_phrase(tokens, prefix))
    for phrase in terms.phrases:
        tokens = [piece for token in phrase for piece in _PIECE.findall(token)]
        if tokens:
            parts.append(_tsquery_phrase(tokens, False))
    return " & ".join(parts) or None

"""The language of a content answer: `lang` if given, else Accept-Language, else the first.

`lang` must be one of the release's languages (a 422 lists them). Accept-Language is a
preference (RFC 9110 12.5.4): its ranges are tried by q-value, highest first, each matched
exactly or, failing that, by dropping subtags from its end (`es-MX` reads `es`, RFC 4647
lookup); `*` takes the release's first language, and so does a header that matches none.
"""

from __future__ import annotations

from collections.abc import Sequence

from .problems import problem_for

MAX_RANGES = 32  # a client's list is a preference: the rest of a longer one is not read


def choose_language(
    languages: Sequence[str], lang: str | None, accept_language: str | None, owner: str
) -> str:
    """The language to answer in, of `languages` (a release's, its first the default);
    `owner` names the release in an error ("Release 1.2.0 is").

    Raises the 422 problem when `lang` names a language the release is not written in.
    """
    if lang is not None:
        found = _match(lang, languages)
        if found is None:
            raise problem_for(
                422,
                [("query", "lang", f"{owner} written in: {', '.join(languages)}.")],
            )
        return found
    for wanted in preferred(accept_language):
        if wanted == "*":
            return languages[0]
        found = _match(wanted, languages)
        if found is not None:
            return found
    return languages[0]


def preferred(accept_language: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, best first, without q=0 ones.

    Malformed parts are skipped: the header states a preference, not a demand.
    """
    if not accept_language:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:MAX_RANGES]):
        tag, _, params = part.partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        for param in params.split(";") if params else ():
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = -1.0
        if tag and 0 < quality <= 1:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def _match(wanted: str, languages: Sequence[str]) -> str | None:
    """The release language a range names, exactly or by lookup truncation, ignoring case."""
    by_lower = {language.lower(): language for language in languages}
    subtags = wanted.lower().split("-")
    while subtags:
        found = by_lower.get("-".join(subtags))
        if found is not None:
            return found
        subtags.pop()
    return None

"""Languages over HTTP: `lang`, Accept-Language, Content-Language, ETags, caches, fallbacks."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.app import create_app
from service.domain import IdKeys

from .conftest import LATEST, RELEASES, json_of, lang_problem, raw, recording_app, served_item

KEYS = f"k1:{IdKeys.new_key()}"
MANIFEST = raw("manifest.json", LATEST)
ENGLISH, SPANISH = MANIFEST["languages"]  # the latest release: its first language, then one more
VERSIONS = sorted(
    (p.name for p in RELEASES.iterdir() if p.is_dir()), key=lambda v: tuple(map(int, v.split(".")))
)
# The newest release written in English only (its manifest lists no languages), by its files.
ENGLISH_ONLY = [v for v in VERSIONS if "languages" not in raw("manifest.json", v)][-1]
PROBLEM = "application/problem+json"
CONTENT_VARY = "Accept-Encoding, Accept-Language"
KINDS = {"exercises.json": "exercise", "stretches.json": "stretch"}
COLLECTIONS = ("exercises", "stretches", "precautions", "guidance", "screening")
FEEDBACK = {"pain_during": 1, "pain_next_day": 1, "effort": "right", "completed": True}


def spanish(file: str) -> Any:
    """A translation file of the latest release, as the JSON on disk."""
    return raw(f"translations/{SPANISH}/{file}", LATEST)


def first_id(file: str) -> str:
    entry_id: str = raw(file, LATEST)[0]["id"]
    return entry_id


EXERCISE, OTHER_EXERCISE = (entry["id"] for entry in raw("exercises.json", LATEST)[:2])


def put_over(english: Any, translated: Any) -> Any:
    """The English JSON with the translation's text put over it (FORMAT.md "Translations"):
    objects key by key, entries by id, other lists of objects by position; a string or a list
    of strings is replaced whole, and what the translation leaves out stays English."""
    if isinstance(english, dict):
        return {
            key: put_over(value, translated[key]) if key in translated else value
            for key, value in english.items()
        }
    if isinstance(english, list) and english and all(isinstance(v, dict) for v in english):
        if all("id" in value for value in english):
            by_id = {value["id"]: value for value in translated}
            return [put_over(value, by_id.get(value["id"], {})) for value in english]
        return [put_over(value, other) for value, other in zip(english, translated, strict=True)]
    return translated


def served(file: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A content entry of the latest release as GET /{collection}/{id} sends it: an item as
    conftest's served_item builds it (its `kind`, its illustration linked), any other as is."""
    if file not in KINDS:
        return entry
    return served_item(file.removesuffix(".json"), entry, LATEST)


def expected_entry(file: str, entry_id: str, language: str) -> dict[str, Any]:
    english = next(entry for entry in raw(file, LATEST) if entry["id"] == entry_id)
    if language == ENGLISH:
        return served(file, english)
    translated = next(entry for entry in spanish(file) if entry["id"] == entry_id)
    return served(file, put_over(english, translated))


def text_pairs(english: Any, translated: Any) -> Iterator[tuple[str, str]]:
    """Each English string of a file with the translation's string at the same place."""
    if isinstance(translated, str):
        yield english, translated
    elif isinstance(translated, dict):
        for key, value in translated.items():
            if key != "id":
                yield from text_pairs(english[key], value)
    elif translated and all(isinstance(v, dict) and "id" in v for v in translated):
        by_id = {value["id"]: value for value in english}
        for value in translated:
            yield from text_pairs(by_id[value["id"]], value)
    else:
        for value, other in zip(english, translated, strict=True):
            yield from text_pairs(value, other)


def translator(pairs: Iterable[tuple[str, str]]) -> Callable[[Any], Any]:
    """Replaces, anywhere in a JSON value, each English string of these pairs by its
    translation; a string translated two ways fails."""
    found: dict[str, set[str]] = {}
    for english, translated in pairs:
        found.setdefault(english, set()).add(translated)

    def translate(value: Any) -> Any:
        if isinstance(value, str):
            options = found.get(value, {value})
            assert len(options) == 1, (value, options)
            return next(iter(options))
        if isinstance(value, list):
            return [translate(inner) for inner in value]
        if isinstance(value, dict):
            return {key: translate(inner) for key, inner in value.items()}
        return value

    return translate


GENERAL = translator(
    pair
    for file in ("rules.json", "screening.json", "guidance.json", "precautions.json")
    for pair in text_pairs(raw(file, LATEST), spanish(file))
)
SPANISH_ITEMS = {entry["id"]: entry for file in KINDS for entry in spanish(file)}
# An item's text is translated by its own entry: two items may translate one English step
# two ways.
ITEMS = {
    entry["id"]: translator(text_pairs(entry, SPANISH_ITEMS[entry["id"]]))
    for file in KINDS
    for entry in raw(file, LATEST)
}


def in_spanish(routine: dict[str, Any]) -> dict[str, Any]:
    """The Spanish routine expected for an English one: each exercise's or stretch's text from
    its own translated entry, every other text from the rules, screening, guidance and
    precautions translations."""
    sections = [
        {**section, "items": [ITEMS.get(item["id"], GENERAL)(item) for item in section["items"]]}
        for section in routine["sections"]
    ]
    translated: dict[str, Any] = GENERAL({k: v for k, v in routine.items() if k != "sections"})
    return {**translated, "sections": sections}


def items(routine: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in routine["sections"] for item in section["items"]]


def same_answer(first: TestResponse, second: TestResponse) -> None:
    """Status, bytes and every header but the request id are the same."""
    assert first.status_code == second.status_code
    assert first.data == second.data
    drop = {"X-Request-ID"}
    assert [h for h in first.headers if h[0] not in drop] == [
        h for h in second.headers if h[0] not in drop
    ]


@pytest.fixture
def fresh() -> Flask:
    """An app of its own, whose response cache holds nothing yet."""
    return create_app({"TESTING": True, "ROUTINE_ID_KEYS": KEYS})


# ---- choosing the language of an entry


@pytest.mark.parametrize("file", [f"{name}.json" for name in COLLECTIONS])
def test_lang_es_gives_the_spanish_entry(client: FlaskClient, file: str) -> None:
    """`lang=es` answers with the English entry with the Spanish file's text put over it."""
    entry_id = first_id(file)
    response = client.get(f"/{file.removesuffix('.json')}/{entry_id}?lang={SPANISH}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == SPANISH
    assert response.headers["Content-Version"] == LATEST
    assert json_of(response) == expected_entry(file, entry_id, SPANISH)
    assert json_of(response) != expected_entry(file, entry_id, ENGLISH)


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("es", SPANISH),
        ("es-MX", SPANISH),  # no es-MX: the range read without its last subtag
        ("ES-mx", SPANISH),  # tags ignore case
        ("fr;q=1, es;q=0.5", SPANISH),  # fr matches nothing, the next best does
        ("en;q=0.2, es;q=0.9", SPANISH),  # highest q first, whatever the order written
        ("es;q=0.5, en", ENGLISH),  # en has the default q=1
        ("*", ENGLISH),
        ("*, es;q=0.5", ENGLISH),  # `*` is the release's first language, and ranks first here
        ("fr", ENGLISH),  # no match: the release's first language
        ("es;q=0", ENGLISH),  # q=0 means "not acceptable"
        ("es;q=x, en", ENGLISH),  # a malformed part is skipped
        ("", ENGLISH),
    ],
)
def test_accept_language_chooses_by_q_value_and_lookup(
    client: FlaskClient, accept_language: str, language: str
) -> None:
    """Without `lang`, the best Accept-Language range that names a language of the release
    decides, matched exactly or by dropping subtags; otherwise the release's first language."""
    response = client.get(f"/exercises/{EXERCISE}", headers={"Accept-Language": accept_language})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert json_of(response) == expected_entry("exercises.json", EXERCISE, language)


def test_lang_wins_over_accept_language(client: FlaskClient) -> None:
    """`lang=en` answers in English even when Accept-Language asks for Spanish only."""
    response = client.get(
        f"/exercises/{EXERCISE}?lang={ENGLISH}", headers={"Accept-Language": SPANISH}
    )
    assert response.status_code == 200
    assert response.headers["Content-Language"] == ENGLISH
    assert json_of(response) == expected_entry("exercises.json", EXERCISE, ENGLISH)


@pytest.mark.parametrize(
    ("query", "version", "languages"),
    [
        ("lang=fr", LATEST, MANIFEST["languages"]),
        (f"lang=fr&content_version={LATEST}", LATEST, MANIFEST["languages"]),
        # FORMAT.md: a manifest without `languages` is in English alone.
        (f"content_version={ENGLISH_ONLY}&lang={SPANISH}", ENGLISH_ONLY, ["en"]),
    ],
)
def test_a_lang_the_release_is_not_written_in_is_422(
    client: FlaskClient, query: str, version: str, languages: list[str]
) -> None:
    """A `lang` the release read lacks is a 422 problem on `lang` listing the languages of
    that release."""
    assert "languages" not in raw("manifest.json", ENGLISH_ONLY)
    response = client.get(f"/exercises/{EXERCISE}?{query}", headers={"Accept-Language": SPANISH})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert "Content-Language" not in response.headers
    assert json_of(response) == lang_problem(
        f"Release {version} is written in: {', '.join(languages)}."
    )


@pytest.mark.parametrize("lang", ["e", "español", "es_MX", "toolonglanguage"])
def test_a_lang_that_is_no_language_tag_is_422(client: FlaskClient, lang: str) -> None:
    """A `lang` that is not a language tag is refused before any release is read."""
    response = client.get(f"/exercises/{EXERCISE}", query_string={"lang": lang})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert json_of(response) == lang_problem("Not a language tag such as 'es'.")


# ---- Content-Language and Vary on every content answer

ENDPOINTS = [
    *(f"/{name}" for name in COLLECTIONS),
    *(f"/{name}/{first_id(f'{name}.json')}" for name in COLLECTIONS),
    "/content/releases",
    f"/content/releases/{LATEST}",
    f"/content/releases/{LATEST}/diff/{LATEST}",
    "/routines?minutes=20",
    "POST /routines",
    "/routines/{routine}",
    "/routines/{routine}/programme",
    "POST /routines/{routine}/feedback",
]


def ask(client: FlaskClient, endpoint: str, routine: str, **kwargs: Any) -> TestResponse:
    """GET the endpoint, or POST it (a routine's body, or a session's feedback)."""
    method, _, url = endpoint.rpartition(" ")
    url = url.format(routine=routine)
    if method == "POST":
        body = FEEDBACK if "/feedback" in url else {}
        return client.post(url, json=body, **kwargs)
    return client.get(url, **kwargs)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [
        ({}, "", ENGLISH),
        ({"Accept-Language": SPANISH}, "", SPANISH),
        ({"Accept-Language": ENGLISH}, f"lang={SPANISH}", SPANISH),
    ],
    ids=["none", "accept-language", "lang"],
)
def test_every_content_answer_names_its_language_and_varies_on_it(
    client: FlaskClient, endpoint: str, headers: dict[str, str], query: str, language: str
) -> None:
    """Lists, entries, releases, a diff and every routine answer carry the Content-Language
    chosen and Vary on Accept-Language as well as Accept-Encoding; the four answers that
    also speak FHIR (an exercise, a stretch, a routine by id, its programme) on Accept too."""
    routine = json_of(client.post("/routines", json={}))["id"]
    joined = f"{endpoint}{'&' if '?' in endpoint else '?'}{query}" if query else endpoint
    response = ask(client, joined, routine, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    negotiated = endpoint in (
        f"/exercises/{first_id('exercises.json')}",
        f"/stretches/{first_id('stretches.json')}",
        "/routines/{routine}",
        "/routines/{routine}/programme",
    )
    assert response.headers["Vary"] == CONTENT_VARY + (", Accept" if negotiated else "")


@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [
        ({}, "", ", ".join(MANIFEST["languages"])),
        ({"Accept-Language": SPANISH}, "", ", ".join(MANIFEST["languages"])),
        ({}, f"?lang={SPANISH}", SPANISH),
    ],
    ids=["none", "accept-language", "lang"],
)
def test_a_bundle_holds_every_language_unless_lang_names_one(
    client: FlaskClient, headers: dict[str, str], query: str, language: str
) -> None:
    """A bundle ignores Accept-Language (so does not vary on it): every language, or `lang`'s."""
    response = client.get(f"/content/releases/{LATEST}/bundle{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert response.headers["Vary"] == "Accept-Encoding"
    body = json_of(response)
    assert (body["languages"], list(body["content"])) == (
        MANIFEST["languages"],
        language.split(", "),
    )


def test_a_diff_is_read_in_a_language_both_releases_share(client: FlaskClient) -> None:
    """From an English-only release, a diff asked in Spanish is English; `lang=es` is a 422."""
    url = f"/content/releases/{ENGLISH_ONLY}/diff/{LATEST}"
    response = client.get(url, headers={"Accept-Language": SPANISH})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == ENGLISH
    assert json_of(response)["language"] == ENGLISH
    refused = client.get(f"{url}?lang={SPANISH}")
    assert refused.status_code == 422
    assert json_of(refused) == lang_problem(
        f"Releases {ENGLISH_ONLY} and {LATEST} are both written in: {ENGLISH}."
    )


# ---- validators: one ETag per language


def test_each_language_has_its_own_etag(client: FlaskClient) -> None:
    """English and Spanish ETags differ; If-None-Match is met only by the language asked for."""
    url = f"/exercises/{EXERCISE}"
    english = client.get(url, headers={"Accept-Language": ENGLISH})
    translated = client.get(url, headers={"Accept-Language": SPANISH})
    assert english.headers["ETag"] != translated.headers["ETag"]
    again = client.get(
        url, headers={"Accept-Language": SPANISH, "If-None-Match": translated.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == translated.headers["ETag"]
    stale = client.get(
        url, headers={"Accept-Language": SPANISH, "If-None-Match": english.headers["ETag"]}
    )
    assert stale.status_code == 200
    assert stale.headers["Content-Language"] == SPANISH
    assert json_of(stale) == expected_entry("exercises.json", EXERCISE, SPANISH)


def test_the_same_bytes_in_two_languages_have_two_etags(client: FlaskClient) -> None:
    """The releases list holds no text, so both languages send the same bytes, but not the
    same representation: a cached English copy does not revalidate a Spanish request."""
    english = client.get("/content/releases", headers={"Accept-Language": ENGLISH})
    translated = client.get("/content/releases", headers={"Accept-Language": SPANISH})
    assert english.data == translated.data
    assert english.headers["ETag"] != translated.headers["ETag"]
    stale = client.get(
        "/content/releases",
        headers={"Accept-Language": SPANISH, "If-None-Match": english.headers["ETag"]},
    )
    assert stale.status_code == 200
    assert stale.headers["Content-Language"] == SPANISH


# ---- the response cache and the direct routine path


def test_the_response_cache_keeps_languages_apart(fresh: Flask) -> None:
    """The same URL asked in English, then Spanish, then both again, answers each in its own
    language: the cache stores one answer per Accept-Language."""
    client = fresh.test_client()
    url = f"/exercises/{EXERCISE}"
    for _ in range(2):
        for language in (ENGLISH, SPANISH):
            response = client.get(url, headers={"Accept-Language": language})
            assert response.status_code == 200
            assert response.headers["Content-Language"] == language
            assert json_of(response) == expected_entry("exercises.json", EXERCISE, language)
    assert len(fresh.extensions["response_cache"].stored) == 2


def test_a_new_routine_in_each_language_is_stored_apart(fresh: Flask) -> None:
    """POST /routines (the direct path, then the cache) in English then Spanish, twice over:
    each answer is in the language asked for, the Spanish one the English one translated."""
    client = fresh.test_client()
    answers: dict[str, list[Any]] = {ENGLISH: [], SPANISH: []}
    for _ in range(2):
        for language in (ENGLISH, SPANISH):
            response = client.post("/routines", json={}, headers={"Accept-Language": language})
            assert response.status_code == 200
            assert response.headers["Content-Language"] == language
            answers[language].append(json_of(response))
    english, translated = answers[ENGLISH][0], answers[SPANISH][0]
    assert answers == {ENGLISH: [english, english], SPANISH: [translated, translated]}
    assert translated == in_spanish(english)
    assert translated != english


def _app(*, direct: bool) -> tuple[Flask, list[bool]]:
    return recording_app(direct=direct, keys=KEYS)


@pytest.mark.parametrize("encoding", ["", "br"])
def test_a_direct_routine_in_spanish_is_flask_answer(encoding: str) -> None:
    """With Accept-Language es the direct path answers byte for byte and header for header as
    Flask does, and as `?lang=es` (which Flask answers) does."""
    direct, answered = _app(direct=True)
    flask_only, _ = _app(direct=False)
    body = {"minutes": 30, "equipment": ["towel", "wall"]}
    headers = {"Accept-Language": SPANISH, "Accept-Encoding": encoding}
    got = direct.test_client().post("/routines", json=body, headers=headers)
    assert got.headers["Content-Language"] == SPANISH
    same_answer(got, flask_only.test_client().post("/routines", json=body, headers=headers))
    by_lang = direct.test_client().post(
        f"/routines?lang={SPANISH}", json=body, headers={"Accept-Encoding": encoding}
    )
    same_answer(got, by_lang)
    assert answered == [True]  # the query string sent the second to Flask untried


# ---- routines in Spanish


@pytest.mark.parametrize(
    "body",
    [
        {},
        # every section, a low-impact activity and a harder variation at week 6
        {
            "minutes": 60,
            "equipment": [e["id"] for e in raw("equipment.json", LATEST)],
            "week": 6,
            "pain": 2,
            "level": "intermediate",
        },
    ],
    ids=["defaults", "everything"],
)
@pytest.mark.parametrize(
    ("headers", "query"),
    [({"Accept-Language": SPANISH}, ""), ({"Accept-Language": ENGLISH}, f"?lang={SPANISH}")],
    ids=["accept-language", "lang"],
)
def test_a_routine_in_spanish(
    client: FlaskClient, body: dict[str, Any], headers: dict[str, str], query: str
) -> None:
    """A routine asked in Spanish has the English routine's id and every text of it in
    Spanish: each item's name, steps and cautions, the precautions and the safety notice."""
    english = json_of(client.post("/routines", json=body))
    response = client.post(f"/routines{query}", json=body, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == SPANISH
    assert response.headers["Content-Location"] == f"/routines/{english['id']}"
    translated = json_of(response)
    assert translated == in_spanish(english)
    assert translated["id"] == english["id"]
    for item in items(translated):
        if item["kind"] != "activity":
            source = SPANISH_ITEMS[item["id"]]
            assert (item["name"], item["steps"], item["cautions"]) == (
                source["name"], source["steps"], source["cautions"],
            )  # fmt: skip
    notice = next(g for g in spanish("guidance.json") if g["id"] == MANIFEST["safety_notice"])
    assert translated["safety_notice"]["body"] == notice["body"]


def test_a_routine_and_its_programme_by_id_in_spanish(client: FlaskClient) -> None:
    """GET /routines/{id} and its programme follow `lang`: the same routine, in Spanish."""
    english = json_of(client.post("/routines", json={"minutes": 20}))
    url = f"/routines/{english['id']}"
    response = client.get(f"{url}?lang={SPANISH}")
    assert (response.status_code, response.headers["Content-Language"]) == (200, SPANISH)
    assert json_of(response) == in_spanish(english)
    assert json_of(client.get(url)) == english
    programme = client.get(f"{url}/programme?lang={SPANISH}")
    assert (programme.status_code, programme.headers["Content-Language"]) == (200, SPANISH)
    english_weeks = json_of(client.get(f"{url}/programme"))
    assert json_of(programme) == {
        **english_weeks,
        "weeks": [in_spanish(week) for week in english_weeks["weeks"]],
    }
    assert english_weeks["weeks"][0] == english


def test_feedback_in_spanish_gives_the_next_routine_in_spanish(client: FlaskClient) -> None:
    """POST feedback with `lang=es`: the decision's texts and the `next` routine in Spanish."""
    routine = json_of(client.post("/routines", json={}))["id"]
    url = f"/routines/{routine}/feedback"
    english = json_of(client.post(url, json=FEEDBACK))
    response = client.post(f"{url}?lang={SPANISH}", json=FEEDBACK)
    assert (response.status_code, response.headers["Content-Language"]) == (200, SPANISH)
    assert english["next"] is not None
    assert json_of(response) == {
        **GENERAL({k: v for k, v in english.items() if k != "next"}),
        "next": in_spanish(english["next"]),
    }


def test_see_a_professional_in_spanish_lists_the_self_care_items(client: FlaskClient) -> None:
    """A yes to a `soon` question in Spanish: no exercises, Spanish advice, and see_also the
    professional advice then the six self-care items of rules.json, with Spanish titles."""
    question = next(q["id"] for q in raw("screening.json", LATEST) if q["urgency"] == "soon")
    body = {"screening": {question: True}}
    english = json_of(client.post("/routines", json=body))
    response = client.post("/routines", json=body, headers={"Accept-Language": SPANISH})
    assert (response.status_code, response.headers["Content-Language"]) == (200, SPANISH)
    translated = json_of(response)
    assert translated == in_spanish(english)
    assert (translated["status"], translated["urgency"], translated["sections"]) == (
        "see-a-professional", "soon", [],
    )  # fmt: skip
    guidance = {g["id"]: g for g in spanish("guidance.json")}
    linked = [MANIFEST["professional_advice"], *raw("rules.json", LATEST)["self_care"]]
    assert len(linked) == 7
    assert translated["see_also"] == [
        {
            "id": name,
            "title": guidance[name]["title"],
            "summary": guidance[name]["summary"],
            "href": f"/guidance/{name}?content_version={LATEST}",
        }
        for name in linked
    ]


# ---- fallbacks, on a copy whose Spanish translation leaves two fields out


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The releases without the lock (an edit of a published release is a draft here), the
    latest's Spanish exercises.json without the first exercise's purpose and steps."""
    root = tmp_path_factory.mktemp("partial")
    for version in VERSIONS:
        shutil.copytree(RELEASES / version, root / version)
    path = root / LATEST / "translations" / SPANISH / "exercises.json"
    entries = json.loads(path.read_text("utf-8"))
    assert entries[0]["id"] == EXERCISE
    del entries[0]["steps"], entries[0]["purpose"]
    path.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
    return create_app({"TESTING": True, "CONTENT_DIR": str(root), "ROUTINE_ID_KEYS": KEYS})


# Fields are listed as the merge meets them walking the English entry, the one translated
# ("in the file's order", tests/test_translations.py), whatever the translation's own key
# order: in exercises.json purpose comes before steps.
FALLBACK = f"exercises/{EXERCISE}/purpose, exercises/{EXERCISE}/steps"


def test_a_missing_translation_falls_back_to_english_and_says_so(partial: Flask) -> None:
    """The entry sends English purpose and steps with every other text Spanish, and
    Language-Fallback names exactly those two fields."""
    response = partial.test_client().get(f"/exercises/{EXERCISE}?lang={SPANISH}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == SPANISH
    assert response.headers["Language-Fallback"] == FALLBACK
    english = next(e for e in raw("exercises.json", LATEST) if e["id"] == EXERCISE)
    assert list(english).index("purpose") < list(english).index("steps")  # FALLBACK's order
    translated = {
        k: v for k, v in spanish("exercises.json")[0].items() if k not in ("purpose", "steps")
    }
    body = json_of(response)
    assert body == served("exercises.json", put_over(english, translated))
    assert (body["name"], body["purpose"], body["steps"]) == (
        spanish("exercises.json")[0]["name"], english["purpose"], english["steps"],
    )  # fmt: skip


def test_a_fully_translated_entry_has_no_fallback_header(partial: Flask) -> None:
    """Another exercise, and the English one, name no fallback."""
    client = partial.test_client()
    other = client.get(f"/exercises/{OTHER_EXERCISE}?lang={SPANISH}")
    assert other.status_code == 200
    assert json_of(other) == expected_entry("exercises.json", OTHER_EXERCISE, SPANISH)
    assert "Language-Fallback" not in other.headers
    assert "Language-Fallback" not in client.get(f"/exercises/{EXERCISE}").headers


@pytest.mark.parametrize(
    ("query", "fallback"),
    [("", FALLBACK), ("&page_size=1", FALLBACK), ("&page_size=1&page=2", None)],
    ids=["every-entry", "its-page", "another-page"],
)
def test_a_list_page_names_the_fallbacks_of_its_entries(
    partial: Flask, query: str, fallback: str | None
) -> None:
    """A page holding the exercise names its fallbacks; a page without it names none."""
    response = partial.test_client().get(f"/exercises?lang={SPANISH}{query}")
    assert response.status_code == 200
    assert response.headers.get("Language-Fallback") == fallback


@pytest.mark.parametrize(
    ("headers", "query"),
    [({"Accept-Language": SPANISH}, ""), ({}, f"?lang={SPANISH}")],
    ids=["direct", "flask"],
)
def test_a_routine_names_every_fallback_of_its_release(
    partial: Flask, headers: dict[str, str], query: str
) -> None:
    """A Spanish routine carries the release-wide Language-Fallback, whether or not it holds
    the exercise; an English one carries none."""
    client = partial.test_client()
    response = client.post(f"/routines{query}", json={}, headers=headers)
    assert (response.status_code, response.headers["Content-Language"]) == (200, SPANISH)
    assert response.headers["Language-Fallback"] == FALLBACK
    assert "Language-Fallback" not in client.post("/routines", json={}).headers


# ---- the releases say which languages they are written in


def expected_manifest(version: str, language: str) -> dict[str, Any]:
    """GET /content/releases/{version} as its files say, without the checksum."""
    manifest = raw("manifest.json", version)
    equipment = raw("equipment.json", version)
    if language != ENGLISH:
        manifest = put_over(manifest, raw(f"translations/{language}/manifest.json", version))
        equipment = put_over(equipment, raw(f"translations/{language}/equipment.json", version))
    return {
        "version": version,
        "released": manifest["released"],
        "latest": version == LATEST,
        "counts": {name: len(raw(f"{name}.json", version)) for name in COLLECTIONS},
        "languages": manifest.get("languages", ["en"]),  # FORMAT.md: none listed is English
        "summary": manifest["summary"],
        "changes": manifest["changes"],
        "safety_notice": manifest["safety_notice"],
        "professional_advice": manifest["professional_advice"],
        "equipment": equipment,
        "sources": manifest["sources"],
        "removed": manifest.get("removed", []),
    }


@pytest.mark.parametrize(
    ("version", "query", "language"),
    [
        (LATEST, "", ENGLISH),
        (LATEST, f"?lang={SPANISH}", SPANISH),
        (ENGLISH_ONLY, "", ENGLISH),
    ],
)
def test_a_release_lists_its_languages(
    client: FlaskClient, version: str, query: str, language: str
) -> None:
    """The latest release is written in English and Spanish, the newest English-only one in
    English; the manifest's text is in the language asked for."""
    response = client.get(f"/content/releases/{version}{query}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    body = json_of(response)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", body.pop("checksum"))
    assert body == expected_manifest(version, language)
    assert body["languages"] == (["en", "es"] if version == LATEST else ["en"])


@pytest.fixture(scope="module")
def untranslated_changes(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The releases without the lock, the latest's Spanish manifest without its changes."""
    root = tmp_path_factory.mktemp("untranslated-changes")
    for version in VERSIONS:
        shutil.copytree(RELEASES / version, root / version)
    path = root / LATEST / "translations" / SPANISH / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["changes"]
    path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return create_app({"TESTING": True, "CONTENT_DIR": str(root), "ROUTINE_ID_KEYS": KEYS})


def test_manifests_bundles_and_diffs_name_their_fallbacks(
    partial: Flask, untranslated_changes: Flask
) -> None:
    """The manifest names its own untranslated fields (not an exercise's); a bundle in one
    language names that language's, a bundle of every language prefixes each with its
    language; a diff names those of the releases it reads."""
    changes = untranslated_changes.test_client()
    manifest = changes.get(f"/content/releases/{LATEST}?lang={SPANISH}")
    assert manifest.status_code == 200
    assert manifest.headers["Language-Fallback"] == "manifest/changes"
    assert json_of(manifest)["changes"] == raw("manifest.json", LATEST)["changes"]
    client = partial.test_client()
    assert "Language-Fallback" not in client.get(f"/content/releases/{LATEST}?lang=es").headers
    one = client.get(f"/content/releases/{LATEST}/bundle?lang={SPANISH}")
    every = client.get(f"/content/releases/{LATEST}/bundle")
    diff = client.get(f"/content/releases/{LATEST}/diff/{LATEST}?lang={SPANISH}")
    assert [r.status_code for r in (one, every, diff)] == [200, 200, 200]
    assert one.headers["Language-Fallback"] == FALLBACK
    assert every.headers["Language-Fallback"] == ", ".join(
        f"{SPANISH}:{path}" for path in FALLBACK.split(", ")
    )
    assert diff.headers["Language-Fallback"] == FALLBACK
    english = client.get(f"/content/releases/{LATEST}/bundle?lang=en")
    assert "Language-Fallback" not in english.headers

"""Routine ids, read from outside: the key list's errors, the encrypted payload, each refusal.

The payload is checked by decrypting it here with the cryptography library itself, so the
format the ids module documents (compact JSON of the version and the request, the prefix and
key id as associated data) is the oracle, not the module's own encoder.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from service.domain import (
    IdKeys,
    RoutineIdError,
    RoutineRequest,
    decode_routine_id,
    encode_routine_id,
    read_legacy_id,
)
from service.domain.ids import is_legacy_id

KEY_A = bytes(range(64))
KEY_B = bytes(range(64, 128))
REQUEST = RoutineRequest.build(
    minutes=20,
    equipment=["wall", "towel"],
    position="seated",
    pain=3,
    level="beginner",
    focus=["balance"],
    days_per_week=3,
    screening_no=["numbness-or-tingling"],
    seed=7,
)
# The request's fields in the id's documented order, as JSON spells them.
FIELDS = [20, ["towel", "wall"], "seated", 3, "beginner", ["balance"], [], 1, 3, []]
FIELDS += [["numbness-or-tingling"], 7, 0, 0, None]
# An r1 id's fields: the first release's request, in this order.
LEGACY = ["minutes", "equipment", "position", "pain", "level", "focus", "exclude", "week"]
LEGACY += ["days_per_week", "screening", "seed"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sealed(payload: bytes, kid: str = "a", key: bytes = KEY_A) -> str:
    """An r2 id made here, around any payload, with the documented associated data."""
    return f"r2.{kid}.{b64(AESSIV(key).encrypt(payload, [f'r2.{kid}'.encode()]))}"


def test_no_key_at_all_is_refused() -> None:
    """A key list needs at least one key."""
    with pytest.raises(ValueError, match=r"^no routine id key given$"):
        IdKeys([])


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    """Ids are made under the first key id; an id of any listed key still decodes."""
    keys = IdKeys([("a", KEY_A), ("b", KEY_B)])
    token = encode_routine_id(REQUEST, "1.1.0", keys)
    assert keys.current == "a"
    assert token.split(".")[:2] == ["r2", "a"]
    rotated = IdKeys([("b", KEY_B), ("a", KEY_A)])
    assert decode_routine_id(token, rotated) == ("1.1.0", REQUEST)
    assert encode_routine_id(REQUEST, "1.1.0", rotated).split(".")[1] == "b"


def test_the_payload_is_compact_json_of_the_version_and_the_request() -> None:
    """Decrypted with the key and `r2.<kid>` as associated data, the token holds the version
    and the request's fields, without a space: ids stay as short as they can be."""
    token = encode_routine_id(REQUEST, "1.1.0", IdKeys([("a", KEY_A)]))
    sealed_bytes = base64.urlsafe_b64decode(token.split(".")[2] + "==")
    payload = AESSIV(KEY_A).decrypt(sealed_bytes, [b"r2.a"])
    assert payload == json.dumps(["1.1.0", *FIELDS]).replace(", ", ",").encode()
    assert b" " not in payload


def test_keys_are_parsed_from_comma_separated_pairs() -> None:
    """`kid:key` pairs split on commas, blanks ignored; the first one encrypts."""
    keys = IdKeys.parse(f" a:{b64(KEY_A)} ,, b:{b64(KEY_B)},")
    assert keys.current == "a"
    token = sealed(b'["1.1.0"]', "b", KEY_B)
    with pytest.raises(RoutineIdError, match=r"^not a routine id of this service$"):
        decode_routine_id(token, keys)  # decrypts with b's key: then the payload is refused
    assert decode_routine_id(encode_routine_id(REQUEST, "v", keys), IdKeys([("a", KEY_A)]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"A:{b64(KEY_A)}", "a routine id key id must match [a-z0-9]{1,16}"),
        (f"a:{b64(KEY_A)},a:{b64(KEY_B)}", "routine id key id 'a' is given twice"),
        ("a:not*base64", "routine id key 'a' is not base64url"),
        (f"a:{b64(KEY_A)}:x", "routine id key 'a' is not base64url"),
        ("a:AB", "routine id key 'a' is not base64url"),  # low bits set: not canonical
        (f"a:{b64(KEY_A[:32])}", "routine id key 'a' must be 64 bytes"),
        ("", "no routine id key given"),
    ],
)
def test_a_bad_key_list_is_refused_saying_why(text: str, message: str) -> None:
    """Each fault of ROUTINE_ID_KEYS is named, and never echoes a key."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        IdKeys.parse(text)


def test_a_new_key_is_64_random_bytes_in_base64url() -> None:
    """new_key() gives a key that parse() accepts, different each time."""
    first, second = IdKeys.new_key(), IdKeys.new_key()
    assert first != second
    assert len(base64.urlsafe_b64decode(first + "==")) == 64
    assert IdKeys.parse(f"k:{first}").current == "k"


KEYS = IdKeys([("a", KEY_A)])


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("r2.a", "not a routine id"),
        ("r3.a.b", "not a routine id"),
        ("r2.a.b.c", "not a routine id"),
        ("r2.a." + "A" * 2044, "not a routine id"),  # 2049 characters
        ("r2.a." + "A" * 2043, "not a routine id of this service"),  # 2048: read, not kept
        ("r2.z.AAAA", "not a routine id of this service"),
        ("r2.a.AAAA", "not a routine id of this service"),
        (sealed(b"not json"), "not a routine id of this service"),
        (sealed(json.dumps([1, *FIELDS]).encode()), "not a routine id of this service"),
        (sealed(json.dumps(["1.1.0", *FIELDS, 0]).encode()), "not a routine id of this service"),
        (sealed(json.dumps(["1.1.0", *FIELDS[:-1]]).encode()), "not a routine id of this service"),
        (
            sealed(json.dumps(["1.1.0", 4, *FIELDS[1:]]).encode()),
            "not a routine id of this service",
        ),
    ],
)
def test_a_token_that_is_no_id_is_refused(token: str, message: str) -> None:
    """Wrong shape, too long, unknown key, changed, or holding no valid request: refused."""
    with pytest.raises(RoutineIdError) as caught:
        decode_routine_id(token, KEYS)
    assert str(caught.value) == message


def test_an_id_made_here_with_the_documented_format_decodes() -> None:
    """A payload sealed outside the module, as documented, decodes to its request."""
    assert decode_routine_id(sealed(json.dumps(["9.9.9", *FIELDS]).encode()), KEYS) == (
        "9.9.9",
        REQUEST,
    )


def legacy(values: object, prefix: str = "r1") -> str:
    return f"{prefix}.{b64(json.dumps(values).encode())}.mac"


def test_a_legacy_id_gives_its_version_and_first_release_fields() -> None:
    """An r1 id is base64 JSON of the version and the first release's eleven fields."""
    values = [15, ["wall"], "any", None, "beginner", [], [], 2, 3, [], 5]
    version, fields = read_legacy_id(legacy(["1.0.0", *values]))
    assert version == "1.0.0"
    assert dict(fields) == dict(zip(LEGACY, values, strict=True))
    assert is_legacy_id(legacy(["1.0.0", *values]))


@pytest.mark.parametrize(
    "token",
    [
        legacy(["1.0.0", *range(11)], "r2"),
        "r1.e30",
        "r1.a.b.c",
        "r1." + "A" * 2046 + ".m",
        legacy(["1.0.0", *range(10)]),
        legacy(["1.0.0", *range(12)]),
        legacy([1, *range(11)]),
        "r1.bm90IGpzb24.m",  # "not json"
        "r1.!!!.m",
        legacy(5),
    ],
)
def test_a_token_that_is_no_legacy_id_is_refused(token: str) -> None:
    """Anything but a well-formed r1 id of eleven fields and a version is not an r1 id."""
    with pytest.raises(RoutineIdError) as caught:
        read_legacy_id(token)
    assert str(caught.value) == "not a routine id"


@pytest.mark.parametrize(("token", "legacy_shape"), [("r1.x.y", True), ("r2.a.b", False)])
def test_legacy_ids_are_told_apart_by_their_prefix(token: str, legacy_shape: bool) -> None:
    """Only `r1.` marks an id of the first release; `r1x` or `r2.` do not."""
    assert is_legacy_id(token) is legacy_shape
    assert is_legacy_id("r1x.a.b") is False

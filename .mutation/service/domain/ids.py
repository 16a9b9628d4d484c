"""Routine ids: the request and the place in the programme, encrypted so that no one reads them.

An id is `r2.<key id>.<token>`, the token AES-SIV (deterministic authenticated encryption) of
the compact JSON of the release version and the normalised request, with the prefix and key
id as associated data. The same routine always has the same id (so it caches), nothing in it
is readable (pain and screening answers stay out of URLs, logs and metrics), and a changed
character never decodes. Keys rotate: the first key encrypts, every listed key decrypts.

`r1` ids of the first release were base64 JSON with a MAC under a public key; they are only
read to point their holders at the same request on a release that makes routines.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from .requests import RoutineError, RoutineRequest

PREFIX = "r2"
LEGACY_PREFIX = "r1"
MAX_LENGTH = 2048
KEY_ID = re.compile(r"[a-z0-9]{1,16}")
KEY_BYTES = 64  # AES-256-SIV


class RoutineIdError(ValueError):
    """A routine id that is malformed, tampered with, or made with a key this service lacks."""


class IdKeys:
    """The keys of routine ids by key id; the first one encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("no routine id key given")
        self.current = keys[0][0]
        self._ciphers = {kid: AESSIV(key) for kid, key in keys}

    @classmethod
    def parse(cls, text: str) -> IdKeys:
        """Keys from `kid:base64url-key,kid:key,...`. Raises ValueError saying what is wrong."""
        keys: list[tuple[str, bytes]] = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            kid, _, encoded = part.partition(":")
            if not KEY_ID.fullmatch(kid):
                raise ValueError(f"a routine id key id must match {KEY_ID.pattern}")
            if kid in (known for known, _ in keys):
                raise ValueError(f"routine id key id {kid!r} is given twice")
            try:
                key = _unb64(encoded)
            except (binascii.Error, ValueError):
                raise ValueError(f"routine id key {kid!r} is not base64url") from None
            if len(key) != KEY_BYTES:
                raise ValueError(f"routine id key {kid!r} must be {KEY_BYTES} bytes")
            keys.append((kid, key))
        return cls(keys)

    @staticmethod
    def new_key() -> str:
        """A fresh key, base64url, for the configuration."""
        return _b64(AESSIV.generate_key(KEY_BYTES * 8))

    def cipher(self, kid: str) -> AESSIV | None:
        return self._ciphers.get(kid)

    @property
    def current_cipher(self) -> AESSIV:
        return self._ciphers[self.current]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # base64 forgives stray characters and low bits: only the canonical spelling is accepted.
    if _b64(data) != text:
        raise ValueError("not canonical base64url")
    return data


_NAMES = (
    "minutes",
    "equipment",
    "position",
    "pain",
    "level",
    "focus",
    "exclude",
    "week",
    "days_per_week",
    "screening",
    "screening_no",
    "seed",
    "earned",
    "streak",
    "band",
)
# An r1 id held the request fields of the first release, in this order, and nothing more.
_LEGACY_FIELDS = tuple(
    name for name in _NAMES[: _NAMES.index("seed") + 1] if name != "screening_no"
)


def encode_routine_id(request: RoutineRequest, version: str, keys: IdKeys) -> str:
    """The id of the routine of this request from this release, under the first key."""
    kid, cipher = keys.current, keys.current_cipher
    # Enums are str and tuples lists in JSON: the request's fields as they are.
    fields = [getattr(request, name) for name in _NAMES]
    payload = json.dumps([version, *fields], separators=(",", ":")).encode()
    header = f"{PREFIX}.{kid}".encode()
    return f"{PREFIX}.{kid}.{_b64(cipher.encrypt(payload, [header]))}"


def decode_routine_id(token: str, keys: IdKeys) -> tuple[str, RoutineRequest]:
    """The release version and request an id holds.

    Raises RoutineIdError when the id is malformed, was changed, was made with an unknown key,
    or holds no valid request.
    """
    parts = token.split(".")
    if len(token) > MAX_LENGTH or len(parts) != 3 or parts[0] != PREFIX:
        raise RoutineIdError("not a routine id")
    cipher = keys.cipher(parts[1])
    if cipher is None:
        raise RoutineIdError("not a routine id of this service")
    try:
        payload = cipher.decrypt(_unb64(parts[2]), [f"{PREFIX}.{parts[1]}".encode()])
        version, *values = json.loads(payload)
        request = RoutineRequest.build(**dict(zip(_NAMES, values, strict=True)))
    except (binascii.Error, ValueError, InvalidTag, TypeError, RoutineError):
        raise RoutineIdError("not a routine id of this service") from None
    if not isinstance(version, str):
        raise RoutineIdError("not a routine id of this service")
    return version, request


def read_legacy_id(token: str) -> tuple[str, Mapping[str, Any]]:
    """The release version and request fields an `r1` id holds, unverified: its key was public.

    Raises RoutineIdError when it is not an r1 id.
    """
    parts = token.split(".")
    if len(token) > MAX_LENGTH or len(parts) != 3 or parts[0] != LEGACY_PREFIX:
        raise RoutineIdError("not a routine id")
    try:
        version, *values = json.loads(_unb64(parts[1]))
        fields = dict(zip(_LEGACY_FIELDS, values, strict=True))
    except (binascii.Error, ValueError, TypeError, RecursionError):
        raise RoutineIdError("not a routine id") from None
    if not isinstance(version, str):
        raise RoutineIdError("not a routine id")
    return version, fields


def is_legacy_id(token: str) -> bool:
    """Whether `token` has the shape of an `r1` id, whose key was public."""
    return token.startswith(f"{LEGACY_PREFIX}.")

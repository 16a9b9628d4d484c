"""Choose an answer's media type by Accept: the API's JSON or FHIR R4 JSON; 406 for neither."""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .problems import fail

JSON = "application/json"
FHIR = "application/fhir+json"
OFFERED = (JSON, FHIR)  # the first wins a tie, so */* (and no Accept) gets JSON
FHIR_VERSION = "4.0"  # R4; `fhirVersion` is the parameter FHIR defines on its media type


def chosen(offered: tuple[str, ...] = OFFERED) -> str:
    """The media type to answer in; 406, listing what is offered, when Accept allows none."""
    header = request.headers.get("Accept", "").strip()
    if not header:
        return offered[0]
    best = parse_accept_header(_plain(header), MIMEAccept).best_match(offered)
    if best is None:
        fail(406, f"This resource is offered as {' or '.join(offered)} (FHIR R4); the Accept "
             "header allows neither.", offered=list(offered))  # fmt: skip
    return str(best)


def _plain(header: str) -> str:
    """Accept without media type parameters but q; a range asking for another FHIR version
    than R4 is dropped."""
    kept = []
    for part in header.split(","):
        kind, *parameters = (piece.strip() for piece in part.split(";"))
        quality = ""
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                quality = f";q={value}"
            elif name == "fhirversion" and not (value + ".").startswith(FHIR_VERSION + "."):
                kind = ""
        if kind:
            kept.append(kind + quality)
    return ", ".join(kept)

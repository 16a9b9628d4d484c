"""The HTTP layer: parses requests, calls the domain, serialises; errors as problem+json."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, Response
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from ..domain import IdKeys, Release
from . import bundles, catalogue, health, problems, routines
from . import releases as releases_api
from .docs import docs_assets_blueprint
from .problem_schema import ProblemSchema
from .representations import Store
from .routine_answers import RoutineAnswers


class Api(SmorestApi):  # type: ignore[misc]
    """flask-smorest's Api, with RFC 9457 problems for every error, served and documented."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        # The stock handler drops headers such as Allow on 405; problems.from_exception keeps them.
        return problems.from_exception(error)

    def _register_pagination_header(self) -> None:
        # flask-smorest's X-Pagination header is for its @paginate, which this service does not
        # use (catalogue.py documents its own); registering it leaves an unused schema behind.
        pass

    def _register_responses(self) -> None:
        # As flask-smorest's own, but documented as application/problem+json.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {
            "description": "Error, as RFC 9457 problem details",
            "schema": self.ERROR_SCHEMA,
        }
        prepare_response(response, self.spec, problems.PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def id_keys(app: Flask) -> IdKeys:
    """The keys of routine ids: configured, or made at start-up (ids then end with the process).

    Raises ValueError when ROUTINE_ID_KEYS is malformed.
    """
    configured = app.config["ROUTINE_ID_KEYS"]
    if configured:
        return IdKeys.parse(configured)
    app.logger.warning(
        "ROUTINE_ID_KEYS is not set: routine ids use a key made at start-up and stop working "
        "when the service restarts; set the same keys on every instance"
    )
    return IdKeys.parse(f"k0:{IdKeys.new_key()}")


def register(app: Flask, releases: dict[str, Release]) -> Api:
    """The one registration point of every blueprint, and of what the views share."""
    store = Store(releases, app.config["LATEST_MAX_AGE"])
    answers = RoutineAnswers(store, id_keys(app))
    app.extensions["content_store"] = store
    app.extensions["routine_answers"] = answers
    app.extensions["routine_direct"] = answers.direct
    api = Api(app)  # the document's info, servers and security: API_SPEC_OPTIONS (config.py)
    blueprints = (*catalogue.BLUEPRINTS, routines.blp, releases_api.blp, bundles.blp, health.blp)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_assets_blueprint())
    return api

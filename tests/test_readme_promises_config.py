"""README's "Configuration" table: every variable's default, override and refused bad value."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from service.app import create_app
from service.config import from_env

ROOT = Path(__file__).resolve().parents[1]
INTEGERS = ("LATEST_MAX_AGE", "MAX_CONTENT_LENGTH", "COMPRESS_MIN_SIZE")
# gunicorn settings that no variable changes.
STATIC = ("preload_app", "worker_class", "accesslog", "errorlog", "logger_class")


def _json(response: Any) -> Any:
    """The JSON body of a response, which must have one."""
    body = response.get_json()
    assert body is not None, response.data[:200]
    return body


def _exactly(message: str) -> str:
    """A pattern matching the whole message and nothing else."""
    return f"^{re.escape(message)}$"


def _settings(config: dict[str, object]) -> dict[str, object]:
    """The part of the configuration that the environment sets."""
    names = ("CONTENT_DIR", "ROUTINE_ID_KEYS", "CORS_ORIGINS", *INTEGERS)
    return {name: config[name] for name in names}


def test_every_setting_has_the_readme_default_when_the_environment_is_empty() -> None:
    """README: "none is needed to run"; LATEST_MAX_AGE 300, MAX_CONTENT_LENGTH 16384,
    COMPRESS_MIN_SIZE 1024, CORS_ORIGINS none, CONTENT_DIR the bundled releases (None) and
    ROUTINE_ID_KEYS unset (None: a key made at start-up)."""
    assert _settings(from_env({})) == {
        "CONTENT_DIR": None,
        "ROUTINE_ID_KEYS": None,
        "CORS_ORIGINS": [],
        "LATEST_MAX_AGE": 300,
        "MAX_CONTENT_LENGTH": 16384,
        "COMPRESS_MIN_SIZE": 1024,
    }


def test_empty_variables_mean_the_default() -> None:
    """A variable set to nothing (`LATEST_MAX_AGE= make run`) is the same as an unset one."""
    empty = dict.fromkeys(("CONTENT_DIR", "ROUTINE_ID_KEYS", "CORS_ORIGINS", *INTEGERS), "")
    assert _settings(from_env(empty)) == _settings(from_env({}))


def test_every_variable_overrides_its_default() -> None:
    """Each README variable read by the app replaces its default; CORS_ORIGINS is
    "comma-separated origins", spaces and empty entries ignored."""
    environ = {
        "CONTENT_DIR": "/srv/releases",
        "ROUTINE_ID_KEYS": "k1:abc,k0:def",
        "CORS_ORIGINS": " https://a.example , ,https://b.example,",
        "LATEST_MAX_AGE": "60",
        "MAX_CONTENT_LENGTH": "1000",
        "COMPRESS_MIN_SIZE": "0",
    }
    assert _settings(from_env(environ)) == {
        "CONTENT_DIR": "/srv/releases",
        "ROUTINE_ID_KEYS": "k1:abc,k0:def",
        "CORS_ORIGINS": ["https://a.example", "https://b.example"],
        "LATEST_MAX_AGE": 60,
        "MAX_CONTENT_LENGTH": 1000,
        "COMPRESS_MIN_SIZE": 0,
    }


def test_without_an_argument_the_process_environment_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """README: every setting comes from the environment; from_env() reads os.environ."""
    monkeypatch.setenv("LATEST_MAX_AGE", "42")
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example")
    config = from_env()
    assert (config["LATEST_MAX_AGE"], config["CORS_ORIGINS"]) == (42, ["https://app.example"])


@pytest.mark.parametrize("name", INTEGERS)
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ten", "must be an integer, got 'ten'"),
        ("1.5", "must be an integer, got '1.5'"),
        ("16 KB", "must be an integer, got '16 KB'"),
        ("-1", "must not be negative, got -1"),
    ],
)
def test_a_bad_number_is_a_value_error_naming_the_variable(
    name: str, raw: str, message: str
) -> None:
    """A number that is not a whole number of bytes or seconds stops start-up, saying which
    variable and what it holds."""
    with pytest.raises(ValueError, match=_exactly(f"environment variable {name} {message}")):
        from_env({name: raw})


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("k1:c2hvcnQ", "routine id key 'k1' must be 64 bytes"),
        ("K1:" + "A" * 86, "a routine id key id must match [a-z0-9]{1,16}"),
        ("k1:!!!", "routine id key 'k1' is not base64url"),
    ],
)
def test_bad_routine_id_keys_stop_start_up_saying_why(
    monkeypatch: pytest.MonkeyPatch, keys: str, message: str
) -> None:
    """ROUTINE_ID_KEYS is `kid:base64url-64-bytes[,kid:key…]`; anything else is refused."""
    monkeypatch.setenv("ROUTINE_ID_KEYS", keys)
    with pytest.raises(ValueError, match=_exactly(message)):
        create_app()


def test_the_readme_command_makes_a_key_the_service_accepts() -> None:
    """README: "A new key: .venv/bin/python -c "from service.domain import IdKeys;
    print(IdKeys.new_key())"" prints a key that ROUTINE_ID_KEYS takes as it is."""
    printed = subprocess.run(
        [sys.executable, "-c", "from service.domain import IdKeys; print(IdKeys.new_key())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    app = create_app({"ROUTINE_ID_KEYS": f"k9:{printed}"})
    routine_id = _json(app.test_client().post("/routines", json={}))["id"]
    assert routine_id.startswith("r2.k9.")


def _gunicorn_settings(environ: dict[str, str]) -> dict[str, object]:
    """What gunicorn.conf.py sets, read in a fresh interpreter with only these variables."""
    code = (
        "import json, runpy\n"
        "found = runpy.run_path('gunicorn.conf.py')\n"
        "names = ['bind', 'workers', 'threads', 'worker_connections', 'timeout',\n"
        "         'graceful_timeout', 'max_requests',\n"
        "         'max_requests_jitter', 'loglevel', 'preload_app', 'worker_class', 'accesslog',\n"
        "         'errorlog', 'logger_class', 'metrics_dir']\n"
        "print(json.dumps({name: found[name] for name in names}))\n"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "COVERAGE_PROCESS_CONFIG")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=keep | environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    settings: dict[str, object] = json.loads(result.stdout)
    return settings


def test_gunicorn_settings_have_the_readme_defaults(tmp_path: Path) -> None:
    """README "Serving" and "Configuration": 127.0.0.1:8000, 2 workers of 4 threads (gthread,
    answering its own errors as problems) holding at most 20 connections each, 30 s timeout,
    20 s graceful shutdown, recycled after 100,000 requests with 10,000 jitter, log level
    info, the app preloaded, JSON logs on stdout, metrics in $TMPDIR/metatarsalgia-metrics,
    emptied at start."""
    stale = tmp_path / "metatarsalgia-metrics" / "counter_1234.db"
    stale.parent.mkdir()
    stale.write_bytes(b"from an earlier run")
    assert _gunicorn_settings({"TMPDIR": str(tmp_path)}) == {
        "bind": "127.0.0.1:8000",
        "workers": 2,
        "threads": 4,
        "worker_connections": 20,
        "timeout": 30,
        "graceful_timeout": 20,
        "max_requests": 100000,
        "max_requests_jitter": 10000,
        "loglevel": "info",
        "preload_app": True,
        "worker_class": "service.worker.ProblemThreadWorker",
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": "service.logs.GunicornLogger",
        "metrics_dir": str(tmp_path / "metatarsalgia-metrics"),
    }
    assert list(stale.parent.iterdir()) == []


def test_gunicorn_settings_follow_the_environment(tmp_path: Path) -> None:
    """`PORT=9000 make run` moves the server; each variable of the table replaces its default."""
    metrics = tmp_path / "metrics"
    environ = {
        "HOST": "0.0.0.0",  # noqa: S104 - a value read back, nothing is bound
        "PORT": "9000",
        "WEB_CONCURRENCY": "3",
        "THREADS": "8",
        "WORKER_CONNECTIONS": "64",
        "TIMEOUT": "45",
        "GRACEFUL_TIMEOUT": "5",
        "MAX_REQUESTS": "500",
        "MAX_REQUESTS_JITTER": "50",
        "LOG_LEVEL": "warning",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    settings = _gunicorn_settings(environ)
    assert {name: settings[name] for name in settings if name not in STATIC} == {
        "bind": "0.0.0.0:9000",
        "workers": 3,
        "threads": 8,
        "worker_connections": 64,
        "timeout": 45,
        "graceful_timeout": 5,
        "max_requests": 500,
        "max_requests_jitter": 50,
        "loglevel": "warning",
        "metrics_dir": str(metrics),
    }
    assert metrics.is_dir()


def test_latest_max_age_sets_the_latest_releases_caching(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: LATEST_MAX_AGE is the "`max-age` of responses for the latest release (pinned
    ones: a year, immutable)"."""
    monkeypatch.setenv("LATEST_MAX_AGE", "60")
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/exercises").headers["Cache-Control"] == "public, max-age=60"
    pinned = client.get("/exercises?content_version=1.0.0").headers["Cache-Control"]
    assert pinned == "public, max-age=31536000, immutable"


def test_max_content_length_sets_the_413_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: "request bodies above this many bytes get 413"."""
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1000")
    client = create_app({"TESTING": True}).test_client()

    def status(size: int) -> int:
        body = '{"exclude": ["' + "x" * (size - 17) + '"]}'
        assert len(body) == size
        return client.post("/routines", data=body, content_type="application/json").status_code

    assert (status(1000), status(1001)) == (422, 413)  # 422: no exercise is called x...x


def test_compress_min_size_sets_the_smallest_compressed_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """README: COMPRESS_MIN_SIZE: "responses from this many bytes are compressed"."""
    url, accept = "/precautions/start-slowly", {"Accept-Encoding": "gzip"}
    size = len(create_app({"TESTING": True}).test_client().get(url).data)
    assert size < 1024
    for threshold, coding in ((size, "gzip"), (size + 1, None)):
        monkeypatch.setenv("COMPRESS_MIN_SIZE", str(threshold))
        client = create_app({"TESTING": True}).test_client()
        assert client.get(url, headers=accept).headers.get("Content-Encoding") == coding


def test_cors_origins_from_the_environment_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: CORS_ORIGINS, "comma-separated origins allowed to call the API from a
    browser"."""
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    client = create_app({"TESTING": True}).test_client()
    for origin in ("https://a.example", "https://b.example"):
        allowed = client.get("/exercises", headers={"Origin": origin})
        assert allowed.headers["Access-Control-Allow-Origin"] == origin
    other = client.get("/exercises", headers={"Origin": "https://c.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_content_dir_serves_another_releases_folder(
    monkeypatch: pytest.MonkeyPatch, release_copy: Any
) -> None:
    """README: "`CONTENT_DIR=/path/to/releases make run` serves another releases folder"."""
    monkeypatch.setenv("CONTENT_DIR", str(release_copy()))
    ready = _json(create_app({"TESTING": True}).test_client().get("/health/ready"))
    assert ready == {"status": "ready", "latest_version": "1.0.0", "versions": ["1.0.0"]}

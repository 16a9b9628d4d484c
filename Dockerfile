# The metatarsalgia service: gunicorn on port 8000, as a non-root user, read-only root filesystem.
#
# Build with `make docker` (deploy/docker.sh build): it builds the wheels of the project and of
# every runtime dependency on the host into build/wheels first, so this build needs no network.
#   docker build --network=none --build-arg BASE_IMAGE=... -t metatarsalgia-service .
# Run with a writable /tmp and nothing else writable:
#   docker run --read-only --tmpfs /tmp -p 127.0.0.1:8000:8000 metatarsalgia-service
#
# BASE_IMAGE: any Debian-like image with Python 3.11 as `python3`, the venv module, and
# groupadd/useradd; both stages use it, so the venv's interpreter is the same in both.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS builder
# deploy/docker.sh removes this stage's image after a build by this label.
LABEL org.metatarsalgia.stage=builder
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY build/wheels/ /wheels/
# Only the wheels: --no-index means no network. pip compiles the .pyc files here, so nothing is
# written at run time. Then pip and setuptools leave the venv: the service does not need them.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links /wheels /wheels/metatarsalgia_service-*.whl \
    && /opt/venv/bin/pip uninstall --yes pip setuptools \
    && /opt/venv/bin/python -c "import service.wsgi, swagger_ui"

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="metatarsalgia-service" \
      org.opencontainers.image.description="REST/JSON service: exercises, stretches, precautions and routines for metatarsalgia." \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin app
# The venv holds the service, its content releases and Swagger UI's files (package data).
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY gunicorn.conf.py ./
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    TMPDIR=/tmp
USER 10001:10001
EXPOSE 8000
# No curl in a slim base: Python asks /health/ready on the port the service listens on.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/venv/bin/python", "-c", "import json, os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ.get('PORT', '8000'), timeout=4); sys.exit(0 if r.status == 200 and json.load(r).get('status') == 'ready' else 1)"]
# /tmp is the only writable place (a tmpfs at run time): gunicorn's worker heartbeat files go there.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--worker-tmp-dir", "/tmp"]

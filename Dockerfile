# syntax=docker/dockerfile:1
#
# TalentFlow images, one target per service plus `worker` for relays and consumers:
#
#   docker build --target profiles -t talentflow/profiles .    # HTTP, port 8001
#   docker build --target jobs     -t talentflow/jobs .        # HTTP, port 8002
#   docker build --target matching -t talentflow/matching .    # HTTP, port 8003
#   docker build --target notify   -t talentflow/notify .      # HTTP, port 8004
#   docker build --target worker   -t talentflow/worker .      # `talentflow work SERVICE`, no HTTP
#
# All targets share one runtime layer set, so four services cost one image's worth of disk.
# Pin the base by digest in a release pipeline (python:3.11-slim@sha256:...).
ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------------------------
# builder: installs TalentFlow and its pinned dependencies into /opt/venv with pip.
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:${PATH}
WORKDIR /src

# Dependencies first, read from pyproject.toml alone, so a change to the code alone does not
# reinstall them. Every dependency ships a wheel or is pure Python: no compiler is needed.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

COPY README.md ./
COPY services ./services
RUN pip install --no-deps . \
 && pip check

# ---------------------------------------------------------------------------------------------
# runtime: what every target shares. No compilers, no pip cache, a non-root user.
FROM ${PYTHON_IMAGE} AS runtime

ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="TalentFlow" \
      org.opencontainers.image.description="High-skill talent exchange: profiles, jobs, matching, notify" \
      org.opencontainers.image.version="${VERSION}"

# tini is PID 1: it forwards SIGTERM to the service (graceful shutdown, offsets committed) and
# reaps zombies. The versions come from the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 talentflow \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin talentflow \
 && install -d -o 10001 -g 10001 /var/lib/talentflow /var/lib/talentflow/data

COPY --from=builder /opt/venv /opt/venv
COPY deploy/docker/healthcheck.py /opt/talentflow/healthcheck.py
COPY deploy/kafka/topics.json deploy/kafka/create_topics.py /opt/talentflow/deploy/kafka/
COPY deploy/elasticsearch/bootstrap.py /opt/talentflow/deploy/elasticsearch/
COPY deploy/elasticsearch/generated /opt/talentflow/deploy/elasticsearch/generated

# The root filesystem is read-only (compose `read_only`, Kubernetes `readOnlyRootFilesystem`), so
# every place a service writes is a volume:
# - TALENTFLOW_HOME, the service's data folder (absolute: the working directory is read-only):
#   profiles spools bulk imports there (up to PROFILES_IMPORT_MAX_QUEUED x PROFILES_IMPORT_MAX_BYTES,
#   1 GiB by default), a service without a URL for an engine keeps its local state there. Compose
#   and the manifests mount a volume at it; created here, owned by the service user, so a fresh
#   Docker volume inherits that owner.
# - HOME=/tmp, small scratch (jieba keeps its dictionary cache there; a worker its heartbeat).
ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    TALENTFLOW_HOME=/var/lib/talentflow/data \
    TALENTFLOW_ENV=production

WORKDIR /var/lib/talentflow
USER 10001:10001
ENTRYPOINT ["tini", "--"]

# ---------------------------------------------------------------------------------------------
# One target per HTTP service. `--no-workers`: relays and consumers run in the `worker` image,
# so HTTP replicas (scaled on CPU) and consumers (scaled to partitions) scale apart.
FROM runtime AS profiles
ENV HEALTHCHECK_PORT=8001
EXPOSE 8001
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "/opt/talentflow/healthcheck.py", "--path", "/healthz"]
CMD ["talentflow", "serve", "profiles", "--no-workers", "--host", "0.0.0.0", "--port", "8001"]

FROM runtime AS jobs
ENV HEALTHCHECK_PORT=8002
EXPOSE 8002
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "/opt/talentflow/healthcheck.py", "--path", "/healthz"]
CMD ["talentflow", "serve", "jobs", "--no-workers", "--host", "0.0.0.0", "--port", "8002"]

FROM runtime AS matching
ENV HEALTHCHECK_PORT=8003
EXPOSE 8003
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["python", "/opt/talentflow/healthcheck.py", "--path", "/healthz"]
CMD ["talentflow", "serve", "matching", "--no-workers", "--host", "0.0.0.0", "--port", "8003"]

FROM runtime AS notify
ENV HEALTHCHECK_PORT=8004
EXPOSE 8004
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "/opt/talentflow/healthcheck.py", "--path", "/healthz"]
CMD ["talentflow", "serve", "notify", "--no-workers", "--host", "0.0.0.0", "--port", "8004"]

# ---------------------------------------------------------------------------------------------
# worker: one service's outbox relay and consumers, no HTTP. The service is the last argument:
#   docker run talentflow/worker talentflow work matching
# Also runs the one-shot set-up scripts (create_topics.py, bootstrap.py). Last, so a plain
# `docker build .` yields it.
FROM runtime AS worker
ENV TALENTFLOW_HEARTBEAT_FILE=/tmp/talentflow-heartbeat
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "/opt/talentflow/healthcheck.py", "--heartbeat"]
CMD ["talentflow", "work", "profiles"]

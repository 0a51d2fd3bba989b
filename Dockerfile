# loopcoach as a container: hosted mode (sign-in, one account per learner) with N worker
# processes over PostgreSQL (compose.yaml starts both). The same commands as a machine install
# (docs/hosting.md): `make install` from the lock files, then `loopcoach serve`, in hosted mode
# (LOOPCOACH_MODE=hosted; it needs LOOPCOACH_DATABASE_URL). Build: docker build -t loopcoach .
FROM python:3.11-slim-bookworm

# make runs the install; Pango is what the PDF export (weasyprint) draws with
RUN apt-get update \
    && apt-get install -y --no-install-recommends make libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# the lock files first, so a code change does not reinstall every package
COPY Makefile pyproject.toml README.md requirements.lock ./
COPY src ./src
RUN make install PYTHON=python3 VENV=/opt/venv \
    && useradd --system --home-dir /data --create-home loopcoach

ENV PATH=/opt/venv/bin:$PATH \
    LOOPCOACH_MODE=hosted \
    LOOPCOACH_DATA_DIR=/data \
    LOOPCOACH_WORKERS=2
USER loopcoach
VOLUME /data
EXPOSE 8000

# the Host allow-list: LOOPCOACH_ALLOW_HOST is the name people reach it by (the proxy's)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"
CMD ["sh", "-c", "exec loopcoach serve --host 0.0.0.0 --port 8000 --workers \"$LOOPCOACH_WORKERS\" --allow-host \"${LOOPCOACH_ALLOW_HOST:-localhost}\""]

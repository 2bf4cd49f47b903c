# foibot: the application only (no test tools), as a non-root user.
#   docker build -t foibot .
#   docker run --env-file .env -v foibot-data:/data foibot          (SQLite under /data)
# With PostgreSQL, see deploy/compose.yaml.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY foi ./foi
COPY storage ./storage
COPY mail ./mail
COPY mailchannel ./mailchannel
COPY service ./service
COPY bot ./bot
COPY web ./web
COPY foibot ./foibot
RUN python -m venv /opt/foibot && /opt/foibot/bin/pip install --no-cache-dir --disable-pip-version-check .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /data --create-home foibot
COPY --from=build /opt/foibot /opt/foibot
ENV PATH=/opt/foibot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    WEB_HOST=0.0.0.0
USER foibot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=5s CMD python -c "import os,urllib.request; p=os.environ.get('WEB_PORT'); p and urllib.request.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=4)"
# Migrations first, then every part (the dashboard too when WEB_PORT is set).
ENTRYPOINT ["/bin/sh", "-c", "foibot db upgrade && exec foibot \"$@\"", "foibot"]
CMD ["run"]

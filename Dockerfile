# creditflow as a container image: the web service (gunicorn) by default; the same image runs
# `creditflow scheduler` and `creditflow db upgrade` (compose.yaml, docs/deploy.md).
# Built from the wheelhouse of pinned versions (constraints.txt): the same bytes every time.
FROM python:3.11-slim AS wheels
WORKDIR /src
COPY pyproject.toml setup.py README.md constraints.txt ./
COPY app ./app
COPY migrations ./migrations
RUN pip wheel --wheel-dir /wheels -c constraints.txt '.[server,redis,s3,sentry]'

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /srv/creditflow creditflow
COPY --from=wheels /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels \
        'creditflow[server,redis,s3,sentry]' \
    && rm -rf /wheels
USER creditflow
WORKDIR /srv/creditflow
ENV CREDITFLOW_SCHEDULER_IN_SERVE=false \
    CREDITFLOW_TRUSTED_PROXIES=1 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
# SIGTERM: gunicorn finishes the requests in flight (up to 30 s) and stops.
CMD ["gunicorn", "--workers", "2", "--bind", "0.0.0.0:8000", "--graceful-timeout", "30", \
     "--access-logfile", "-", "app.wsgi:application"]

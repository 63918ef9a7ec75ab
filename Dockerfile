# OPMS production image: gunicorn + whitenoise; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-wqy-microhei gettext curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/node_modules/htmx.org/dist/htmx.min.js static/vendor/
COPY --from=assets /app/node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/
COPY --from=assets /app/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/
COPY --from=assets /app/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/
COPY --from=assets /app/node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/
RUN SECRET_KEY=build DEBUG=0 python manage.py compilemessages -v 0 \
    && SECRET_KEY=build DEBUG=0 python manage.py collectstatic --no-input -v 0
EXPOSE 8000
CMD ["gunicorn", "opms.wsgi", "--config", "opms/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "4"]

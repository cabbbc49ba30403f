# Oversight's image: one image for web, worker and beat.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir .
COPY --from=assets /build/static/build static/build
RUN DJANGO_SECRET_KEY=build python manage.py collectstatic --no-input -v0
RUN useradd --system oversight
USER oversight
EXPOSE 8000
# --timeout 120: a confirmed removal of an SSD row loads the kept extract again within its
# request (about 25 s for council-b's), past gunicorn's 30 s default for a bigger council.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]

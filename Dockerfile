# syntax=docker/dockerfile:1
# Linkwright as a container: a build stage with every dependency, then a runtime stage holding only what
# scripts/release/layout.sh lays out (dist/, package.json, production dependencies). The same script is
# run by test/release/layout.test.ts, which starts the layout as an unprivileged user against a real
# Redis and links an account through it, so CI tests what this image runs.
#
#   docker build -t linkwright .
#   docker compose up          (with Redis; see compose.yaml)

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied in; the layout builds below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN scripts/release/layout.sh /app

FROM node:20-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only for the service's user: the process cannot change its own code.
COPY --from=build /app /app
USER node
EXPOSE 3000
# /readyz: the store answers and the pages' files are there (/healthz only says the process serves).
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and installs its own SIGTERM handler: it stops accepting connections, lets requests in
# flight finish (at most 10 s) and closes the store. It starts no child processes, so no init is needed
# to reap them (`docker run --init` does no harm).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]

# cutover as one executable in a small image: `docker build -t cutover .`
# The executable (npm run build:exe: Node.js's single-executable application, the
# parser's WASM inside, no node_modules) plus pg_dump/pg_restore for `cutover backup`,
# `restore`, `rehearse` and `copy` (pg_dump must be at least the server's major:
# Debian trixie ships 17; for 18 add apt.postgresql.org).
#
#   docker run --rm -e DATABASE_URL -v "$PWD/migrations:/migrations" cutover migrate --dir /migrations
#   ENTRYPOINT ["cutover", "exec", "--migrate", "--app-version", "2.4.0", "--"]   # in an app image

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build:exe

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/exe/cutover-linux-x64 /usr/local/bin/cutover
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["cutover"]
CMD ["--help"]

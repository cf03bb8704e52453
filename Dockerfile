# DigitRE ChatOps: the bot's container image.
#   docker build -t digitre-chatops .
#   docker run --rm -p 127.0.0.1:3978:3978 -e HOST=0.0.0.0 -e CHATOPS_ALLOW_UNAUTHENTICATED=true digitre-chatops
# Node 22 LTS (supported to April 2027; Node 20 left support in April 2026). Not yet Node 24:
# restify 11 loads spdy -> http-deceiver, which calls process.binding('http_parser'), and Node 24
# removed it, so the bot exits at start there (test/contract/dockerfile-dry-run.ts showed it).
# test/contract/container.test.ts lints this file and runs its npm/node steps in a clean folder.
ARG NODE_VERSION=22

# ---- build: every dependency, the compiler, and the tools better-sqlite3's native build needs
FROM node:${NODE_VERSION}-bookworm-slim AS build
# python3, make and g++ compile better-sqlite3 when no prebuilt binary matches; build stage only.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# node-gyp compiles against the headers the Node image ships, instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# Keep the compiled better-sqlite3, drop everything only the build and the tests need.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- run: production dependencies and the compiled JavaScript, no compiler, no build tools
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node (which then drains in-flight turns) and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  PORT=3978
WORKDIR /app
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY cards ./cards
COPY config ./config
# The default SQLite store writes under /app/.data (mount a volume there, or use CHATOPS_STORE=azure).
RUN mkdir -p /app/.data && chown node:node /app/.data
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 3978
# /readyz is 200 once started and 503 while draining; orchestrators probe /healthz and /readyz themselves.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/index.js"]

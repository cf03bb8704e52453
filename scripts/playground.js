#!/usr/bin/env node
'use strict';
/**
 * `npm run playground`: Microsoft 365 Agents Playground (a local Teams-like chat client) in front
 * of the running bot, for local mode with no Azure or Teams account.
 *
 * It listens on 127.0.0.1 only (see playground-preload.js), sends no telemetry, opens no
 * browser, prints its URL, and stops with the process on SIGINT/SIGTERM.
 *
 * Options (argv wins over the environment):
 *   --bot-endpoint <url>  BOT_ENDPOINT          default http://127.0.0.1:3978/api/messages
 *   --port <n>            TEAMSAPPTESTER_PORT   default 56150 (a free port if that one is taken;
 *                                               0 = any free port)
 *   --config <file>       M365_AGENTS_PLAYGROUND_CONFIG_PATH  default scripts/playground.yml
 *   -h, --help            prints these options
 *
 * @example
 *   npm start                # terminal 1: the bot in local mode
 *   npm run playground       # terminal 2: prints "Agents Playground: http://127.0.0.1:56150"
 *   npm run playground -- --port 0 --bot-endpoint http://127.0.0.1:4000/api/messages
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { clearTimeout, setTimeout } = require('node:timers');
const { URL } = require('node:url');

const DEFAULT_BOT_ENDPOINT = 'http://127.0.0.1:3978/api/messages';
const DEFAULT_PORT = 56150;
const STARTUP_TIMEOUT_MS = 30000;
const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const PRELOAD = join(__dirname, 'playground-preload.js');

const USAGE = 'usage: npm run playground -- [--bot-endpoint <url>] [--port <n>] [--config <file>]';

const HELP = `Microsoft 365 Agents Playground (a local Teams-like chat client) in front of the running bot.
Start the bot first (\`npm start\`), then open the URL this prints.

${USAGE}

  --bot-endpoint <url>  the bot's messaging endpoint (or BOT_ENDPOINT)
                        default ${DEFAULT_BOT_ENDPOINT}
  --port <n>            the Playground's port on 127.0.0.1 (or TEAMSAPPTESTER_PORT)
                        default ${DEFAULT_PORT}; a free one if taken; 0 = any free port
  --config <file>       users, team and channels (or M365_AGENTS_PLAYGROUND_CONFIG_PATH)
                        default scripts/playground.yml
  -h, --help            this help

It listens on 127.0.0.1 only, sends no telemetry and opens no browser; Ctrl+C stops it.
`;

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv, env) {
  const options = {
    botEndpoint: env.BOT_ENDPOINT || DEFAULT_BOT_ENDPOINT,
    port: env.TEAMSAPPTESTER_PORT || String(DEFAULT_PORT),
    config: env.M365_AGENTS_PLAYGROUND_CONFIG_PATH || join(__dirname, 'playground.yml'),
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[(i += 1)];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--bot-endpoint') options.botEndpoint = value;
    else if (flag === '--port') options.port = value;
    else if (flag === '--config') options.config = value;
    else usage(`unknown option ${flag}`);
  }
  if (!/^\d+$/.test(options.port) || Number(options.port) > 65535) {
    usage(`--port must be a number from 0 to 65535, got "${options.port}"`);
  }
  try {
    const url = new URL(options.botEndpoint);
    if (!/^https?:$/.test(url.protocol)) throw new Error('not http');
  } catch {
    usage(`--bot-endpoint must be an http(s) URL, got "${options.botEndpoint}"`);
  }
  return { ...options, port: Number(options.port) };
}

/** The port itself if it is free on 127.0.0.1, else (or for 0) one the OS picks. */
function choosePort(wanted) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: got } = server.address();
        server.close(() => resolve(got));
      });
    });
  return tryListen(wanted).then((port) => {
    if (port !== undefined) return port;
    process.stderr.write(`Port ${wanted} is taken; using a free one.\n`);
    return tryListen(0);
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2), process.env);
  // The Playground falls back to a random port when the asked one is busy, which would break
  // the service URL below; choosing the port here means it never has to.
  const port = await choosePort(options.port);
  const url = `http://127.0.0.1:${port}`;
  // Its log file defaults to ./devTools/ (deleted and recreated on each start); keep it out of
  // the repository.
  const logDir = mkdtempSync(join(tmpdir(), 'agents-playground-'));
  const child = spawn(
    process.execPath,
    [
      '--require',
      PRELOAD,
      CLI,
      'start',
      '--disable-telemetry',
      '--channel-id',
      'msteams',
      '--app-endpoint',
      options.botEndpoint,
      '--port',
      String(port),
      // Replies go here. The default says "localhost", which Node may resolve to ::1, where
      // nothing listens once the server is bound to 127.0.0.1.
      '--service-url',
      `${url}/_connector`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        BOT_ENDPOINT: options.botEndpoint,
        TEAMSAPPTESTER_PORT: String(port),
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.config,
        M365_AGENTS_PLAYGROUND_LOGFILE: join(logDir, 'playground.log'),
      },
    },
  );

  let stopping = false;
  const cleanUp = () => rmSync(logDir, { recursive: true, force: true });
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
    // A Playground that ignores the signal must not keep this process alive forever.
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGTERM'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const startupTimer = setTimeout(() => {
    process.stderr.write(`Agents Playground did not start within ${STARTUP_TIMEOUT_MS} ms.\n`);
    stop('SIGTERM');
  }, STARTUP_TIMEOUT_MS);

  // With stdout not a terminal, the Playground writes exactly "Listening on <port>" there.
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    const match = /Listening on (\d+)/.exec(buffered);
    if (!match) return;
    clearTimeout(startupTimer);
    buffered = '';
    child.stdout.removeAllListeners('data');
    child.stdout.resume();
    process.stdout.write(
      `Agents Playground: ${url}\n` +
        `  talking to the bot at ${options.botEndpoint} (start it with \`npm start\`)\n` +
        `  listening on 127.0.0.1 only, telemetry off; Ctrl+C stops it\n`,
    );
  });

  child.on('exit', (code, signal) => {
    clearTimeout(startupTimer);
    if (!stopping) {
      // With stdout not a terminal it logs only to its file: show why it stopped.
      let tail = '';
      try {
        tail = readFileSync(join(logDir, 'playground.log'), 'utf8')
          .split('\n')
          .slice(-20)
          .join('\n');
      } catch {
        // no log written
      }
      process.stderr.write(`Agents Playground exited (${signal ?? code}).\n${tail}\n`);
    }
    cleanUp();
    process.exitCode = stopping ? 0 : code || 1;
  });
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});

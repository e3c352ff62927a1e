/**
 * A local stand-in for Upstash's REST API in front of a real redis-server. Dev tooling only: the
 * functions talk to it through @upstash/redis exactly as they would to Upstash.
 *
 * What @upstash/redis 1.x relies on, and so what this implements:
 * - POST `/` with a JSON command array (`["SET","k","v"]`) → `{result}`, or 400 `{error}`;
 * - POST `/pipeline` with an array of command arrays → `[{result}|{error}, …]` (the client
 *   auto-pipelines, so most calls arrive here);
 * - POST `/multi-exec`: the same, run inside MULTI/EXEC;
 * - `Authorization: Bearer <token>`, else 401;
 * - `Upstash-Encoding: base64` (the client's default): every string in a reply is base64, except
 *   the status reply `OK`, which the client compares verbatim;
 * - hashes come back as flat `[field, value, …]` arrays (RESP2 already sends them that way).
 * For curl, `GET|POST /<cmd>/<arg>/…` (path-style commands) also works.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis, ReplyError, type ChainableCommander } from 'ioredis';

type CommandArg = string | number | boolean;
type Command = [name: string, ...args: string[]];
type JsonReply = string | number | null | JsonReply[];
type Entry = { result: JsonReply } | { error: string };
type Reply = { status: number; body: unknown };

class BadRequest extends Error {}

/** An error reply from redis-server itself (as opposed to a lost connection, which is a 500). */
const isRedisError = (error: unknown): error is Error =>
  error instanceof (ReplyError as typeof Error);

/**
 * The command as Redis gets it. The name goes upper-case on purpose: ioredis reshapes the replies
 * of some commands, looked up by their lower-case name (HGETALL into an object, ZRANGE … WITHSCORES
 * into pairs), while the REST protocol answers with the reply as Redis sent it. Redis reads names
 * in any case, so the upper-case name reaches Redis unchanged and skips those transformers.
 */
function asCommand([name, ...args]: string[]): Command {
  return [name.toUpperCase(), ...args];
}

function parseCommand(value: unknown): Command {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((arg) => ['string', 'number', 'boolean'].includes(typeof arg))
  ) {
    throw new BadRequest('ERR a command must be a non-empty JSON array of strings and numbers');
  }
  return asCommand((value as CommandArg[]).map(String));
}

function parseCommands(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR the body must be a non-empty JSON array of commands');
  }
  return value.map(parseCommand);
}

const OK = Buffer.from('OK');

/**
 * A Redis reply (from ioredis `callBuffer`: strings stay bytes, so binary values survive) → JSON.
 * Status and bulk strings both arrive as bytes; "OK" stays verbatim whichever it was, which is
 * what @upstash/redis expects (it passes any "OK" through undecoded, and base64 text is never two
 * characters long). Error replies nested inside arrays (rare: EXEC) become their message.
 */
export function replyToJson(value: unknown, base64: boolean): JsonReply {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (value instanceof Error) return value.message;
  if (Array.isArray(value)) return value.map((item) => replyToJson(item, base64));
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  return base64 && !bytes.equals(OK) ? bytes.toString('base64') : bytes.toString('utf8');
}

/**
 * The `[error, reply]` pairs of an ioredis pipeline or transaction → REST entries. Redis's own
 * error replies stay inline; any other error (a lost connection) fails the whole request.
 */
export function toEntries(pairs: [Error | null, unknown][], base64: boolean): Entry[] {
  return pairs.map(([error, reply]) => {
    if (!error) return { result: replyToJson(reply, base64) };
    if (!isRedisError(error)) throw error;
    return { error: error.message };
  });
}

function queue(chain: ChainableCommander, commands: readonly Command[]): ChainableCommander {
  for (const [name, ...args] of commands) chain.callBuffer(name, ...args);
  return chain;
}

async function runPipeline(redis: Redis, commands: Command[], base64: boolean): Promise<Reply> {
  const pairs = await queue(redis.pipeline(), commands).exec();
  return { status: 200, body: toEntries(pairs ?? [], base64) };
}

/**
 * MULTI … EXEC. ioredis writes a transaction in one go, so nothing from another request lands
 * inside it. A command refused while queueing aborts the whole transaction (EXECABORT); that
 * refusal is the error worth reporting.
 */
async function runTransaction(redis: Redis, commands: Command[], base64: boolean): Promise<Reply> {
  try {
    const pairs = await queue(redis.multi(), commands).exec();
    if (!pairs) return { status: 400, body: { error: 'ERR EXEC failed' } };
    return { status: 200, body: toEntries(pairs, base64) };
  } catch (error) {
    if (!isRedisError(error)) throw error;
    const refusal = (error as { previousErrors?: Error[] }).previousErrors?.[0] ?? error;
    return { status: 400, body: { error: refusal.message } };
  }
}

async function runOne(redis: Redis, [name, ...args]: Command, base64: boolean): Promise<Reply> {
  try {
    return {
      status: 200,
      body: { result: replyToJson(await redis.callBuffer(name, ...args), base64) },
    };
  } catch (error) {
    if (!isRedisError(error)) throw error;
    return { status: 400, body: { error: error.message } };
  }
}

/** `/<cmd>/<arg>/…` (curl style), a raw body being the last argument; else a JSON command array. */
function commandOf(pathname: string, raw: string, body: unknown): Command {
  const fromPath = pathname
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  if (fromPath.length === 0) return parseCommand(body);
  return asCommand([...fromPath, ...(body === undefined ? [] : [raw])]);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, { status, body }: Reply): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function answer(redis: Redis, req: http.IncomingMessage, base64: boolean): Promise<Reply> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const raw = await readBody(req);
  const body: unknown = raw.trim() === '' ? undefined : JSON.parse(raw);
  if (pathname === '/pipeline') return runPipeline(redis, parseCommands(body), base64);
  if (pathname === '/multi-exec') return runTransaction(redis, parseCommands(body), base64);
  return runOne(redis, commandOf(pathname, raw, body), base64);
}

/** The request handler, on an already-connected client (exported for tests). */
export function createUpstashHandler(
  redis: Redis,
  token: string,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(res, { status: 401, body: { error: 'Unauthorized' } });
      return;
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    try {
      send(res, await answer(redis, req, base64));
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof BadRequest || error instanceof SyntaxError) {
        send(res, { status: 400, body: { error: message } });
      } else {
        send(res, { status: 500, body: { error: `ERR local adapter: ${message}` } });
      }
    }
  };
}

export interface RunningUpstashAdapter {
  url: string;
  stop(): Promise<void>;
}

/**
 * One connection to the stack's own redis-server, which is our child: no reconnecting and no
 * offline queue, so a dead server fails requests at once (the stack reports the death itself).
 */
async function connectRedis(port: number): Promise<Redis> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Failed commands carry the cause; without a listener ioredis would also print each error.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

export async function startUpstashRestAdapter(options: {
  port: number;
  token: string;
  redisPort: number;
}): Promise<RunningUpstashAdapter> {
  const redis = await connectRedis(options.redisPort);
  const handler = createUpstashHandler(redis, options.token);
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

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
import { RespClient, RespError, RespStatus, type RespValue } from './resp';

type CommandArg = string | number | boolean;
type JsonReply = string | number | null | JsonReply[];
type Entry = { result: JsonReply } | { error: string };

class BadRequest extends Error {}

function parseCommand(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((arg) => ['string', 'number', 'boolean'].includes(typeof arg))
  ) {
    throw new BadRequest('ERR a command must be a non-empty JSON array of strings and numbers');
  }
  return (value as CommandArg[]).map(String);
}

function parseCommands(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR the body must be a non-empty JSON array of commands');
  }
  return value.map(parseCommand);
}

/** RESP → JSON. Error replies nested inside arrays (rare: EXEC) become their message. */
function toJson(value: RespValue, base64: boolean): JsonReply {
  if (value === null || typeof value === 'number') return value;
  if (value instanceof RespStatus) {
    return base64 && value.text !== 'OK' ? Buffer.from(value.text).toString('base64') : value.text;
  }
  if (value instanceof RespError) return value.message;
  if (Array.isArray(value)) return value.map((item) => toJson(item, base64));
  return value.toString(base64 ? 'base64' : 'utf8');
}

function toEntry(value: RespValue, base64: boolean): Entry {
  return value instanceof RespError ? { error: value.message } : { result: toJson(value, base64) };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The request handler, on an already-connected client (exported for tests). */
export function createUpstashHandler(
  redis: RespClient,
  token: string,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(res, 401, { error: 'Unauthorized' });
      return;
    }
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const raw = await readBody(req);
      const body: unknown = raw.trim() === '' ? undefined : JSON.parse(raw);
      if (url.pathname === '/pipeline') {
        const replies = await redis.sendBatch(parseCommands(body));
        send(
          res,
          200,
          replies.map((reply) => toEntry(reply, base64)),
        );
      } else if (url.pathname === '/multi-exec') {
        const commands = parseCommands(body);
        const replies = await redis.sendBatch([['MULTI'], ...commands, ['EXEC']]);
        const exec = replies[replies.length - 1];
        if (exec instanceof RespError || !Array.isArray(exec)) {
          // EXECABORT: a command was refused while queueing; report that refusal.
          const refusal = [...replies.slice(1, -1), exec].find(
            (reply): reply is RespError => reply instanceof RespError,
          );
          send(res, 400, { error: refusal?.message ?? 'ERR EXEC failed' });
          return;
        }
        send(
          res,
          200,
          exec.map((reply) => toEntry(reply, base64)),
        );
      } else {
        const fromPath = url.pathname
          .split('/')
          .filter((part) => part !== '')
          .map(decodeURIComponent);
        const command =
          fromPath.length > 0
            ? [...fromPath, ...(body === undefined ? [] : [String(raw)])]
            : parseCommand(body);
        const reply = await redis.send(command);
        if (reply instanceof RespError) send(res, 400, { error: reply.message });
        else send(res, 200, { result: toJson(reply, base64) });
      }
    } catch (error) {
      if (error instanceof BadRequest || error instanceof SyntaxError) {
        send(res, 400, { error: error.message });
      } else {
        send(res, 500, { error: `ERR local adapter: ${(error as Error).message}` });
      }
    }
  };
}

export interface RunningUpstashAdapter {
  url: string;
  stop(): Promise<void>;
}

export async function startUpstashRestAdapter(options: {
  port: number;
  token: string;
  redisPort: number;
}): Promise<RunningUpstashAdapter> {
  const redis = await RespClient.connect(options.redisPort);
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
      await redis.close();
    },
  };
}

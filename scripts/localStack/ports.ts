import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import type { StackPorts } from './types';

/**
 * Ports at offset 0. The Firebase ones match firebase.json. The others are chosen so that no two of
 * them differ by a multiple of 100 (their last two digits are all different): stacks started with
 * STACK_PORT_OFFSET=100, 200, … then never collide with each other. That is why storage is 9198
 * and not Firebase's usual 9199 (which is auth 9099 + 100), and why eventarc and tasks, which
 * firebase-tools starts on its own alongside functions, are pinned instead of left at 9299/9499.
 * Likewise logging is 4511, not firebase.json's 4500 (= hub 4400 + 100); nobody connects to it.
 * Hub and hosting still share their last two digits, so avoid an offset of 600.
 */
export const BASE_PORTS: Readonly<StackPorts> = Object.freeze({
  hub: 4400,
  logging: 4511,
  auth: 9099,
  firestore: 8080,
  firestoreWebsocket: 9150,
  functions: 5001,
  hosting: 5000,
  eventarc: 9297,
  tasks: 9496,
  storage: 9198,
  redis: 6390,
  upstash: 8079,
});

export const PORT_NAMES = Object.keys(BASE_PORTS) as (keyof StackPorts)[];

/** Reads STACK_PORT_OFFSET: a non-negative integer, 0 when unset. */
export function portOffsetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STACK_PORT_OFFSET;
  if (raw === undefined || raw.trim() === '') return 0;
  const offset = Number(raw);
  const highest = Math.max(...Object.values(BASE_PORTS));
  if (!Number.isInteger(offset) || offset < 0 || highest + offset > 65535) {
    throw new Error(
      `STACK_PORT_OFFSET must be an integer between 0 and ${65535 - highest}, got "${raw}"`,
    );
  }
  const blocked = Object.entries(shiftedPorts(offset)).filter(([, port]) =>
    FETCH_BLOCKED_PORTS.has(port),
  );
  if (blocked.length > 0) {
    throw new Error(
      `STACK_PORT_OFFSET=${offset} puts ${blocked.map(([name, port]) => `${name} on ${port}`).join(', ')}, ` +
        `a port that fetch() refuses to connect to; choose another offset`,
    );
  }
  return offset;
}

/**
 * Ports the Fetch standard blocks (Node's fetch answers "fetch failed" without connecting); only
 * those a shifted stack port can reach are listed. Seen with STACK_PORT_OFFSET=1000: hosting 6000.
 */
const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

export function shiftedPorts(offset: number): StackPorts {
  const entries = Object.entries(BASE_PORTS).map(([name, port]) => [name, port + offset]);
  return Object.fromEntries(entries) as unknown as StackPorts;
}

/** True when nothing listens on 127.0.0.1:port (we try to bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Best effort "who holds this port" for the error message (`ss -ltnp`); empty when unknown.
 * Never throws: a missing `ss` only costs detail.
 */
export function describePortHolder(port: number): string {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const users = /users:\(\((.*?)\)\)/.exec(out);
    return users ? users[1] : '';
  } catch {
    return '';
  }
}

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  gcsEvidenceStore,
  ObjectExistsError,
  StorageUnavailableError,
} from '../../../functions/adapters/storage';

/**
 * The Storage adapter's write against a real HTTP server standing in for Storage's upload
 * endpoint, so that the library's own request code meets a dropped connection or an answer it
 * must classify: a broken connection is retryable (StorageUnavailableError), a 412 means the
 * object exists, and anything else stays what it was.
 */

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let behaviour: Behaviour;
const savedHost = process.env.STORAGE_EMULATOR_HOST;

beforeAll(async () => {
  server = createServer((req, res) => behaviour(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.env.STORAGE_EMULATOR_HOST = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (savedHost === undefined) delete process.env.STORAGE_EMULATOR_HOST;
  else process.env.STORAGE_EMULATOR_HOST = savedHost;
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const bytes = Buffer.alloc(4 * 1024 * 1024, 0x42);
const write = () =>
  gcsEvidenceStore('evidence-test', { STORAGE_EMULATOR_HOST: 'set' }).writeOnce(
    'accounts/a/evidence-items/i/file.pdf',
    'application/pdf',
    Readable.from([bytes]),
  );

it('a connection dropped in the middle of the upload is a StorageUnavailableError', async () => {
  behaviour = (req) => req.once('data', () => req.socket.destroy());
  const error = await write().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StorageUnavailableError);
  expect((error as StorageUnavailableError).reason).toMatch(/^E[A-Z]+$/);
});

it('a 412 from the write-once precondition is an ObjectExistsError', async () => {
  behaviour = (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(412, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 412, message: 'Precondition Failed' } }));
    });
  };
  await expect(write()).rejects.toBeInstanceOf(ObjectExistsError);
});

it('a refusal that trying again cannot fix (403) is neither', async () => {
  behaviour = (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 403, message: 'Forbidden' } }));
    });
  };
  const error = await write().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(StorageUnavailableError);
  expect(error).not.toBeInstanceOf(ObjectExistsError);
  expect((error as { code?: unknown }).code).toBe(403);
});

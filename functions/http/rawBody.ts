import { invalidArgument, tooLarge } from '../domain/errors';
import type { ApiRequest, RawBody } from './router';

const MiB = 1024 * 1024;
const inMiB = (bytes: number) => `${Math.round((bytes / MiB) * 10) / 10} MiB`;

/**
 * The bytes of a raw-body route's request, within its limit. The declared Content-Length is
 * checked first (a client that says too much is refused without looking further), then the bytes
 * that actually arrived, since a chunked request declares no length. The Functions runtime has
 * buffered the body by then (`rawBody`, up to its own 32 MB limit); an absent one is empty.
 */
export function receivedBytes(req: ApiRequest, limit: RawBody): Buffer {
  const refuse = (size: number) =>
    tooLarge(
      `The body is ${inMiB(size)}; at most ${inMiB(limit.maxBytes)} (${limit.maxBytes} bytes) is accepted.`,
      { maxBytes: limit.maxBytes },
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit.maxBytes) throw refuse(declared);
  const bytes = req.rawBody ?? Buffer.alloc(0);
  if (bytes.length > limit.maxBytes) throw refuse(bytes.length);
  if (bytes.length === 0) {
    throw invalidArgument('The request body is empty; send the file itself as the body.');
  }
  return bytes;
}

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** SHA-256 and byte size of a stream, read once with bounded memory. */
export async function sha256OfStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

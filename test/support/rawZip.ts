import { crc32, deflateRawSync, constants } from 'node:zlib';

/**
 * A zip writer that writes exactly what it is told, so a test can build the hostile zips a
 * library would refuse to make: declared sizes that lie, local entries the central directory
 * does not list, overlapping entries, bytes before or after.
 */

export interface RawEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  /** The bytes as stored in the zip (compressed when method is 8). */
  data: Buffer;
  crc: number;
  /** Declared in both headers; a test may make it lie. */
  uncompressedSize: number;
}

export function storedEntry(name: string, content: Buffer): RawEntry {
  return { name, method: 0, data: content, crc: crc32(content), uncompressedSize: content.length };
}

export function deflatedEntry(name: string, content: Buffer): RawEntry {
  return {
    name,
    method: 8,
    data: deflateRawSync(content),
    crc: crc32(content),
    uncompressedSize: content.length,
  };
}

/**
 * `copies` times `block` deflated in about 1/1000 of the size, without compressing it all: each
 * block is flushed with Z_FULL_FLUSH, so its compressed bytes do not depend on what came before
 * and repeat as they are. The CRC is left 0: the verifier checks SHA-256, not CRC.
 */
export function repeatedDeflated(name: string, block: Buffer, copies: number): RawEntry {
  const one = deflateRawSync(block, { finishFlush: constants.Z_FULL_FLUSH });
  const last = deflateRawSync(Buffer.alloc(0));
  return {
    name,
    method: 8,
    data: Buffer.concat([...Array.from({ length: copies }, () => one), last]),
    crc: 0,
    uncompressedSize: block.length * copies,
  };
}

export function localRecord(entry: RawEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x0800, 6); // UTF-8 names
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(entry.data.length, 18);
  header.writeUInt32LE(entry.uncompressedSize, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name, entry.data]);
}

export function centralRecord(entry: RawEntry, localOffset: number): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const record = Buffer.alloc(46);
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(20, 4);
  record.writeUInt16LE(20, 6);
  record.writeUInt16LE(0x0800, 8);
  record.writeUInt16LE(entry.method, 10);
  record.writeUInt32LE(entry.crc, 16);
  record.writeUInt32LE(entry.data.length, 20);
  record.writeUInt32LE(entry.uncompressedSize, 24);
  record.writeUInt16LE(name.length, 28);
  record.writeUInt32LE(localOffset, 42);
  return Buffer.concat([record, name]);
}

export function endRecord(entries: number, directory: Buffer, directoryOffset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(entries, 8);
  record.writeUInt16LE(entries, 10);
  record.writeUInt32LE(directory.length, 12);
  record.writeUInt32LE(directoryOffset, 16);
  return record;
}

/**
 * A well-formed zip of `entries` after `prefix` (offsets shifted past it, as a self-extracting
 * archive would be). `hidden` is written before the entry of the same index and not listed.
 */
export function writeRawZip(
  entries: RawEntry[],
  options: { prefix?: Buffer; hidden?: Map<number, RawEntry> } = {},
): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const write = (bytes: Buffer) => {
    parts.push(bytes);
    offset += bytes.length;
  };
  if (options.prefix) write(options.prefix);
  entries.forEach((entry, i) => {
    const hidden = options.hidden?.get(i);
    if (hidden) write(localRecord(hidden));
    central.push(centralRecord(entry, offset));
    write(localRecord(entry));
  });
  const directory = Buffer.concat(central);
  return Buffer.concat([...parts, directory, endRecord(entries.length, directory, offset)]);
}

import { unaccountedBytes, type ZipLayout, type ZipSpan } from './checks';

/**
 * The byte layout of a zip, read through `readAt` so the Node reader (a file handle) and the
 * browser reader (the zip in memory) share it: where each entry starts and ends, where the
 * central directory and the end records are, and whether any byte is unaccounted for.
 * No `node:` import and no Buffer-only API.
 */

/** Up to `length` bytes at `position` (fewer at the end of the zip). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** A central-directory record: the fields yauzl's entries carry under the same names. */
export interface ZipEntryRecord {
  fileName: string;
  fileNameRaw: Uint8Array;
  relativeOffsetOfLocalHeader: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  fileNameLength: number;
  extraFieldLength: number;
  fileCommentLength: number;
}

export const SIGNATURES = {
  localHeader: 0x04034b50,
  centralRecord: 0x02014b50,
  dataDescriptor: 0x08074b50,
  endRecord: 0x06054b50,
  zip64EndRecord: 0x06064b50,
} as const;
export const LOCAL_HEADER_BYTES = 30;
export const CENTRAL_RECORD_BYTES = 46;
export const END_RECORD_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
/** General purpose bit 3: sizes and CRC follow the data in a data descriptor. */
const HAS_DATA_DESCRIPTOR = 0x0008;

export const view = (bytes: Uint8Array) =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** An entry's bytes from its local header to the end of its data descriptor, if it has one. */
async function entrySpan(readAt: ReadAt, entry: ZipEntryRecord): Promise<ZipSpan> {
  const start = entry.relativeOffsetOfLocalHeader;
  const header = await readAt(start, LOCAL_HEADER_BYTES);
  const fields = view(header);
  if (header.length < LOCAL_HEADER_BYTES || fields.getUint32(0, true) !== SIGNATURES.localHeader) {
    throw new Error(`${entry.fileName} has no local header at offset ${start}`);
  }
  const nameLength = fields.getUint16(26, true);
  const localName = await readAt(start + LOCAL_HEADER_BYTES, nameLength);
  if (!sameBytes(localName, entry.fileNameRaw)) {
    // Readers that walk the local headers (Java's ZipInputStream) would see another name.
    throw new Error(
      `${entry.fileName}: its local header names "${new TextDecoder().decode(localName)}"`,
    );
  }
  const dataEnd =
    start + LOCAL_HEADER_BYTES + nameLength + fields.getUint16(28, true) + entry.compressedSize;
  const flags = fields.getUint16(6, true);
  const descriptor =
    flags & HAS_DATA_DESCRIPTOR ? await descriptorLength(readAt, entry, dataEnd) : 0;
  return { name: entry.fileName, start, end: dataEnd + descriptor };
}

/** Where an entry's (compressed) data starts: after its local header, name and extra field. */
export async function dataStart(readAt: ReadAt, entry: ZipEntryRecord): Promise<number> {
  const fields = view(await readAt(entry.relativeOffsetOfLocalHeader, LOCAL_HEADER_BYTES));
  return (
    entry.relativeOffsetOfLocalHeader +
    LOCAL_HEADER_BYTES +
    fields.getUint16(26, true) +
    fields.getUint16(28, true)
  );
}

/**
 * A data descriptor is [signature] crc32 compressed-size uncompressed-size, sizes in 4 or (zip64)
 * 8 bytes; the one whose fields match the central directory is the one there.
 */
async function descriptorLength(readAt: ReadAt, entry: ZipEntryRecord, at: number) {
  const bytes = await readAt(at, 24);
  const fields = view(bytes);
  const signed =
    bytes.length >= 4 && fields.getUint32(0, true) === SIGNATURES.dataDescriptor ? 4 : 0;
  for (const sizeBytes of [4, 8]) {
    const length = signed + 4 + 2 * sizeBytes;
    if (bytes.length < length) continue;
    const size = (i: number) =>
      sizeBytes === 4
        ? fields.getUint32(signed + 4 + i * 4, true)
        : Number(fields.getBigUint64(signed + 4 + i * 8, true));
    if (
      fields.getUint32(signed, true) === entry.crc32 &&
      size(0) === entry.compressedSize &&
      size(1) === entry.uncompressedSize
    ) {
      return length;
    }
  }
  throw new Error(`${entry.fileName}: its data descriptor does not match the central directory`);
}

/**
 * Where the central directory starts and where the end records start (zip64 aware), from the
 * end-of-central-directory record at `endRecordStart`.
 */
export async function endRecords(
  readAt: ReadAt,
  endRecordStart: number,
): Promise<{ centralDirectoryStart: number; trailerStart: number }> {
  const offset = view(await readAt(endRecordStart, END_RECORD_BYTES)).getUint32(16, true);
  if (offset !== 0xffffffff) return { centralDirectoryStart: offset, trailerStart: endRecordStart };
  const locator = view(await readAt(endRecordStart - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES));
  const zip64Start = Number(locator.getBigUint64(8, true));
  const zip64 = view(await readAt(zip64Start, 56));
  const zip64End = zip64Start + 12 + Number(zip64.getBigUint64(4, true));
  if (
    zip64.getUint32(0, true) !== SIGNATURES.zip64EndRecord ||
    zip64End !== endRecordStart - ZIP64_LOCATOR_BYTES
  ) {
    throw new Error('the zip64 end records are not contiguous');
  }
  return { centralDirectoryStart: Number(zip64.getBigUint64(48, true)), trailerStart: zip64Start };
}

/**
 * Throws unless every byte of the zip belongs to an entry listed in the central directory, to the
 * central directory, or to its end records (see unaccountedBytes).
 */
export async function requireAccountedBytes(
  readAt: ReadAt,
  entries: readonly ZipEntryRecord[],
  zip: { size: number; endRecordStart: number },
): Promise<void> {
  const spans: ZipSpan[] = [];
  for (const entry of entries) spans.push(await entrySpan(readAt, entry));
  const { centralDirectoryStart, trailerStart } = await endRecords(readAt, zip.endRecordStart);
  const centralDirectoryBytes = entries.reduce(
    (sum, e) =>
      sum + CENTRAL_RECORD_BYTES + e.fileNameLength + e.extraFieldLength + e.fileCommentLength,
    0,
  );
  const layout: ZipLayout = {
    size: zip.size,
    entries: spans,
    centralDirectory: {
      start: centralDirectoryStart,
      end: centralDirectoryStart + centralDirectoryBytes,
    },
    trailerStart,
  };
  const unaccounted = unaccountedBytes(layout);
  if (unaccounted) throw new Error(unaccounted);
}

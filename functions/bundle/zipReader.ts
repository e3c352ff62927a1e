import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { BUNDLE_FILES, type Manifest } from '../schema/bundle';
import {
  AuditLineTally,
  LimitExceeded,
  LineSplitter,
  overLimit,
  periodOf,
  unaccountedBytes,
  WHOLE_FILE_LIMITS,
  type AuditLogDigest,
  type BundleContents,
  type ZipLayout,
  type ZipSpan,
} from './checks';
import { MerkleAccumulator } from './merkle';
import { sha256OfStream } from './streamHash';

/**
 * Reads a bundle zip for the checks (checks.ts): every byte of the file accounted for by the
 * central directory before any entry is read, files read whole only within their limits (from the
 * declared sizes, before reading), and every entry stopped at the first byte past its declared
 * size (yauzl's validateEntrySizes). Memory: the whole files plus one audit-log line.
 */

/** The central-directory fields yauzl 3 sets but its type definitions leave out. */
type ZipEntry = yauzl.Entry & { fileNameRaw: Buffer };

const SIGNATURES = {
  localHeader: 0x04034b50,
  dataDescriptor: 0x08074b50,
  zip64EndRecord: 0x06064b50,
} as const;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_RECORD_BYTES = 46;
const END_RECORD_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
/** General purpose bit 3: sizes and CRC follow the data in a data descriptor. */
const HAS_DATA_DESCRIPTOR = 0x0008;

function openZip(path: string): Promise<yauzl.ZipFile> {
  const options = {
    lazyEntries: true,
    autoClose: false,
    validateEntrySizes: true,
    strictFileNames: true,
  };
  return new Promise((resolve, reject) =>
    yauzl.open(path, options, (e, z) => (e ? reject(e) : resolve(z))),
  );
}

function listEntries(zip: yauzl.ZipFile): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  return new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: ZipEntry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function withZip<T>(
  path: string,
  use: (zip: yauzl.ZipFile, entries: ZipEntry[]) => Promise<T>,
): Promise<T> {
  const zip = await openZip(path);
  try {
    return await use(zip, await listEntries(zip));
  } finally {
    zip.close();
  }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** An entry's bytes from its local header to the end of its data descriptor, if it has one. */
async function entrySpan(file: FileHandle, entry: ZipEntry): Promise<ZipSpan> {
  const start = entry.relativeOffsetOfLocalHeader;
  const header = await readAt(file, start, LOCAL_HEADER_BYTES);
  if (header.length < LOCAL_HEADER_BYTES || header.readUInt32LE(0) !== SIGNATURES.localHeader) {
    throw new Error(`${entry.fileName} has no local header at offset ${start}`);
  }
  const nameLength = header.readUInt16LE(26);
  const localName = await readAt(file, start + LOCAL_HEADER_BYTES, nameLength);
  if (!localName.equals(entry.fileNameRaw)) {
    // Readers that walk the local headers (Java's ZipInputStream) would see another name.
    throw new Error(`${entry.fileName}: its local header names "${localName.toString('utf8')}"`);
  }
  const dataEnd =
    start + LOCAL_HEADER_BYTES + nameLength + header.readUInt16LE(28) + entry.compressedSize;
  const flags = header.readUInt16LE(6);
  const descriptor = flags & HAS_DATA_DESCRIPTOR ? await descriptorLength(file, entry, dataEnd) : 0;
  return { name: entry.fileName, start, end: dataEnd + descriptor };
}

/**
 * A data descriptor is [signature] crc32 compressed-size uncompressed-size, sizes in 4 or (zip64)
 * 8 bytes; the one whose fields match the central directory is the one there.
 */
async function descriptorLength(file: FileHandle, entry: ZipEntry, at: number): Promise<number> {
  const bytes = await readAt(file, at, 24);
  const signed = bytes.length >= 4 && bytes.readUInt32LE(0) === SIGNATURES.dataDescriptor ? 4 : 0;
  for (const sizeBytes of [4, 8]) {
    const length = signed + 4 + 2 * sizeBytes;
    if (bytes.length < length) continue;
    const size = (i: number) =>
      sizeBytes === 4
        ? bytes.readUInt32LE(signed + 4 + i * 4)
        : Number(bytes.readBigUInt64LE(signed + 4 + i * 8));
    if (
      bytes.readUInt32LE(signed) === entry.crc32 &&
      size(0) === entry.compressedSize &&
      size(1) === entry.uncompressedSize
    ) {
      return length;
    }
  }
  throw new Error(`${entry.fileName}: its data descriptor does not match the central directory`);
}

/** Where the central directory starts and where the end records start (zip64 aware). */
async function endRecords(
  file: FileHandle,
  zip: yauzl.ZipFile,
): Promise<{ centralDirectoryStart: number; trailerStart: number }> {
  // yauzl found the end record exactly END_RECORD_BYTES + comment before the end of the file.
  const endRecordStart = zip.fileSize - END_RECORD_BYTES - zip.comment.length;
  const endRecord = await readAt(file, endRecordStart, END_RECORD_BYTES);
  const offset = endRecord.readUInt32LE(16);
  if (offset !== 0xffffffff) return { centralDirectoryStart: offset, trailerStart: endRecordStart };
  const locator = await readAt(file, endRecordStart - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES);
  const zip64Start = Number(locator.readBigUInt64LE(8));
  const zip64 = await readAt(file, zip64Start, 56);
  const zip64End = zip64Start + 12 + Number(zip64.readBigUInt64LE(4));
  if (
    zip64.readUInt32LE(0) !== SIGNATURES.zip64EndRecord ||
    zip64End !== endRecordStart - ZIP64_LOCATOR_BYTES
  ) {
    throw new Error('the zip64 end records are not contiguous');
  }
  return { centralDirectoryStart: Number(zip64.readBigUInt64LE(48)), trailerStart: zip64Start };
}

async function layoutOf(path: string, zip: yauzl.ZipFile, entries: ZipEntry[]): Promise<ZipLayout> {
  const file = await open(path, 'r');
  try {
    const spans: ZipSpan[] = [];
    for (const entry of entries) spans.push(await entrySpan(file, entry));
    const { centralDirectoryStart, trailerStart } = await endRecords(file, zip);
    const centralDirectoryBytes = entries.reduce(
      (sum, e) =>
        sum + CENTRAL_RECORD_BYTES + e.fileNameLength + e.extraFieldLength + e.fileCommentLength,
      0,
    );
    return {
      size: zip.fileSize,
      entries: spans,
      centralDirectory: {
        start: centralDirectoryStart,
        end: centralDirectoryStart + centralDirectoryBytes,
      },
      trailerStart,
    };
  } finally {
    await file.close();
  }
}

/** Hashes the audit log and rebuilds its Merkle root line by line (memory: one line). */
async function digestAuditLog(
  stream: Readable,
  period: Manifest['period'] | undefined,
): Promise<AuditLogDigest> {
  const hash = createHash('sha256');
  const merkle = new MerkleAccumulator();
  const tally = new AuditLineTally(period);
  const lines = new LineSplitter((line) => {
    merkle.add(line);
    tally.add(line);
  });
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    lines.push(chunk as Buffer);
  }
  lines.end();
  return {
    sha256: hash.digest('hex'),
    size,
    merkleRoot: merkle.root(),
    lines: merkle.leafCount,
    malformed: tally.malformed,
    outsidePeriod: tally.outsidePeriod,
  };
}

/** Reads every entry once: the manifest and signature first, since the audit log needs the period. */
export async function readBundleZip(zipPath: string): Promise<BundleContents> {
  return withZip(zipPath, async (zip, entries) => {
    const unaccounted = unaccountedBytes(await layoutOf(zipPath, zip, entries));
    if (unaccounted) throw new Error(unaccounted);
    const contents: BundleContents = {
      entryCount: entries.length,
      duplicates: [],
      whole: new Map(),
      digests: new Map(),
      refused: new Map(),
    };
    const byName = new Map<string, ZipEntry>();
    for (const entry of entries) {
      if (byName.has(entry.fileName)) contents.duplicates.push(entry.fileName);
      byName.set(entry.fileName, entry);
    }
    const first = [BUNDLE_FILES.manifest, BUNDLE_FILES.signature].filter((n) => byName.has(n));
    const rest = [...byName.keys()].filter((n) => !first.includes(n as (typeof first)[number]));
    for (const name of first) await readEntry(zip, byName.get(name)!, contents);
    const period = periodOf(contents.whole.get(BUNDLE_FILES.manifest));
    for (const name of rest) await readEntry(zip, byName.get(name)!, contents, period);
    return contents;
  });
}

/** One entry into `contents`: whole within its limit, streamed otherwise, refused past a limit. */
async function readEntry(
  zip: yauzl.ZipFile,
  entry: ZipEntry,
  contents: BundleContents,
  period?: Manifest['period'],
): Promise<void> {
  const name = entry.fileName;
  const limit = WHOLE_FILE_LIMITS[name];
  if (limit !== undefined && entry.uncompressedSize > limit) {
    contents.refused.set(name, overLimit(name, entry.uncompressedSize, limit));
    return;
  }
  const stream = await openEntry(zip, entry);
  if (limit !== undefined) {
    const bytes = await readAll(stream);
    contents.whole.set(name, bytes);
    if (name === BUNDLE_FILES.manifest || name === BUNDLE_FILES.signature) return;
    contents.digests.set(name, {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    });
  } else if (name === BUNDLE_FILES.auditLog) {
    try {
      contents.digests.set(name, await digestAuditLog(stream, period));
    } catch (error) {
      if (!(error instanceof LimitExceeded)) throw error;
      stream.destroy();
      contents.refused.set(name, `${name}: ${error.message}`);
    }
  } else {
    contents.digests.set(name, await sha256OfStream(stream));
  }
}

/** One entry of a bundle zip, whole (report.json when rebuilding an index), within its limit. */
export async function readZipEntry(zipPath: string, name: string): Promise<Buffer> {
  return withZip(zipPath, async (zip, entries) => {
    const entry = entries.find((e) => e.fileName === name);
    if (!entry) throw new Error(`${name} is not in the bundle`);
    const limit = WHOLE_FILE_LIMITS[name];
    if (limit !== undefined && entry.uncompressedSize > limit) {
      throw new Error(overLimit(name, entry.uncompressedSize, limit));
    }
    return readAll(await openEntry(zip, entry));
  });
}

import { Inflate } from 'fflate';
import { BUNDLE_FILES, type Manifest } from '../../../functions/schema/manifest';
import {
  AuditLogDigester,
  LimitExceeded,
  overLimit,
  periodOf,
  WHOLE_FILE_LIMITS,
  type BundleContents,
} from '../../../functions/bundle/checks';
import { sha256Hex, toHex, type HashFactory } from '../../../functions/bundle/verifierCrypto';
import {
  CENTRAL_RECORD_BYTES,
  dataStart,
  END_RECORD_BYTES,
  requireAccountedBytes,
  SIGNATURES,
  view,
  type ReadAt,
  type ZipEntryRecord,
} from '../../../functions/bundle/zipStructure';

/**
 * The browser's bundle reader: the zip in memory (a picked file or a fetched download), its
 * central directory parsed here, every byte accounted for (zipStructure.ts, shared with the Node
 * reader), each entry inflated by fflate in chunks and stopped at the first byte past its declared
 * size (fflate hands out fresh chunks, so none is copied), and audit-log.ndjson digested line
 * by line (checks.ts). Produces the same BundleContents
 * as the Node reader, so the checks are the shared ones.
 */

/**
 * Compressed bytes handed to the inflater at a time. fflate inflates a whole piece before handing
 * out its output, and deflate expands at most about 1032:1, so a piece this small bounds what one
 * step can inflate (about 16 MiB) before the declared-size check sees it.
 */
const PIECE = 16 * 1024;
const MAX_COMMENT = 0xffff;

/** Inflated bytes so far of all entries' declared total. */
export type Progress = (done: number, total: number) => void;

const names = new TextDecoder('utf-8', { fatal: true });

function endRecordStart(zip: Uint8Array): number {
  const fields = view(zip);
  const lowest = Math.max(0, zip.length - END_RECORD_BYTES - MAX_COMMENT);
  for (let at = zip.length - END_RECORD_BYTES; at >= lowest; at--) {
    if (
      fields.getUint32(at, true) === SIGNATURES.endRecord &&
      at + END_RECORD_BYTES + fields.getUint16(at + 20, true) === zip.length
    ) {
      return at;
    }
  }
  throw new Error('no end of central directory record: not a zip file');
}

function centralDirectory(zip: Uint8Array, endAt: number): ZipEntryRecord[] {
  const fields = view(zip);
  const count = fields.getUint16(endAt + 10, true);
  let at = fields.getUint32(endAt + 16, true);
  if (count === 0xffff || at === 0xffffffff) {
    throw new Error('a zip64 bundle: verify it with the CLI (npx soc2-evidence verify)');
  }
  const entries: ZipEntryRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (
      at + CENTRAL_RECORD_BYTES > endAt ||
      fields.getUint32(at, true) !== SIGNATURES.centralRecord
    ) {
      throw new Error(`central directory record ${i + 1} is missing`);
    }
    const fileNameLength = fields.getUint16(at + 28, true);
    const extraFieldLength = fields.getUint16(at + 30, true);
    const fileCommentLength = fields.getUint16(at + 32, true);
    const fileNameRaw = zip.subarray(at + 46, at + 46 + fileNameLength);
    entries.push({
      fileName: entryName(fileNameRaw),
      fileNameRaw,
      crc32: fields.getUint32(at + 16, true),
      compressedSize: fields.getUint32(at + 20, true),
      uncompressedSize: fields.getUint32(at + 24, true),
      relativeOffsetOfLocalHeader: fields.getUint32(at + 42, true),
      fileNameLength,
      extraFieldLength,
      fileCommentLength,
    });
    at += CENTRAL_RECORD_BYTES + fileNameLength + extraFieldLength + fileCommentLength;
  }
  return entries;
}

/** The same names yauzl (strictFileNames) accepts: relative, forward slashes, no `..`. */
function entryName(raw: Uint8Array): string {
  const name = names.decode(raw);
  if (name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new Error(`invalid file name: ${name}`);
  }
  if (name.split('/').includes('..')) throw new Error(`invalid relative path: ${name}`);
  return name;
}

/** Inflates one entry into `onChunk`, refusing a single byte more or less than declared. */
function inflateEntry(
  zip: Uint8Array,
  entry: ZipEntryRecord,
  start: number,
  method: number,
  onChunk: (chunk: Uint8Array) => void,
): void {
  const data = zip.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new Error(`${entry.fileName} is truncated`);
  let size = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > entry.uncompressedSize) {
      throw new Error(`${entry.fileName}: more bytes than its declared ${entry.uncompressedSize}`);
    }
    onChunk(chunk);
  };
  if (method === 0) {
    for (let at = 0; at < data.length; at += PIECE) take(data.subarray(at, at + PIECE));
  } else if (method === 8) {
    const inflater = new Inflate(take);
    for (let at = 0; at < data.length; at += PIECE) {
      inflater.push(data.subarray(at, at + PIECE), at + PIECE >= data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } else {
    throw new Error(`${entry.fileName}: unsupported compression method ${method}`);
  }
  if (size !== entry.uncompressedSize) {
    throw new Error(
      `${entry.fileName}: ${size} bytes, its declared size is ${entry.uncompressedSize}`,
    );
  }
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};

interface Opened {
  readAt: ReadAt;
  entries: ZipEntryRecord[];
  byName: Map<string, ZipEntryRecord>;
  duplicates: string[];
}

async function openZip(zip: Uint8Array): Promise<Opened> {
  const readAt: ReadAt = async (position, length) => zip.subarray(position, position + length);
  const endAt = endRecordStart(zip);
  const entries = centralDirectory(zip, endAt);
  await requireAccountedBytes(readAt, entries, { size: zip.length, endRecordStart: endAt });
  const byName = new Map<string, ZipEntryRecord>();
  const duplicates: string[] = [];
  for (const entry of entries) {
    if (byName.has(entry.fileName)) duplicates.push(entry.fileName);
    byName.set(entry.fileName, entry);
  }
  return { readAt, entries, byName, duplicates };
}

const methodOf = (zip: Uint8Array, entry: ZipEntryRecord) =>
  view(zip).getUint16(entry.relativeOffsetOfLocalHeader + 8, true);

/** One entry whole, within its limit (the previous bundle's manifest.json, for the chain). */
export async function readWholeEntry(zip: Uint8Array, name: string): Promise<Uint8Array> {
  const opened = await openZip(zip);
  const entry = opened.byName.get(name);
  if (!entry) throw new Error(`${name} is not in the bundle`);
  const limit = WHOLE_FILE_LIMITS[name];
  if (limit !== undefined && entry.uncompressedSize > limit) {
    throw new Error(overLimit(name, entry.uncompressedSize, limit));
  }
  const chunks: Uint8Array[] = [];
  const start = await dataStart(opened.readAt, entry);
  inflateEntry(zip, entry, start, methodOf(zip, entry), (c) => chunks.push(c));
  return concat(chunks);
}

/** Reads every entry once: the manifest and signature first, since the audit log needs the period. */
export async function readBundleBytes(
  zip: Uint8Array,
  sha256: HashFactory,
  onProgress: Progress = () => undefined,
): Promise<BundleContents> {
  const { readAt, entries, byName, duplicates } = await openZip(zip);
  const contents: BundleContents = {
    entryCount: entries.length,
    duplicates,
    whole: new Map(),
    digests: new Map(),
    refused: new Map(),
  };
  const total = [...byName.values()].reduce((n, e) => n + e.uncompressedSize, 0);
  let done = 0;
  const counted = (onChunk: (chunk: Uint8Array) => void) => (chunk: Uint8Array) => {
    onChunk(chunk);
    done += chunk.length;
    onProgress(done, total);
  };
  const read = async (name: string, period?: Manifest['period']) => {
    const entry = byName.get(name)!;
    const start = await dataStart(readAt, entry);
    readEntry(zip, entry, start, contents, sha256, period, counted);
  };
  const first: string[] = [BUNDLE_FILES.manifest, BUNDLE_FILES.signature];
  for (const name of first.filter((n) => byName.has(n))) await read(name);
  const period = periodOf(contents.whole.get(BUNDLE_FILES.manifest));
  for (const name of [...byName.keys()].filter((n) => !first.includes(n))) await read(name, period);
  return contents;
}

/** One entry into `contents`: whole within its limit, streamed otherwise, refused past a limit. */
function readEntry(
  zip: Uint8Array,
  entry: ZipEntryRecord,
  start: number,
  contents: BundleContents,
  sha256: HashFactory,
  period: Manifest['period'] | undefined,
  counted: (onChunk: (chunk: Uint8Array) => void) => (chunk: Uint8Array) => void,
): void {
  const name = entry.fileName;
  const limit = WHOLE_FILE_LIMITS[name];
  const method = methodOf(zip, entry);
  if (limit !== undefined && entry.uncompressedSize > limit) {
    contents.refused.set(name, overLimit(name, entry.uncompressedSize, limit));
    return;
  }
  if (limit !== undefined) {
    const chunks: Uint8Array[] = [];
    inflateEntry(
      zip,
      entry,
      start,
      method,
      counted((c) => chunks.push(c)),
    );
    const bytes = concat(chunks);
    contents.whole.set(name, bytes);
    if (name === BUNDLE_FILES.manifest || name === BUNDLE_FILES.signature) return;
    contents.digests.set(name, { sha256: sha256Hex(sha256, bytes), size: bytes.length });
  } else if (name === BUNDLE_FILES.auditLog) {
    const digester = new AuditLogDigester(sha256, period);
    try {
      inflateEntry(
        zip,
        entry,
        start,
        method,
        counted((c) => digester.push(c)),
      );
      contents.digests.set(name, digester.end());
    } catch (error) {
      if (!(error instanceof LimitExceeded)) throw error;
      contents.refused.set(name, `${name}: ${error.message}`);
    }
  } else {
    const hash = sha256();
    let size = 0;
    inflateEntry(
      zip,
      entry,
      start,
      method,
      counted((c) => (hash.update(c), (size += c.length))),
    );
    contents.digests.set(name, { sha256: toHex(hash.digest()), size });
  }
}

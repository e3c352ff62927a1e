import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { BUNDLE_FILES, type Manifest } from '../schema/bundle';
import {
  AuditLogDigester,
  LimitExceeded,
  overLimit,
  periodOf,
  WHOLE_FILE_LIMITS,
  type AuditLogDigest,
  type BundleContents,
} from './checks';
import { nodeCrypto } from './nodeCrypto';
import { END_RECORD_BYTES, requireAccountedBytes, type ReadAt } from './zipStructure';
import { sha256OfStream } from './streamHash';

/**
 * Reads a bundle zip for the checks (checks.ts): every byte of the file accounted for by the
 * central directory before any entry is read, files read whole only within their limits (from the
 * declared sizes, before reading), and every entry stopped at the first byte past its declared
 * size (yauzl's validateEntrySizes). Memory: the whole files plus one audit-log line.
 */

/** The central-directory fields yauzl 3 sets but its type definitions leave out. */
type ZipEntry = yauzl.Entry & { fileNameRaw: Buffer };

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

function fileReader(file: FileHandle): ReadAt {
  return async (position, length) => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  };
}

/** Every byte of the file accounted for by the central directory (zipStructure.ts). */
async function checkLayout(path: string, zip: yauzl.ZipFile, entries: ZipEntry[]): Promise<void> {
  const file = await open(path, 'r');
  try {
    // yauzl found the end record exactly END_RECORD_BYTES + comment before the end of the file.
    const endRecordStart = zip.fileSize - END_RECORD_BYTES - zip.comment.length;
    await requireAccountedBytes(fileReader(file), entries, { size: zip.fileSize, endRecordStart });
  } finally {
    await file.close();
  }
}

/** Hashes the audit log and rebuilds its Merkle root line by line (memory: one line). */
async function digestAuditLog(
  stream: Readable,
  period: Manifest['period'] | undefined,
): Promise<AuditLogDigest> {
  const digester = new AuditLogDigester(nodeCrypto.sha256, period);
  for await (const chunk of stream) digester.push(chunk as Buffer);
  return digester.end();
}

/** Reads every entry once: the manifest and signature first, since the audit log needs the period. */
export async function readBundleZip(zipPath: string): Promise<BundleContents> {
  return withZip(zipPath, async (zip, entries) => {
    await checkLayout(zipPath, zip, entries);
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

import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { ManifestSigner } from '../adapters/signer';
import {
  BUNDLE_FILES,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  MERKLE_ALGORITHM,
  SIGNATURE_ALGORITHM,
  type Manifest,
  type ManifestFile,
} from '../schema/bundle';
import type { StreamedAuditEvent } from '../audit/events';
import type { ComplianceExport } from '../compliance/export';
import { auditLine, AuditLogTally } from './auditLog';
import { MerkleAccumulator } from './merkle';
import type { Period } from './period';
import { bundleReadme } from './readme';

export interface BundleContent {
  accountId: string;
  period: Period;
  generatedAt: Date;
  previousManifestSha256: string | null;
  /** Rendered files (report.json, CSVs, changes.json, …). README and the audit log are added here. */
  files: readonly { name: string; content: Buffer }[];
  /**
   * The period's control results, findings and incidents (compliance.json). Required here, not
   * one of `files`, because a version 2 manifest promises it in every bundle.
   */
  compliance: ComplianceExport;
  /** The period's audit events in their stable order; pulled only as fast as the zip is consumed. */
  events: AsyncIterable<StreamedAuditEvent>;
  signer: ManifestSigner;
}

export interface BuiltBundle {
  manifest: Manifest;
  manifestBytes: Buffer;
  manifestSha256: string;
  /** SHA-256 and size of the whole zip as streamed out. */
  sha256: string;
  size: number;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Lines are batched into chunks of about this size: one stream chunk per line is too slow. */
const CHUNK_BYTES = 64 * 1024;

/** Exact bytes of manifest.json: what the signature covers. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/**
 * Builds a bundle as a zip stream: small files first, then audit-log.ndjson streamed from
 * `events` (hashed, counted and Merkle-accumulated on the way through), then the period summary,
 * and last the manifest and its signature, which need all the hashes. Memory is bounded by the
 * chunk size and the zip library's buffers, not the event count.
 *
 * `stream` must be consumed (piped into Storage); `done` settles when the zip has been fully
 * read. A failing event source destroys `stream` with its error, so an upload aborts instead of
 * completing a partial object.
 */
export function buildBundle(content: BundleContent): {
  stream: Readable;
  done: Promise<BuiltBundle>;
} {
  const zip = new ZipFile();
  const out = new PassThrough();
  const zipHash = createHash('sha256');
  let zipSize = 0;
  // mtime fixed to generatedAt: the zip bytes depend only on the content.
  const entryOptions = { mtime: content.generatedAt, compress: true };
  const files: ManifestFile[] = [];

  const addBuffer = (name: string, bytes: Buffer) => {
    files.push({ name, sha256: sha256(bytes), size: bytes.length });
    zip.addBuffer(bytes, name, entryOptions);
  };

  const merkle = new MerkleAccumulator();
  const tally = new AuditLogTally();
  const logHash = createHash('sha256');
  let logSize = 0;
  async function* ndjson(): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const item of content.events) {
      const line = Buffer.from(auditLine(item), 'utf8');
      merkle.add(line);
      tally.add(item);
      pending.push(line, NEWLINE);
      pendingBytes += line.length + 1;
      if (pendingBytes >= CHUNK_BYTES) {
        yield flush();
      }
    }
    if (pendingBytes > 0) yield flush();

    function flush(): Buffer {
      const chunk = Buffer.concat(pending, pendingBytes);
      logHash.update(chunk);
      logSize += chunk.length;
      pending = [];
      pendingBytes = 0;
      return chunk;
    }
  }

  // The consumer (the Storage upload) failing or closing early must end the build too, or it
  // would wait forever for a zip nobody reads.
  let finished = false;
  const aborted = new Promise<never>((_, reject) => {
    out.once('error', reject);
    out.once('close', () => {
      if (!finished) reject(new Error('the bundle stream was closed before the zip was complete'));
    });
  });
  aborted.catch(() => undefined); // observed through the races below

  const done = (async (): Promise<BuiltBundle> => {
    const zipRead = new Promise<void>((resolve, reject) => {
      zip.outputStream.on('data', (chunk: Buffer) => {
        zipHash.update(chunk);
        zipSize += chunk.length;
      });
      zip.outputStream.on('end', resolve);
      zip.outputStream.on('error', reject);
    });
    zip.outputStream.pipe(out);

    for (const file of content.files) addBuffer(file.name, file.content);
    addBuffer(
      BUNDLE_FILES.compliance,
      Buffer.from(`${JSON.stringify(content.compliance, null, 2)}\n`),
    );
    addBuffer(BUNDLE_FILES.readme, Buffer.from(bundleReadme(content.accountId, content.period)));

    const log = Readable.from(ndjson(), { objectMode: false });
    const logEnded = new Promise<void>((resolve, reject) => {
      log.on('end', resolve);
      log.on('error', reject);
    });
    zip.addReadStream(log, BUNDLE_FILES.auditLog, entryOptions);
    try {
      await Promise.race([logEnded, aborted]);
    } finally {
      log.destroy();
    }
    files.push({ name: BUNDLE_FILES.auditLog, sha256: logHash.digest('hex'), size: logSize });
    addBuffer(BUNDLE_FILES.auditLogSummary, Buffer.from(tally.toCsv(), 'utf8'));

    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      accountId: content.accountId,
      period: {
        id: content.period.id,
        start: content.period.start.toISOString(),
        end: content.period.end.toISOString(),
      },
      generatedAt: content.generatedAt.toISOString(),
      files: [...files].sort((a, b) => (a.name < b.name ? -1 : 1)),
      eventCount: tally.total,
      malformedEventCount: tally.malformed,
      merkle: { algorithm: MERKLE_ALGORITHM, leafCount: merkle.leafCount, root: merkle.root() },
      signature: { algorithm: SIGNATURE_ALGORITHM, keyId: content.signer.keyId },
      previousManifestSha256: content.previousManifestSha256,
    };
    const manifestBytes = serializeManifest(manifest);
    const signature = await content.signer.sign(manifestBytes);
    zip.addBuffer(manifestBytes, BUNDLE_FILES.manifest, entryOptions);
    zip.addBuffer(signature, BUNDLE_FILES.signature, entryOptions);
    zip.end();
    await Promise.race([zipRead, aborted]);
    finished = true;
    return {
      manifest,
      manifestBytes,
      manifestSha256: sha256(manifestBytes),
      sha256: zipHash.digest('hex'),
      size: zipSize,
    };
  })();
  done.catch((error: unknown) =>
    out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return { stream: out, done };
}

const NEWLINE = Buffer.from('\n');

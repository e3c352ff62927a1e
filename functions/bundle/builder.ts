import { createHash } from 'node:crypto';
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
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
import type { AccessReviewsExport } from '../accessReviews/export';
import type { ComplianceExport } from '../compliance/export';
import { CONTROLS } from '../compliance/controlCatalog';
import { buildAssessmentResults, bundleEvidence, resultsOfDays } from '../compliance/oscal';
import { reportPdfStream, type EvidenceItemEntry } from '../report/pdf/reportPdf';
import type { EvidenceReport } from '../schema/evidence';
import { auditLine, AuditLogTally } from './auditLog';
import { MerkleAccumulator } from './merkle';
import { nodeCrypto } from './nodeCrypto';
import type { Period } from './period';
import { bundleReadme } from './readme';

export interface BundleContent {
  accountId: string;
  period: Period;
  generatedAt: Date;
  previousManifestSha256: string | null;
  /** Rendered files (report.json, CSVs, changes.json, …). README and the audit log are added here. */
  files: readonly { name: string; content: Buffer }[];
  /** The report of report.json, rendered again for people as report.pdf. */
  report: EvidenceReport;
  /**
   * The period's control results, findings and incidents (compliance.json). Required here, not
   * one of `files`, because a version 2 manifest promises it in every bundle.
   */
  compliance: ComplianceExport;
  /** The period's access-review campaigns, for report.pdf (access-reviews.json is one of `files`). */
  accessReviews?: AccessReviewsExport;
  /** The period's audit events in their stable order; pulled only as fast as the zip is consumed. */
  events: AsyncIterable<StreamedAuditEvent>;
  /** Evidence items' files, streamed from Storage one after the other (CONTRACT §10); none if absent. */
  evidenceFiles?: readonly EvidenceFile[];
  signer: ManifestSigner;
}

/** One stored evidence item's file: its zip entry name, what was recorded at upload, its bytes. */
export interface EvidenceFile {
  name: string;
  sha256: string;
  size: number;
  /** What report.pdf says of the item. */
  item: Pick<EvidenceItemEntry, 'title' | 'criteria' | 'effectiveAt' | 'expiresAt'>;
  open: () => Readable;
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
 * oscal-assessment-results.json: the period's control results and findings as OSCAL, each
 * observation pointing at the bundle files it rests on with the hashes the manifest lists. Built
 * after every other file but the manifest, so every file it cites is hashed.
 */
function assessmentResultsFile(content: BundleContent, files: readonly ManifestFile[]): Buffer {
  const hashes = new Map(files.map((f) => [f.name, f.sha256]));
  const { compliance } = content;
  const malformed = compliance.malformedControlResults;
  const document = buildAssessmentResults({
    accountId: content.accountId,
    period: content.period,
    generatedAt: content.generatedAt,
    controls: CONTROLS,
    results: resultsOfDays(compliance.controlResults),
    findings: compliance.findings,
    evidence: bundleEvidence((name) => hashes.get(name)),
    ...(malformed > 0
      ? {
          remarks: `${malformed} stored daily results were malformed; compliance.json counts them.`,
        }
      : {}),
  });
  return Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
}

/** audit-log.ndjson as a byte stream, hashed, counted and Merkle-accumulated on the way through. */
function auditLogStream(events: AsyncIterable<StreamedAuditEvent>) {
  const merkle = new MerkleAccumulator(nodeCrypto.sha256);
  const tally = new AuditLogTally();
  const hash = createHash('sha256');
  let size = 0;
  async function* ndjson(): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = (): Buffer => {
      const chunk = Buffer.concat(pending, pendingBytes);
      hash.update(chunk);
      size += chunk.length;
      pending = [];
      pendingBytes = 0;
      return chunk;
    };
    for await (const item of events) {
      const line = Buffer.from(auditLine(item), 'utf8');
      merkle.add(line);
      tally.add(item);
      pending.push(line, NEWLINE);
      pendingBytes += line.length + 1;
      if (pendingBytes >= CHUNK_BYTES) yield flush();
    }
    if (pendingBytes > 0) yield flush();
  }
  return {
    stream: Readable.from(ndjson(), { objectMode: false }),
    merkle,
    tally,
    /** The manifest entry, once the stream has ended. */
    file: (): ManifestFile => ({ name: BUNDLE_FILES.auditLog, sha256: hash.digest('hex'), size }),
  };
}

/** A zip entry streamed from `source`, hashed and counted on the way through. */
function hashedEntry(name: string, source: Readable) {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  // A failing source destroys the entry's stream with its error (the zip, and the upload, fail).
  const stream = pipeline(source, counter, () => undefined);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return { stream, ended, file: (): ManifestFile => ({ name, sha256: hash.digest('hex'), size }) };
}

/**
 * Streams one evidence file into the zip. The bytes must be those recorded at upload: a file that
 * changed in Storage fails the build rather than being sealed into a signed bundle.
 */
async function addEvidenceFile(
  zip: ZipFile,
  file: EvidenceFile,
  entryOptions: { mtime: Date; compress: boolean },
  aborted: Promise<never>,
): Promise<ManifestFile> {
  const entry = hashedEntry(file.name, file.open());
  zip.addReadStream(entry.stream, file.name, entryOptions);
  try {
    await Promise.race([entry.ended, aborted]);
  } finally {
    entry.stream.destroy();
  }
  const found = entry.file();
  if (found.sha256 !== file.sha256 || found.size !== file.size) {
    throw new Error(
      `${file.name} in Storage is ${found.size} bytes with SHA-256 ${found.sha256}, but ${file.size} bytes with SHA-256 ${file.sha256} were recorded at upload; the bundle is not sealed`,
    );
  }
  return found;
}

/** Files whose hashes report.pdf's cover prints, so a printed copy can be tied to its manifest. */
const PDF_COVER_FILES: readonly string[] = [BUNDLE_FILES.report, BUNDLE_FILES.compliance];

/**
 * The consumer (the Storage upload) failing or closing early must end the build too, or it would
 * wait forever for a zip nobody reads. `aborted` rejects then; `finish` marks the zip complete.
 */
function watchConsumer(out: PassThrough): { aborted: Promise<never>; finish: () => void } {
  let finished = false;
  const aborted = new Promise<never>((_, reject) => {
    out.once('error', reject);
    out.once('close', () => {
      if (!finished) reject(new Error('the bundle stream was closed before the zip was complete'));
    });
  });
  aborted.catch(() => undefined); // observed through the races in buildBundle
  return { aborted, finish: () => void (finished = true) };
}

/** Pipes the zip into `out`, hashing and counting what goes through; settles when it has all gone. */
function zipOutput(zip: ZipFile, out: PassThrough): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const read = new Promise<{ sha256: string; size: number }>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    zip.outputStream.on('end', () => resolve({ sha256: hash.digest('hex'), size }));
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(out);
  return read;
}

function manifestFor(
  content: BundleContent,
  files: ManifestFile[],
  log: ReturnType<typeof auditLogStream>,
): Manifest {
  return {
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
    eventCount: log.tally.total,
    malformedEventCount: log.tally.malformed,
    merkle: {
      algorithm: MERKLE_ALGORITHM,
      leafCount: log.merkle.leafCount,
      root: log.merkle.root(),
    },
    signature: { algorithm: SIGNATURE_ALGORITHM, keyId: content.signer.keyId },
    previousManifestSha256: content.previousManifestSha256,
  };
}

/**
 * Builds a bundle as a zip stream: small files first, then audit-log.ndjson streamed from
 * `events` (hashed, counted and Merkle-accumulated on the way through), then the period summary
 * and the OSCAL assessment results, then report.pdf (streamed page by page; its cover needs the log's Merkle root and count), and
 * last the manifest and its signature, which need all the hashes. Memory is bounded by the
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
  const consumer = watchConsumer(out);
  // mtime fixed to generatedAt: the zip bytes depend only on the content.
  const entryOptions = { mtime: content.generatedAt, compress: true };
  const files: ManifestFile[] = [];
  const addBuffer = (name: string, bytes: Buffer) => {
    files.push({ name, sha256: sha256(bytes), size: bytes.length });
    zip.addBuffer(bytes, name, entryOptions);
  };

  const done = (async (): Promise<BuiltBundle> => {
    const zipped = zipOutput(zip, out);
    for (const file of content.files) addBuffer(file.name, file.content);
    addBuffer(
      BUNDLE_FILES.compliance,
      Buffer.from(`${JSON.stringify(content.compliance, null, 2)}\n`),
    );
    addBuffer(BUNDLE_FILES.readme, Buffer.from(bundleReadme(content.accountId, content.period)));

    const log = auditLogStream(content.events);
    const logEnded = new Promise<void>((resolve, reject) => {
      log.stream.on('end', resolve);
      log.stream.on('error', reject);
    });
    zip.addReadStream(log.stream, BUNDLE_FILES.auditLog, entryOptions);
    try {
      await Promise.race([logEnded, consumer.aborted]);
    } finally {
      log.stream.destroy();
    }
    files.push(log.file());
    addBuffer(BUNDLE_FILES.auditLogSummary, Buffer.from(log.tally.toCsv(), 'utf8'));
    addBuffer(BUNDLE_FILES.oscal, assessmentResultsFile(content, files));

    // After the audit log: the cover carries its Merkle root and event count.
    const pdf = hashedEntry(
      BUNDLE_FILES.reportPdf,
      reportPdfStream({
        report: content.report,
        cover: {
          kind: 'bundle',
          period: {
            id: content.period.id,
            start: content.period.start.toISOString(),
            end: content.period.end.toISOString(),
          },
          keyId: content.signer.keyId,
          eventCount: log.tally.total,
          malformedEventCount: log.tally.malformed,
          merkleRoot: log.merkle.root(),
          previousManifestSha256: content.previousManifestSha256,
          files: files.filter((f) => PDF_COVER_FILES.includes(f.name)),
        },
        compliance: content.compliance,
        accessReviews: content.accessReviews,
        howToVerify: bundleReadme(content.accountId, content.period),
        evidenceItems: (content.evidenceFiles ?? []).map(({ name, sha256, size, item }) => ({
          file: name,
          sha256,
          size,
          ...item,
        })),
      }),
    );
    zip.addReadStream(pdf.stream, BUNDLE_FILES.reportPdf, entryOptions);
    try {
      await Promise.race([pdf.ended, consumer.aborted]);
    } finally {
      pdf.stream.destroy();
    }
    files.push(pdf.file());
    for (const evidence of content.evidenceFiles ?? []) {
      files.push(await addEvidenceFile(zip, evidence, entryOptions, consumer.aborted));
    }

    const manifest = manifestFor(content, files, log);
    const manifestBytes = serializeManifest(manifest);
    const signature = await content.signer.sign(manifestBytes);
    zip.addBuffer(manifestBytes, BUNDLE_FILES.manifest, entryOptions);
    zip.addBuffer(signature, BUNDLE_FILES.signature, entryOptions);
    zip.end();
    const whole = await Promise.race([zipped, consumer.aborted]);
    consumer.finish();
    return { manifest, manifestBytes, manifestSha256: sha256(manifestBytes), ...whole };
  })();
  done.catch((error: unknown) =>
    out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return { stream: out, done };
}

const NEWLINE = Buffer.from('\n');

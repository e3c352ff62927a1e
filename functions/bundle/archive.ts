import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Firestore } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { recentAccessChanges, type AccessHistory } from '../audit/accessHistory';
import { streamAuditEvents } from '../audit/events';
import { exportAccessReviewsForPeriod, type AccessReviewsExport } from '../accessReviews/export';
import { exportComplianceForPeriod, type ComplianceExport } from '../compliance/export';
import { BACKGROUND_SECTION_TIMEOUT_MS, buildReport } from '../report/buildReport';
import { ObjectExistsError, type EvidenceStore } from '../adapters/storage';
import type { ManifestSigner } from '../adapters/signer';
import { isAlreadyExists } from '../adapters/firestoreErrors';
import { failedPrecondition, invalidArgument } from '../domain/errors';
import {
  BUNDLE_FILES,
  evidenceItemEntryName,
  type ArchiveIndex,
  type Manifest,
} from '../schema/bundle';
import type { StoredEvidenceItemDoc } from '../schema/evidenceItems';
import { storedItemsEffectiveIn } from '../compliance/evidenceItems';
import { evidenceReportSchema, type EvidenceReport } from '../schema/evidence';
import {
  createArchiveIndex,
  latestArchive,
  readArchiveIndex,
  type ArchiveIndexRead,
} from './archiveIndex';
import type { AuditEventSource } from './auditLog';
import { buildBundle } from './builder';
import { accessReviewsFile, renderContents, snapshotOf, type PreviousBundle } from './contents';
import { bundleObjectPath, type Period } from './period';
import { sha256OfStream } from './streamHash';
import { verifyBundle } from './verify';
import { readZipEntry } from './zipReader';

/** What archiving a period needs, injected so tests can swap any part (fault injection). */
export interface ArchiveDeps {
  db: Firestore;
  now: () => Date;
  store: EvidenceStore;
  signer: ManifestSigner;
  events: AuditEventSource;
  /** The evidence report as of a time (report/buildReport.ts). */
  report: (accountId: string, asOf: Date) => Promise<EvidenceReport>;
  /** Role/department changes since a time, newest first, and malformed entries (audit/accessHistory.ts). */
  accessChanges: (accountId: string, since: Date, limit: number) => Promise<AccessHistory>;
  /** Control results, findings and incidents of [start, end) (compliance/export.ts). */
  compliance: (accountId: string, start: Date, end: Date) => Promise<ComplianceExport>;
  /** Stored evidence items effective in [start, end) (compliance/evidenceItems.ts). */
  evidenceItems: (
    accountId: string,
    start: Date,
    end: Date,
  ) => Promise<{ id: string; value: StoredEvidenceItemDoc }[]>;
  /** The period's access-review campaigns (access-reviews.json). */
  accessReviews: (accountId: string, start: Date, end: Date) => Promise<AccessReviewsExport>;
}

export type ArchiveStatus =
  /** Built and stored now. */
  | 'archived'
  /** The object and its index document were there and agree: nothing written. */
  | 'already_archived'
  /** The object was there without an index document (a run stopped after the upload); it
   * verified, and the index document was written from it. */
  | 'recovered';

export interface ArchiveOutcome {
  status: ArchiveStatus;
  archiveId: string;
  index: ArchiveIndex;
}

/** Access-history entries kept in changes.json; more are flagged `truncated`. */
export const ACCESS_HISTORY_LIMIT = 1000;

/** An index document the chain and idempotency depend on: guessing would be worse than stopping. */
function requireIndex(read: Exclude<ArchiveIndexRead, { status: 'absent' }>): ArchiveIndex {
  if (read.status === 'ok') return read.index;
  throw failedPrecondition(
    `The archive index ${read.path} is malformed; an operator must repair it.`,
  );
}

/**
 * The link of the chain: the account's latest bundle, which must end at or before `period.start`.
 * A period overlapping it or going back before its end is refused, so the bundles of one account
 * form one line and a rebuilt past period can never fork it (CONTRACT §5).
 */
export async function chainTip(
  db: Firestore,
  accountId: string,
  period: Period,
): Promise<PreviousBundle | null> {
  const read = await latestArchive(db, accountId);
  if (read.status === 'absent') return null;
  const index = requireIndex(read);
  if (index.periodEnd.getTime() > period.start.getTime()) {
    const message = `bundle ${read.archiveId} covers ${index.periodStart.toISOString()} to ${index.periodEnd.toISOString()}; a new bundle must start at or after ${index.periodEnd.toISOString()}`;
    throw invalidArgument(`periodStart: ${message}`, {
      issues: [{ field: 'periodStart', message }],
      latestArchive: {
        id: read.archiveId,
        periodStart: index.periodStart.toISOString(),
        periodEnd: index.periodEnd.toISOString(),
      },
    });
  }
  return {
    archiveId: read.archiveId,
    periodEnd: index.periodEnd,
    manifestSha256: index.manifestSha256,
    state: index.state,
  };
}

function indexFor(
  manifest: Manifest,
  manifestSha256: string,
  zip: { sha256: string; size: number },
  report: EvidenceReport,
  store: EvidenceStore,
  objectPath: string,
  createdAt: Date,
): ArchiveIndex {
  const fileHash = new Map(manifest.files.map((f) => [f.name, f.sha256]));
  return {
    status: 'complete',
    periodId: manifest.period.id,
    periodStart: new Date(manifest.period.start),
    periodEnd: new Date(manifest.period.end),
    createdAt,
    bucket: store.bucket,
    objectPath,
    sha256: zip.sha256,
    size: zip.size,
    manifestSha256,
    previousManifestSha256: manifest.previousManifestSha256,
    keyId: manifest.signature.keyId,
    eventCount: manifest.eventCount,
    malformedEventCount: manifest.malformedEventCount,
    merkleRoot: manifest.merkle.root,
    sectionStatuses: Object.fromEntries(
      Object.entries(report.sections).map(([key, section]) => [key, section.status]),
    ),
    state: snapshotOf(report, (name) => fileHash.get(name)),
  };
}

/** Writes the index once; a concurrent run that got there first wrote the same bundle's index. */
async function createIndex(
  db: Firestore,
  accountId: string,
  archiveId: string,
  index: ArchiveIndex,
): Promise<ArchiveIndex> {
  try {
    await createArchiveIndex(db, accountId, archiveId, index);
    return index;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const read = await readArchiveIndex(db, accountId, archiveId);
    if (read.status === 'absent') throw error;
    return requireIndex(read);
  }
}

/**
 * An object is already stored for this period. With an index document, the object's hash must
 * match it. Without one (the run that uploaded it stopped before writing the index), the object
 * is downloaded and verified like an auditor would, and the index is rebuilt from it; a bundle
 * that does not verify is reported, never replaced.
 */
async function confirmExisting(
  deps: ArchiveDeps,
  accountId: string,
  period: Period,
  objectPath: string,
): Promise<ArchiveOutcome> {
  const existing = await readArchiveIndex(deps.db, accountId, period.id);
  if (existing.status !== 'absent') {
    const index = requireIndex(existing);
    const stored = await sha256OfStream(deps.store.createReadStream(objectPath));
    if (stored.sha256 !== index.sha256 || stored.size !== index.size) {
      logger.error('evidence bundle differs from its index', { accountId, objectPath });
      throw failedPrecondition(
        `The stored bundle ${objectPath} does not match its index (sha256 ${stored.sha256}, expected ${index.sha256}).`,
      );
    }
    return { status: 'already_archived', archiveId: period.id, index };
  }

  const dir = await mkdtemp(join(tmpdir(), 'bundle-recover-'));
  try {
    const zipPath = join(dir, 'bundle.zip');
    await pipeline(deps.store.createReadStream(objectPath), createWriteStream(zipPath));
    const result = await verifyBundle(zipPath, {
      publicKeyPem: await deps.signer.publicKeyPem(),
      expectedAccountId: accountId,
      expectedPeriodId: period.id,
    });
    if (!result.ok || !result.manifest) {
      const reasons = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      logger.error('stored evidence bundle without index fails verification', {
        accountId,
        objectPath,
        reasons,
      });
      throw failedPrecondition(
        `The stored bundle ${objectPath} has no index and does not verify.`,
        {
          reasons,
        },
      );
    }
    const reportBytes = await readZipEntry(zipPath, BUNDLE_FILES.report);
    const report = evidenceReportSchema.parse(JSON.parse(reportBytes.toString('utf8')));
    const zip = await sha256OfStream(deps.store.createReadStream(objectPath));
    const index = indexFor(
      result.manifest,
      result.manifestSha256!,
      zip,
      report,
      deps.store,
      objectPath,
      deps.now(),
    );
    logger.warn('evidence bundle index rebuilt from the stored object', { accountId, objectPath });
    return {
      status: 'recovered',
      archiveId: period.id,
      index: await createIndex(deps.db, accountId, period.id, index),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Archives one account's period: exactly one bundle object and one index document, however often
 * it runs. The object is created with a does-not-exist precondition and the index document only
 * after the upload completed, so a crash at any point leaves either nothing, or an object the
 * next run verifies and indexes.
 */
export async function archivePeriod(
  deps: ArchiveDeps,
  accountId: string,
  period: Period,
): Promise<ArchiveOutcome> {
  const objectPath = bundleObjectPath(accountId, period);
  const existing = await readArchiveIndex(deps.db, accountId, period.id);
  if (existing.status !== 'absent' || (await deps.store.stat(objectPath))) {
    return confirmExisting(deps, accountId, period, objectPath);
  }

  const started = Date.now();
  const previous = await chainTip(deps.db, accountId, period);
  const since = previous?.periodEnd ?? period.start;
  // An unreadable compliance export fails the run (the task is retried) rather than signing a
  // bundle without it: unlike a report section, it has no degraded form to stand in for it.
  const [report, history, compliance, evidenceItems, accessReviews] = await Promise.all([
    deps.report(accountId, period.end),
    deps.accessChanges(accountId, since, ACCESS_HISTORY_LIMIT + 1),
    deps.compliance(accountId, period.start, period.end),
    deps.evidenceItems(accountId, period.start, period.end),
    deps.accessReviews(accountId, period.start, period.end),
  ]);
  const changes = history.changes.filter((c) => Date.parse(c.changedAt) < period.end.getTime());
  const rendered = renderContents(report, period, previous, {
    changes: changes.slice(0, ACCESS_HISTORY_LIMIT),
    truncated: changes.length > ACCESS_HISTORY_LIMIT,
    malformed: history.malformed,
  });
  const { stream, done } = buildBundle({
    accountId,
    period,
    generatedAt: deps.now(),
    previousManifestSha256: previous?.manifestSha256 ?? null,
    files: [...rendered.files, accessReviewsFile(accessReviews)],
    report,
    compliance,
    accessReviews,
    events: deps.events(accountId, period.start, period.end),
    evidenceFiles: evidenceItems.map(({ id, value }) => ({
      name: evidenceItemEntryName(id, value.fileName),
      sha256: value.sha256,
      size: value.size,
      item: {
        title: value.title,
        criteria: value.criteria,
        effectiveAt: value.effectiveAt.toISOString(),
        expiresAt: value.expiresAt?.toISOString() ?? null,
      },
      open: () => deps.store.createReadStream(value.objectPath),
    })),
    signer: deps.signer,
  });
  let built;
  try {
    [, built] = await Promise.all([
      deps.store.writeOnce(objectPath, 'application/zip', stream),
      done,
    ]);
  } catch (error) {
    if (error instanceof ObjectExistsError) {
      // Another run stored this period between our check and our upload.
      return confirmExisting(deps, accountId, period, objectPath);
    }
    throw error;
  }
  const index = indexFor(
    built.manifest,
    built.manifestSha256,
    built,
    report,
    deps.store,
    objectPath,
    deps.now(),
  );
  const stored = await createIndex(deps.db, accountId, period.id, index);
  logger.info('evidence bundle archived', {
    accountId,
    archiveId: period.id,
    eventCount: built.manifest.eventCount,
    size: built.size,
    durationMs: Date.now() - started,
  });
  return { status: 'archived', archiveId: period.id, index: stored };
}

/** Production sources: Firestore event stream, the live report as of a time, access history. */
export function archiveDepsFrom(deps: Deps): ArchiveDeps {
  return {
    db: deps.db,
    now: deps.now,
    store: deps.evidenceStore(),
    signer: deps.signer(),
    events: (accountId, start, end) => streamAuditEvents(deps.db, accountId, start, end),
    report: (accountId, asOf) =>
      buildReport(deps, accountId, { asOf, sectionTimeoutMs: BACKGROUND_SECTION_TIMEOUT_MS }),
    accessChanges: (accountId, since, limit) =>
      recentAccessChanges(deps.db, accountId, since, limit),
    compliance: (accountId, start, end) => exportComplianceForPeriod(deps, accountId, start, end),
    evidenceItems: (accountId, start, end) => storedItemsEffectiveIn(deps, accountId, start, end),
    accessReviews: (accountId, start, end) =>
      exportAccessReviewsForPeriod(deps, accountId, start, end),
  };
}

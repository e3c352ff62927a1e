import { z } from 'zod';
import { documentId, timestamp } from './common';
import { accountIdParam, isoDateTime } from './api';
import { jobErrorSchema, type ReportJobDoc } from './reportJobs';
import { isoInstant, sha256Hex, SIGNATURE_ALGORITHM } from './manifest';

export * from './manifest';

/**
 * Shapes of the signed quarterly evidence bundles (CONTRACT §5): the index document per bundle and
 * the HTTP inputs of the archive routes; the manifest inside each zip is in manifest.ts.
 */

/**
 * What changes.json compares between consecutive bundles, taken from the bundle's own report.
 * Kept in the index document (and in changes.json itself) so the next bundle can diff without
 * downloading this one. A part is null when its report section could not be computed: "unknown"
 * must never read as "everyone was removed".
 */
export const stateSnapshotSchema = z.object({
  /** uid → role. */
  members: z.record(z.string(), z.string()).nullable(),
  /** key id → `{provider, status}`. */
  apiKeys: z.record(z.string(), z.object({ provider: z.string(), status: z.string() })).nullable(),
  /** SHA-256 of the compliance, residency and retention settings as the report rendered them. */
  settingsSha256: sha256Hex.nullable(),
  /** Catalog file name → SHA-256 of its bundle file. */
  catalogs: z.record(z.string(), sha256Hex),
});
export type StateSnapshot = z.output<typeof stateSnapshotSchema>;

/**
 * A bundle's index as the code uses it, state snapshot whole. Stored as an
 * {@link archiveIndexDocSchema} document plus {@link archiveStateChunkSchema} documents.
 */
export const archiveIndexSchema = z.object({
  status: z.literal('complete'),
  periodId: z.string(),
  periodStart: timestamp,
  /** Exclusive. */
  periodEnd: timestamp,
  createdAt: timestamp,
  bucket: z.string(),
  objectPath: z.string(),
  /** SHA-256 and byte size of the zip object. */
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  manifestSha256: sha256Hex,
  previousManifestSha256: sha256Hex.nullable(),
  keyId: z.string(),
  eventCount: z.number().int().nonnegative(),
  malformedEventCount: z.number().int().nonnegative(),
  merkleRoot: sha256Hex,
  /** Section key → `ok` | `degraded` in report.json. */
  sectionStatuses: z.record(z.string(), z.enum(['ok', 'degraded'])),
  state: stateSnapshotSchema,
});
export type ArchiveIndex = z.output<typeof archiveIndexSchema>;

/**
 * `accounts/{accountId}/evidenceArchives/{archiveId}/stateChunks/{0000…}`: a slice of the state
 * snapshot's per-member and per-key maps, so the index grows past 1 MiB (about 20,000 members)
 * in documents that each stay well under it.
 */
export const archiveStateChunkSchema = z.object({
  members: stateSnapshotSchema.shape.members.unwrap(),
  apiKeys: stateSnapshotSchema.shape.apiKeys.unwrap(),
});
export type ArchiveStateChunk = z.output<typeof archiveStateChunkSchema>;

/**
 * `accounts/{accountId}/evidenceArchives/{archiveId}`; read by the retention job too. The state's
 * members and API keys live in `chunks` chunk documents; `…Known: false` stands for a null part.
 */
export const archiveIndexDocSchema = archiveIndexSchema.omit({ state: true }).extend({
  state: stateSnapshotSchema.pick({ settingsSha256: true, catalogs: true }).extend({
    membersKnown: z.boolean(),
    apiKeysKnown: z.boolean(),
    chunks: z.number().int().nonnegative(),
  }),
});
export type ArchiveIndexDoc = z.output<typeof archiveIndexDocSchema>;

export const MAX_PERIOD_DAYS = 366;

export const createArchiveBodySchema = z
  .object({
    accountId: accountIdParam,
    periodStart: isoDateTime('periodStart'),
    periodEnd: isoDateTime('periodEnd'),
  })
  .strict();
export type CreateArchiveBody = z.output<typeof createArchiveBodySchema>;

/** One stored archive as the list and create routes return it (dates ISO-8601). */
export const archiveSummarySchema = z.object({
  id: z.string(),
  state: z.literal('ready'),
  periodStart: isoInstant,
  /** Exclusive. */
  periodEnd: isoInstant,
  createdAt: isoInstant,
  eventCount: z.number().int().nonnegative(),
  malformedEventCount: z.number().int().nonnegative(),
  /** Bytes of the zip. */
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
  manifestSha256: sha256Hex,
  previousManifestSha256: sha256Hex.nullable(),
  merkleRoot: sha256Hex,
  keyId: z.string(),
  sectionStatuses: z.record(z.string(), z.enum(['ok', 'degraded'])),
});
export type ArchiveSummary = z.output<typeof archiveSummarySchema>;

export function archiveSummary(id: string, index: Omit<ArchiveIndex, 'state'>): ArchiveSummary {
  return {
    id,
    state: 'ready',
    periodStart: index.periodStart.toISOString(),
    periodEnd: index.periodEnd.toISOString(),
    createdAt: index.createdAt.toISOString(),
    eventCount: index.eventCount,
    malformedEventCount: index.malformedEventCount,
    size: index.size,
    sha256: index.sha256,
    manifestSha256: index.manifestSha256,
    previousManifestSha256: index.previousManifestSha256,
    merkleRoot: index.merkleRoot,
    keyId: index.keyId,
    sectionStatuses: index.sectionStatuses,
  };
}

/** A bundle asked for and not stored yet: queued or being built, or failed (with why). */
export const pendingArchiveSchema = z.object({
  id: z.string(),
  state: z.enum(['building', 'failed']),
  periodStart: isoInstant,
  /** Exclusive. */
  periodEnd: isoInstant,
  /** When it was first asked for. */
  requestedAt: isoInstant,
  /** The build's report job (`GET /api/compliance/reports/{jobId}`). */
  jobId: z.string(),
  /** Why it failed; `POST /api/soc2-archives` with the same period tries again. */
  error: jobErrorSchema.optional(),
});
export type PendingArchive = z.output<typeof pendingArchiveSchema>;

/** A bundle in the list: stored (`ready`), or `building` / `failed`. */
export const archiveEntrySchema = z.discriminatedUnion('state', [
  archiveSummarySchema,
  pendingArchiveSchema,
]);
export type ArchiveEntry = z.output<typeof archiveEntrySchema>;

/** The list's entry for a soc2 job whose bundle is not stored. */
export function pendingArchive(jobId: string, job: ReportJobDoc): PendingArchive {
  return {
    id: job.periodId,
    state: job.state === 'failed' ? 'failed' : 'building',
    periodStart: job.periodStart.toISOString(),
    periodEnd: job.periodEnd.toISOString(),
    requestedAt: job.createdAt.toISOString(),
    jobId,
    ...(job.state === 'failed' && job.error ? { error: job.error } : {}),
  };
}

/** `GET /api/soc2-archives`: malformed documents are listed apart, never dropped. */
export const archiveListResponseSchema = z.object({
  archives: z.array(archiveEntrySchema),
  malformed: z.array(z.object({ id: z.string(), problem: z.string() })),
});

/** `POST /api/soc2-archives`: 202 with the entry building, or 200 with the stored bundle. */
export const createArchiveResponseSchema = z.object({ archive: archiveEntrySchema });

/** `GET /api/soc2-archives/{archiveId}/download`. */
export const downloadResponseSchema = z.object({ url: z.string(), expiresAt: isoInstant });

export const downloadQuerySchema = z.object({ accountId: accountIdParam });
export const archiveIdParamSchema = z.object({ archiveId: documentId });

export const publicKeyResponseSchema = z.object({
  keyId: z.string(),
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  publicKey: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
});

import { z } from 'zod';
import { documentId, timestamp } from './common';
import { accountIdParam, isoDateTime } from './api';
import { QUARTER_ID_PATTERN } from '../domain/quarter';
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

/** `accounts/{accountId}/evidenceArchives/{archiveId}`; read by the retention job too. */
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

/** A calendar quarter, e.g. `2026-Q3`. */
export const quarterIdSchema = z
  .string()
  .regex(QUARTER_ID_PATTERN, 'period must look like 2026-Q3');

/** Payload of one queued archive task (the scheduled fan-out). */
export const archiveTaskSchema = z
  .object({ accountId: documentId, periodId: quarterIdSchema })
  .strict();
export type ArchiveTask = z.output<typeof archiveTaskSchema>;

export const MAX_PERIOD_DAYS = 366;

export const createArchiveBodySchema = z
  .object({
    accountId: accountIdParam,
    periodStart: isoDateTime('periodStart'),
    periodEnd: isoDateTime('periodEnd'),
  })
  .strict();
export type CreateArchiveBody = z.output<typeof createArchiveBodySchema>;

/** One archive as the list and create routes return it (dates ISO-8601). */
export const archiveSummarySchema = z.object({
  id: z.string(),
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

export function archiveSummary(id: string, index: ArchiveIndex): ArchiveSummary {
  return {
    id,
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

/** `GET /api/soc2-archives`: malformed index documents are listed apart, never dropped. */
export const archiveListResponseSchema = z.object({
  archives: z.array(archiveSummarySchema),
  malformed: z.array(z.object({ id: z.string(), problem: z.string() })),
});

/** `POST /api/soc2-archives`: 201 `archived`; 200 `already_archived` or `recovered`. */
export const createArchiveResponseSchema = z.object({
  status: z.enum(['archived', 'already_archived', 'recovered']),
  archive: archiveSummarySchema,
});

/** `GET /api/soc2-archives/{archiveId}/download`. */
export const downloadResponseSchema = z.object({ url: z.string(), expiresAt: isoInstant });

export const downloadQuerySchema = z.object({ accountId: accountIdParam });
export const archiveIdParamSchema = z.object({ archiveId: documentId });

export const publicKeyResponseSchema = z.object({
  keyId: z.string(),
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  publicKey: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
});

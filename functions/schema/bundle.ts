import { z } from 'zod';
import { documentId, timestamp } from './common';
import { accountIdParam, isoDateTime } from './api';
import { QUARTER_ID_PATTERN } from '../domain/quarter';

/**
 * Shapes of the signed quarterly evidence bundles (CONTRACT §5): the manifest inside each zip,
 * the index document per bundle, and the HTTP inputs of the archive routes.
 */

/**
 * Version 2 added compliance.json. The verifier accepts every version listed here and requires,
 * per version, the files that version introduced (FILES_REQUIRED_SINCE): a version 1 bundle,
 * signed before compliance.json existed, still verifies.
 */
export const MANIFEST_VERSION = 2;
export const SUPPORTED_MANIFEST_VERSIONS = [1, 2] as const;
export const MANIFEST_FORMAT = 'soc2-evidence-bundle';
export const SIGNATURE_ALGORITHM = 'Ed25519';
export const MERKLE_ALGORITHM = 'rfc6962-sha256';

/** Names inside every bundle. The manifest and its signature are not listed in the manifest. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  signature: 'manifest.sig',
  report: 'report.json',
  accessReview: 'access-review.csv',
  auditLog: 'audit-log.ndjson',
  auditLogSummary: 'audit-log-summary.csv',
  vendors: 'vendors.csv',
  encryption: 'encryption.csv',
  incidentResponse: 'incident-response.md',
  changes: 'changes.json',
  compliance: 'compliance.json',
  reportPdf: 'report.pdf',
  readme: 'README.txt',
} as const;

/** Files a manifest must list from the version that introduced them on. */
export const FILES_REQUIRED_SINCE: Readonly<Record<string, number>> = {
  [BUNDLE_FILES.compliance]: 2,
};

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');
const isoInstant = z.iso.datetime();

export const manifestFileSchema = z.object({
  name: z.string().min(1),
  sha256: sha256Hex,
  /** Uncompressed bytes. */
  size: z.number().int().nonnegative(),
});
export type ManifestFile = z.output<typeof manifestFileSchema>;

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(SUPPORTED_MANIFEST_VERSIONS),
  accountId: z.string().min(1),
  period: z.object({
    id: z.string().min(1),
    /** Inclusive. */
    start: isoInstant,
    /** Exclusive: an event at exactly `end` belongs to the next period. */
    end: isoInstant,
  }),
  generatedAt: isoInstant,
  /** Sorted by name; every entry of the zip except manifest.json and manifest.sig. */
  files: z.array(manifestFileSchema),
  /** Lines of audit-log.ndjson, malformed events included. */
  eventCount: z.number().int().nonnegative(),
  /** Of eventCount, the lines that carry `"malformed": true` (stored as found, not dropped). */
  malformedEventCount: z.number().int().nonnegative(),
  merkle: z.object({
    algorithm: z.literal(MERKLE_ALGORITHM),
    /** Over the lines of audit-log.ndjson, each without its trailing newline. */
    leafCount: z.number().int().nonnegative(),
    root: sha256Hex,
  }),
  signature: z.object({
    algorithm: z.literal(SIGNATURE_ALGORITHM),
    keyId: z.string().min(1),
  }),
  /** SHA-256 of the previous bundle's manifest.json bytes for this account; null for the first. */
  previousManifestSha256: sha256Hex.nullable(),
});
export type Manifest = z.output<typeof manifestSchema>;

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

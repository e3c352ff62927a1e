import { z } from 'zod';

/**
 * The manifest inside every bundle zip (CONTRACT §5) and the names of the zip's files. Kept apart
 * from bundle.ts, and importing nothing but zod, because the browser's verifier (the portal's Web
 * Worker) parses manifests too and must not pull server modules into its bundle.
 */

/**
 * Version 2 added compliance.json; version 3 report.pdf and oscal-assessment-results.json. The
 * verifier accepts every version listed here and requires, per version, the files that version
 * introduced (FILES_REQUIRED_SINCE): a version 1 bundle, signed before compliance.json existed,
 * still verifies.
 */
export const MANIFEST_VERSION = 3;
export const SUPPORTED_MANIFEST_VERSIONS = [1, 2, 3] as const;
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
  oscal: 'oscal-assessment-results.json',
  accessReviews: 'access-reviews.json',
  readme: 'README.txt',
} as const;

/**
 * Evidence items' files (CONTRACT §10), zero or more per bundle, listed and hashed like any other
 * file and required by no version. Both parts are single safe path segments (a document id and a
 * file name validated at registration), so the name never leaves `evidence/`.
 */
export const evidenceItemEntryName = (itemId: string, fileName: string) =>
  `evidence/${itemId}/${fileName}`;

/** Files a manifest must list from the version that introduced them on. */
export const FILES_REQUIRED_SINCE: Readonly<Record<string, number>> = {
  [BUNDLE_FILES.compliance]: 2,
  [BUNDLE_FILES.reportPdf]: 3,
  [BUNDLE_FILES.oscal]: 3,
  [BUNDLE_FILES.accessReviews]: 3,
};

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');
export const isoInstant = z.iso.datetime();

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

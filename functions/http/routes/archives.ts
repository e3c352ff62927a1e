import { archiveDepsFrom, archivePeriod } from '../../bundle/archive';
import { listArchiveIndex, readArchiveIndex } from '../../bundle/archiveIndex';
import { customPeriod } from '../../bundle/period';
import { notFound } from '../../domain/errors';
import {
  archiveIdParamSchema,
  archiveListResponseSchema,
  archiveSummary,
  createArchiveBodySchema,
  createArchiveResponseSchema,
  downloadQuerySchema,
  downloadResponseSchema,
  publicKeyResponseSchema,
  SIGNATURE_ALGORITHM,
} from '../../schema/bundle';
import { accountOnlyQuerySchema } from '../../schema/api';
import { listedById } from '../../schema/common';
import { accountRoute, type Route } from '../router';

/** How long a download link works (CONTRACT §4). */
export const DOWNLOAD_URL_TTL_MS = 15 * 60 * 1000;

/** Signed quarterly bundles (CONTRACT §4–5): list, download link, build on demand, public key. */
export const archiveRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/soc2-archives',
    doc: {
      summary: 'Evidence bundles of the account, newest first',
      responses: {
        200: {
          description: 'Archive index.',
          body: { id: 'ArchiveList', schema: archiveListResponseSchema },
        },
      },
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: accountOnlyQuerySchema },
    async handle({ deps, input: { accountId } }) {
      const { docs, malformed } = await listArchiveIndex(deps.db, accountId);
      const archives = docs.map((doc) => archiveSummary(doc.id, doc.value));
      return { body: { archives, malformed: listedById(malformed) } };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/soc2-archives/:archiveId/download',
    doc: {
      summary: 'A V4 signed URL for one bundle, valid 15 minutes',
      responses: {
        200: {
          description: 'Signed URL.',
          body: { id: 'SignedUrl', schema: downloadResponseSchema },
        },
      },
      errors: [404],
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: downloadQuerySchema },
    params: archiveIdParamSchema,
    async handle({ deps, input: { accountId }, params: { archiveId } }) {
      // Looked up under the caller's account only: another account's archive id is just absent.
      const read = await readArchiveIndex(deps.db, accountId, archiveId);
      if (read.status === 'absent') {
        throw notFound(`No archive ${archiveId} in account ${accountId}.`);
      }
      if (read.status === 'malformed') {
        throw notFound(`Archive ${archiveId} has an invalid index record; ask an operator.`);
      }
      const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_TTL_MS);
      const url = await deps
        .evidenceStore()
        .signedDownloadUrl(read.index.objectPath, expiresAt, `${accountId}-${archiveId}.zip`);
      return { body: { url, expiresAt: expiresAt.toISOString() } };
    },
  }),
  accountRoute({
    method: 'POST',
    path: '/soc2-archives',
    doc: {
      summary: 'Build a bundle for any period now (needs `audit:export`)',
      responses: {
        201: {
          description: 'The bundle built now.',
          body: { id: 'CreateArchive', schema: createArchiveResponseSchema },
        },
        200: {
          description: 'The period was archived before (or its stored object was re-indexed).',
          body: { id: 'CreateArchive', schema: createArchiveResponseSchema },
        },
      },
      errors: [409],
    },
    access: { permission: 'audit:export' },
    input: { in: 'body', schema: createArchiveBodySchema },
    async handle({ deps, input: body }) {
      const period = customPeriod(new Date(body.periodStart), new Date(body.periodEnd), deps.now());
      const outcome = await archivePeriod(archiveDepsFrom(deps), body.accountId, period);
      return {
        status: outcome.status === 'archived' ? 201 : 200,
        body: { status: outcome.status, archive: archiveSummary(outcome.archiveId, outcome.index) },
      };
    },
  }),
  {
    method: 'GET',
    path: '/soc2-evidence/public-key',
    doc: {
      summary: 'The Ed25519 public key that verifies bundle manifests',
      responses: {
        200: {
          description: 'SPKI PEM.',
          body: { id: 'PublicKey', schema: publicKeyResponseSchema },
        },
      },
    },
    async handle({ deps }) {
      const signer = deps.signer();
      return {
        body: {
          keyId: signer.keyId,
          algorithm: SIGNATURE_ALGORITHM,
          publicKey: await signer.publicKeyPem(),
        },
        headers: { 'Cache-Control': 'public, max-age=300' },
      };
    },
  },
];

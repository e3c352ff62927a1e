import { archiveDepsFrom, archivePeriod } from '../../bundle/archive';
import { listArchiveIndex, readArchiveIndex } from '../../bundle/archiveIndex';
import { customPeriod } from '../../bundle/period';
import { notFound } from '../../domain/errors';
import {
  archiveIdParamSchema,
  archiveSummary,
  createArchiveBodySchema,
  downloadQuerySchema,
  SIGNATURE_ALGORITHM,
} from '../../schema/bundle';
import { accountOnlyQuerySchema } from '../../schema/api';
import { listedById, parseInput } from '../../schema/common';
import { authorizeRequest } from '../authz';
import type { Route } from '../router';

/** How long a download link works (CONTRACT §4). */
export const DOWNLOAD_URL_TTL_MS = 15 * 60 * 1000;

/** Signed quarterly bundles (CONTRACT §4–5): list, download link, build on demand, public key. */
export const archiveRoutes: Route[] = [
  {
    method: 'GET',
    path: '/soc2-archives',
    async handle({ req, deps }) {
      const {
        input: { accountId },
      } = await authorizeRequest(
        deps,
        req.headers,
        accountOnlyQuerySchema,
        req.query,
        'audit:read',
      );
      const { docs, malformed } = await listArchiveIndex(deps.db, accountId);
      const archives = docs.map((doc) => archiveSummary(doc.id, doc.value));
      return { body: { archives, malformed: listedById(malformed) } };
    },
  },
  {
    method: 'GET',
    path: '/soc2-archives/:archiveId/download',
    async handle({ req, params, deps }) {
      const {
        input: { accountId },
      } = await authorizeRequest(deps, req.headers, downloadQuerySchema, req.query, 'audit:read');
      const { archiveId } = parseInput(archiveIdParamSchema, params);
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
  },
  {
    method: 'POST',
    path: '/soc2-archives',
    async handle({ req, deps }) {
      const { input: body } = await authorizeRequest(
        deps,
        req.headers,
        createArchiveBodySchema,
        req.body,
        'audit:export',
      );
      const period = customPeriod(new Date(body.periodStart), new Date(body.periodEnd), deps.now());
      const outcome = await archivePeriod(archiveDepsFrom(deps), body.accountId, period);
      return {
        status: outcome.status === 'archived' ? 201 : 200,
        body: { status: outcome.status, archive: archiveSummary(outcome.archiveId, outcome.index) },
      };
    },
  },
  {
    method: 'GET',
    path: '/soc2-evidence/public-key',
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

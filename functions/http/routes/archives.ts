import * as logger from 'firebase-functions/logger';
import { archiveDepsFrom, archivePeriod } from '../../bundle/archive';
import { customPeriod } from '../../bundle/period';
import { notFound } from '../../domain/errors';
import {
  archiveIdParamSchema,
  archiveIndexSchema,
  archiveSummary,
  createArchiveBodySchema,
  downloadQuerySchema,
  SIGNATURE_ALGORITHM,
} from '../../schema/bundle';
import { accountOnlyQuerySchema } from '../../schema/api';
import { parseDocument } from '../../schema/common';
import { subcollectionPath } from '../../schema/paths';
import { authorizeRequest } from '../authz';
import type { Route } from '../router';
import { parseInput } from '../validate';

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
      const snap = await deps.db
        .collection(subcollectionPath(accountId, 'evidenceArchives'))
        .orderBy('periodEnd', 'desc')
        .get();
      const archives = [];
      const malformed = [];
      for (const doc of snap.docs) {
        const parsed = parseDocument(archiveIndexSchema, doc.ref.path, doc.data());
        if (parsed.ok) {
          archives.push(archiveSummary(doc.id, parsed.value));
        } else {
          logger.error('malformed evidence archive index', {
            accountId,
            problem: parsed.error.message,
          });
          malformed.push({ id: doc.id, problem: parsed.error.message });
        }
      }
      return { body: { archives, malformed } };
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
      const snap = await deps.db
        .doc(`${subcollectionPath(accountId, 'evidenceArchives')}/${archiveId}`)
        .get();
      if (!snap.exists) throw notFound(`No archive ${archiveId} in account ${accountId}.`);
      const parsed = parseDocument(archiveIndexSchema, snap.ref.path, snap.data());
      if (!parsed.ok) {
        logger.error('malformed evidence archive index', {
          accountId,
          problem: parsed.error.message,
        });
        throw notFound(`Archive ${archiveId} has an invalid index record; ask an operator.`);
      }
      const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_TTL_MS);
      const url = await deps
        .evidenceStore()
        .signedDownloadUrl(parsed.value.objectPath, expiresAt, `${accountId}-${archiveId}.zip`);
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

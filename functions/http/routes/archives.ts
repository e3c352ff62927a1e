import { listArchiveIndex, readArchiveIndex } from '../../bundle/archiveIndex';
import { customPeriod } from '../../bundle/period';
import { failedPrecondition, notFound } from '../../domain/errors';
import type { Caller } from '../../domain/caller';
import type { Deps } from '../../app/deps';
import { listReportJobs, readReportJob, reportJobId, requestReport } from '../../reportJobs/jobs';
import {
  archiveIdParamSchema,
  archiveListResponseSchema,
  archiveSummary,
  createArchiveBodySchema,
  createArchiveResponseSchema,
  downloadQuerySchema,
  downloadResponseSchema,
  pendingArchive,
  publicKeyResponseSchema,
  SIGNATURE_ALGORITHM,
  type ArchiveEntry,
  type CreateArchiveBody,
} from '../../schema/bundle';
import { accountOnlyQuerySchema } from '../../schema/api';
import { listedById } from '../../schema/common';
import { accountRoute, type Route } from '../router';

/** How long a download link works (CONTRACT §4). */
export const DOWNLOAD_URL_TTL_MS = 15 * 60 * 1000;

/**
 * A V4 signed GET URL valid {@link DOWNLOAD_URL_TTL_MS} from now. The store is made first: its
 * first use may take a while (the emulator's throwaway signing key), which must not eat into
 * the link's lifetime.
 */
export async function signedDownload(deps: Deps, objectPath: string, fileName: string) {
  const store = deps.evidenceStore();
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_TTL_MS);
  const url = await store.signedDownloadUrl(objectPath, expiresAt, fileName);
  return { url, expiresAt: expiresAt.toISOString() };
}

/** Newest period first; equal ends by id, descending (as the index alone was listed). */
const newestFirst = (a: ArchiveEntry, b: ArchiveEntry) =>
  Date.parse(b.periodEnd) - Date.parse(a.periodEnd) || b.id.localeCompare(a.id);

/** Stored bundles, and the soc2 jobs of periods not stored yet (building or failed). */
async function listArchives(deps: Deps, accountId: string) {
  const [index, jobs] = await Promise.all([
    listArchiveIndex(deps.db, accountId),
    listReportJobs(deps.db, accountId, 'soc2'),
  ]);
  const stored = new Set(index.docs.map((d) => d.id));
  const pending = jobs.docs
    .filter(({ value: job }) => job.state !== 'ready' && !stored.has(job.periodId))
    .map(({ id, value }) => pendingArchive(id, value));
  const archives = [...index.docs.map((d) => archiveSummary(d.id, d.value)), ...pending];
  return {
    archives: archives.sort(newestFirst),
    malformed: listedById([...index.malformed, ...jobs.malformed]),
  };
}

/** Why a bundle asked for cannot be downloaded yet (409), or 404 when nobody asked for it. */
async function notDownloadable(deps: Deps, accountId: string, archiveId: string): Promise<Error> {
  const job = await readReportJob(deps.db, accountId, reportJobId('soc2', 'zip', archiveId));
  if (!job) return notFound(`No archive ${archiveId} in account ${accountId}.`);
  if (job.state === 'failed') {
    return failedPrecondition(
      `Archive ${archiveId} failed to build: ${job.error?.message ?? 'unknown error'} Ask for it again (POST /api/soc2-archives) to retry.`,
      { state: 'failed', error: job.error },
    );
  }
  return failedPrecondition(
    `Archive ${archiveId} is still building; download it once the list shows it ready.`,
    { state: 'building' },
  );
}

/** Queues the period's bundle, or finds it stored or already on its way. */
async function askForArchive(deps: Deps, caller: Caller, body: CreateArchiveBody) {
  const period = customPeriod(new Date(body.periodStart), new Date(body.periodEnd), deps.now());
  const { jobId, job } = await requestReport(deps, {
    accountId: body.accountId,
    reportType: 'soc2',
    format: 'zip',
    period,
    criteria: [],
    requestedBy: caller.uid,
  });
  if (job.state === 'ready') {
    const read = await readArchiveIndex(deps.db, body.accountId, period.id);
    if (read.status === 'ok') {
      return { status: 200, body: { archive: archiveSummary(period.id, read.index) } };
    }
  }
  return { status: 202, body: { archive: pendingArchive(jobId, job) } };
}

/** Signed quarterly bundles (CONTRACT §4–5): list, download link, build on demand, public key. */
export const archiveRoutes: Route[] = [
  accountRoute({
    method: 'GET',
    path: '/soc2-archives',
    doc: {
      summary: 'Evidence bundles of the account with their state, newest first',
      responses: {
        200: {
          description: 'Stored bundles (`ready`) and those building or failed.',
          body: { id: 'ArchiveList', schema: archiveListResponseSchema },
        },
      },
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: accountOnlyQuerySchema },
    async handle({ deps, input: { accountId } }) {
      return { body: await listArchives(deps, accountId) };
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
      errors: [404, 409],
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: downloadQuerySchema },
    params: archiveIdParamSchema,
    async handle({ deps, input: { accountId }, params: { archiveId } }) {
      // Looked up under the caller's account only: another account's archive id is just absent.
      const read = await readArchiveIndex(deps.db, accountId, archiveId);
      if (read.status === 'absent') throw await notDownloadable(deps, accountId, archiveId);
      if (read.status === 'malformed') {
        throw notFound(`Archive ${archiveId} has an invalid index record; ask an operator.`);
      }
      return {
        body: await signedDownload(deps, read.index.objectPath, `${accountId}-${archiveId}.zip`),
      };
    },
  }),
  accountRoute({
    method: 'POST',
    path: '/soc2-archives',
    doc: {
      summary: 'Queue a bundle for any period (needs `audit:export`); built off the request path',
      description:
        'Answers at once. A new period, or one whose build failed, is queued: 202 with the entry `building`; poll the list. A period already stored: 200 with it. A period already queued: 202 with it, queued once.',
      responses: {
        202: {
          description: 'Queued (or already on its way): `state: building`.',
          body: { id: 'CreateArchive', schema: createArchiveResponseSchema },
        },
        200: {
          description: 'The bundle of that period is stored: `state: ready`.',
          body: { id: 'CreateArchive', schema: createArchiveResponseSchema },
        },
      },
      errors: [409],
    },
    access: { permission: 'audit:export' },
    input: { in: 'body', schema: createArchiveBodySchema },
    async handle({ deps, caller, input: body }) {
      return askForArchive(deps, caller, body);
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

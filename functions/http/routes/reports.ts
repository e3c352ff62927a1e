import { customPeriod } from '../../bundle/period';
import { CONTROLS } from '../../compliance/controlCatalog';
import { notFound } from '../../domain/errors';
import { listReportJobs, readReportJob, requestReport } from '../../reportJobs/jobs';
import { accountOnlyQuerySchema } from '../../schema/api';
import { listedById } from '../../schema/common';
import {
  createReportBodySchema,
  reportIdParamSchema,
  reportJobListSchema,
  reportJobView,
  reportJobViewSchema,
} from '../../schema/reportJobs';
import { accountRoute, type Route } from '../router';
import { signedDownload } from './archives';

/** Criteria a report may name: those the control catalog maps, in order. */
const KNOWN_CRITERIA = [...new Set(CONTROLS.flatMap((c) => c.criteria))].sort();

const jobBody = { id: 'ReportJob', schema: reportJobViewSchema };

/** Report jobs (CONTRACT §8): ask for a report, read its state and download link, list them. */
export const reportRoutes: Route[] = [
  accountRoute({
    method: 'POST',
    path: '/compliance/reports',
    doc: {
      summary: 'Ask for a report (needs `audit:export`); built off the request path',
      description:
        'soc2 is the signed evidence bundle (zip, no format); access_review and incident are json (default), csv or pdf. The same account, type, period and format always give the same job: a new one is queued (202), a failed one is queued again (202), a queued or running one is returned as it is (202), a ready one too (200).',
      responses: {
        202: { description: 'Queued or on its way.', body: jobBody },
        200: { description: 'Ready: the report exists.', body: jobBody },
      },
      errors: [409],
    },
    access: { permission: 'audit:export' },
    input: { in: 'body', schema: createReportBodySchema(KNOWN_CRITERIA) },
    async handle({ deps, caller, input: body }) {
      const period = customPeriod(new Date(body.periodStart), new Date(body.periodEnd), deps.now());
      const { jobId, job } = await requestReport(deps, {
        accountId: body.accountId,
        reportType: body.reportType,
        format: body.reportType === 'soc2' ? 'zip' : (body.format ?? 'json'),
        period,
        criteria: body.criteria ?? [],
        requestedBy: caller.uid,
      });
      return { status: job.state === 'ready' ? 200 : 202, body: reportJobView(jobId, job) };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/reports',
    doc: {
      summary: 'Report jobs of the account, newest first',
      responses: {
        200: { description: 'Jobs.', body: { id: 'ReportJobList', schema: reportJobListSchema } },
      },
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: accountOnlyQuerySchema },
    async handle({ deps, input: { accountId } }) {
      const { docs, malformed } = await listReportJobs(deps.db, accountId);
      return {
        body: {
          reports: docs.map(({ id, value }) => reportJobView(id, value)),
          malformed: listedById(malformed),
        },
      };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/compliance/reports/:reportId',
    doc: {
      summary: 'One report job: its state, and once ready a V4 signed download URL (15 minutes)',
      responses: { 200: { description: 'The job.', body: jobBody } },
      errors: [404],
    },
    access: { permission: 'audit:read' },
    input: { in: 'query', schema: accountOnlyQuerySchema },
    params: reportIdParamSchema,
    async handle({ deps, input: { accountId }, params: { reportId } }) {
      // Looked up under the caller's account only: another account's job id is just absent.
      const job = await readReportJob(deps.db, accountId, reportId);
      if (!job) throw notFound(`No report ${reportId} in account ${accountId}.`);
      const view = reportJobView(reportId, job);
      if (job.state !== 'ready' || !job.result) return { body: view };
      const download = await signedDownload(deps, job.result.objectPath, job.result.fileName);
      return { body: { ...view, download } };
    },
  }),
];

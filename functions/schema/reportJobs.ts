import { z } from 'zod';
import { accountIdParam, isoDateTime } from './api';
import { documentId, timestamp } from './common';

/**
 * Report jobs (CONTRACT §8): long work queued off the request path. One document per account,
 * report type, period and format (`accounts/{a}/reportJobs/{jobId}`), moved through its states
 * by the task-queue function; the result is an object in the evidence bucket.
 */

export const REPORT_TYPES = ['soc2', 'access_review', 'incident'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** `soc2` is the signed bundle (a zip); the other types render as JSON, CSV or PDF. */
export const REPORT_FORMATS = ['zip', 'json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const JOB_STATES = ['queued', 'running', 'ready', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Why a job failed, as the client reads it: a stable code and a message without internals. */
export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.output<typeof jobErrorSchema>;

/** The stored result of a ready job. */
export const jobResultSchema = z.object({
  objectPath: z.string(),
  contentType: z.string(),
  /** Name offered to the browser on download. */
  fileName: z.string(),
  /** Bytes. */
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type JobResult = z.output<typeof jobResultSchema>;

/** `accounts/{accountId}/reportJobs/{jobId}`; written by the server only. */
export const reportJobDocSchema = z.object({
  reportType: z.enum(REPORT_TYPES),
  format: z.enum(REPORT_FORMATS),
  /** The period's id (for soc2 also the archive id: `2026-Q3` or `start_end`). */
  periodId: z.string(),
  periodStart: timestamp,
  /** Exclusive. */
  periodEnd: timestamp,
  /** Criteria named in the request, kept with the job for the reader; they do not filter it. */
  criteria: z.array(z.string()),
  state: z.enum(JOB_STATES),
  error: jobErrorSchema.nullable(),
  /** Deliveries started across all generations (the queue's retries included). */
  attempts: z.number().int().nonnegative(),
  /** Times the job was queued: a failed job asked for again is queued under a new task id. */
  generation: z.number().int().positive(),
  /** Uid of the member who asked first, or `schedule` for the quarterly run. */
  requestedBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  result: jobResultSchema.nullable(),
});
export type ReportJobDoc = z.output<typeof reportJobDocSchema>;

/** Payload of one queued task: which job, and which queuing of it (stale tasks do nothing). */
export const reportTaskSchema = z
  .object({
    accountId: documentId,
    jobId: documentId,
    generation: z.number().int().positive(),
  })
  .strict();
export type ReportTask = z.output<typeof reportTaskSchema>;

/** Formats a report type accepts over the API; the first is the default. */
export const API_FORMATS: Readonly<Record<ReportType, readonly string[]>> = {
  soc2: [],
  access_review: ['json', 'csv', 'pdf'],
  incident: ['json', 'csv', 'pdf'],
};

/**
 * `POST /api/compliance/reports`. `criteria` must name criteria the control catalog maps
 * (`knownCriteria`); `format` depends on the type (a soc2 report is the signed zip, no format).
 */
export function createReportBodySchema(knownCriteria: readonly string[]) {
  return z
    .object({
      accountId: accountIdParam,
      reportType: z.enum(REPORT_TYPES, {
        error: () => `reportType must be one of ${REPORT_TYPES.join(', ')}`,
      }),
      periodStart: isoDateTime('periodStart'),
      periodEnd: isoDateTime('periodEnd'),
      criteria: z
        .array(
          z.string().refine((c) => knownCriteria.includes(c), {
            error: (iss) =>
              `unknown criterion ${JSON.stringify(iss.input)}; valid criteria: ${knownCriteria.join(', ')}`,
          }),
        )
        .max(knownCriteria.length)
        .optional(),
      format: z.enum(['pdf', 'json', 'csv']).optional(),
    })
    .strict()
    .superRefine((body, ctx) => {
      const allowed = API_FORMATS[body.reportType];
      if (body.format === undefined || allowed.includes(body.format)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message:
          allowed.length === 0
            ? `${body.reportType} reports are the signed evidence bundle (zip); omit format`
            : `${body.reportType} reports are rendered as ${allowed.join(', ')}`,
      });
    });
}
export type CreateReportBody = z.output<ReturnType<typeof createReportBodySchema>>;

/** One job as the API shows it (dates ISO-8601); `download` only on a ready job's own GET. */
export const reportJobViewSchema = z.object({
  id: z.string(),
  reportType: z.enum(REPORT_TYPES),
  format: z.enum(REPORT_FORMATS),
  periodId: z.string(),
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  criteria: z.array(z.string()),
  state: z.enum(JOB_STATES),
  error: jobErrorSchema.optional(),
  attempts: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Bytes and SHA-256 of the result, once ready. */
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  download: z.object({ url: z.string(), expiresAt: z.iso.datetime() }).optional(),
});
export type ReportJobView = z.output<typeof reportJobViewSchema>;

export function reportJobView(id: string, job: ReportJobDoc): ReportJobView {
  return {
    id,
    reportType: job.reportType,
    format: job.format,
    periodId: job.periodId,
    periodStart: job.periodStart.toISOString(),
    periodEnd: job.periodEnd.toISOString(),
    criteria: job.criteria,
    state: job.state,
    ...(job.error ? { error: job.error } : {}),
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    ...(job.result ? { size: job.result.size, sha256: job.result.sha256 } : {}),
  };
}

export const reportJobListSchema = z.object({
  reports: z.array(reportJobViewSchema),
  malformed: z.array(z.object({ id: z.string(), problem: z.string() })),
});

export const reportIdParamSchema = z.object({ reportId: documentId });

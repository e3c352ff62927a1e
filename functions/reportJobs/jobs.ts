import { createHash } from 'node:crypto';
import type { Firestore, Transaction } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { TaskQueue } from '../adapters/taskQueue';
import { chainTip } from '../bundle/archive';
import { readArchiveIndex } from '../bundle/archiveIndex';
import type { Period } from '../bundle/period';
import { REPORT_QUEUE } from '../config';
import { ApiError, failedPrecondition, unavailable } from '../domain/errors';
import { parseDocument, parseSnapshot, type ParsedSnapshot } from '../schema/common';
import type { ArchiveIndex } from '../schema/bundle';
import {
  reportJobDocSchema,
  reportTaskSchema,
  type JobError,
  type JobResult,
  type ReportFormat,
  type ReportJobDoc,
  type ReportTask,
  type ReportType,
} from '../schema/reportJobs';
import { accountDocPath, subcollectionPath } from '../schema/paths';

/**
 * The life of a report job (CONTRACT §8), one Firestore document per account, type, period and
 * format: `queued` → `running` → `ready` | `failed`, and a failed job asked for again is queued
 * once more. Requests and deliveries may repeat (two clicks, a redelivered task): every step is a
 * transaction on the job document, so a job is queued once per generation and built into one
 * result.
 */

export interface JobDeps {
  db: Firestore;
  now: () => Date;
  reportQueue: () => TaskQueue;
}

/** Readable, deterministic, and a valid document id: `soc2-2026-Q3`, `incident-csv-2026-Q3`. */
export function reportJobId(
  reportType: ReportType,
  format: ReportFormat,
  periodId: string,
): string {
  return reportType === 'soc2' ? `soc2-${periodId}` : `${reportType}-${format}-${periodId}`;
}

/** Cloud Tasks ids allow [A-Za-z0-9_-]; each queuing of a job has its own (ids are not reusable). */
export function reportTaskId(task: ReportTask): string {
  const job = createHash('sha256').update(`${task.accountId}/${task.jobId}`).digest('hex');
  return `report-${job.slice(0, 32)}-g${task.generation}`;
}

const jobPath = (accountId: string, jobId: string) =>
  accountDocPath(accountId, 'reportJobs', jobId);

/** A job document the state machine depends on: guessing would be worse than stopping. */
function parseJob(path: string, data: unknown): ReportJobDoc {
  const parsed = parseDocument(reportJobDocSchema, path, data);
  if (parsed.ok) return parsed.value;
  logger.error('malformed report job', { path, problem: parsed.error.message });
  throw failedPrecondition(`The report job ${path} is malformed; an operator must repair it.`);
}

export interface ReportRequest {
  accountId: string;
  reportType: ReportType;
  format: ReportFormat;
  period: Period;
  criteria: readonly string[];
  /** A member's uid, or `schedule`. */
  requestedBy: string;
}

export interface RequestOutcome {
  jobId: string;
  job: ReportJobDoc;
  /** True when this request put the job on the queue (first request, or a failed job again). */
  queued: boolean;
}

/** A bundle's index as the result of its soc2 job. */
export function bundleResult(accountId: string, archiveId: string, index: ArchiveIndex): JobResult {
  return {
    objectPath: index.objectPath,
    contentType: 'application/zip',
    fileName: `${accountId}-${archiveId}.zip`,
    size: index.size,
    sha256: index.sha256,
  };
}

/**
 * The job's state after this request, written in one transaction: a new job is queued; a failed
 * one is queued again (next generation); any other is left as it is. A soc2 job whose bundle is
 * already stored (built by the schedule, the CLI or before jobs existed) is ready at once.
 */
function nextJob(
  existing: ReportJobDoc | undefined,
  request: ReportRequest,
  bundle: JobResult | undefined,
  now: Date,
): { job: ReportJobDoc; queued: boolean } {
  if (bundle && existing?.state !== 'ready') {
    const base = existing ?? newJob(request, now);
    return {
      job: { ...base, state: 'ready', error: null, result: bundle, updatedAt: now },
      queued: false,
    };
  }
  if (!existing) return { job: newJob(request, now), queued: true };
  if (existing.state !== 'failed') return { job: existing, queued: false };
  return {
    job: {
      ...existing,
      state: 'queued',
      error: null,
      generation: existing.generation + 1,
      updatedAt: now,
    },
    queued: true,
  };
}

function newJob(request: ReportRequest, now: Date): ReportJobDoc {
  return {
    reportType: request.reportType,
    format: request.format,
    periodId: request.period.id,
    periodStart: request.period.start,
    periodEnd: request.period.end,
    criteria: [...request.criteria],
    state: 'queued',
    error: null,
    attempts: 0,
    generation: 1,
    requestedBy: request.requestedBy,
    createdAt: now,
    updatedAt: now,
    result: null,
  };
}

/**
 * Asks for a report: finds or creates its job and, when it must be built, queues it. Asking again
 * for the same account, type, period and format finds the same job (same id); asking again for a
 * failed one retries it. A job that could not be queued is marked failed, so asking again retries
 * the queuing too.
 */
export async function requestReport(
  deps: JobDeps,
  request: ReportRequest,
): Promise<RequestOutcome> {
  const { accountId, reportType, format, period } = request;
  const jobId = reportJobId(reportType, format, period.id);
  const ref = deps.db.doc(jobPath(accountId, jobId));
  // The index is written once and never changes: read outside the transaction.
  const index =
    reportType === 'soc2' ? await readArchiveIndex(deps.db, accountId, period.id) : undefined;
  const bundle =
    index?.status === 'ok' ? bundleResult(accountId, period.id, index.index) : undefined;
  // A period that would fork the account's chain is refused now (400 naming the bundle in the
  // way), not after a trip through the queue. The build checks it again.
  if (reportType === 'soc2' && !bundle) await chainTip(deps.db, accountId, period);
  const outcome = await deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const existing = snap.exists ? parseJob(ref.path, snap.data()) : undefined;
    const next = nextJob(existing, request, bundle, deps.now());
    if (next.job !== existing) tx.set(ref, next.job);
    return next;
  });
  if (!outcome.queued) return { jobId, ...outcome };

  const task: ReportTask = { accountId, jobId, generation: outcome.job.generation };
  try {
    await deps.reportQueue().enqueue(task, {
      id: reportTaskId(task),
      dispatchDeadlineSeconds: REPORT_QUEUE.timeoutSeconds,
    });
  } catch (error) {
    logger.error('could not queue a report job', {
      accountId,
      jobId,
      error: error instanceof Error ? error.message : String(error),
    });
    const notQueued = { code: 'unavailable', message: 'The build could not be queued; ask again.' };
    await settle(deps, task, { state: 'failed', error: notQueued });
    throw unavailable('The build could not be queued; retry shortly.', 5);
  }
  logger.info('report job queued', { accountId, jobId, generation: task.generation });
  return { jobId, ...outcome };
}

/** Every job of the account, and the documents that do not parse (listed, never dropped). */
export async function listReportJobs(
  db: Firestore,
  accountId: string,
  reportType?: ReportType,
): Promise<ParsedSnapshot<ReportJobDoc>> {
  const collection = db.collection(subcollectionPath(accountId, 'reportJobs'));
  const query = reportType ? collection.where('reportType', '==', reportType) : collection;
  const parsed = parseSnapshot(reportJobDocSchema, (await query.get()).docs, {
    accountId,
    purpose: 'report jobs',
  });
  parsed.docs.sort((a, b) => b.value.createdAt.getTime() - a.value.createdAt.getTime());
  return parsed;
}

/** One job, looked up under the account only; undefined when there is none. */
export async function readReportJob(
  db: Firestore,
  accountId: string,
  jobId: string,
): Promise<ReportJobDoc | undefined> {
  const snap = await db.doc(jobPath(accountId, jobId)).get();
  return snap.exists ? parseJob(snap.ref.path, snap.data()) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The task side

/** What a delivery knows about itself (Cloud Tasks headers). */
export interface Delivery {
  /** 0 on the first attempt. */
  retryCount: number;
  maxAttempts: number;
}

export type RunOutcome = 'ready' | 'failed' | 'retrying' | 'skipped';

/** Builds a job's result and stores it; idempotent (a second build finds the stored result). */
export type JobBuilder = (
  accountId: string,
  jobId: string,
  job: ReportJobDoc,
) => Promise<JobResult>;

/**
 * Takes the task's job from `queued` to `running`, unless there is nothing to do: the job is gone,
 * already ready or failed, or was queued again since this task (a stale generation).
 */
async function claim(deps: Pick<JobDeps, 'db' | 'now'>, task: ReportTask) {
  const ref = deps.db.doc(jobPath(task.accountId, task.jobId));
  return deps.db.runTransaction(async (tx: Transaction) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return { skip: 'no such job' } as const;
    const job = parseJob(ref.path, snap.data());
    if (job.generation !== task.generation) return { skip: 'queued again since' } as const;
    if (job.state === 'ready' || job.state === 'failed')
      return { skip: `already ${job.state}` } as const;
    const running: ReportJobDoc = {
      ...job,
      state: 'running',
      attempts: job.attempts + 1,
      updatedAt: deps.now(),
    };
    tx.set(ref, running);
    return { job: running } as const;
  });
}

/** Writes the outcome of a delivery, unless the job was queued again meanwhile. */
async function settle(
  deps: Pick<JobDeps, 'db' | 'now'>,
  task: ReportTask,
  change: { state: 'ready'; result: JobResult } | { state: 'failed' | 'queued'; error: JobError },
): Promise<void> {
  const ref = deps.db.doc(jobPath(task.accountId, task.jobId));
  await deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return;
    const job = parseJob(ref.path, snap.data());
    if (job.generation !== task.generation) return;
    tx.set(ref, {
      ...job,
      state: change.state,
      error: change.state === 'ready' ? null : change.error,
      result: change.state === 'ready' ? change.result : job.result,
      updatedAt: deps.now(),
    });
  });
}

/**
 * A typed API error says something about the request or the stored data that another attempt
 * will not change (a period overlapping the chain, a bundle that does not verify): the job fails
 * at once with that message. Anything else may be passing (Firestore or Storage unavailable)
 * and is retried by the queue, until the last attempt.
 */
const isPermanent = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.code !== 'unavailable' && error.code !== 'internal';

/**
 * One delivery of a report task. Resolves when the queue should not deliver it again (built,
 * failed for good, nothing to do); throws to have it retried.
 */
export async function runReportJob(
  deps: Pick<JobDeps, 'db' | 'now'>,
  build: JobBuilder,
  data: unknown,
  delivery: Delivery,
): Promise<RunOutcome> {
  const parsed = reportTaskSchema.safeParse(data);
  if (!parsed.success) {
    // No retry can make a malformed payload valid.
    logger.error('malformed report task', { problem: parsed.error.message });
    return 'skipped';
  }
  const task = parsed.data;
  const claimed = await claim(deps, task);
  if ('skip' in claimed) {
    logger.info('report task skipped', { ...task, reason: claimed.skip });
    return 'skipped';
  }
  const started = Date.now();
  try {
    const result = await build(task.accountId, task.jobId, claimed.job);
    await settle(deps, task, { state: 'ready', result });
    logger.info('report job ready', {
      ...task,
      durationMs: Date.now() - started,
      size: result.size,
    });
    return 'ready';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isPermanent(error)) {
      logger.warn('report job failed', { ...task, code: error.code, error: message });
      await settle(deps, task, { state: 'failed', error: { code: error.code, message } });
      return 'failed';
    }
    const attempt = delivery.retryCount + 1;
    logger.error('report job attempt failed', { ...task, attempt, error: message });
    if (attempt >= delivery.maxAttempts) {
      await settle(deps, task, {
        state: 'failed',
        error: {
          code: 'internal',
          message: `The build failed ${attempt} times; ask again to retry. The cause is in the function's log.`,
        },
      });
      return 'failed';
    }
    const retrying = { code: 'retrying', message: `Attempt ${attempt} failed; retrying.` };
    await settle(deps, task, { state: 'queued', error: retrying });
    throw error;
  }
}

import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import type { Request } from 'firebase-functions/v2/tasks';
import { defaultDeps, type Deps } from '../app/deps';
import { scheduleQuarterlyArchives, type ArchiveRequester } from '../bundle/schedule';
import { REPORT_QUEUE } from '../config';
import { jobBuilder } from '../reportJobs/build';
import { requestReport, runReportJob, type JobBuilder } from '../reportJobs/jobs';

/** The quarterly schedule's requester of bundles. */
export const SCHEDULE_REQUESTER = 'schedule';

/** The schedule's way to ask for a bundle: a soc2 report job, as the API asks for one. */
export const bundleJobRequester =
  (deps: Deps): ArchiveRequester =>
  async (accountId, period) => {
    await requestReport(deps, {
      accountId,
      reportType: 'soc2',
      format: 'zip',
      period,
      criteria: [],
      requestedBy: SCHEDULE_REQUESTER,
    });
  };

/** First day of each quarter: ask for the quarter that ended, one bundle job per enterprise account. */
export function makeQuarterlyArchiveHandler(
  deps: () => Deps = defaultDeps,
  requester: (deps: Deps) => ArchiveRequester = bundleJobRequester,
) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const d = deps();
    const { failed } = await scheduleQuarterlyArchives(d.db, d.now(), requester(d));
    // A failed request is logged per account; failing the run makes Cloud Scheduler retry it, and
    // the jobs that did get queued are found again (same job ids) instead of queued twice.
    if (failed.length > 0) throw new Error(`${failed.length} bundle job(s) could not be queued`);
  };
}

/** One delivery of a report task; throws to have the queue retry it. */
export function makeReportTaskHandler(
  deps: () => Deps = defaultDeps,
  builder: (deps: Deps) => JobBuilder = jobBuilder,
) {
  return async (request: Request<unknown>): Promise<void> => {
    const d = deps();
    await runReportJob(d, builder(d), request.data, {
      retryCount: request.retryCount ?? 0,
      maxAttempts: REPORT_QUEUE.retryConfig.maxAttempts,
    });
  };
}

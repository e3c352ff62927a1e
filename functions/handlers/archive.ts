import { getFunctions } from 'firebase-admin/functions';
import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import type { Request } from 'firebase-functions/v2/tasks';
import { adminApp } from '../adapters/firebase';
import { defaultDeps, type Deps } from '../app/deps';
import { archiveDepsFrom, type ArchiveDeps } from '../bundle/archive';
import {
  archiveTaskId,
  runArchiveTask,
  scheduleQuarterlyArchives,
  type ArchiveEnqueuer,
} from '../bundle/schedule';

/** Name of the task-queue function in functions/index.ts (the queue is named after it). */
export const ARCHIVE_TASK_FUNCTION = 'archiveAccountEvidence';
/** firebase-functions' default region, where functions/index.ts deploys (see firebase.json). */
const FUNCTIONS_REGION = 'us-central1';

/**
 * Cloud Tasks enqueuer. The task id is derived from account and period, so a second scheduler
 * run (or a retry of this one) does not queue the same work twice.
 */
export function cloudTasksEnqueuer(region = FUNCTIONS_REGION): ArchiveEnqueuer {
  const queue = getFunctions(adminApp()).taskQueue(
    `locations/${region}/functions/${ARCHIVE_TASK_FUNCTION}`,
  );
  return async (task) => {
    try {
      await queue.enqueue(task, { id: archiveTaskId(task) });
    } catch (error) {
      if ((error as { code?: string }).code === 'functions/task-already-exists') return;
      throw error;
    }
  };
}

/** First day of each quarter: enqueue the quarter that ended, one task per enterprise account. */
export function makeQuarterlyArchiveHandler(
  deps: () => Pick<Deps, 'db' | 'now'> = defaultDeps,
  enqueuer: () => ArchiveEnqueuer = () => cloudTasksEnqueuer(),
) {
  return async (_event: ScheduledEvent): Promise<void> => {
    const { db, now } = deps();
    const { failed } = await scheduleQuarterlyArchives(db, now(), enqueuer());
    // A failed enqueue is logged per account; failing the run makes Cloud Scheduler retry it, and
    // the tasks that did get queued are deduplicated by their ids.
    if (failed.length > 0)
      throw new Error(`${failed.length} archive task(s) could not be enqueued`);
  };
}

/** One account's quarter; throws to have the queue retry. */
export function makeArchiveTaskHandler(
  deps: () => ArchiveDeps = () => archiveDepsFrom(defaultDeps()),
) {
  return async (request: Request<unknown>): Promise<void> => {
    await runArchiveTask(deps(), request.data);
  };
}

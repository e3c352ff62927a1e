import type { TaskQueue } from '../../functions/adapters/taskQueue';
import type { ReportTask } from '../../functions/schema/reportJobs';
import { callApi, eventually, type ApiAnswer } from './world';

/**
 * A task queue that keeps what is put on it instead of dispatching it: a test sees a job before
 * any build ran, and delivers its tasks by hand (runReportJob) when it chooses.
 */
export function heldQueue(): { tasks: ReportTask[]; queue: TaskQueue } {
  const tasks: ReportTask[] = [];
  return {
    tasks,
    queue: {
      async enqueue(payload) {
        tasks.push(payload as ReportTask);
        return 'queued';
      },
    },
  };
}

/** A build through the real queue (Cloud Tasks emulator → Functions emulator) takes seconds; minutes on a crowded machine. */
export const BUILD_TIMEOUT_MS = 180_000;

/** Polls `GET path` until `done(json)` holds; returns that answer. */
export function pollApi(
  path: string,
  token: string,
  query: Record<string, string>,
  done: (json: unknown) => boolean,
  what: string,
): Promise<ApiAnswer> {
  return eventually(
    async () => {
      const answer = await callApi(path, { token, query });
      return answer.status === 200 && done(answer.json) ? answer : undefined;
    },
    { timeoutMs: BUILD_TIMEOUT_MS, intervalMs: 500, what },
  );
}

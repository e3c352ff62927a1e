import { getFunctions } from 'firebase-admin/functions';
import { adminApp } from './firebase';

/** Puts tasks on one Cloud Tasks queue of an `onTaskDispatched` function. */
export interface TaskQueue {
  /**
   * Resolves once the task is durably queued, or `already_queued` when a task with this id was
   * queued before (Cloud Tasks keeps ids of recent tasks, so a repeated enqueue queues nothing).
   */
  enqueue(
    payload: Record<string, unknown>,
    options: { id: string; dispatchDeadlineSeconds: number },
  ): Promise<'queued' | 'already_queued'>;
}

/**
 * The queue of `functionName` in `region`. Locally, firebase-admin sends tasks to the Cloud Tasks
 * emulator named by CLOUD_TASKS_EMULATOR_HOST (the Functions emulator sets it for functions, the
 * local stack for the commands it runs), which dispatches them to the Functions emulator.
 */
export function cloudTaskQueue(functionName: string, region: string): TaskQueue {
  const queue = getFunctions(adminApp()).taskQueue(`locations/${region}/functions/${functionName}`);
  return {
    async enqueue(payload, options) {
      try {
        await queue.enqueue(payload, options);
        return 'queued';
      } catch (error) {
        if ((error as { code?: string }).code === 'functions/task-already-exists') {
          return 'already_queued';
        }
        throw error;
      }
    },
  };
}

import * as logger from 'firebase-functions/logger';
import type { Deps } from '../app/deps';
import { addDays, utcDay } from '../domain/time';
import {
  CONTROL_TEST_STATUSES,
  controlDayDocSchema,
  type ControlHistory,
  type ControlHistoryResponse,
  type ControlTestStatus,
} from '../schema/compliance';
import { CONTROLS } from './controlCatalog';
import { controlStateRef } from './evaluation';

/**
 * Each control's daily results over a recent window (the dashboard's charts), read from the
 * `controlResults/{controlId}/days/{YYYY-MM-DD}` documents the evaluations keep.
 */

/** The stored days of one control from `firstDay` up to, not including, `endDay`, oldest first. */
export const controlDaysQuery = (
  deps: Pick<Deps, 'db'>,
  accountId: string,
  controlId: string,
  firstDay: string,
  endDay: string,
) =>
  controlStateRef(deps, accountId, controlId)
    .collection('days')
    .where('day', '>=', firstDay)
    .where('day', '<', endDay)
    .orderBy('day');

/** Worst first: a day with one failing evaluation among passes counts as failed. */
const SEVERITY_ORDER: readonly ControlTestStatus[] = [
  'fail',
  'inconclusive',
  'not_applicable',
  'pass',
];

/** The status a day stands for: the worst one seen that day. */
export function dayStatus(statusesSeen: readonly ControlTestStatus[]): ControlTestStatus {
  const worst = SEVERITY_ORDER.find((s) => statusesSeen.includes(s));
  if (!worst) throw new Error('a stored day has at least one status');
  return worst;
}

/** A control's days and how many days of the `windowDays` window had each status. */
export function summarizeDays(
  controlId: string,
  days: ControlHistory['days'],
  windowDays: number,
): ControlHistory {
  const counts = Object.fromEntries(
    [...CONTROL_TEST_STATUSES, 'not_evaluated'].map((s) => [s, 0]),
  ) as ControlHistory['counts'];
  for (const { status } of days) counts[status]++;
  counts.not_evaluated = windowDays - days.length;
  return { controlId, days, counts };
}

/** Only what the summary needs is read: a day document also holds two full results. */
const daySummarySchema = controlDayDocSchema
  .pick({ day: true })
  .extend({ statusesSeen: controlDayDocSchema.shape.statusesSeen.min(1) });

/**
 * The last `windowDays` UTC days (today included) of every catalog control. Reads are bounded:
 * one query per control, at most `windowDays` small documents each.
 */
export async function controlHistory(
  deps: Pick<Deps, 'db' | 'now'>,
  accountId: string,
  windowDays: number,
): Promise<Omit<ControlHistoryResponse, 'accountId'>> {
  const today = deps.now();
  const [from, to, endDay] = [addDays(today, 1 - windowDays), today, addDays(today, 1)].map(utcDay);
  let malformedDays = 0;
  const controls = await Promise.all(
    CONTROLS.map(async ({ id }) => {
      const snapshot = await controlDaysQuery(deps, accountId, id, from, endDay)
        .select('day', 'statusesSeen')
        .limit(windowDays)
        .get();
      const days = snapshot.docs.flatMap((doc) => {
        const parsed = daySummarySchema.safeParse(doc.data());
        if (parsed.success) {
          return [{ day: parsed.data.day, status: dayStatus(parsed.data.statusesSeen) }];
        }
        malformedDays++;
        logger.warn('malformed control day left out of the history', { path: doc.ref.path });
        return [];
      });
      return summarizeDays(id, days, windowDays);
    }),
  );
  return { from, to, days: windowDays, controls, malformedDays };
}

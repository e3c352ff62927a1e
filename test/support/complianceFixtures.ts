/** Compliance documents written straight to Firestore, as the evaluations and the API store them. */
import { Timestamp } from 'firebase-admin/firestore';
import { addDays, utcDay } from '../../functions/domain/time';
import type {
  ControlDayDoc,
  ControlTestStatus,
  FindingDoc,
} from '../../functions/schema/compliance';
import { accountDocPath } from '../../functions/schema/paths';
import { db } from './world';

/** The UTC day `n` days before today. */
export const utcDayAgo = (n: number) => utcDay(addDays(new Date(), -n));

/** A stored day of one control, with the statuses its evaluations saw that day (the last one last). */
export async function storeControlDay(
  accountId: string,
  controlId: string,
  day: string,
  statusesSeen: ControlTestStatus[],
): Promise<void> {
  const result = {
    controlId,
    status: statusesSeen[statusesSeen.length - 1],
    measured: 0,
    threshold: 'fixture',
    detail: 'fixture',
    offenders: [],
    evidence: [],
    evaluatedAt: `${day}T04:00:00.000Z`,
  };
  const doc: ControlDayDoc = {
    controlId,
    day,
    first: result,
    last: result,
    statusesSeen,
    evaluations: statusesSeen.length,
  };
  await db.doc(`${accountDocPath(accountId, 'controlResults', controlId)}/days/${day}`).set(doc);
}

/**
 * A manual finding stored as the API stores one. Written directly so its due date may lie in the
 * past (the API refuses a past due date on input; time makes findings overdue).
 */
export async function storeFinding(
  accountId: string,
  id: string,
  fields: Pick<FindingDoc, 'controlId' | 'title' | 'dueDate'> & Partial<FindingDoc>,
): Promise<void> {
  const now = Timestamp.now();
  await db.doc(accountDocPath(accountId, 'findings', id)).set({
    severity: 'high',
    description: 'Stored by a test fixture.',
    remediationPlan: 'Fix it.',
    status: 'open',
    source: 'manual',
    createdBy: 'fixture',
    openedBy: null,
    closedBy: null,
    history: [],
    ...fields,
    createdAt: now,
    updatedAt: now,
  });
}

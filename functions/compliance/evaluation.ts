import type { DocumentReference, Transaction } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { z } from 'zod';
import type { Deps } from '../app/deps';
import { recordAuditEvent } from '../audit/record';
import { utcDay } from '../domain/time';
import { parseDocument } from '../schema/common';
import {
  controlDayDocSchema,
  controlStateDocSchema,
  findingDocSchema,
  type ControlDayDoc,
  type ControlStateDoc,
  type ControlTestResult,
} from '../schema/compliance';
import { accountDocPath } from '../schema/paths';
import { findControl } from './controlCatalog';
import { evaluateControls, type ControlTestConfig } from './controlTests';
import { enableEvaluationOnWrite } from './evaluationRequests';
import { gatherControlEvidence } from './evidence';
import { SYSTEM_ACTOR, closeAutoFinding, newAutoFinding, planAutoFinding } from './findings';

/**
 * One evaluation of an account's controls: gather evidence, run the pure tests, then store the
 * results and move the automatic findings — all in one transaction, so two concurrent evaluations
 * cannot open the same finding twice (Firestore retries the loser, which then sees it open).
 */

export const controlStateRef = (deps: Pick<Deps, 'db'>, accountId: string, controlId: string) =>
  deps.db.doc(accountDocPath(accountId, 'controlResults', controlId));
const controlDayRef = (deps: Pick<Deps, 'db'>, accountId: string, controlId: string, day: string) =>
  controlStateRef(deps, accountId, controlId).collection('days').doc(day);
export const findingRef = (deps: Pick<Deps, 'db'>, accountId: string, findingId: string) =>
  deps.db.doc(accountDocPath(accountId, 'findings', findingId));

/**
 * A stored document parsed, or null when absent. These documents are written only by this module
 * through the same schemas; one that fails anyway is logged and rebuilt from the new result.
 */
async function readParsed<S extends z.ZodType>(
  tx: Transaction,
  ref: DocumentReference,
  schema: S,
): Promise<z.output<S> | null> {
  const snap = await tx.get(ref);
  if (!snap.exists) return null;
  const parsed = parseDocument(schema, ref.path, snap.data());
  if (parsed.ok) return parsed.value;
  logger.warn('malformed compliance document replaced by evaluation', {
    path: ref.path,
    problem: parsed.error.message,
  });
  return null;
}

interface FindingMove {
  findingId: string;
  action: 'open' | 'close';
  controlId: string;
}

async function storeResults(
  deps: Deps,
  accountId: string,
  results: ControlTestResult[],
  now: Date,
): Promise<FindingMove[]> {
  const day = utcDay(now);
  return deps.db.runTransaction(async (tx) => {
    // Firestore transactions read everything before writing anything.
    const reads = await Promise.all(
      results.map(async (result) => {
        const stateRef = controlStateRef(deps, accountId, result.controlId);
        const dayRef = controlDayRef(deps, accountId, result.controlId, day);
        const [state, dayDoc] = await Promise.all([
          readParsed(tx, stateRef, controlStateDocSchema),
          readParsed(tx, dayRef, controlDayDocSchema),
        ]);
        const tracked = state?.openAutoFindingId
          ? findingRef(deps, accountId, state.openAutoFindingId)
          : null;
        const finding = tracked ? await readParsed(tx, tracked, findingDocSchema) : null;
        return { result, stateRef, dayRef, state, dayDoc, finding };
      }),
    );

    const moves: FindingMove[] = [];
    for (const { result, stateRef, dayRef, state, dayDoc, finding } of reads) {
      const cycleState = {
        cycle: state?.cycle ?? 0,
        openAutoFindingId: state?.openAutoFindingId ?? null,
      };
      const plan = planAutoFinding(cycleState, finding, result);
      let { cycle, openAutoFindingId } = cycleState;
      if (plan.action === 'open') {
        const control = findControl(result.controlId);
        if (!control) throw new Error(`control ${result.controlId} left the catalog`);
        // create(), not set(): should the pointer ever be lost, an existing finding is never overwritten.
        tx.create(
          findingRef(deps, accountId, plan.findingId),
          newAutoFinding(control, result, now),
        );
        ({ cycle, findingId: openAutoFindingId } = plan);
        moves.push({ findingId: plan.findingId, action: 'open', controlId: result.controlId });
      } else if (plan.action === 'close' && finding) {
        tx.set(findingRef(deps, accountId, plan.findingId), closeAutoFinding(finding, result, now));
        openAutoFindingId = null;
        moves.push({ findingId: plan.findingId, action: 'close', controlId: result.controlId });
      } else if (plan.action === 'release') {
        openAutoFindingId = null;
      }
      const nextState: ControlStateDoc = {
        controlId: result.controlId,
        latest: result,
        cycle,
        openAutoFindingId,
        updatedAt: now,
      };
      tx.set(stateRef, nextState);
      const nextDay: ControlDayDoc = dayDoc
        ? {
            ...dayDoc,
            last: result,
            statusesSeen: [...new Set([...dayDoc.statusesSeen, result.status])],
            evaluations: dayDoc.evaluations + 1,
          }
        : {
            controlId: result.controlId,
            day,
            first: result,
            last: result,
            statusesSeen: [result.status],
            evaluations: 1,
          };
      tx.set(dayRef, nextDay);
    }
    return moves;
  });
}

/** Each automatic move is an audit event too; the key makes a retried evaluation record it once. */
async function recordMoves(deps: Deps, accountId: string, moves: FindingMove[], now: Date) {
  await Promise.all(
    moves.map((move) =>
      recordAuditEvent(
        deps.db,
        accountId,
        {
          timestamp: now,
          actorId: SYSTEM_ACTOR,
          action: move.action === 'open' ? 'finding.open' : 'finding.close',
          resourceType: 'finding',
          resourceId: move.findingId,
          result: 'success',
          details: {
            description: `Automatic finding ${move.action === 'open' ? 'opened' : 'closed'} by the ${move.controlId} control test`,
          },
        },
        { idempotencyKey: `finding:${move.findingId}:${move.action}` },
      ),
    ),
  );
}

/** Evaluates every control now, stores the results, opens/closes automatic findings. */
export async function evaluateAccountControls(
  deps: Deps,
  accountId: string,
  accountCreatedAt: Date,
  config: ControlTestConfig,
) {
  const now = deps.now();
  const gathered = await gatherControlEvidence(deps, accountId, accountCreatedAt, now);
  const results = evaluateControls(gathered.evidence, now, config);
  const moves = await storeResults(deps, accountId, results, now);
  await Promise.all([
    recordMoves(deps, accountId, moves, now),
    enableEvaluationOnWrite(deps, accountId),
  ]);
  if (moves.length > 0) logger.info('automatic findings moved', { accountId, moves });
  return { now, results, ...gathered };
}

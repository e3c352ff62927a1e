import {
  enableEvaluationOnWrite,
  requestEvaluation,
} from '../../../functions/compliance/evaluationRequests';
import { createAccount, db, uniqueAccountId } from '../../support/world';

/** The coalescing of evaluations that evidence writes request, against the real Firestore. */
const deps = { db, now: () => new Date() };

describe('evaluations requested by evidence writes', () => {
  it('an account never evaluated is not evaluated on writes', async () => {
    const accountId = await createAccount(uniqueAccountId('evreq-off'));
    let runs = 0;
    expect(await requestEvaluation(deps, accountId, async () => runs++)).toEqual({ runs: 0 });
    expect(runs).toBe(0);
  });

  it('a burst of requests during a run costs one more run, not one per request', async () => {
    const accountId = await createAccount(uniqueAccountId('evreq-burst'));
    await enableEvaluationOnWrite(deps, accountId);
    let evaluations = 0;
    let burst: Promise<{ runs: number }[]> | undefined;
    const evaluate = async () => {
      evaluations++;
      // While the first run is busy, ten more writes ask for an evaluation.
      if (evaluations === 1) {
        burst = Promise.all(
          Array.from({ length: 10 }, () => requestEvaluation(deps, accountId, evaluate)),
        );
        await burst;
      }
    };
    const holder = await requestEvaluation(deps, accountId, evaluate);
    const others = await burst!;
    expect(others.map((o) => o.runs)).toEqual(Array(10).fill(0));
    expect(holder.runs).toBe(2);
    expect(evaluations).toBe(2);
  });

  it('a failed run releases the lease, so the next write evaluates', async () => {
    const accountId = await createAccount(uniqueAccountId('evreq-fail'));
    await enableEvaluationOnWrite(deps, accountId);
    await expect(
      requestEvaluation(deps, accountId, async () => {
        throw new Error('report unavailable');
      }),
    ).rejects.toThrow('report unavailable');
    let runs = 0;
    expect(await requestEvaluation(deps, accountId, async () => runs++)).toEqual({ runs: 1 });
    expect(runs).toBe(1);
  });

  it('a lease left by a run that died is taken over after it expires', async () => {
    const accountId = await createAccount(uniqueAccountId('evreq-stale'));
    await db.doc(`accounts/${accountId}/controlEvaluation/state`).set({
      requestedAt: new Date(Date.now() - 600_000),
      runningSince: new Date(Date.now() - 600_000),
    });
    let runs = 0;
    expect(await requestEvaluation(deps, accountId, async () => runs++)).toEqual({ runs: 1 });
    const fresh = await createAccount(uniqueAccountId('evreq-held'));
    await db.doc(`accounts/${fresh}/controlEvaluation/state`).set({
      requestedAt: new Date(),
      runningSince: new Date(),
    });
    expect(await requestEvaluation(deps, fresh, async () => runs++)).toEqual({ runs: 0 });
    expect(runs).toBe(1);
  });
});

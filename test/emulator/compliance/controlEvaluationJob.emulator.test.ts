import type { Firestore } from 'firebase-admin/firestore';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { enterpriseAccounts } from '../../../functions/bundle/schedule';
import { CONTROL_IDS } from '../../../functions/compliance/controlCatalog';
import { DEFAULT_CONTROL_TEST_CONFIG } from '../../../functions/compliance/controlTests';
import { evaluateAccountsDaily } from '../../../functions/compliance/daily';
import { utcDay } from '../../../functions/domain/time';
import { makeDailyControlEvaluationHandler } from '../../../functions/handlers/controlEvaluationJob';
import { subcollectionPath } from '../../../functions/schema/paths';
import { testDeps } from '../../support/deps';
import {
  accountWithEveryRole,
  addMember,
  createAccount,
  db,
  uniqueAccountId,
} from '../../support/world';

jest.setTimeout(60_000);

/**
 * Fault injection at the Deps seam: Firestore that refuses the control results of one account
 * (as an outage or a permissions fault scoped to its documents would); everything else is real.
 */
function firestoreFailingFor(accountId: string): Firestore {
  const real = testDeps().db;
  const refused = `${subcollectionPath(accountId, 'controlResults')}/`;
  return new Proxy(real, {
    get(target, property) {
      if (property === 'doc') {
        return (path: string) => {
          if (path.startsWith(refused)) throw new Error('Firestore refused the write');
          return target.doc(path);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

async function* only(ids: Set<string>, accounts: AsyncIterable<string>) {
  for await (const id of accounts) if (ids.has(id)) yield id;
}

const controlResultIds = async (accountId: string) =>
  (await db.collection(subcollectionPath(accountId, 'controlResults')).get()).docs.map((d) => d.id);

describe('the daily control evaluation', () => {
  it("evaluates every enterprise account's controls; one failing account does not stop the others", async () => {
    // accountWithEveryRole: the owner and admin have no MFA, so a finding must open by itself.
    const { accountId: healthy } = await accountWithEveryRole('daily-ok');
    const failing = await createAccount(uniqueAccountId('daily-fail'));
    await addMember(failing, { role: 'owner' });
    const pro = await createAccount(uniqueAccountId('daily-pro'), { plan: 'pro' });
    await addMember(pro, { role: 'owner' });
    const deps = testDeps({ db: firestoreFailingFor(failing) });

    // The real enterprise-account query, narrowed to this test's accounts: the stack is shared,
    // and other tests' accounts must not gain findings and audit events from this run.
    const scheduled = onSchedule(
      { schedule: 'every day 04:00', timeZone: 'UTC' },
      makeDailyControlEvaluationHandler(
        () => deps,
        (store) => only(new Set([healthy, failing, pro]), enterpriseAccounts(store)),
      ),
    );
    await (scheduled as unknown as { run(data: unknown): Promise<void> }).run({
      scheduleTime: new Date().toISOString(),
      jobName: 'evaluateControlsDaily',
    });

    expect((await controlResultIds(healthy)).sort()).toEqual([...CONTROL_IDS].sort());
    const today = await db
      .doc(`${subcollectionPath(healthy, 'controlResults')}/owner-limit/days/${utcDay(new Date())}`)
      .get();
    expect(today.data()).toMatchObject({ controlId: 'owner-limit', evaluations: 1 });
    const finding = await db
      .doc(`${subcollectionPath(healthy, 'findings')}/auto-mfa-privileged-members-1`)
      .get();
    expect(finding.data()).toMatchObject({ status: 'open', source: 'automatic' });

    expect(await controlResultIds(failing)).toEqual([]);
    expect(await controlResultIds(pro)).toEqual([]);
  });

  it('counts what it evaluated; a malformed account document is reported by id, not a crash', async () => {
    const broken = await createAccount(uniqueAccountId('daily-bad'), {
      createdAt: 'last spring' as unknown as Date,
    });
    const healthy = await createAccount(uniqueAccountId('daily-ok2'));
    await addMember(healthy, { role: 'owner' });
    const outcome = await evaluateAccountsDaily(
      testDeps(),
      only(new Set([broken, healthy]), enterpriseAccounts(db)),
      DEFAULT_CONTROL_TEST_CONFIG,
    );

    expect(outcome.evaluated).toBe(1);
    expect(outcome.failed).toEqual([
      { accountId: broken, error: expect.stringMatching(/createdAt/) as unknown },
    ]);
    const counted = Object.values(outcome.statuses).reduce((sum, n) => sum + n, 0);
    expect(counted).toBe(CONTROL_IDS.length);
    expect(await controlResultIds(healthy)).toHaveLength(CONTROL_IDS.length);
    expect(await controlResultIds(broken)).toEqual([]);
  });
});

import { CONTROLS } from '../../../functions/compliance/controlCatalog';
import type {
  ControlHistoryResponse,
  ControlTestStatus,
} from '../../../functions/schema/compliance';
import { accountDocPath } from '../../../functions/schema/paths';
import { storeControlDay, utcDayAgo } from '../../support/complianceFixtures';
import { openApiErrors } from '../../support/openApiValidator';
import { accountWithEveryRole, callApi, db } from '../../support/world';

/** GET /api/compliance/controls/history over HTTP through the Hosting emulator. */

jest.setTimeout(60_000);

const CONTROL = CONTROLS[0].id;
const storeDay = (accountId: string, day: string, statusesSeen: ControlTestStatus[]) =>
  storeControlDay(accountId, CONTROL, day, statusesSeen);

describe('GET /api/compliance/controls/history', () => {
  it("gives each control's worst status per day of the window and counts every day", async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-hist');
    await storeDay(accountId, utcDayAgo(0), ['pass']);
    await storeDay(accountId, utcDayAgo(1), ['pass', 'fail', 'pass']);
    await storeDay(accountId, utcDayAgo(2), ['inconclusive']);
    await storeDay(accountId, utcDayAgo(9), ['pass']);
    // Outside a 7-day window.
    await storeDay(accountId, utcDayAgo(7), ['fail']);

    const answer = await callApi('/compliance/controls/history', {
      token: members.auditor.token,
      query: { accountId, days: '7' },
    });
    expect(answer.status).toBe(200);
    expect(openApiErrors('GET', '/api/compliance/controls/history', 200, answer.json)).toEqual([]);
    const body = answer.json as ControlHistoryResponse;
    expect(body).toMatchObject({ accountId, from: utcDayAgo(6), to: utcDayAgo(0), days: 7 });
    expect(body.controls.map((c) => c.controlId)).toEqual(CONTROLS.map((c) => c.id));
    expect(body.controls[0]).toEqual({
      controlId: CONTROL,
      days: [
        { day: utcDayAgo(2), status: 'inconclusive' },
        { day: utcDayAgo(1), status: 'fail' },
        { day: utcDayAgo(0), status: 'pass' },
      ],
      counts: { pass: 1, fail: 1, inconclusive: 1, not_applicable: 0, not_evaluated: 4 },
    });
    expect(body.controls[1].counts.not_evaluated).toBe(7);
  });

  it('defaults to 90 days and lists a malformed day apart instead of failing', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-hist90');
    await storeDay(accountId, utcDayAgo(89), ['pass']);
    await storeDay(accountId, utcDayAgo(90), ['fail']);
    await db
      .doc(`${accountDocPath(accountId, 'controlResults', CONTROL)}/days/${utcDayAgo(3)}`)
      .set({ controlId: CONTROL, day: utcDayAgo(3), statusesSeen: [] });
    const answer = await callApi('/compliance/controls/history', {
      token: members.owner.token,
      query: { accountId },
    });
    expect(answer.status).toBe(200);
    const body = answer.json as ControlHistoryResponse;
    expect(body).toMatchObject({ days: 90, from: utcDayAgo(89), malformedDays: 1 });
    expect(body.controls[0].days).toEqual([{ day: utcDayAgo(89), status: 'pass' }]);
  });

  it('needs audit:read and a days value from 1 to 90', async () => {
    const { accountId, members } = await accountWithEveryRole('cmp-hist-authz');
    const call = (token: string | undefined, days?: string) =>
      callApi('/compliance/controls/history', {
        token,
        query: { accountId, ...(days ? { days } : {}) },
      });
    expect((await call(undefined)).status).toBe(401);
    for (const role of ['member', 'viewer'] as const) {
      const answer = await call(members[role].token);
      expect({ role, status: answer.status }).toEqual({ role, status: 403 });
    }
    for (const days of ['0', '91', 'many']) {
      const answer = await call(members.auditor.token, days);
      expect({ days, status: answer.status }).toEqual({ days, status: 400 });
      expect(answer.text).toContain('days must be an integer from 1 to 90');
    }
  });
});

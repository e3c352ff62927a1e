import { accessReviewEntriesPath, accountDocPath } from '../../../functions/schema/paths';
import { reviewDueQuarter } from '../../../functions/compliance/controlTests';
import { addDays, utcDay } from '../../../functions/domain/time';
import { apiKeyDoc, writeDocs } from '../../../scripts/seed/builders';
import {
  accountWithEveryRole,
  addMember,
  callApi,
  db,
  eventually,
  type MemberFixture,
} from '../../support/world';

/**
 * /api/access-reviews/** over HTTP through the Hosting emulator (CONTRACT §9): a campaign is
 * created, decided (never on one's own access), signed off only once every entry is decided, and
 * a revoke is followed to `remediated` by the member trigger. Every test owns its account.
 */

jest.setTimeout(90_000);

type Team = Awaited<ReturnType<typeof accountWithEveryRole>>;
type Token = { token: string };

interface ReviewBody {
  id: string;
  state: string;
  entryCount: number;
  undecided: number;
  apiKeys: { total: number };
  followUp: { outstanding: number; remediated: number };
  signOff: { statement: string } | null;
}
interface EntryBody {
  subjectId: string;
  subject: { role: string; level: number; permissions: string[]; identity: unknown };
  decision: { decision: string; newRole: string | null } | null;
  history: { decision: string }[];
  followUp: { state: string; remediatedAt: string | null } | null;
}
interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const dueDate = utcDay(addDays(new Date(), 14));

const createReview = (team: Team, caller: Token, body: Record<string, unknown> = {}) =>
  callApi('/access-reviews', {
    method: 'POST',
    token: caller.token,
    body: { accountId: team.accountId, title: 'Quarterly access review', dueDate, ...body },
  });

const decide = (team: Team, reviewId: string, caller: Token, body: Record<string, unknown>) =>
  callApi(`/access-reviews/${reviewId}/decisions`, {
    method: 'POST',
    token: caller.token,
    body: { accountId: team.accountId, justification: 'Still needed for the role.', ...body },
  });

const signOff = (team: Team, reviewId: string, caller: Token) =>
  callApi(`/access-reviews/${reviewId}/sign-off`, {
    method: 'POST',
    token: caller.token,
    body: { accountId: team.accountId, statement: 'Reviewed all access for the quarter.' },
  });

async function readReview(team: Team, reviewId: string, caller: Token) {
  const answer = await callApi(`/access-reviews/${reviewId}`, {
    token: caller.token,
    query: { accountId: team.accountId },
  });
  expect(answer.status).toBe(200);
  return answer.json as { accessReview: ReviewBody; entries: EntryBody[]; nextPageToken: unknown };
}

/** Evaluates the account's controls now and returns the access-review control's result. */
async function accessReviewControl(team: Team) {
  const answer = await callApi('/compliance/evaluate', {
    method: 'POST',
    token: team.members.admin.token,
    body: { accountId: team.accountId },
  });
  expect(answer.status).toBe(200);
  const { results } = answer.json as {
    results: {
      controlId: string;
      status: string;
      measured: unknown;
      offenders: string[];
      detail: string;
    }[];
  };
  return results.find((r) => r.controlId === 'access-review-quarterly')!;
}

async function startedReview(team: Team): Promise<ReviewBody> {
  const answer = await createReview(team, team.members.admin);
  expect(answer.status).toBe(201);
  return answer.json as ReviewBody;
}

/** Decides keep on every entry the admin may decide (all but the admin's own). */
async function keepAllBut(team: Team, reviewId: string, except: readonly MemberFixture[]) {
  for (const m of Object.values(team.members)) {
    if (except.some((e) => e.uid === m.uid)) continue;
    const reviewer = m.uid === team.members.admin.uid ? team.members.owner : team.members.admin;
    expect(
      (await decide(team, reviewId, reviewer, { subjectId: m.uid, decision: 'keep' })).status,
    ).toBe(200);
  }
}

describe('access reviews over HTTP', () => {
  let team: Team;
  beforeAll(async () => {
    team = await accountWithEveryRole('ar');
  });

  it('creating a review freezes every member with role, level, permissions and identity facts', async () => {
    const own = await accountWithEveryRole('ar-frozen');
    await writeDocs(db, [apiKeyDoc(own.accountId, 'key-1', { provider: 'anthropic' })]);
    const review = await startedReview(own);
    expect(review).toMatchObject({ state: 'open', entryCount: 6, undecided: 6, signOff: null });
    expect(review.apiKeys.total).toBe(1);
    const { entries } = await readReview(own, review.id, own.members.auditor);
    expect(entries).toHaveLength(6);
    const owner = entries.find((e) => e.subjectId === own.members.owner.uid);
    expect(owner?.subject).toMatchObject({ role: 'owner', level: 100 });
    expect(owner?.subject.permissions).toContain('audit:export');
    expect(owner?.subject.identity).not.toBeNull();
    expect(owner?.decision).toBeNull();

    // Frozen: a member added afterwards is not in the review.
    await addMember(own.accountId, { role: 'member' });
    expect((await readReview(own, review.id, own.members.auditor)).entries).toHaveLength(6);

    // Entries come in pages, in subject order, each page naming the next.
    const firstPage = await callApi(`/access-reviews/${review.id}`, {
      token: own.members.auditor.token,
      query: { accountId: own.accountId, pageSize: '4' },
    });
    const first = firstPage.json as { entries: EntryBody[]; nextPageToken: string };
    expect(first.entries).toHaveLength(4);
    const secondPage = await callApi(`/access-reviews/${review.id}`, {
      token: own.members.auditor.token,
      query: { accountId: own.accountId, pageSize: '4', pageToken: first.nextPageToken },
    });
    const second = secondPage.json as { entries: EntryBody[]; nextPageToken: string | null };
    expect(second.nextPageToken).toBeNull();
    expect([...first.entries, ...second.entries].map((e) => e.subjectId)).toEqual(
      entries.map((e) => e.subjectId),
    );

    const list = await callApi('/access-reviews', {
      token: own.members.dept_lead.token,
      query: { accountId: own.accountId },
    });
    expect(list.status).toBe(200);
    expect((list.json as { accessReviews: ReviewBody[] }).accessReviews.map((r) => r.id)).toContain(
      review.id,
    );
  });

  it('a reviewer deciding on their own access is refused with 403', async () => {
    const review = await startedReview(team);
    const own = await decide(team, review.id, team.members.dept_lead, {
      subjectId: team.members.dept_lead.uid,
      decision: 'keep',
    });
    expect(own.status).toBe(403);
    expect((own.json as ErrorBody).error.code).toBe('permission_denied');
  });

  it('deciding again keeps the earlier decision in the history', async () => {
    const review = await startedReview(team);
    const subjectId = team.members.viewer.uid;
    await decide(team, review.id, team.members.dept_lead, { subjectId, decision: 'keep' });
    const again = await decide(team, review.id, team.members.admin, {
      subjectId,
      decision: 'change_role',
      newRole: 'member',
    });
    expect(again.status).toBe(200);
    const entry = again.json as EntryBody;
    expect(entry.decision).toMatchObject({ decision: 'change_role', newRole: 'member' });
    expect(entry.history.map((h) => h.decision)).toEqual(['keep', 'change_role']);
    expect((await readReview(team, review.id, team.members.auditor)).accessReview.undecided).toBe(
      5,
    );
  });

  it('sign-off is refused with 409 while an entry is undecided, then closes the review', async () => {
    const review = await startedReview(team);
    await keepAllBut(team, review.id, [team.members.viewer]);
    const early = await signOff(team, review.id, team.members.admin);
    expect(early.status).toBe(409);
    expect((early.json as ErrorBody).error).toMatchObject({
      code: 'failed_precondition',
      details: { undecided: 1 },
    });

    await decide(team, review.id, team.members.admin, {
      subjectId: team.members.viewer.uid,
      decision: 'keep',
    });
    const signed = await signOff(team, review.id, team.members.admin);
    expect(signed.status).toBe(200);
    expect(signed.json).toMatchObject({ state: 'signed_off', undecided: 0 });

    const late = await decide(team, review.id, team.members.admin, {
      subjectId: team.members.viewer.uid,
      decision: 'revoke',
    });
    expect(late.status).toBe(409);
    expect((await signOff(team, review.id, team.members.owner)).status).toBe(409);
  });

  it('a signed-off revoke is followed to remediated when the member document changes', async () => {
    const own = await accountWithEveryRole('ar-follow');
    const review = await startedReview(own);
    await keepAllBut(own, review.id, [own.members.member, own.members.viewer]);
    await decide(own, review.id, own.members.admin, {
      subjectId: own.members.member.uid,
      decision: 'revoke',
      justification: 'Left the team.',
    });
    await decide(own, review.id, own.members.admin, {
      subjectId: own.members.viewer.uid,
      decision: 'change_role',
      newRole: 'auditor',
    });
    const signed = await signOff(own, review.id, own.members.admin);
    expect(signed.json).toMatchObject({ followUp: { outstanding: 2, remediated: 0 } });

    await db
      .doc(accountDocPath(own.accountId, 'members', own.members.member.uid))
      .update({ disabled: true });
    const entryPath = `${accessReviewEntriesPath(own.accountId, review.id)}/${own.members.member.uid}`;
    await eventually(
      async () => {
        const state = (await db.doc(entryPath).get()).get('followUp.state') as string;
        return state === 'remediated' ? state : undefined;
      },
      { timeoutMs: 45_000, what: 'the revoke to be marked remediated' },
    );
    const { accessReview, entries } = await readReview(own, review.id, own.members.auditor);
    expect(accessReview.followUp).toEqual({ outstanding: 1, remediated: 1 });
    const revoked = entries.find((e) => e.subjectId === own.members.member.uid);
    expect(revoked?.followUp?.remediatedAt).toEqual(expect.any(String));
    const changed = entries.find((e) => e.subjectId === own.members.viewer.uid);
    expect(changed?.followUp?.state).toBe('outstanding');
  });

  it('the control fails on a revocation outstanding past 14 days and passes once it is carried out; status lists due reviews', async () => {
    const own = await accountWithEveryRole('ar-control', { createdAt: addDays(new Date(), -400) });
    const review = await startedReview(own);
    await keepAllBut(own, review.id, [own.members.viewer]);
    await decide(own, review.id, own.members.admin, {
      subjectId: own.members.viewer.uid,
      decision: 'revoke',
    });
    await signOff(own, review.id, own.members.admin);
    // Signed off in the middle of the last completed quarter, long past the 14 days.
    const lastQuarter = reviewDueQuarter(new Date());
    await db.doc(accountDocPath(own.accountId, 'accessReviews', review.id)).update({
      'signOff.signedOffAt': addDays(lastQuarter.start, 40),
    });
    const open = await startedReview(own);

    const failing = await accessReviewControl(own);
    expect(failing).toMatchObject({
      status: 'fail',
      measured: review.id,
      offenders: [`${review.id}/${own.members.viewer.uid}`],
    });
    expect(failing.detail).toContain(`revoke of ${own.members.viewer.uid}`);

    await db.doc(accountDocPath(own.accountId, 'members', own.members.viewer.uid)).delete();
    await eventually(
      async () => {
        const result = await accessReviewControl(own);
        return result.status === 'pass' ? result : undefined;
      },
      { timeoutMs: 45_000, what: 'the control to pass after the revocation' },
    );

    const status = await callApi('/compliance/status', {
      token: own.members.auditor.token,
      query: { accountId: own.accountId },
    });
    expect((status.json as { accessReviews: unknown }).accessReviews).toEqual({
      due: [{ id: open.id, title: 'Quarterly access review', dueDate, overdue: false }],
      overdue: 0,
    });
  });

  it("another account's reviewer, members and viewers are refused with 403", async () => {
    const review = await startedReview(team);
    const other = await accountWithEveryRole('ar-other');
    const outsider = await createReview(team, other.members.owner);
    expect(outsider.status).toBe(403);
    const outsiderRead = await callApi(`/access-reviews/${review.id}`, {
      token: other.members.owner.token,
      query: { accountId: team.accountId },
    });
    expect(outsiderRead.status).toBe(403);
    const crossDecide = await decide(team, review.id, other.members.admin, {
      subjectId: team.members.member.uid,
      decision: 'keep',
    });
    expect(crossDecide.status).toBe(403);
    for (const role of ['member', 'viewer'] as const) {
      const read = await callApi('/access-reviews', {
        token: team.members[role].token,
        query: { accountId: team.accountId },
      });
      expect(read.status).toBe(403);
    }
    // Level decides writes: a dept_lead decides but never starts or signs off; an auditor reads only.
    expect((await createReview(team, team.members.dept_lead)).status).toBe(403);
    expect((await signOff(team, review.id, team.members.dept_lead)).status).toBe(403);
    const auditorDecides = await decide(team, review.id, team.members.auditor, {
      subjectId: team.members.member.uid,
      decision: 'keep',
    });
    expect(auditorDecides.status).toBe(403);
  });

  it('an unknown review or subject is 404', async () => {
    const review = await startedReview(team);
    const unknownReview = await decide(team, 'no-such-review', team.members.admin, {
      subjectId: team.members.member.uid,
      decision: 'keep',
    });
    expect(unknownReview.status).toBe(404);
    const unknownSubject = await decide(team, review.id, team.members.admin, {
      subjectId: 'nobody',
      decision: 'keep',
    });
    expect(unknownSubject.status).toBe(404);
  });

  it.each([
    ['an unknown field', { extra: 1 }, 'create'],
    ['a malformed due date', { dueDate: '2026-13-45' }, 'create'],
    ['a due date in the past', { dueDate: '2001-01-01' }, 'create'],
    ['an oversized title', { title: 'x'.repeat(201) }, 'create'],
    ['change_role without newRole', { decision: 'change_role' }, 'decide'],
    ['newRole with keep', { decision: 'keep', newRole: 'member' }, 'decide'],
    ['an invalid role', { decision: 'change_role', newRole: 'superuser' }, 'decide'],
    ['an empty justification', { decision: 'revoke', justification: '   ' }, 'decide'],
    ['an unknown decision', { decision: 'maybe' }, 'decide'],
  ])('%s is refused with 400 and details', async (_name, fields, kind) => {
    const answer =
      kind === 'create'
        ? await createReview(team, team.members.admin, fields)
        : await decide(team, 'any-review', team.members.admin, {
            subjectId: team.members.member.uid,
            ...fields,
          });
    expect(answer.status).toBe(400);
    const { error } = answer.json as ErrorBody;
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toBeDefined();
  });
});

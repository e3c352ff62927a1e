import {
  applyDecision,
  carriedOut,
  followUpAfterCheck,
  frozenEntry,
  isOverdue,
} from '../../../functions/accessReviews/entries';
import type { DecisionRecord } from '../../../functions/schema/accessReviews';
import type { AccessReviewMember } from '../../../functions/schema/evidence';

const subject: AccessReviewMember = {
  uid: 'u1',
  email: 'u1@example.test',
  displayName: 'U One',
  role: 'member',
  level: 10,
  departments: [],
  permissions: ['recipes:read'],
  resourceAccess: { recipes: 0, workflows: 0 },
  lastActiveAt: null,
  membershipDisabled: false,
  identity: null,
  flags: ['auth_user_missing'],
};
const t1 = new Date('2026-11-01T10:00:00Z');
const t2 = new Date('2026-11-02T10:00:00Z');

const decision = (d: DecisionRecord['decision'], newRole: DecisionRecord['newRole'] = null) => ({
  decision: d,
  newRole,
  justification: 'why',
  decidedBy: 'r1',
  decidedAt: t1,
});

describe('access review entries', () => {
  it('a frozen entry is undecided, with no history and nothing to follow up', () => {
    expect(frozenEntry('acct', 'rev', subject)).toEqual({
      accountId: 'acct',
      reviewId: 'rev',
      subjectId: 'u1',
      subject,
      decision: null,
      history: [],
      followUp: null,
    });
  });

  it('deciding again keeps every earlier decision in the history, oldest first', () => {
    const first = applyDecision(
      frozenEntry('acct', 'rev', subject),
      { decision: 'keep', justification: 'needed' },
      { uid: 'r1' },
      t1,
    );
    const second = applyDecision(
      first,
      { decision: 'change_role', newRole: 'viewer', justification: 'read only now' },
      { uid: 'r2' },
      t2,
    );
    expect(second.decision).toMatchObject({ decision: 'change_role', newRole: 'viewer' });
    expect(second.history.map((h) => [h.decision, h.decidedBy])).toEqual([
      ['keep', 'r1'],
      ['change_role', 'r2'],
    ]);
  });

  it('a revoke is carried out by deleting or disabling the member, not by anything else', () => {
    expect(carriedOut(decision('revoke'), undefined)).toBe(true);
    expect(carriedOut(decision('revoke'), { role: 'member', disabled: true })).toBe(true);
    expect(carriedOut(decision('revoke'), { role: 'viewer' })).toBe(false);
  });

  it('a role change is carried out when the live role is the new role', () => {
    expect(carriedOut(decision('change_role', 'viewer'), { role: 'viewer' })).toBe(true);
    expect(carriedOut(decision('change_role', 'viewer'), { role: 'member' })).toBe(false);
    expect(carriedOut(decision('change_role', 'viewer'), undefined)).toBe(false);
  });

  it('remediation records when it was seen and stays remediated afterwards', () => {
    const outstanding = followUpAfterCheck(null, decision('revoke'), { role: 'member' }, t1);
    expect(outstanding).toEqual({ state: 'outstanding', remediatedAt: null, checkedAt: t1 });
    const remediated = followUpAfterCheck(outstanding, decision('revoke'), undefined, t2);
    expect(remediated).toEqual({ state: 'remediated', remediatedAt: t2, checkedAt: t2 });
    const regranted = followUpAfterCheck(remediated, decision('revoke'), { role: 'admin' }, t2);
    expect(regranted).toBe(remediated);
  });

  it('an open review is overdue after its due day; a signed-off one never is', () => {
    const now = new Date('2026-11-15T08:00:00Z');
    expect(isOverdue({ state: 'open', dueDate: '2026-11-14' }, now)).toBe(true);
    expect(isOverdue({ state: 'open', dueDate: '2026-11-15' }, now)).toBe(false);
    expect(isOverdue({ state: 'signed_off', dueDate: '2026-11-01' }, now)).toBe(false);
  });
});

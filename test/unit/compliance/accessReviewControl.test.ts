import {
  DEFAULT_CONTROL_TEST_CONFIG,
  runControlTest,
  type AccessReviewFacts,
} from '../../../functions/compliance/controlTests';
import { daysAgo, healthyEvidence, NOW, slice } from './fixtures';

/** The access-review control at NOW (2026-11-15): the due quarter is 2026-Q3. */
const run = (reviews: AccessReviewFacts[], accountCreatedAt = daysAgo(400)) =>
  runControlTest(
    'access-review-quarterly',
    healthyEvidence({ accessReviews: slice(reviews), accountCreatedAt }),
    NOW,
    DEFAULT_CONTROL_TEST_CONFIG,
  );

const review = (id: string, signedOffAt: Date | null, outstanding: string[] = []) => ({
  id,
  title: `Review ${id}`,
  signedOffAt,
  outstanding: outstanding.map((subjectId) => ({ subjectId, decision: 'revoke' })),
});

describe('access-review-quarterly', () => {
  it('passes with a review signed off in the last completed quarter and nothing outstanding', () => {
    const result = run([review('q3', new Date('2026-08-01T00:00:00Z'))]);
    expect(result).toMatchObject({ status: 'pass', measured: 'q3' });
    expect(result.detail).toContain('"Review q3" (q3) was signed off in 2026-Q3');
  });

  it('fails when no review was signed off in the last completed quarter, naming it', () => {
    const result = run([
      review('q2', new Date('2026-06-30T23:59:59Z')),
      review('open-q3', null),
      review('q4', new Date('2026-10-02T00:00:00Z')),
    ]);
    expect(result).toMatchObject({ status: 'fail', measured: null });
    expect(result.detail).toContain('No access review was signed off in 2026-Q3');
  });

  it('the current quarter is not due before it ends: a Q4 without review still passes on Q3', () => {
    expect(run([review('q3', new Date('2026-09-30T12:00:00Z'))]).status).toBe('pass');
  });

  it('a revocation outstanding 14 days after sign-off passes; past 14 days it fails by name', () => {
    const recent = run([review('q3', new Date('2026-09-01Z')), review('q4', daysAgo(14), ['u1'])]);
    expect(recent.status).toBe('pass');
    const late = run([review('q3', new Date('2026-09-01Z'), ['u2', 'u3'])]);
    expect(late).toMatchObject({ status: 'fail', offenders: ['q3/u2', 'q3/u3'] });
    expect(late.detail).toContain('revoke of u2 in "Review q3" (q3)');
  });

  it('is not applicable to an account younger than the due quarter, unless a follow-up is late', () => {
    const young = new Date('2026-08-15T00:00:00Z');
    expect(run([], young).status).toBe('not_applicable');
    const lateFollowUp = run([review('x', new Date('2026-09-01Z'), ['u9'])], young);
    expect(lateFollowUp).toMatchObject({ status: 'fail', offenders: ['x/u9'] });
  });
});

import { dayStatus, summarizeDays } from '../../../functions/compliance/controlHistory';
import { controlHistoryQuerySchema } from '../../../functions/schema/compliance';

describe('control history', () => {
  it('a day counts as its worst status, so one failure among passes is a failed day', () => {
    expect(dayStatus(['pass', 'fail', 'pass'])).toBe('fail');
    expect(dayStatus(['pass', 'inconclusive'])).toBe('inconclusive');
    expect(dayStatus(['not_applicable', 'pass'])).toBe('not_applicable');
    expect(dayStatus(['pass'])).toBe('pass');
  });

  it('counts every day of the window, days without a stored result as not evaluated', () => {
    const history = summarizeDays(
      'mfa-privileged-members',
      [
        { day: '2026-11-13', status: 'pass' },
        { day: '2026-11-14', status: 'fail' },
        { day: '2026-11-15', status: 'pass' },
      ],
      90,
    );
    expect(history.counts).toEqual({
      pass: 2,
      fail: 1,
      inconclusive: 0,
      not_applicable: 0,
      not_evaluated: 87,
    });
  });

  it('takes 1 to 90 days, 90 when absent, and refuses anything else', () => {
    const parse = (days?: unknown) =>
      controlHistoryQuerySchema.safeParse({ accountId: 'acme', ...(days ? { days } : {}) });
    expect(parse().data?.days).toBe(90);
    expect(parse('7').data?.days).toBe(7);
    for (const bad of ['0', '91', '1.5', '-3', 'ten', ['7', '8']]) {
      expect({ bad, success: parse(bad).success }).toEqual({ bad, success: false });
    }
  });
});

import {
  addDays,
  addHours,
  DAY_MS,
  daysBetween,
  isUtcMidnight,
  startOfUtcDay,
  UTC_DAY_PATTERN,
  utcDay,
  utcDaysFrom,
  yearsBefore,
} from '../../../functions/domain/time';

const d = (iso: string) => new Date(iso);

describe('UTC days', () => {
  it('a day is 86,400,000 ms', () => {
    expect(DAY_MS).toBe(86_400_000);
  });

  it('names the UTC calendar day, whatever the offset the instant was written with', () => {
    expect(utcDay(d('2026-03-01T23:59:59.999-05:00'))).toBe('2026-03-02');
    expect(utcDay(d('2026-03-02T00:00:00.000Z'))).toBe('2026-03-02');
    expect(utcDay(d('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
    expect(utcDay(d('2026-03-01T23:59:59.999Z'))).toMatch(UTC_DAY_PATTERN);
  });

  it('the start of a day is its midnight, and midnight is its own start', () => {
    expect(startOfUtcDay(d('2026-12-31T23:59:59.999Z'))).toEqual(d('2026-12-31T00:00:00Z'));
    expect(startOfUtcDay(d('2027-01-01T00:00:00Z'))).toEqual(d('2027-01-01T00:00:00Z'));
    expect(startOfUtcDay(d('1969-12-31T12:00:00Z'))).toEqual(d('1969-12-31T00:00:00Z'));
  });

  it('tells midnight from one millisecond after it', () => {
    expect(isUtcMidnight(d('2026-07-01T00:00:00Z'))).toBe(true);
    expect(isUtcMidnight(d('2026-07-01T00:00:00.001Z'))).toBe(false);
    expect(isUtcMidnight(d('1969-12-31T00:00:00Z'))).toBe(true);
    expect(isUtcMidnight(d('1969-12-31T12:00:00Z'))).toBe(false);
  });

  it('moves by whole days and hours, across a year end', () => {
    expect(addDays(d('2026-12-31T12:00:00Z'), 1)).toEqual(d('2027-01-01T12:00:00Z'));
    expect(addDays(d('2027-01-01T00:00:00Z'), -30)).toEqual(d('2026-12-02T00:00:00Z'));
    expect(addHours(d('2026-10-03T00:00:00Z'), -48)).toEqual(d('2026-10-01T00:00:00Z'));
  });

  it('counts whole days elapsed, rounding down, negative when reversed', () => {
    expect(daysBetween(d('2026-01-01T12:00:00Z'), d('2026-01-02T11:59:59Z'))).toBe(0);
    expect(daysBetween(d('2026-01-01T12:00:00Z'), d('2026-01-02T12:00:00Z'))).toBe(1);
    expect(daysBetween(d('2026-01-02T12:00:00Z'), d('2026-01-01T12:00:00Z'))).toBe(-1);
    expect(daysBetween(d('2026-01-01T12:00:01Z'), d('2026-01-01T12:00:00Z'))).toBe(-1);
  });

  it('lists every day from the first instant to the last, both included', () => {
    expect(utcDaysFrom(d('2026-12-30T18:00:00Z'), d('2027-01-01T00:00:00Z'))).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
    ]);
    expect(utcDaysFrom(d('2026-12-30T18:00:00Z'), d('2026-12-30T19:00:00Z'))).toEqual([
      '2026-12-30',
    ]);
  });

  it('goes back calendar years, 29 February landing on 1 March', () => {
    expect(yearsBefore(d('2026-06-15T08:00:00Z'), 3)).toEqual(d('2023-06-15T08:00:00Z'));
    expect(yearsBefore(d('2028-02-29T00:00:00Z'), 1)).toEqual(d('2027-03-01T00:00:00Z'));
  });
});

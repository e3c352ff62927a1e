import {
  quarterAfter,
  quarterBefore,
  quarterContaining,
  quarterFromId,
  quarterSpanning,
} from '../../../functions/domain/quarter';

const d = (iso: string) => new Date(iso);
const bounds = (q: { id: string; start: Date; end: Date }) => [
  q.id,
  q.start.toISOString(),
  q.end.toISOString(),
];

describe('calendar quarters (UTC)', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-Q1', '2026-01-01', '2026-04-01'],
    ['2026-03-31T23:59:59.999Z', '2026-Q1', '2026-01-01', '2026-04-01'],
    ['2026-04-01T00:00:00Z', '2026-Q2', '2026-04-01', '2026-07-01'],
    ['2026-08-15T12:00:00Z', '2026-Q3', '2026-07-01', '2026-10-01'],
    ['2026-12-31T23:59:59.999Z', '2026-Q4', '2026-10-01', '2027-01-01'],
  ])('%s falls in %s = [%s, %s)', (at, id, start, end) => {
    expect(bounds(quarterContaining(d(at)))).toEqual([
      id,
      `${start}T00:00:00.000Z`,
      `${end}T00:00:00.000Z`,
    ]);
  });

  it('reads an id back to the same quarter, and refuses anything else', () => {
    expect(quarterFromId('2026-Q3')).toEqual(quarterContaining(d('2026-07-01T00:00:00Z')));
    for (const bad of ['2026-Q5', '2026-Q0', '26-Q1', '2026-q1', '2026-Q1 ', '']) {
      expect(quarterFromId(bad)).toBeUndefined();
    }
  });

  it('steps back and forward across the year end', () => {
    expect(quarterBefore(quarterFromId('2026-Q1')!).id).toBe('2025-Q4');
    expect(quarterBefore(quarterFromId('2026-Q3')!).id).toBe('2026-Q2');
    expect(quarterAfter(quarterFromId('2025-Q4')!).id).toBe('2026-Q1');
    expect(quarterAfter(quarterFromId('2026-Q2')!)).toEqual(quarterFromId('2026-Q3'));
  });

  it('recognises exact quarter bounds only', () => {
    expect(quarterSpanning(d('2026-07-01T00:00:00Z'), d('2026-10-01T00:00:00Z'))?.id).toBe(
      '2026-Q3',
    );
    expect(quarterSpanning(d('2026-07-01T00:00:00Z'), d('2026-10-01T00:00:01Z'))).toBeUndefined();
    expect(quarterSpanning(d('2026-07-01T00:00:00Z'), d('2027-01-01T00:00:00Z'))).toBeUndefined();
  });
});

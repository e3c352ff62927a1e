/**
 * Calendar quarters in UTC, the one place for quarter arithmetic: `2026-Q3` is
 * [2026-07-01, 2026-10-01).
 */

/** A calendar quarter: its id and its bounds. */
export interface Quarter {
  /** `YYYY-Qn`, e.g. `2026-Q3`. */
  id: string;
  /** 00:00 UTC on the quarter's first day. */
  start: Date;
  /** Exclusive: 00:00 UTC on the next quarter's first day. */
  end: Date;
}

/** A quarter id, `YYYY-Qn`. */
export const QUARTER_ID_PATTERN = /^(\d{4})-Q([1-4])$/;

function quarterOfYear(year: number, quarter: number): Quarter {
  return {
    id: `${year}-Q${quarter}`,
    start: new Date(Date.UTC(year, (quarter - 1) * 3, 1)),
    end: new Date(Date.UTC(year, quarter * 3, 1)),
  };
}

/** The quarter `date` falls in. */
export function quarterContaining(date: Date): Quarter {
  return quarterOfYear(date.getUTCFullYear(), Math.floor(date.getUTCMonth() / 3) + 1);
}

/** The quarter an id names, or undefined when `id` is not `YYYY-Qn`. */
export function quarterFromId(id: string): Quarter | undefined {
  const match = QUARTER_ID_PATTERN.exec(id);
  return match ? quarterOfYear(Number(match[1]), Number(match[2])) : undefined;
}

/** The quarter that ends where `quarter` starts (Q1 follows Q4 of the year before). */
export function quarterBefore(quarter: Quarter): Quarter {
  return quarterContaining(new Date(quarter.start.getTime() - 1));
}

/** The quarter that starts where `quarter` ends. */
export function quarterAfter(quarter: Quarter): Quarter {
  return quarterContaining(quarter.end);
}

/** The quarter whose bounds are exactly [start, end), if there is one. */
export function quarterSpanning(start: Date, end: Date): Quarter | undefined {
  const quarter = quarterContaining(start);
  const exact =
    quarter.start.getTime() === start.getTime() && quarter.end.getTime() === end.getTime();
  return exact ? quarter : undefined;
}

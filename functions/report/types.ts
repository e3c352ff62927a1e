import type { MalformedDocument } from '../schema/evidence';

/** One collection as read for a report: the documents that parsed, and the ones that did not. */
export interface ParsedCollection<T> {
  docs: { id: string; value: T }[];
  malformed: MalformedDocument[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Length of the windows (failed auth, usage spikes, audit-log summary), in days. */
export const REPORT_WINDOW_DAYS = 30;

export const isoOrNull = (date: Date | undefined): string | null => date?.toISOString() ?? null;

/** Whole days from `from` to `to` (negative when `from` is later). */
export const wholeDaysBetween = (from: Date, to: Date): number =>
  Math.floor((to.getTime() - from.getTime()) / DAY_MS);

export const windowStartOf = (asOf: Date): Date =>
  new Date(asOf.getTime() - REPORT_WINDOW_DAYS * DAY_MS);

export const emptyCollection = <T>(): ParsedCollection<T> => ({ docs: [], malformed: [] });

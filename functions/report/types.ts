import { addDays } from '../domain/time';
import type { MalformedDocument } from '../schema/evidence';

/** One collection as read for a report: the documents that parsed, and the ones that did not. */
export interface ParsedCollection<T> {
  docs: { id: string; value: T }[];
  malformed: MalformedDocument[];
}

/** Length of the windows (failed auth, usage spikes, audit-log summary), in days. */
export const REPORT_WINDOW_DAYS = 30;

export const isoOrNull = (date: Date | undefined): string | null => date?.toISOString() ?? null;

export const windowStartOf = (asOf: Date): Date => addDays(asOf, -REPORT_WINDOW_DAYS);

export const emptyCollection = <T>(): ParsedCollection<T> => ({ docs: [], malformed: [] });

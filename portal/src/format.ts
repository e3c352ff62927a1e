/** Display helpers shared by the pages. */
import type { GroupStatus } from './api';

/** An ISO instant as `2026-11-23 12:00 UTC`. */
export const utcTime = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';

/** Any measured value as text (null: not measured). */
export const valueText = (value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** Today's UTC day, `YYYY-MM-DD`, to compare due dates with. */
export const utcToday = (): string => new Date().toISOString().slice(0, 10);

/** A `datetime-local` value (the browser's local time) as an ISO UTC instant, and back. */
export const isoOf = (local: string): string | undefined =>
  local ? new Date(local).toISOString() : undefined;
export const localOf = (iso: string | undefined): string => {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** An enum value as words: `in_progress` → `in progress`. */
export const words = (value: string): string => value.replace(/_/g, ' ');
/** A byte count for people: `532 B`, `12.4 KiB`, `3.1 MiB`. */
export const byteSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * "2/3", and what the others were when they did not fail: a group whose only control is not
 * applicable is not failing, but "0/1" alone would read as a failure.
 */
export function passedText(
  g: Pick<
    GroupStatus,
    'controlsPassed' | 'controlsTotal' | 'controlsNotApplicable' | 'controlsInconclusive'
  >,
): string {
  const others: [number, string][] = [
    [g.controlsNotApplicable, 'not applicable'],
    [g.controlsInconclusive, 'inconclusive'],
  ];
  const notes = others.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return [`${g.controlsPassed}/${g.controlsTotal}`, ...notes].join(', ');
}

/** Display helpers shared by the pages. */

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

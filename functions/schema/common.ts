import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import { UTC_DAY_PATTERN } from '../domain/time';

/**
 * A Firestore Timestamp as stored (admin or client SDK instance, anything with `toDate()`), or a
 * Date; parsed to a Date so the domain never touches SDK types.
 */
export const timestamp = z
  .union([
    z.date(),
    z.custom<{ toDate(): Date }>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { toDate?: unknown }).toDate === 'function',
      'expected a Firestore Timestamp',
    ),
  ])
  .transform((v, ctx) => {
    const date = v instanceof Date ? v : v.toDate();
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'invalid date' });
      return z.NEVER;
    }
    return date;
  });

/** A UTC calendar day, `YYYY-MM-DD` (as written by `utcDay`). */
export const utcDayString = z.string().regex(UTC_DAY_PATTERN, 'must be a date YYYY-MM-DD');

/** Firestore document ids: no slashes, not `.`/`..`, bounded (also blocks path tricks in queries). */
export const documentId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.@-]+$/, 'only letters, digits, _ . @ - are allowed')
  .refine((s) => s !== '.' && s !== '..' && !/^__.*__$/.test(s), 'reserved document id');

export type ParseResult<T> =
  { ok: true; id: string; value: T } | { ok: false; id: string; error: ValidationError };

/**
 * Parse one stored document. Never throws: a malformed document comes back as a ValidationError
 * the caller reports (section status, log line) and counts.
 */
export function parseDocument<S extends z.ZodType>(
  schema: S,
  path: string,
  data: unknown,
): ParseResult<z.output<S>> {
  const id = path.slice(path.lastIndexOf('/') + 1);
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, id, value: result.data };
  return {
    ok: false,
    id,
    error: new ValidationError(
      path,
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    ),
  };
}

import { z } from 'zod';
import * as logger from 'firebase-functions/logger';
import { invalidArgument, ValidationError } from '../domain/errors';
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

/** A stored document that failed its schema: listed with the reason, never dropped silently. */
export interface MalformedEntry {
  id: string;
  path: string;
  /** Every failing field, `field: message; …` (the path is given apart). */
  problem: string;
}

/** The documents of one read: those that parsed, and those that did not. */
export interface ParsedSnapshot<T> {
  docs: { id: string; value: T }[];
  malformed: MalformedEntry[];
}

/** What `parseSnapshot` needs of a Firestore document snapshot. */
export interface StoredDocument {
  id: string;
  ref: { path: string };
  data(): unknown;
}

/**
 * Parses every document of a read. Each malformed one is logged once, as the one event
 * `malformed stored document` with its path, the reason and the caller's `context` (account,
 * purpose), and returned for the caller to report: nothing is dropped silently.
 */
export function parseSnapshot<S extends z.ZodType>(
  schema: S,
  docs: readonly StoredDocument[],
  context: Record<string, unknown>,
): ParsedSnapshot<z.output<S>> {
  const parsed: ParsedSnapshot<z.output<S>> = { docs: [], malformed: [] };
  for (const doc of docs) {
    const result = parseDocument(schema, doc.ref.path, doc.data());
    if (result.ok) {
      parsed.docs.push({ id: doc.id, value: result.value });
      continue;
    }
    const problem = result.error.issues
      .map((i) => `${i.path || '(root)'}: ${i.message}`)
      .join('; ');
    logger.warn('malformed stored document', { ...context, path: doc.ref.path, problem });
    parsed.malformed.push({ id: doc.id, path: doc.ref.path, problem });
  }
  return parsed;
}

/** Malformed entries as the report lists them (`malformedDocuments: [{path, problem}]`). */
export const listedByPath = (malformed: readonly MalformedEntry[]) =>
  malformed.map(({ path, problem }) => ({ path, problem }));

/** Malformed entries as the API's lists give them (`malformed: [{id, problem}]`). */
export const listedById = (malformed: readonly MalformedEntry[]) =>
  malformed.map(({ id, problem }) => ({ id, problem }));

/**
 * Parses request input with a schema; a failure becomes one 400 whose message names every bad
 * field, and whose details list them for programs.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    message: i.message,
  }));
  throw invalidArgument(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues });
}

import { z } from 'zod';
import { documentId } from './common';
import { SECTION_SLUG_LIST, type SectionSlug } from './report';

/**
 * HTTP inputs (CONTRACT §4). Query strings arrive as `string | string[]`; a repeated parameter is
 * refused rather than silently picking one value.
 */
export const single = (name: string) =>
  z
    .string({
      error: (iss) =>
        Array.isArray(iss.input) ? `${name} must be given once` : `${name} is required`,
    })
    .max(512, `${name} is too long`);

const optionalSingle = (name: string) => single(name).optional();

export const accountIdParam = single('accountId').pipe(documentId);

/** A whole number from `min` to `max` in a query string, given at most once. */
export const optionalIntegerParam = (name: string, min: number, max: number) => {
  const range = `${name} must be an integer from ${min} to ${max}`;
  return single(name)
    .regex(/^\d+$/, range)
    .transform(Number)
    .pipe(z.number().int().min(min, range).max(max, range))
    .optional();
};

export const evidenceQuerySchema = z.object({
  accountId: accountIdParam,
  section: optionalSingle('section').pipe(
    z
      .enum(SECTION_SLUG_LIST as [SectionSlug, ...SectionSlug[]], {
        error: () => `unknown section; valid sections: ${SECTION_SLUG_LIST.join(', ')}`,
      })
      .optional(),
  ),
  format: optionalSingle('format').pipe(
    z
      .enum(['json', 'csv', 'pdf', 'oscal'], {
        error: () => 'format must be json, csv, pdf or oscal',
      })
      .optional(),
  ),
});
export type EvidenceQuery = z.output<typeof evidenceQuerySchema>;

/**
 * Seconds of the earliest and latest instants a Firestore Timestamp holds (0001-01-01T00:00:00Z
 * to 9999-12-31T23:59:59Z). ISO-8601 parsing admits year 0000 and offsets that push year 0001 or
 * 9999 out of that range; such input must be a 400 here, not a failed query or write later.
 */
export const TIMESTAMP_MIN_SECONDS = -62_135_596_800;
export const TIMESTAMP_MAX_SECONDS = 253_402_300_799;

/** A malformed date-time has its own issue already; only a well-formed one can be out of range. */
const inTimestampRange = (iso: string) => {
  const ms = Date.parse(iso);
  return !(ms < TIMESTAMP_MIN_SECONDS * 1000 || ms >= (TIMESTAMP_MAX_SECONDS + 1) * 1000);
};

/** Every date-time an API input carries (query or body): ISO-8601 with offset, within 0001–9999. */
export const dateTimeInput = (name: string) =>
  z.iso
    .datetime({ offset: true, error: () => `${name} must be an ISO-8601 date-time` })
    .refine(inTimestampRange, `${name} must lie between 0001-01-01 and 9999-12-31 (UTC)`);

/** A date-time in a query string: given once, then as {@link dateTimeInput}. */
export const isoDateTime = (name: string) => single(name).pipe(dateTimeInput(name));

export const accountOnlyQuerySchema = z.object({ accountId: accountIdParam });

import { z } from 'zod';
import { documentId } from './common';
import { SECTION_SLUG_LIST, type SectionSlug } from './report';

/**
 * HTTP inputs (CONTRACT §4). Query strings arrive as `string | string[]`; a repeated parameter is
 * refused rather than silently picking one value.
 */
const single = (name: string) =>
  z
    .string({
      error: (iss) =>
        Array.isArray(iss.input) ? `${name} must be given once` : `${name} is required`,
    })
    .max(512, `${name} is too long`);

const optionalSingle = (name: string) => single(name).optional();

export const accountIdParam = single('accountId').pipe(documentId);

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
    z.enum(['json', 'csv'], { error: () => 'format must be json or csv' }).optional(),
  ),
});
export type EvidenceQuery = z.output<typeof evidenceQuerySchema>;

export const isoDateTime = (name: string) =>
  single(name).pipe(
    z.iso.datetime({ offset: true, error: () => `${name} must be an ISO-8601 date-time` }),
  );

export const accountOnlyQuerySchema = z.object({ accountId: accountIdParam });

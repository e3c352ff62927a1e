import { z } from 'zod';
import { accountIdParam, dateTimeInput, single } from './api';
import { documentId, timestamp } from './common';
import { sha256Hex } from './manifest';

/**
 * Evidence items (CONTRACT §10): evidence no system holds (a penetration-test report, training
 * records, a scan, a signed policy), registered with the date it speaks for and uploaded once —
 * as stored under `accounts/{a}/evidenceItems/{itemId}` and as it travels over
 * `/api/evidence-items/**`.
 */

/** The most one upload may carry (CONTRACT §10: 25 MiB; 413 `too_large` beyond). */
export const EVIDENCE_ITEM_MAX_BYTES = 25 * 1024 * 1024;

/**
 * What an item is evidence of, when its criteria alone do not say which control it serves
 * (a vulnerability scan and a penetration test both speak for CC4.1 and CC7.1). The control
 * catalog names the kind each evidence control needs.
 */
export const EVIDENCE_KINDS = [
  'security_awareness_training',
  'risk_assessment',
  'vulnerability_scan',
  'penetration_test',
  'information_security_policy',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_ITEM_STATES = ['awaiting_upload', 'stored'] as const;

const FILE_NAME_MAX = 200;

/**
 * One safe path segment: it becomes part of a Storage object name, a zip entry name
 * (`evidence/<id>/<fileName>`) and a Content-Disposition header, so nothing in it may climb out
 * of its folder or end a header: no `/`, `\`, `..`, `"`, control characters.
 */
export const safeFileName = z
  .string({ error: 'fileName must be a string' })
  .min(1, 'fileName must not be empty')
  .max(FILE_NAME_MAX, `fileName must be at most ${FILE_NAME_MAX} characters`)
  .refine((name) => !/[/\\"\u0000-\u001f\u007f-\u009f]/.test(name), {
    message: 'fileName must be one path segment: no /, \\, ", or control characters',
  })
  .refine((name) => !name.includes('..'), { message: 'fileName must not contain ..' })
  .refine((name) => name.trim() === name, {
    message: 'fileName must not start or end with white space',
  });

/** `type/subtype` (RFC 6838 names), without parameters; stored lower-case. */
export const mediaType = z
  .string({ error: 'contentType must be a string' })
  .max(255, 'contentType is too long')
  .regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i,
    'contentType must be a media type like application/pdf',
  )
  .transform((type) => type.toLowerCase());

/** Criteria given by the catalog: an unknown one is refused naming the valid ones. */
const knownCriterion = (known: readonly string[]) =>
  z.string().refine((c) => known.includes(c), {
    error: (iss) =>
      `unknown criterion ${JSON.stringify(iss.input)}; valid criteria: ${known.join(', ')}`,
  });

/** `POST /api/evidence-items`; unknown fields are refused. */
export function createEvidenceItemBodySchema(knownCriteria: readonly string[]) {
  return z
    .strictObject({
      accountId: accountIdParam,
      title: z.string().trim().min(1, 'title must not be empty').max(200),
      criteria: z
        .array(knownCriterion(knownCriteria))
        .min(1, 'criteria must name at least one criterion')
        .max(20)
        .transform((list) => [...new Set(list)]),
      kind: z
        .enum(EVIDENCE_KINDS, {
          error: () => `kind must be one of ${EVIDENCE_KINDS.join(', ')}`,
        })
        .optional(),
      effectiveAt: dateTimeInput('effectiveAt'),
      expiresAt: dateTimeInput('expiresAt').optional(),
      fileName: safeFileName,
      contentType: mediaType,
    })
    .superRefine((body, ctx) => {
      if (
        body.expiresAt !== undefined &&
        !(Date.parse(body.expiresAt) > Date.parse(body.effectiveAt))
      ) {
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be after effectiveAt' });
      }
    });
}
export type CreateEvidenceItemBody = z.output<ReturnType<typeof createEvidenceItemBodySchema>>;

const registered = {
  title: z.string(),
  criteria: z.array(z.string()).min(1),
  kind: z.enum(EVIDENCE_KINDS).nullable(),
  /** The date the evidence speaks for (not the upload date). */
  effectiveAt: timestamp,
  expiresAt: timestamp.nullable(),
  fileName: safeFileName,
  contentType: z.string(),
  /** Storage object name under the account: `accounts/{a}/evidence-items/{id}/{fileName}`. */
  objectPath: z.string(),
  createdAt: timestamp,
  createdBy: z.string(),
};

/** `accounts/{a}/evidenceItems/{itemId}`: registered, then stored once with what the server measured. */
export const evidenceItemDocSchema = z.discriminatedUnion('state', [
  z.object({ ...registered, state: z.literal('awaiting_upload') }),
  z.object({
    ...registered,
    state: z.literal('stored'),
    /** Of the bytes the server received, computed by the server. */
    sha256: sha256Hex,
    /** Bytes. */
    size: z.number().int().positive(),
    storedAt: timestamp,
    storedBy: z.string(),
  }),
]);
export type EvidenceItemDoc = z.output<typeof evidenceItemDocSchema>;
export type StoredEvidenceItemDoc = Extract<EvidenceItemDoc, { state: 'stored' }>;

/** An item as the API shows it: dates ISO-8601, `expired` as of the server's clock. */
export const evidenceItemViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  criteria: z.array(z.string()),
  kind: z.enum(EVIDENCE_KINDS).nullable(),
  effectiveAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  /** True once `expiresAt` has passed. */
  expired: z.boolean(),
  fileName: z.string(),
  contentType: z.string(),
  state: z.enum(EVIDENCE_ITEM_STATES),
  sha256: sha256Hex.nullable(),
  /** Bytes; null until stored. */
  size: z.number().int().nullable(),
  storedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
});
export type EvidenceItemView = z.output<typeof evidenceItemViewSchema>;

export const evidenceItemListSchema = z.object({
  items: z.array(evidenceItemViewSchema),
  /** Stored documents that failed their schema (logged), by id. */
  malformed: z.array(z.object({ id: z.string(), problem: z.string() })),
});

export const isExpired = (doc: Pick<EvidenceItemDoc, 'expiresAt'>, now: Date) =>
  doc.expiresAt !== null && doc.expiresAt.getTime() <= now.getTime();

const iso = (date: Date) => date.toISOString();

export function evidenceItemView(id: string, doc: EvidenceItemDoc, now: Date): EvidenceItemView {
  const stored = doc.state === 'stored' ? doc : undefined;
  return {
    id,
    title: doc.title,
    criteria: doc.criteria,
    kind: doc.kind,
    effectiveAt: iso(doc.effectiveAt),
    expiresAt: doc.expiresAt && iso(doc.expiresAt),
    expired: isExpired(doc, now),
    fileName: doc.fileName,
    contentType: doc.contentType,
    state: doc.state,
    sha256: stored?.sha256 ?? null,
    size: stored?.size ?? null,
    storedAt: stored ? iso(stored.storedAt) : null,
    createdAt: iso(doc.createdAt),
    createdBy: doc.createdBy,
  };
}

/** `GET /api/evidence-items`: `criteria` comma-separated (items naming any of them), `state`. */
export function listEvidenceItemsQuerySchema(knownCriteria: readonly string[]) {
  return z.object({
    accountId: accountIdParam,
    criteria: single('criteria')
      .transform((list) => [...new Set(list.split(',').map((c) => c.trim()))].filter(Boolean))
      .pipe(z.array(knownCriterion(knownCriteria)).min(1, 'criteria must name a criterion'))
      .optional(),
    state: single('state')
      .pipe(
        z.enum(EVIDENCE_ITEM_STATES, {
          error: () => `state must be one of ${EVIDENCE_ITEM_STATES.join(', ')}`,
        }),
      )
      .optional(),
  });
}

export const evidenceItemIdParamSchema = z.object({ itemId: documentId });

import { EXPORT_CRITERIA } from '../../compliance/evidenceExport';
import {
  createEvidenceItem,
  downloadableItem,
  listEvidenceItems,
  storeEvidenceContent,
} from '../../compliance/evidenceItems';
import { COMPLIANCE_WRITE_LEVEL } from '../../domain/roles';
import { accountOnlyQuerySchema } from '../../schema/api';
import { downloadResponseSchema } from '../../schema/bundle';
import {
  createEvidenceItemBodySchema,
  EVIDENCE_ITEM_MAX_BYTES,
  evidenceItemIdParamSchema,
  evidenceItemListSchema,
  evidenceItemView,
  evidenceItemViewSchema,
  listEvidenceItemsQuerySchema,
} from '../../schema/evidenceItems';
import { receivedBytes } from '../rawBody';
import { accountRoute, type RawBody, type Route, type RouteAccess } from '../router';
import { signedDownload } from './archives';

/** Criteria an item may name: every criterion the control catalog maps. */
const KNOWN_CRITERIA = EXPORT_CRITERIA;

const READ: RouteAccess = { permission: 'audit:read' };
const WRITE = (to: string): RouteAccess => ({
  permission: 'audit:read',
  level: { min: COMPLIANCE_WRITE_LEVEL, to },
});

const UPLOAD: RawBody = {
  maxBytes: EVIDENCE_ITEM_MAX_BYTES,
  description:
    'The file itself, at most 25 MiB, with the Content-Type the item was registered with.',
};

const itemBody = { id: 'EvidenceItem', schema: evidenceItemViewSchema };

/** Evidence items (CONTRACT §10): register, upload once, list, download link. */
export const evidenceItemRoutes: Route[] = [
  accountRoute({
    method: 'POST',
    path: '/evidence-items',
    doc: {
      summary: 'Register an evidence item (level ≥ 60); its file is uploaded next',
      responses: { 201: { description: '`state: awaiting_upload`.', body: itemBody } },
    },
    access: WRITE('register evidence items'),
    input: {
      in: 'body',
      schema: createEvidenceItemBodySchema(KNOWN_CRITERIA),
      afterAuthorization: true,
    },
    handle: async ({ deps, caller, input }) => ({
      status: 201,
      body: await createEvidenceItem(deps, caller, input),
    }),
  }),
  accountRoute({
    method: 'PUT',
    path: '/evidence-items/:itemId/content',
    doc: {
      summary: "Upload an item's file as the raw body (level ≥ 60), once",
      description:
        'Stored in Cloud Storage under the account, written once; the SHA-256 and size are computed by the server from the bytes it received. A second upload is 409; more than 25 MiB is 413; a Content-Type other than the registered one is 415.',
      responses: { 200: { description: '`state: stored`.', body: itemBody } },
      errors: [404, 409, 413, 415],
    },
    access: WRITE('upload evidence'),
    input: { in: 'query', schema: accountOnlyQuerySchema },
    params: evidenceItemIdParamSchema,
    rawBody: UPLOAD,
    handle: async ({ deps, caller, req, params }) => ({
      body: await storeEvidenceContent(deps, caller, params.itemId, {
        bytes: receivedBytes(req, UPLOAD),
        contentType: req.headers['content-type'],
      }),
    }),
  }),
  accountRoute({
    method: 'GET',
    path: '/evidence-items',
    doc: {
      summary: 'Evidence items, newest effective date first, expired ones flagged',
      parameters: {
        criteria: 'Comma-separated criteria: items naming any of them.',
        state: '`awaiting_upload` or `stored`.',
      },
      responses: {
        200: {
          description: 'JSON.',
          body: { id: 'EvidenceItemList', schema: evidenceItemListSchema },
        },
      },
    },
    access: READ,
    input: { in: 'query', schema: listEvidenceItemsQuerySchema(KNOWN_CRITERIA) },
    handle: async ({ deps, caller, input: { criteria, state } }) => {
      const now = deps.now();
      const { docs, malformed } = await listEvidenceItems(deps, caller.accountId, {
        criteria,
        state,
      });
      return {
        body: { items: docs.map(({ id, value }) => evidenceItemView(id, value, now)), malformed },
      };
    },
  }),
  accountRoute({
    method: 'GET',
    path: '/evidence-items/:itemId/download',
    doc: {
      summary: "A V4 signed URL for an item's file, valid 15 minutes",
      responses: {
        200: {
          description: 'Signed URL.',
          body: { id: 'SignedUrl', schema: downloadResponseSchema },
        },
      },
      errors: [404, 409],
    },
    access: READ,
    input: { in: 'query', schema: accountOnlyQuerySchema },
    params: evidenceItemIdParamSchema,
    async handle({ deps, caller, params }) {
      // Looked up under the caller's account only: another account's item id is just absent.
      const item = await downloadableItem(deps, caller.accountId, params.itemId);
      return { body: await signedDownload(deps, item.objectPath, item.fileName) };
    },
  }),
];

/**
 * The one typed client of `/api` (same origin, through the Hosting rewrite). Shapes come from the
 * server's own types (type-only imports: nothing of the server is bundled), so a change there
 * fails this build instead of the page.
 */
import type {
  Control,
  ControlHistoryResponse,
  ControlTestResult,
  CreateFindingBody,
  CreateIncidentBody,
  CriterionGroup,
  UpdateFindingBody,
  UpdateIncidentBody,
} from '../../functions/schema/compliance';
import type { findingView, incidentView } from '../../functions/compliance/records';
import type { CSV_TABLES, CsvSectionSlug, EvidenceReport } from '../../functions/schema/evidence';
import type { Role } from '../../functions/domain/roles';
import type { AuditLog } from '../../functions/schema/documents';
import type {
  ArchiveEntry,
  ArchiveSummary,
  publicKeyResponseSchema,
} from '../../functions/schema/bundle';
import type { z } from 'zod';
import type {
  CreateEvidenceItemBody,
  EvidenceItemView,
} from '../../functions/schema/evidenceItems';
import type {
  AccessReviewEntryView,
  AccessReviewView,
  DecideBody,
} from '../../functions/schema/accessReviews';

export type { ControlHistoryResponse, CsvSectionSlug, EvidenceReport };
export type CsvTable<S extends CsvSectionSlug> = (typeof CSV_TABLES)[S][number];

export interface AccountEntry {
  accountId: string;
  name: string;
  role: Role;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface GroupStatus {
  status: Verdict | 'no_controls';
  controlsTotal: number;
  controlsPassed: number;
  controlsNotApplicable: number;
  controlsInconclusive: number;
  openFindings: number;
}

export interface ComplianceStatus {
  overall: Verdict;
  evaluatedAt: string;
  controlsTotal: number;
  controlsPassed: number;
  openFindings: number;
  groups: Record<CriterionGroup, GroupStatus>;
  lastBundleDate: string | null;
  nextBundleDate: string;
  /** Open access reviews by due date, and how many are overdue. */
  accessReviews: {
    due: { id: string; title: string; dueDate: string; overdue: boolean }[];
    overdue: number;
  };
}

export interface ControlsResponse {
  evaluatedAt: string;
  controls: (Pick<Control, 'id' | 'name' | 'criteria' | 'test'> & {
    /** Absent until the first evaluation stored a result. */
    result?: ControlTestResult;
  })[];
}

/** A finding as the API sends it (timestamps as ISO strings). */
export type Finding = ReturnType<typeof findingView>;

/** An incident as the API sends it, with its response SLA assessed. */
export type Incident = ReturnType<typeof incidentView>;

/** Write bodies: the page names the account, the API validates every field (CONTRACT §4). */
type Fields<T> = Omit<T, 'accountId'>;
/** A create body as sent: fields the API defaults may be left out. */
export type FindingInput = Fields<CreateFindingBody>;
export type FindingUpdate = Fields<UpdateFindingBody>;
export type IncidentInput = Partial<Fields<CreateIncidentBody>>;
export type AccessReview = AccessReviewView;
export type AccessReviewEntry = AccessReviewEntryView;
export type DecisionInput = Fields<DecideBody>;
export interface AccessReviewPage {
  accessReview: AccessReview;
  entries: AccessReviewEntry[];
  nextPageToken: string | null;
}
export type IncidentUpdate = Fields<UpdateIncidentBody>;

/** An audit event as `GET /api/audit-logs` lists it (timestamp as an ISO string). */
export type AuditEvent = Omit<AuditLog, 'timestamp'> & { id: string; timestamp: string };

export interface AuditLogPage {
  events: AuditEvent[];
  nextPageToken: string | null;
}

/** The API's audit-log filters and paging, as query parameters (CONTRACT §3). */
export type AuditLogQuery = Partial<
  Record<'actorId' | 'action' | 'result' | 'start' | 'end' | 'pageSize' | 'pageToken', string>
>;

/** Which input fields an error is about: 400 `details.issues`, or 409 `details.field`. */
export interface ErrorDetails {
  issues?: { field: string; message: string }[];
  field?: string;
}
/** A bundle as `GET /api/soc2-archives` lists it: stored (`ready`), `building` or `failed`. */
export type Archive = ArchiveEntry;
/** A stored bundle: the only kind with a zip to download and verify. */
export type ReadyArchive = ArchiveSummary;

export type PublicKey = z.output<typeof publicKeyResponseSchema>;

/** An evidence item as `GET /api/evidence-items` lists it (CONTRACT §10). */
export type EvidenceItem = EvidenceItemView;
export type EvidenceItemInput = Fields<CreateEvidenceItemBody>;

/** An API error (CONTRACT §4 error body), with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

export type TokenSource = () => Promise<string>;

/** A request to the API, with the caller's ID token unless the route is public (`token` absent). */
async function send(token: TokenSource | undefined, path: string, init: RequestInit = {}) {
  const authorization: Record<string, string> = token
    ? { authorization: `Bearer ${await token()}` }
    : {};
  const response = await fetch(`/api${path}`, {
    ...init,
    headers: { ...init.headers, ...authorization },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; details?: ErrorDetails };
    };
    throw new ApiError(
      response.status,
      body.error?.code ?? 'unknown',
      body.error?.message ?? `HTTP ${response.status}`,
      body.error?.details,
    );
  }
  return response;
}

const call = (token: TokenSource | undefined, path: string, query: Record<string, string>) =>
  send(token, `${path}?${new URLSearchParams(query).toString()}`);

/** A JSON write (POST or PATCH) answered with JSON. */
const write =
  <T>(token: TokenSource, method: 'POST' | 'PATCH') =>
  async (path: string, body: object): Promise<T> => {
    const init = {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
    return (await (await send(token, path, init)).json()) as T;
  };

const json =
  <T>(token: TokenSource | undefined, path: string) =>
  async (query: Record<string, string> = {}): Promise<T> =>
    (await (await call(token, path, query)).json()) as T;

/** The key bundles are signed with (no sign-in: `/verify` uses it too). */
export const fetchPublicKey = () => json<PublicKey>(undefined, '/soc2-evidence/public-key')();

export function apiClient(token: TokenSource) {
  return {
    accounts: json<{ accounts: AccountEntry[] }>(token, '/accounts'),
    status: (accountId: string) =>
      json<ComplianceStatus>(token, '/compliance/status')({ accountId }),
    controls: (accountId: string) =>
      json<ControlsResponse>(token, '/compliance/controls')({ accountId }),
    controlHistory: (accountId: string) =>
      json<ControlHistoryResponse>(token, '/compliance/controls/history')({ accountId }),
    findings: (accountId: string) =>
      json<{ findings: Finding[] }>(token, '/compliance/findings')({ accountId }),
    createFinding: (accountId: string, fields: FindingInput) =>
      write<Finding>(token, 'POST')('/compliance/findings', { ...fields, accountId }),
    updateFinding: (accountId: string, id: string, fields: FindingUpdate) =>
      write<Finding>(token, 'PATCH')(`/compliance/findings/${encodeURIComponent(id)}`, {
        ...fields,
        accountId,
      }),
    incidents: (accountId: string) =>
      json<{ incidents: Incident[]; slaBreaches: number }>(
        token,
        '/compliance/incidents',
      )({
        accountId,
      }),
    createIncident: (accountId: string, fields: IncidentInput) =>
      write<Incident>(token, 'POST')('/compliance/incidents', { ...fields, accountId }),
    updateIncident: (accountId: string, id: string, fields: IncidentUpdate) =>
      write<Incident>(token, 'PATCH')(`/compliance/incidents/${encodeURIComponent(id)}`, {
        ...fields,
        accountId,
      }),
    accessReviews: (accountId: string) =>
      json<{ accessReviews: AccessReview[] }>(token, '/access-reviews')({ accountId }),
    accessReview: (accountId: string, id: string, pageToken?: string) =>
      json<AccessReviewPage>(
        token,
        `/access-reviews/${encodeURIComponent(id)}`,
      )({ accountId, ...(pageToken ? { pageToken } : {}) }),
    startAccessReview: (accountId: string, fields: { title?: string; dueDate?: string }) =>
      write<AccessReview>(token, 'POST')('/access-reviews', { ...fields, accountId }),
    decide: (accountId: string, id: string, fields: DecisionInput) =>
      write<AccessReviewEntry>(token, 'POST')(
        `/access-reviews/${encodeURIComponent(id)}/decisions`,
        { ...fields, accountId },
      ),
    signOffAccessReview: (accountId: string, id: string, fields: { statement?: string }) =>
      write<AccessReview>(token, 'POST')(`/access-reviews/${encodeURIComponent(id)}/sign-off`, {
        ...fields,
        accountId,
      }),
    auditLogs: (accountId: string, query: AuditLogQuery) =>
      json<AuditLogPage>(token, '/audit-logs')({ ...query, accountId }),
    evidence: (accountId: string) => json<EvidenceReport>(token, '/soc2-evidence')({ accountId }),
    vendorRegister: (accountId: string) =>
      json<EvidenceReport>(token, '/soc2-evidence')({ accountId, section: 'vendor-register' }),
    archives: (accountId: string) =>
      json<{ archives: Archive[] }>(token, '/soc2-archives')({ accountId }),
    /** A signed URL for the bundle's zip, valid 15 minutes. */
    archiveDownload: (accountId: string, archiveId: string) =>
      json<{ url: string; expiresAt: string }>(
        token,
        `/soc2-archives/${encodeURIComponent(archiveId)}/download`,
      )({ accountId }),
    evidenceItems: (accountId: string) =>
      json<{ items: EvidenceItem[] }>(token, '/evidence-items')({ accountId }),
    createEvidenceItem: (accountId: string, fields: EvidenceItemInput) =>
      write<EvidenceItem>(token, 'POST')('/evidence-items', { ...fields, accountId }),
    /** The file as the raw body, with the Content-Type the item was registered with. */
    uploadEvidenceItem: async (accountId: string, item: EvidenceItem, file: Blob) => {
      const path = `/evidence-items/${encodeURIComponent(item.id)}/content?${new URLSearchParams({ accountId }).toString()}`;
      const init = { method: 'PUT', headers: { 'content-type': item.contentType }, body: file };
      return (await (await send(token, path, init)).json()) as EvidenceItem;
    },
    /** A signed URL for the item's file, valid 15 minutes. */
    evidenceItemDownload: (accountId: string, itemId: string) =>
      json<{ url: string; expiresAt: string }>(
        token,
        `/evidence-items/${encodeURIComponent(itemId)}/download`,
      )({ accountId }),
    /** One CSV table of the report, as a file to save. */
    evidenceCsv: async <S extends CsvSectionSlug>(
      accountId: string,
      section: S,
      table: CsvTable<S>,
    ) => (await call(token, '/soc2-evidence', { accountId, section, table, format: 'csv' })).blob(),
    /** The live report, or one section, as a PDF for people (not signed: bundles are). */
    evidencePdf: async (accountId: string, section?: string) =>
      (
        await call(token, '/soc2-evidence', {
          accountId,
          ...(section ? { section } : {}),
          format: 'pdf',
        })
      ).blob(),
  };
}

export type Api = ReturnType<typeof apiClient>;

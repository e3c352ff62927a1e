/**
 * The one typed client of `/api` (same origin, through the Hosting rewrite). Shapes come from the
 * server's own types (type-only imports: nothing of the server is bundled), so a change there
 * fails this build instead of the page.
 */
import type {
  Control,
  ControlTestResult,
  CriterionGroup,
  FindingDoc,
} from '../../functions/schema/compliance';
import type { CSV_TABLES, CsvSectionSlug, EvidenceReport } from '../../functions/schema/evidence';
import type { Role } from '../../functions/domain/roles';
import type { AuditLog } from '../../functions/schema/documents';
import type { ArchiveSummary, publicKeyResponseSchema } from '../../functions/schema/bundle';
import type { z } from 'zod';

export type { CsvSectionSlug, EvidenceReport };
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
}

export interface ControlsResponse {
  evaluatedAt: string;
  controls: (Pick<Control, 'id' | 'name' | 'criteria' | 'test'> & {
    /** Absent until the first evaluation stored a result. */
    result?: ControlTestResult;
  })[];
}

/** A finding as the API sends it (timestamps as ISO strings). */
export type Finding = Pick<
  FindingDoc,
  'controlId' | 'title' | 'severity' | 'dueDate' | 'status' | 'source'
> & { id: string };

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

/**
 * A bundle as `GET /api/soc2-archives` lists it. `state` and `error` come with the asynchronous
 * build (CONTRACT §4); a list without them shows only finished bundles, so absent means ready.
 */
export type Archive = ArchiveSummary & {
  state?: 'building' | 'ready' | 'failed';
  error?: string | { code?: string; message?: string };
};

export type PublicKey = z.output<typeof publicKeyResponseSchema>;

/** An API error (CONTRACT §4 error body), with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type TokenSource = () => Promise<string>;

async function call(token: TokenSource | undefined, path: string, query: Record<string, string>) {
  const url = `/api${path}?${new URLSearchParams(query).toString()}`;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${await token()}` } : {};
  const response = await fetch(url, { headers });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string };
    };
    throw new ApiError(
      response.status,
      body.error?.code ?? 'unknown',
      body.error?.message ?? `HTTP ${response.status}`,
    );
  }
  return response;
}

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
    findings: (accountId: string) =>
      json<{ findings: Finding[] }>(token, '/compliance/findings')({ accountId }),
    auditLogs: (accountId: string, query: AuditLogQuery) =>
      json<AuditLogPage>(token, '/audit-logs')({ ...query, accountId }),
    evidence: (accountId: string) => json<EvidenceReport>(token, '/soc2-evidence')({ accountId }),
    archives: (accountId: string) =>
      json<{ archives: Archive[] }>(token, '/soc2-archives')({ accountId }),
    /** A signed URL for the bundle's zip, valid 15 minutes. */
    archiveDownload: (accountId: string, archiveId: string) =>
      json<{ url: string; expiresAt: string }>(
        token,
        `/soc2-archives/${encodeURIComponent(archiveId)}/download`,
      )({ accountId }),
    /** One CSV table of the report, as a file to save. */
    evidenceCsv: async <S extends CsvSectionSlug>(
      accountId: string,
      section: S,
      table: CsvTable<S>,
    ) => (await call(token, '/soc2-evidence', { accountId, section, table, format: 'csv' })).blob(),
  };
}

export type Api = ReturnType<typeof apiClient>;

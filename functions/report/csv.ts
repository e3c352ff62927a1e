import {
  CSV_TABLES,
  type AccessReview,
  type ApiKeySummary,
  type CsvSectionSlug,
  type EncryptionInventory,
  type EvidenceReport,
  type IncidentResponse,
  type RetentionPolicy,
  type SectionDataMap,
  type VendorRegister,
} from '../schema/evidence';
import { SECTION_SLUGS } from '../schema/report';

/**
 * CSV renderers for the tabular sections (RFC 4180: CRLF line ends, fields with `,` `"` CR or LF
 * quoted, quotes doubled). Text cells that a spreadsheet could run as a formula are prefixed with a
 * single quote and always quoted (OWASP CSV injection): evidence data comes from users and must not
 * execute in an auditor's spreadsheet. A formula trigger (= + - @, tab, CR) counts at the start and
 * after any character a spreadsheet may split on (`,` `;` `|` tab, line breaks, spaces), since an
 * auditor's import may use another separator than ours. Numbers and booleans are written as they are.
 */

type Cell = string | number | boolean | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value(row: Row): Cell;
}

const FORMULA_TRIGGER = /(^|[,;|\t\r\n ])[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  const trigger = typeof value === 'string' ? FORMULA_TRIGGER.exec(text) : null;
  if (trigger) text = `'${text}`;
  // A trigger after a separator is quoted too, so no import can split the cell before it.
  const mustQuote = /[",\r\n]/.test(text) || (trigger !== null && trigger[1] !== '');
  return mustQuote ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Lists inside one cell are joined with `; ` (a comma would read as a column break to a human). */
const list = (values: readonly string[]) => values.join('; ');

type MemberRow = AccessReview['members'][number];
const MEMBER_COLUMNS: CsvColumn<MemberRow>[] = [
  { header: 'uid', value: (m) => m.uid },
  { header: 'email', value: (m) => m.email },
  { header: 'displayName', value: (m) => m.displayName },
  { header: 'role', value: (m) => m.role },
  { header: 'level', value: (m) => m.level },
  { header: 'departmentIds', value: (m) => list(m.departments.map((d) => d.id)) },
  { header: 'departmentNames', value: (m) => list(m.departments.map((d) => d.name ?? '')) },
  { header: 'permissions', value: (m) => list(m.permissions) },
  { header: 'recipesAccessible', value: (m) => m.resourceAccess.recipes },
  { header: 'workflowsAccessible', value: (m) => m.resourceAccess.workflows },
  { header: 'lastActiveAt', value: (m) => m.lastActiveAt },
  { header: 'membershipDisabled', value: (m) => m.membershipDisabled },
  { header: 'authUserExists', value: (m) => m.identity !== null },
  { header: 'authDisabled', value: (m) => m.identity?.disabled },
  { header: 'mfaEnrolled', value: (m) => m.identity?.mfaEnrolled },
  { header: 'mfaFactors', value: (m) => list(m.identity?.mfaFactors ?? []) },
  { header: 'emailVerified', value: (m) => m.identity?.emailVerified },
  { header: 'lastSignInAt', value: (m) => m.identity?.lastSignInAt },
  { header: 'providers', value: (m) => list(m.identity?.providers ?? []) },
  { header: 'flags', value: (m) => list(m.flags) },
];

/** access-review.csv: one row per member. */
export const accessReviewCsv = (data: AccessReview) => renderCsv(MEMBER_COLUMNS, data.members);

type KeyRow = ApiKeySummary['keys'][number];
const API_KEY_COLUMNS: CsvColumn<KeyRow>[] = [
  { header: 'id', value: (k) => k.id },
  { header: 'provider', value: (k) => k.provider },
  { header: 'status', value: (k) => k.status },
  { header: 'createdAt', value: (k) => k.createdAt },
  { header: 'lastUsedAt', value: (k) => k.lastUsedAt },
  { header: 'ageDays', value: (k) => k.ageDays },
  { header: 'stale', value: (k) => k.stale },
  { header: 'staleReason', value: (k) => k.staleReason },
];

/** API keys of the access review: one row per key (the stale rule is in the JSON section). */
export const apiKeysCsv = (data: AccessReview) => renderCsv(API_KEY_COLUMNS, data.apiKeys.keys);

type VendorRow = VendorRegister['vendors'][number];
const VENDOR_COLUMNS: CsvColumn<VendorRow>[] = [
  { header: 'id', value: (v) => v.id },
  { header: 'name', value: (v) => v.name },
  { header: 'service', value: (v) => v.service },
  { header: 'riskLevel', value: (v) => v.riskLevel },
  { header: 'soc2TypeIIStatus', value: (v) => v.soc2TypeII.status },
  { header: 'soc2TypeIIReportDate', value: (v) => v.soc2TypeII.reportDate },
  { header: 'otherCertifications', value: (v) => list(v.otherCertifications) },
  { header: 'dataAccess', value: (v) => list(v.dataAccess) },
  { header: 'mitigations', value: (v) => list(v.mitigations) },
  { header: 'reviewIntervalMonths', value: (v) => v.reviewIntervalMonths },
  { header: 'lastReviewDate', value: (v) => v.lastReviewDate },
  { header: 'nextReviewDate', value: (v) => v.nextReviewDate },
  { header: 'reviewOverdue', value: (v) => v.reviewOverdue },
];

export const vendorsCsv = (data: VendorRegister) => renderCsv(VENDOR_COLUMNS, data.vendors);

type ControlRow = EncryptionInventory['controls'][number];
const ENCRYPTION_COLUMNS: CsvColumn<ControlRow>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'name', value: (c) => c.name },
  { header: 'algorithm', value: (c) => c.algorithm },
  { header: 'keySizeBits', value: (c) => c.keySizeBits },
  { header: 'scope', value: (c) => c.scope },
  { header: 'appliesTo', value: (c) => c.appliesTo },
  { header: 'managedBy', value: (c) => c.managedBy },
  { header: 'sourceModule', value: (c) => c.sourceModule },
];

export const encryptionCsv = (data: EncryptionInventory) =>
  renderCsv(ENCRYPTION_COLUMNS, data.controls);

type ActionRow = { action: string; count: number };
const ACTION_COLUMNS: CsvColumn<ActionRow>[] = [
  { header: 'action', value: (r) => r.action },
  { header: 'count', value: (r) => r.count },
];

/** audit-log-summary.csv: one row per action in the window, most frequent first. */
export const auditLogSummaryCsv = (data: SectionDataMap['auditLogSummary']) =>
  renderCsv(
    ACTION_COLUMNS,
    Object.entries(data.byAction)
      .map(([action, count]) => ({ action, count }))
      .sort((a, b) => b.count - a.count || a.action.localeCompare(b.action)),
  );

type TargetRow = IncidentResponse['continuityTargets'][number];
const CONTINUITY_COLUMNS: CsvColumn<TargetRow>[] = [
  { header: 'metric', value: (t) => t.metric },
  { header: 'name', value: (t) => t.name },
  { header: 'target', value: (t) => t.target },
  { header: 'current', value: (t) => t.current },
  { header: 'unit', value: (t) => t.unit },
  { header: 'met', value: (t) => t.met },
  { header: 'measuredBy', value: (t) => t.measuredBy },
];

/** Business continuity objectives: one row per metric (RTO, RPO, MTTR). */
export const continuityTargetsCsv = (data: IncidentResponse) =>
  renderCsv(CONTINUITY_COLUMNS, data.continuityTargets);

type BackupRow = IncidentResponse['backupStrategy'][number];
const BACKUP_COLUMNS: CsvColumn<BackupRow>[] = [
  { header: 'id', value: (b) => b.id },
  { header: 'dataType', value: (b) => b.dataType },
  { header: 'frequency', value: (b) => b.frequency },
  { header: 'retention', value: (b) => b.retention },
  { header: 'retentionUnit', value: (b) => b.retentionUnit },
  { header: 'location', value: (b) => b.location },
];

export const backupsCsv = (data: IncidentResponse) =>
  renderCsv(BACKUP_COLUMNS, data.backupStrategy);

type LogClassRow = RetentionPolicy['logRetentionClasses'][number];
const LOG_RETENTION_COLUMNS: CsvColumn<LogClassRow>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'name', value: (l) => l.name },
  { header: 'contents', value: (l) => l.contents },
  { header: 'retention', value: (l) => l.retention },
  { header: 'retentionUnit', value: (l) => l.retentionUnit },
  { header: 'storage', value: (l) => l.storage },
];

export const logRetentionCsv = (data: RetentionPolicy) =>
  renderCsv(LOG_RETENTION_COLUMNS, data.logRetentionClasses);

/** `(section, table)` → renderer over that section's data; the first table is the default. */
const SECTION_TABLES: {
  [S in CsvSectionSlug]: Record<(typeof CSV_TABLES)[S][number], (data: never) => string>;
} = {
  'access-review': { members: accessReviewCsv, 'api-keys': apiKeysCsv },
  'vendor-register': { vendors: vendorsCsv },
  'encryption-inventory': { controls: encryptionCsv },
  'audit-log-summary': { actions: auditLogSummaryCsv },
  'incident-response': { 'continuity-targets': continuityTargetsCsv, backups: backupsCsv },
  'retention-policy': { 'log-retention': logRetentionCsv },
};

/** Renders one table of a section of a report (the route has validated the pair). */
export function sectionTableCsv(
  report: EvidenceReport,
  slug: CsvSectionSlug,
  table: string = CSV_TABLES[slug][0],
): string {
  const section = report.sections[SECTION_SLUGS[slug]];
  const render = (SECTION_TABLES[slug] as Record<string, (data: unknown) => string>)[table];
  if (!section || !render) throw new Error(`no table ${table} in section ${slug}`);
  return render(section.data);
}

import { durationText } from '../../domain/time';
import type { SectionDataMap } from '../../schema/evidence';
import type { SectionKey } from '../../schema/report';
import type { PdfComposer } from './composer';

/** How each of the nine report sections reads on paper: its figures, then its tables. */

/** An ISO instant as "2026-10-01 00:00 UTC"; a dash for none. */
export const when = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';

export const yesNo = (value: boolean | null | undefined): string =>
  value === null || value === undefined ? '—' : value ? 'yes' : 'no';

const list = (values: readonly string[]) => (values.length ? values.join(', ') : '—');

/** `{key: count}` as rows, largest first. */
const counts = (record: Record<string, number>) =>
  Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

const countColumns = (label: string) => [
  { header: label, width: 3, value: (r: [string, number]) => r[0] },
  { header: 'Count', width: 1, value: (r: [string, number]) => String(r[1]) },
];

async function malformedList(
  c: PdfComposer,
  malformed: readonly { path: string; problem: string }[],
): Promise<void> {
  if (malformed.length === 0) return;
  await c.heading('Stored documents that failed validation', 2);
  await c.table(
    [
      { header: 'Document', width: 2, value: (m) => m.path, fit: 'word' },
      { header: 'Problem', width: 3, value: (m) => m.problem },
    ],
    malformed,
  );
}

type SectionRenderer<K extends SectionKey> = (
  c: PdfComposer,
  data: SectionDataMap[K],
) => Promise<void>;

const accessReview: SectionRenderer<'accessReview'> = async (c, data) => {
  await c.facts([
    ['Members', String(data.totals.members)],
    ['With an identity flag', String(data.totals.flagged)],
    ['MFA enrolled', String(data.totals.mfaEnrolled)],
  ]);
  await c.heading('Members', 2);
  await c.table(
    [
      { header: 'Name', width: 2.2, value: (m) => m.displayName, fit: 'line' },
      { header: 'Email', width: 3.8, value: (m) => m.email, fit: 'word' },
      { header: 'Role (level)', width: 1.3, value: (m) => `${m.role} (${m.level})` },
      {
        header: 'Departments',
        width: 1.5,
        value: (m) => list(m.departments.map((d) => d.name ?? d.id)),
      },
      { header: 'MFA', width: 0.6, value: (m) => yesNo(m.identity?.mfaEnrolled) },
      { header: 'Last active', width: 1.4, value: (m) => when(m.lastActiveAt), fit: 'line' },
      {
        header: 'Flags',
        width: 1.6,
        value: (m) => list([...(m.membershipDisabled ? ['membership_disabled'] : []), ...m.flags]),
        fit: 'word',
      },
    ],
    data.members,
  );
  const permissionsByRole = new Map(data.members.map((m) => [m.role, m.permissions]));
  await c.heading('Roles', 2);
  await c.table(
    [
      { header: 'Role', width: 1, value: (r: [string, number]) => r[0] },
      { header: 'Members', width: 0.8, value: (r) => String(r[1]) },
      {
        header: 'Permissions',
        width: 5,
        value: (r) => list(permissionsByRole.get(r[0] as never) ?? []),
      },
    ],
    counts(data.roleDistribution),
  );
  await c.heading('API keys', 2);
  await c.paragraph(
    `${data.apiKeys.total} keys (${list(data.apiKeys.providers)}); ${data.apiKeys.stale} stale. ${data.apiKeys.staleRule}`,
    { size: 9 },
  );
  await c.table(
    [
      { header: 'Key', width: 2, value: (k) => k.id, fit: 'word' },
      { header: 'Provider', width: 1.2, value: (k) => k.provider },
      { header: 'Status', width: 1, value: (k) => k.status },
      { header: 'Created', width: 1.6, value: (k) => when(k.createdAt), fit: 'line' },
      { header: 'Last used', width: 1.6, value: (k) => when(k.lastUsedAt), fit: 'line' },
      { header: 'Age (days)', width: 0.8, value: (k) => String(k.ageDays) },
      { header: 'Stale', width: 1.4, value: (k) => (k.stale ? (k.staleReason ?? 'yes') : 'no') },
    ],
    data.apiKeys.keys,
  );
  await c.heading('Access changes, last 30 days', 2);
  await c.table(
    [
      { header: 'When', width: 1.5, value: (a) => when(a.changedAt), fit: 'line' },
      { header: 'Member', width: 1.6, value: (a) => a.uid, fit: 'word' },
      { header: 'Change', width: 0.8, value: (a) => a.kind },
      { header: 'Before', width: 1.6, value: (a) => accessState(a.before) },
      { header: 'After', width: 1.6, value: (a) => accessState(a.after) },
      { header: 'By', width: 1.3, value: (a) => a.changedBy ?? '—', fit: 'word' },
    ],
    data.recentAccessChanges,
  );
  await malformedList(c, data.malformedDocuments);
};

const accessState = (s: { role?: string; departments?: string[] }) =>
  [s.role ?? '—', s.departments?.length ? `[${s.departments.join(', ')}]` : ''].join(' ').trim();

const securityMetrics: SectionRenderer<'securityMetrics'> = async (c, data) => {
  await c.facts([
    ['Window', `${when(data.windowStart)} to ${when(data.windowEnd)} (${data.windowDays} days)`],
    ['Failed sign-in attempts', String(data.failedAuthAttempts.total)],
    ['Blocked IPs', `${data.blockedIps.active} active, ${data.blockedIps.expired} expired`],
    [
      'API key health',
      `${data.apiKeyHealth.total} keys; ${
        counts(data.apiKeyHealth.byStatus)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ') || 'none'
      }; ${data.apiKeyHealth.stale} stale`,
    ],
    ['Usage spike alerts', String(data.usageSpikes.total)],
  ]);
  await c.heading('Failed sign-in attempts per day', 2);
  await c.table(
    [
      { header: 'Day (UTC)', width: 1, value: (d) => d.date },
      { header: 'Failed attempts', width: 1, value: (d) => String(d.count) },
    ],
    data.failedAuthAttempts.byDay.filter((d) => d.count > 0),
    { empty: 'No failed attempts in the window.' },
  );
  await c.heading('Blocked IPs', 2);
  await c.table(
    [
      { header: 'IP', width: 1.4, value: (b) => b.ip, fit: 'word' },
      { header: 'Reason', width: 2.6, value: (b) => b.reason },
      { header: 'Blocked', width: 1.5, value: (b) => when(b.blockedAt), fit: 'line' },
      { header: 'Expires', width: 1.5, value: (b) => when(b.expiresAt), fit: 'line' },
      { header: 'Active', width: 0.7, value: (b) => yesNo(b.active) },
    ],
    data.blockedIps.entries,
  );
  await c.heading('Usage spike alerts', 2);
  await c.table(
    [
      { header: 'When', width: 1.5, value: (a) => when(a.timestamp), fit: 'line' },
      { header: 'Actor', width: 1.5, value: (a) => a.actorId ?? '—', fit: 'word' },
      { header: 'IP', width: 1.2, value: (a) => a.ip ?? '—' },
      { header: 'Details', width: 3, value: (a) => (a.details ? JSON.stringify(a.details) : '—') },
    ],
    data.usageSpikes.alerts,
  );
  await malformedList(c, data.malformedDocuments);
};

const encryptionInventory: SectionRenderer<'encryptionInventory'> = async (c, data) => {
  await c.paragraph(
    `${data.total} controls: ${data.atRest} protect data at rest, ${data.inTransit} in transit.`,
    { size: 9 },
  );
  await c.table(
    [
      { header: 'Control', width: 2, value: (e) => e.name },
      { header: 'Algorithm', width: 1.6, value: (e) => e.algorithm },
      {
        header: 'Key bits',
        width: 0.7,
        value: (e) => (e.keySizeBits ? String(e.keySizeBits) : '—'),
      },
      { header: 'Scope', width: 2.4, value: (e) => e.scope },
      { header: 'Applies to', width: 0.9, value: (e) => e.appliesTo },
      { header: 'Managed by', width: 1.4, value: (e) => e.managedBy },
    ],
    data.controls,
  );
};

const vendorRegister: SectionRenderer<'vendorRegister'> = async (c, data) => {
  await c.paragraph(
    `${data.total} vendors; ${data.overdueReviews} reviews overdue. By risk: ${counts(data.byRisk)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ')}.`,
    { size: 9 },
  );
  await c.table(
    [
      { header: 'Vendor', width: 1.4, value: (v) => v.name },
      { header: 'Service', width: 2.4, value: (v) => v.service },
      { header: 'Risk', width: 0.8, value: (v) => v.riskLevel },
      {
        header: 'SOC 2 Type II',
        width: 1.3,
        value: (v) =>
          `${v.soc2TypeII.status}${v.soc2TypeII.reportDate ? ` (${v.soc2TypeII.reportDate})` : ''}`,
      },
      { header: 'Data access', width: 1.8, value: (v) => list(v.dataAccess) },
      {
        header: 'Next review',
        width: 1.1,
        value: (v) => `${v.nextReviewDate}${v.reviewOverdue ? ' (overdue)' : ''}`,
      },
    ],
    data.vendors,
  );
};

const incidentResponse: SectionRenderer<'incidentResponse'> = async (c, data) => {
  await c.heading('Severities and response SLAs', 2);
  await c.table(
    [
      { header: 'Severity', width: 0.8, value: (s) => `${s.severity} ${s.name}` },
      { header: 'First response within', width: 1.2, value: (s) => `${s.responseSlaMinutes} min` },
      { header: 'Description', width: 4, value: (s) => s.description },
    ],
    data.severities,
  );
  for (const procedure of data.procedures) {
    await c.heading(
      `${procedure.name} (${procedure.phase}${procedure.severity ? `, ${procedure.severity}` : ''})`,
      2,
    );
    await c.table(
      [
        { header: '#', width: 0.3, value: (s) => String(s.order) },
        { header: 'Action', width: 3.2, value: (s) => s.action },
        { header: 'Responsible', width: 1.2, value: (s) => s.responsibleRole },
        { header: 'Within', width: 0.7, value: (s) => `${s.slaMinutes} min` },
        { header: 'Escalate when', width: 2, value: (s) => s.escalationTrigger },
      ],
      procedure.steps,
    );
  }
  await c.heading('Business continuity targets', 2);
  await c.table(
    [
      { header: 'Metric', width: 2, value: (t) => `${t.metric}: ${t.name}` },
      { header: 'Target', width: 0.8, value: (t) => durationText(t.target, t.unit) },
      { header: 'Current', width: 0.8, value: (t) => durationText(t.current, t.unit) },
      { header: 'Met', width: 0.5, value: (t) => yesNo(t.met) },
      { header: 'Measured by', width: 3.2, value: (t) => t.measuredBy },
    ],
    data.continuityTargets,
  );
  await c.heading('Backup strategy', 2);
  await c.table(
    [
      { header: 'Data', width: 2.4, value: (b) => b.dataType },
      { header: 'Frequency', width: 1.8, value: (b) => b.frequency },
      { header: 'Retention', width: 0.9, value: (b) => durationText(b.retention, b.retentionUnit) },
      { header: 'Location', width: 2.2, value: (b) => b.location },
    ],
    data.backupStrategy,
  );
};

const complianceConfig: SectionRenderer<'complianceConfig'> = async (c, data) => {
  await c.facts([
    ['Source', data.source],
    ['Frameworks', list(data.frameworks)],
    [
      'PII detection',
      `${data.piiDetection.enabled ? 'enabled' : 'disabled'}, mode ${data.piiDetection.mode}`,
    ],
    ['PII entities', list(data.piiDetection.entities)],
  ]);
};

const dataResidency: SectionRenderer<'dataResidency'> = async (c, data) => {
  await c.paragraph(`Source: ${data.source}`, { size: 9 });
  await c.table(
    [
      { header: 'Data category', width: 1, value: (r: [string, string]) => r[0] },
      { header: 'Where it may live', width: 1, value: (r) => r[1] },
    ],
    Object.entries(data.categories),
  );
};

const retentionPolicy: SectionRenderer<'retentionPolicy'> = async (c, data) => {
  await c.facts([
    ['Source', data.source],
    ['Audit events kept', `${data.auditLogDays} days`],
    ...Object.entries(data.otherPeriodsDays).map(([k, d]): [string, string] => [k, `${d} days`]),
  ]);
  await c.heading('Log retention classes', 2);
  await c.table(
    [
      { header: 'Class', width: 1.2, value: (l) => l.name },
      { header: 'Kept for', width: 0.8, value: (l) => durationText(l.retention, l.retentionUnit) },
      { header: 'Contents', width: 3, value: (l) => l.contents },
      { header: 'Storage', width: 2.2, value: (l) => l.storage },
    ],
    data.logRetentionClasses,
  );
};

const auditLogSummary: SectionRenderer<'auditLogSummary'> = async (c, data) => {
  await c.facts([
    ['Window', `${when(data.windowStart)} to ${when(data.windowEnd)} (${data.windowDays} days)`],
    ['Events', String(data.total)],
    ['Malformed events', String(data.malformed)],
    ['Malformed rollups left out', String(data.malformedRollups)],
  ]);
  await c.heading('By result', 2);
  await c.table(countColumns('Result'), counts(data.byResult));
  await c.heading('By action', 2);
  await c.table(countColumns('Action'), counts(data.byAction));
  await c.heading('Top actors', 2);
  if (data.approximateTopActors) {
    await c.paragraph(
      `Approximate: ${data.actorsOverflow} events had actors beyond the per-day bound.`,
      { size: 9 },
    );
  }
  await c.table(
    [
      { header: 'Actor', width: 2, value: (a) => a.actorId, fit: 'word' },
      { header: 'Email', width: 2.5, value: (a) => a.actorEmail ?? '—', fit: 'word' },
      { header: 'Events', width: 0.8, value: (a) => String(a.count) },
      { header: 'Last active (UTC day)', width: 1.2, value: (a) => a.lastActiveDay },
    ],
    data.topActors,
  );
};

export const SECTION_RENDERERS: { [K in SectionKey]: SectionRenderer<K> } = {
  accessReview,
  securityMetrics,
  encryptionInventory,
  vendorRegister,
  incidentResponse,
  complianceConfig,
  dataResidency,
  retentionPolicy,
  auditLogSummary,
};

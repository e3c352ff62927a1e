import { createHash } from 'node:crypto';
import type { AccessReviewsExport } from '../accessReviews/export';
import type { AccessChange } from '../schema/audit';
import { BUNDLE_FILES, type StateSnapshot } from '../schema/bundle';
import type { MalformedEntry } from '../schema/common';
import type {
  EvidenceReport,
  EvidenceSection,
  IncidentResponse,
  SectionDataMap,
} from '../schema/evidence';
import type { SectionKey } from '../schema/report';
import { durationText } from '../domain/time';
import { accessReviewCsv, encryptionCsv, vendorsCsv } from '../report/csv';
import type { Period } from './period';

/**
 * The rendered files of a bundle other than the audit log, README and manifest: report.json and
 * what derives from it, plus changes.json against the previous bundle's state.
 */

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * A section's data for diffing. A degraded section whose failure was malformed documents still
 * carries the valid ones; one that failed outright carries safe empty data that must not be read
 * as "nothing there", so it yields undefined.
 */
function trustworthy<K extends SectionKey>(
  report: EvidenceReport,
  key: K,
): SectionDataMap[K] | undefined {
  const section = report.sections[key] as EvidenceSection<K> | undefined;
  if (!section) return undefined;
  return section.status === 'ok' || section.error?.code === 'malformed_documents'
    ? (section.data as SectionDataMap[K])
    : undefined;
}

/** A section's data as served (degraded sections carry safe empty data); all nine are built. */
function dataOf<K extends SectionKey>(report: EvidenceReport, key: K): SectionDataMap[K] {
  const section = report.sections[key] as EvidenceSection<K> | undefined;
  if (!section) throw new Error(`the bundle report lacks the ${key} section`);
  return section.data as SectionDataMap[K];
}

const CATALOG_FILES = [
  BUNDLE_FILES.vendors,
  BUNDLE_FILES.encryption,
  BUNDLE_FILES.incidentResponse,
];

/** The state the next bundle diffs against, from this bundle's report and catalog files. */
export function snapshotOf(
  report: EvidenceReport,
  fileSha256: (name: string) => string | undefined,
): StateSnapshot {
  const access = trustworthy(report, 'accessReview');
  const settings = [
    trustworthy(report, 'complianceConfig'),
    trustworthy(report, 'dataResidency'),
    trustworthy(report, 'retentionPolicy'),
  ];
  return {
    members: access ? Object.fromEntries(access.members.map((m) => [m.uid, m.role])) : null,
    apiKeys: access
      ? Object.fromEntries(
          access.apiKeys.keys.map((k) => [k.id, { provider: k.provider, status: k.status }]),
        )
      : null,
    settingsSha256: settings.every(Boolean) ? sha256(JSON.stringify(settings)) : null,
    catalogs: Object.fromEntries(
      CATALOG_FILES.flatMap((name) => {
        const hash = fileSha256(name);
        return hash ? [[name, hash]] : [];
      }),
    ),
  };
}

type Unknown = { unknown: string };
const UNKNOWN_MEMBERS: Unknown = {
  unknown: 'the access review of this or the previous bundle could not be computed',
};

/** What changed between two snapshots; `previous` null means this is the account's first bundle. */
export function diffSnapshots(previous: StateSnapshot | null, current: StateSnapshot) {
  const before = previous ?? { members: {}, apiKeys: {}, settingsSha256: null, catalogs: {} };
  const members =
    before.members && current.members
      ? {
          added: Object.keys(current.members)
            .filter((uid) => !(uid in before.members!))
            .map((uid) => ({ uid, role: current.members![uid] })),
          removed: Object.keys(before.members)
            .filter((uid) => !(uid in current.members!))
            .map((uid) => ({ uid, role: before.members![uid] })),
          roleChanged: Object.keys(current.members)
            .filter(
              (uid) => uid in before.members! && before.members![uid] !== current.members![uid],
            )
            .map((uid) => ({ uid, from: before.members![uid], to: current.members![uid] })),
        }
      : UNKNOWN_MEMBERS;
  const apiKeys =
    before.apiKeys && current.apiKeys
      ? {
          created: Object.entries(current.apiKeys)
            .filter(([id]) => !(id in before.apiKeys!))
            .map(([id, k]) => ({ id, ...k })),
          revoked: Object.entries(current.apiKeys)
            .filter(
              ([id, k]) => k.status === 'revoked' && before.apiKeys![id]?.status !== 'revoked',
            )
            .map(([id, k]) => ({ id, ...k })),
          deleted: Object.entries(before.apiKeys)
            .filter(([id]) => !(id in current.apiKeys!))
            .map(([id, k]) => ({ id, ...k })),
        }
      : UNKNOWN_MEMBERS;
  return {
    members,
    apiKeys,
    settingsChanged:
      current.settingsSha256 === null || (previous && before.settingsSha256 === null)
        ? null
        : before.settingsSha256 !== current.settingsSha256,
    catalogsChanged: Object.keys(current.catalogs).filter(
      (name) => before.catalogs[name] !== current.catalogs[name],
    ),
  };
}

/** A markdown table row; a `|` inside a cell is escaped so it cannot start another column. */
const markdownRow = (cells: readonly string[]) =>
  `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;

/**
 * incident-response.md: the runbook as a document an auditor can read, with the business
 * continuity targets and backup strategy recovery relies on.
 */
export function incidentResponseMarkdown(runbook: IncidentResponse | undefined): string {
  if (!runbook) {
    return '# Incident response\n\nThe runbook could not be rendered; see report.json (incidentResponse).\n';
  }
  const lines = [
    '# Incident response',
    '',
    '## Severities',
    '',
    '| Severity | Name | First response SLA (min) | Description |',
    '|---|---|---|---|',
  ];
  for (const s of runbook.severities) {
    lines.push(markdownRow([s.severity, s.name, String(s.responseSlaMinutes), s.description]));
  }
  for (const p of runbook.procedures) {
    lines.push(
      '',
      `## ${p.name}`,
      '',
      `Phase: ${p.phase}${p.severity ? ` · Severity: ${p.severity}` : ''}`,
      '',
    );
    for (const step of p.steps) {
      lines.push(
        `${step.order}. ${step.action} — ${step.responsibleRole}, within ${step.slaMinutes} min; tools: ${step.tools.join(', ')}; escalate when: ${step.escalationTrigger}`,
      );
    }
  }
  lines.push(
    '',
    '## Business continuity targets',
    '',
    '| Metric | Target | Current | Met | Measured by |',
    '|---|---|---|---|---|',
    ...runbook.continuityTargets.map((t) =>
      markdownRow([
        `${t.metric}: ${t.name}`,
        durationText(t.target, t.unit),
        durationText(t.current, t.unit),
        t.met ? 'yes' : 'no',
        t.measuredBy,
      ]),
    ),
    '',
    '## Backup strategy',
    '',
    '| Data | Frequency | Retention | Location |',
    '|---|---|---|---|',
    ...runbook.backupStrategy.map((b) =>
      markdownRow([
        b.dataType,
        b.frequency,
        durationText(b.retention, b.retentionUnit),
        b.location,
      ]),
    ),
  );
  return `${lines.join('\n')}\n`;
}

export interface PreviousBundle {
  archiveId: string;
  periodEnd: Date;
  manifestSha256: string;
  state: StateSnapshot;
}

export interface RenderedContents {
  files: { name: string; content: Buffer }[];
  state: StateSnapshot;
}

/**
 * Renders report.json, the CSVs, incident-response.md and changes.json. `accessHistory` is the
 * role/department change log since the previous bundle (newest first, possibly truncated), with
 * the stored entries that failed their schema.
 */
export function renderContents(
  report: EvidenceReport,
  period: Period,
  previous: PreviousBundle | null,
  accessHistory: { changes: AccessChange[]; truncated: boolean; malformed: MalformedEntry[] },
): RenderedContents {
  const text = (content: string) => Buffer.from(content, 'utf8');
  const files: { name: string; content: Buffer }[] = [
    { name: BUNDLE_FILES.report, content: text(`${JSON.stringify(report, null, 2)}\n`) },
    {
      name: BUNDLE_FILES.accessReview,
      content: text(accessReviewCsv(dataOf(report, 'accessReview'))),
    },
    { name: BUNDLE_FILES.vendors, content: text(vendorsCsv(dataOf(report, 'vendorRegister'))) },
    {
      name: BUNDLE_FILES.encryption,
      content: text(encryptionCsv(dataOf(report, 'encryptionInventory'))),
    },
    {
      name: BUNDLE_FILES.incidentResponse,
      content: text(incidentResponseMarkdown(trustworthy(report, 'incidentResponse'))),
    },
  ];
  const hashes = new Map(files.map((f) => [f.name, sha256(f.content)]));
  const state = snapshotOf(report, (name) => hashes.get(name));
  const changes = {
    period: { id: period.id, start: period.start.toISOString(), end: period.end.toISOString() },
    previous: previous
      ? {
          archiveId: previous.archiveId,
          periodEnd: previous.periodEnd.toISOString(),
          manifestSha256: previous.manifestSha256,
        }
      : null,
    ...diffSnapshots(previous?.state ?? null, state),
    accessHistory,
    state,
  };
  files.push({
    name: BUNDLE_FILES.changes,
    content: Buffer.from(`${JSON.stringify(changes, null, 2)}\n`),
  });
  return { files, state };
}

/** access-reviews.json: the period's access-review campaigns, as exported (CONTRACT §9). */
export function accessReviewsFile(accessReviews: AccessReviewsExport) {
  return {
    name: BUNDLE_FILES.accessReviews,
    content: Buffer.from(`${JSON.stringify(accessReviews, null, 2)}\n`, 'utf8'),
  };
}

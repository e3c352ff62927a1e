import type { Writable } from 'node:stream';
import type { AccessReviewsExport } from '../../accessReviews/export';
import type { ComplianceExport } from '../../compliance/export';
import { CONTROLS } from '../../compliance/controlCatalog';
import { utcDaysFrom } from '../../domain/time';
import type { Control, ControlDayDoc } from '../../schema/compliance';
import type { EvidenceReport, EvidenceSection } from '../../schema/evidence';
import { SECTION_SLUGS, SECTION_TITLES, type SectionKey } from '../../schema/report';
import { COLORS, type PdfComposer } from './composer';
import { coverPage, pdfStream, renderPdf, type Chapter, type PdfDocument } from './document';
import { SECTION_RENDERERS, when, yesNo } from './sections';

/**
 * report.pdf: the evidence report for people. A cover, a table of contents with page numbers,
 * every section with its status and collection time, control results with their trend over the
 * period, findings, incidents, access reviews, evidence items, and how to verify. The chapters are
 * exported for the other documents that show the same evidence (the export by criteria, the
 * report jobs).
 */

/** What a bundle's cover states. The manifest lists this PDF, so the PDF cannot print the
 * manifest's own hash; it prints what the manifest will carry instead (see README, report.pdf). */
export interface BundleCover {
  kind: 'bundle';
  period: { id: string; start: string; end: string };
  keyId: string;
  eventCount: number;
  malformedEventCount: number;
  merkleRoot: string;
  previousManifestSha256: string | null;
  /** Files of the bundle already hashed when the PDF is rendered (report.json, compliance.json, …). */
  files: readonly { name: string; sha256: string }[];
}

/** The live report served by the API: not signed. */
export interface LiveCover {
  kind: 'live';
  /** The key the account's bundles are signed with. */
  keyId: string;
}

/** An evidence item a bundle holds (CONTRACT §10), with the hash its upload recorded. */
export interface EvidenceItemEntry {
  /** The zip entry: `evidence/<itemId>/<fileName>`. */
  file: string;
  title: string;
  criteria: readonly string[];
  /** ISO-8601. */
  effectiveAt: string;
  expiresAt: string | null;
  sha256: string;
  /** Bytes. */
  size: number;
}

export interface ReportPdfInput {
  report: EvidenceReport;
  accountName?: string;
  cover: BundleCover | LiveCover;
  /** Control results, findings and incidents of the period; absent for a one-section export. */
  compliance?: ComplianceExport;
  /** Access-review campaigns of the period (access-reviews.json); absent outside a bundle. */
  accessReviews?: AccessReviewsExport;
  /** The "how to verify" text (the bundle's README.txt). */
  howToVerify: string;
  /** The evidence items a bundle holds; absent outside bundles. */
  evidenceItems?: readonly EvidenceItemEntry[];
}

/** The PDF as a stream; a failure while rendering destroys the stream with the error. */
export const reportPdfStream = (input: ReportPdfInput) => pdfStream(reportDocument(input));

/** Writes the PDF into `sink` (not ended here), waiting on it at every page. */
export const renderReportPdf = (input: ReportPdfInput, sink: Writable) =>
  renderPdf(reportDocument(input), sink);

/** "Name (id)", or the id alone when the account's name is not known. */
export const accountLabel = (accountId: string, accountName?: string) =>
  accountName ? `${accountName} (${accountId})` : accountId;

/** A note for copies generated on request rather than sealed in a bundle. */
export const unsignedNote = (keyId: string) =>
  `none: a live copy. Quarterly bundles are signed with key ${keyId}.`;

function reportDocument(input: ReportPdfInput): PdfDocument {
  const account = accountLabel(input.report.accountId, input.accountName);
  const scope = input.cover.kind === 'bundle' ? input.cover.period.id : 'live report';
  const verify: Chapter = {
    anchor: 'verify',
    title: 'How to verify',
    status: '',
    render: (c) => c.paragraph(input.howToVerify, { size: 8.5 }),
  };
  return {
    header: `SOC 2 evidence report · ${account} · ${scope}`,
    title: `SOC 2 evidence report, ${account}, ${scope}`,
    createdAt: new Date(input.report.generatedAt),
    cover: (c) => cover(c, input, account),
    chapters: [
      ...sectionChapters(input.report),
      ...(input.compliance ? periodChapters(input.compliance, CONTROLS) : []),
      ...(input.accessReviews ? [accessReviewsChapter(input.accessReviews)] : []),
      ...(input.evidenceItems ? [evidenceItemsChapter(input.evidenceItems)] : []),
      verify,
    ],
  };
}

/** One chapter per section present in the report, in report order, with its status. */
export function sectionChapters(report: Pick<EvidenceReport, 'sections'>): Chapter[] {
  return (Object.values(SECTION_SLUGS) as SectionKey[]).flatMap((key): Chapter[] => {
    const section = report.sections[key] as EvidenceSection<SectionKey> | undefined;
    if (!section) return [];
    return [
      {
        anchor: key,
        title: SECTION_TITLES[key],
        status: section.status,
        render: (c) => sectionChapter(c, key, section),
      },
    ];
  });
}

/** Control results of `controls` with their daily trend, findings and incidents of the period. */
export function periodChapters(
  compliance: ComplianceExport,
  controls: readonly Control[],
): Chapter[] {
  return [
    {
      anchor: 'controls',
      title: 'Control results',
      status: '',
      render: (c) => controlResults(c, compliance, controls),
    },
    { anchor: 'findings', title: 'Findings', status: '', render: (c) => findings(c, compliance) },
    incidentsChapter(compliance),
  ];
}

/** Incidents open at any time in the period, with first-response SLA compliance. */
export const incidentsChapter = (
  compliance: Pick<ComplianceExport, 'incidents' | 'malformed'>,
): Chapter => ({
  anchor: 'incidents',
  title: 'Incidents',
  status: '',
  render: (c) => incidents(c, compliance),
});

async function cover(c: PdfComposer, input: ReportPdfInput, account: string): Promise<void> {
  const title = 'SOC 2 evidence report';
  const report = input.report;
  const common: [string, string][] = [
    ['Account', account],
    ['Generated at', when(report.generatedAt)],
    [
      'Report complete',
      report.complete ? 'yes, every section ok' : 'no, see the degraded sections',
    ],
  ];
  if (input.cover.kind === 'live') {
    await coverPage(c, title, account, [...common, ['Signature', unsignedNote(input.cover.keyId)]]);
    return;
  }
  const b = input.cover;
  await coverPage(
    c,
    title,
    account,
    [
      ['Account', account],
      [
        'Period',
        `${b.period.id}: ${when(b.period.start)} to ${when(b.period.end)} (end exclusive)`,
      ],
      ...common.slice(1),
      ['Signing key id', b.keyId],
      [
        'Audit events',
        `${b.eventCount} (${b.malformedEventCount} stored malformed, kept as found)`,
      ],
      ['Merkle root of audit-log.ndjson', b.merkleRoot],
      ...b.files.map((f): [string, string] => [`SHA-256 of ${f.name}`, f.sha256]),
      [
        'Previous bundle manifest SHA-256',
        b.previousManifestSha256 ?? 'none: first bundle of this account',
      ],
    ],
    { size: 8.5 },
  );
  c.space(12);
  await c.paragraph(
    'How this copy ties to its bundle: manifest.json lists this PDF with its SHA-256, so the PDF ' +
      'cannot print the manifest’s own hash. It prints what the signed manifest carries instead: ' +
      'the manifest of the same bundle names this account, period and key id, has merkle.root and ' +
      'eventCount equal to the values above, and lists each file above with the same SHA-256. ' +
      'A printed copy whose values match a manifest that verifies belongs to that bundle.',
    { size: 8.5, color: COLORS.muted },
  );
}

async function sectionChapter<K extends SectionKey>(
  c: PdfComposer,
  key: K,
  section: EvidenceSection<K>,
): Promise<void> {
  const ok = section.status === 'ok';
  await c.paragraph(`Status: ${section.status} · collected ${when(section.generatedAt)}`, {
    size: 9,
    bold: !ok,
    color: ok ? COLORS.ok : COLORS.bad,
  });
  if (section.error) {
    await c.paragraph(`${section.error.code}: ${section.error.message}`, {
      size: 9,
      color: COLORS.bad,
    });
  }
  c.space(4);
  await SECTION_RENDERERS[key](c, section.data as never);
}

const DAY_COLORS: Record<string, string> = {
  pass: COLORS.ok,
  fail: COLORS.bad,
  mixed: COLORS.warn,
  other: COLORS.muted,
  none: COLORS.none,
};

/** A day's outcome: a fail and a pass on the same day is "mixed" (a brief failure is not lost). */
function dayOutcome(day: ControlDayDoc | undefined): keyof typeof DAY_COLORS {
  if (!day) return 'none';
  const seen = new Set(day.statusesSeen);
  if (seen.has('fail')) return seen.has('pass') ? 'mixed' : 'fail';
  return seen.has('pass') ? 'pass' : 'other';
}

async function controlResults(
  c: PdfComposer,
  compliance: ComplianceExport,
  controls: readonly Control[],
): Promise<void> {
  const days = utcDaysFrom(
    new Date(compliance.periodStart),
    new Date(Date.parse(compliance.periodEnd) - 1),
  );
  const byControl = new Map<string, Map<string, ControlDayDoc>>();
  for (const result of compliance.controlResults) {
    const perDay = byControl.get(result.controlId) ?? new Map<string, ControlDayDoc>();
    perDay.set(result.day, result);
    byControl.set(result.controlId, perDay);
  }
  const rows = controls.map((control) => {
    const perDay = byControl.get(control.id) ?? new Map<string, ControlDayDoc>();
    const outcomes = days.map((day) => dayOutcome(perDay.get(day)));
    const tally = (o: string) => outcomes.filter((x) => x === o).length;
    const latestDay = [...perDay.keys()].sort().pop();
    return {
      control,
      perDay,
      outcomes,
      tally,
      latest: latestDay ? perDay.get(latestDay)!.last : null,
    };
  });
  await c.paragraph(
    `Daily results from ${days[0]} to ${days[days.length - 1]} (${days.length} days). Each square ` +
      'is a UTC day: green pass, red fail, amber a fail and a pass the same day, grey not ' +
      'applicable or inconclusive, light no stored result.' +
      (compliance.malformedControlResults
        ? ` ${compliance.malformedControlResults} stored daily results failed validation and are not shown.`
        : ''),
    { size: 9 },
  );
  await c.table(
    [
      { header: 'Control', width: 2, value: (r) => r.control.id, fit: 'word' },
      { header: 'Criteria', width: 1, value: (r) => r.control.criteria.join(', ') },
      { header: 'Latest', width: 1, value: (r) => r.latest?.status ?? 'no result' },
      { header: 'Pass days', width: 0.8, value: (r) => String(r.tally('pass')) },
      { header: 'Fail days', width: 0.8, value: (r) => String(r.tally('fail') + r.tally('mixed')) },
      { header: 'Days without result', width: 1, value: (r) => String(r.tally('none')) },
    ],
    rows,
  );
  for (const row of rows) {
    await c.heading(`${row.control.id}: ${row.control.name}`, 2);
    await c.paragraph(
      `${row.control.criteria.join(', ')} · test: ${row.control.test.description} Threshold: ${row.control.test.threshold}.`,
      { size: 8.5 },
    );
    if (row.latest) {
      await c.paragraph(
        `Latest: ${row.latest.status} at ${when(row.latest.evaluatedAt)}, measured ${String(row.latest.measured)}. ${row.latest.detail}`,
        { size: 8.5 },
      );
    }
    await c.dayStrip(row.outcomes.map((o) => DAY_COLORS[o]));
  }
}

async function findings(c: PdfComposer, compliance: ComplianceExport): Promise<void> {
  await c.paragraph(
    'Findings open at any time in the period, with their state at the period end.',
    {
      size: 9,
    },
  );
  await c.table(
    [
      { header: 'Finding', width: 3, value: (f) => f.title },
      { header: 'Control', width: 1.6, value: (f) => f.controlId, fit: 'word' },
      { header: 'Severity', width: 0.8, value: (f) => f.severity },
      { header: 'Status', width: 1, value: (f) => f.status },
      { header: 'Source', width: 0.9, value: (f) => f.source },
      { header: 'Due', width: 1, value: (f) => f.dueDate },
      { header: 'Opened', width: 1.4, value: (f) => when(f.createdAt), fit: 'line' },
    ],
    compliance.findings,
    { empty: 'No findings in the period.' },
  );
  for (const f of compliance.findings) {
    await c.heading(f.title, 2);
    await c.paragraph(f.description, { size: 8.5 });
    await c.paragraph(`Remediation plan: ${f.remediationPlan}`, { size: 8.5 });
  }
  await malformedIds(c, compliance.malformed.findings);
}

async function incidents(
  c: PdfComposer,
  compliance: Pick<ComplianceExport, 'incidents' | 'malformed'>,
): Promise<void> {
  await c.paragraph(
    'Incidents open at any time in the period, with first-response SLA compliance.',
    {
      size: 9,
    },
  );
  await c.table(
    [
      { header: 'Incident', width: 3, value: (i) => i.title },
      { header: 'Severity', width: 0.8, value: (i) => i.severity },
      { header: 'Phase', width: 1.4, value: (i) => i.phase },
      { header: 'Detected', width: 1.5, value: (i) => when(i.detectedAt), fit: 'line' },
      {
        header: 'First response',
        width: 1.5,
        value: (i) => when(i.responseSla.firstResponseAt),
        fit: 'line',
      },
      {
        header: 'SLA',
        width: 1.2,
        value: (i) => `${i.responseSla.state} (${i.responseSla.responseSlaMinutes} min)`,
      },
    ],
    compliance.incidents,
    { empty: 'No incidents in the period.' },
  );
  for (const i of compliance.incidents) {
    await c.heading(i.title, 2);
    await c.paragraph(i.description, { size: 8.5 });
    await c.paragraph(
      `Affected systems: ${i.affectedSystems.join(', ') || '—'} · SLA breached: ${yesNo(i.responseSla.breached)}`,
      {
        size: 8.5,
      },
    );
    await c.table(
      [
        { header: 'When', width: 1.4, value: (e) => when(e.at), fit: 'line' },
        { header: 'Kind', width: 1, value: (e) => e.kind },
        { header: 'By', width: 1.4, value: (e) => e.by, fit: 'word' },
        { header: 'What happened', width: 4, value: (e) => e.description },
      ],
      i.timeline,
      { empty: 'No timeline entries.' },
    );
  }
  await malformedIds(c, compliance.malformed.incidents);
}

/** The evidence items a bundle holds, each with its file name in the zip and recorded SHA-256. */
export const evidenceItemsChapter = (
  items: readonly EvidenceItemEntry[],
  intro = IN_BUNDLE_INTRO,
): Chapter => ({
  anchor: 'evidence-items',
  title: 'Evidence items',
  status: '',
  render: (c) => evidenceItems(c, items, intro),
});

const IN_BUNDLE_INTRO =
  'Evidence no system holds (reports, records, policies) effective in the period, each file in the bundle under the name shown, with the SHA-256 recorded when it was uploaded (the manifest lists the same).';

async function evidenceItems(
  c: PdfComposer,
  items: readonly EvidenceItemEntry[],
  intro: string,
): Promise<void> {
  await c.paragraph(intro, { size: 9 });
  await c.table(
    [
      { header: 'Item', width: 2.2, value: (i) => i.title },
      { header: 'Criteria', width: 1, value: (i) => i.criteria.join(', ') },
      { header: 'Effective', width: 1, value: (i) => i.effectiveAt.slice(0, 10), fit: 'line' },
      { header: 'Expires', width: 1, value: (i) => i.expiresAt?.slice(0, 10) ?? 'never' },
      {
        header: 'File and SHA-256',
        width: 3.6,
        value: (i) => `${i.file} ${i.sha256}`,
        fit: 'word',
      },
      { header: 'Bytes', width: 0.9, value: (i) => String(i.size) },
    ],
    items,
    { empty: 'No evidence items effective in the period.' },
  );
}

type Campaign = AccessReviewsExport['accessReviews'][number];
type CampaignEntry = Campaign['entries'][number];

function decisionOf(e: CampaignEntry): string {
  if (!e.decision) return 'undecided';
  const { decision, newRole } = e.decision;
  return decision === 'change_role' ? `change role to ${newRole}` : decision;
}

function followUpOf(e: CampaignEntry): string {
  if (!e.followUp) return '—';
  return e.followUp.state === 'remediated'
    ? `remediated ${when(e.followUp.remediatedAt)}`
    : 'outstanding';
}

/** The access-review campaigns active in the period, with every decision and its follow-up. */
export const accessReviewsChapter = (exported: AccessReviewsExport): Chapter => ({
  anchor: 'access-reviews',
  title: 'Access reviews',
  status: '',
  render: (c) => accessReviews(c, exported),
});

async function accessReviews(c: PdfComposer, exported: AccessReviewsExport): Promise<void> {
  await c.paragraph(
    'Access-review campaigns active in the period: the access frozen per member, each decision with its justification, the sign-off, and whether each revocation or role change was carried out.',
    { size: 9 },
  );
  if (exported.accessReviews.length === 0) {
    await c.paragraph('No access review was active in the period.', { size: 8.5 });
  }
  for (const review of exported.accessReviews) {
    await campaign(c, review);
  }
  await malformedIds(
    c,
    exported.malformed.map((m) => ({ id: m.path })),
  );
}

async function campaign(c: PdfComposer, review: Campaign): Promise<void> {
  await c.heading(review.title, 2);
  const signOff = review.signOff
    ? `Signed off ${when(review.signOff.signedOffAt)} by ${review.signOff.signedOffBy}: ${review.signOff.statement}`
    : `Open, due ${review.dueDate}${review.overdue ? ' (overdue)' : ''}.`;
  await c.paragraph(
    `Created ${when(review.createdAt)} by ${review.createdBy}; ${review.entryCount} members and ${review.apiKeys.total} API keys frozen; ${review.undecided} undecided; follow-up ${review.followUp.outstanding} outstanding, ${review.followUp.remediated} remediated. ${signOff}`,
    { size: 8.5 },
  );
  await c.table(
    [
      { header: 'Member', width: 2.4, value: (e) => e.subject.email, fit: 'word' },
      { header: 'Role', width: 1, value: (e) => e.subject.role },
      { header: 'Decision', width: 1.4, value: decisionOf },
      { header: 'Justification', width: 3, value: (e) => e.decision?.justification ?? '' },
      { header: 'By', width: 1.4, value: (e) => e.decision?.decidedBy ?? '', fit: 'word' },
      { header: 'Follow-up', width: 1.6, value: followUpOf, fit: 'line' },
    ],
    review.entries,
    { empty: 'No entries.' },
  );
}

async function malformedIds(c: PdfComposer, malformed: readonly { id: string }[]): Promise<void> {
  if (malformed.length === 0) return;
  await c.paragraph(
    `Stored but failing validation (listed, not dropped): ${malformed.map((m) => m.id).join(', ')}`,
    { size: 8.5, color: COLORS.bad },
  );
}

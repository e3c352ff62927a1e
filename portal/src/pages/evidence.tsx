import type { Api, CsvSectionSlug, CsvTable, EvidenceReport } from '../api';
import { saveBlob } from '../download';
import { utcTime, valueText } from '../format';
import { Show, useLoad } from '../load';
import { Table } from '../table';
import { SectionData } from './sectionData';

type Sections = EvidenceReport['sections'];
type SectionKey = keyof Sections;
type AccessReview = NonNullable<Sections['accessReview']>['data'];

/** The nine sections in report order, with their headings (CONTRACT §7) and `?section=` slugs. */
const SECTIONS: { key: SectionKey; slug: string; heading: string }[] = [
  { key: 'accessReview', slug: 'access-review', heading: 'Access review' },
  { key: 'securityMetrics', slug: 'security-metrics', heading: 'Security metrics' },
  { key: 'encryptionInventory', slug: 'encryption-inventory', heading: 'Encryption inventory' },
  { key: 'vendorRegister', slug: 'vendor-register', heading: 'Vendor register' },
  { key: 'incidentResponse', slug: 'incident-response', heading: 'Incident response' },
  { key: 'complianceConfig', slug: 'compliance-config', heading: 'Compliance config' },
  { key: 'dataResidency', slug: 'data-residency', heading: 'Data residency' },
  { key: 'retentionPolicy', slug: 'retention-policy', heading: 'Retention policy' },
  { key: 'auditLogSummary', slug: 'audit-log-summary', heading: 'Audit log summary' },
];

/** The API's CSV tables per section; typed against the server's list so the two cannot drift. */
const CSV_TABLES: { [S in CsvSectionSlug]: readonly CsvTable<S>[] } = {
  'access-review': ['members', 'api-keys'],
  'vendor-register': ['vendors'],
  'encryption-inventory': ['controls'],
  'audit-log-summary': ['actions'],
  'incident-response': ['continuity-targets', 'backups'],
  'retention-policy': ['log-retention'],
};

/** A link that fetches a file with the caller's token on click and saves it. */
function DownloadLink(props: { filename: string; fetch: () => Promise<Blob>; label: string }) {
  const onClick = (event: MouseEvent) => {
    event.preventDefault();
    void props.fetch().then((blob) => saveBlob(blob, props.filename));
  };
  return (
    <a href={`#${props.filename}`} onClick={onClick}>
      {props.label}
    </a>
  );
}

/** A section's downloads: its PDF, and a CSV per table where the API has tables for it. */
function SectionDownloads(props: { api: Api; accountId: string; slug: string; heading: string }) {
  const { api, accountId, slug } = props;
  const section = slug as CsvSectionSlug;
  const tables =
    slug in CSV_TABLES ? (CSV_TABLES[section] as readonly CsvTable<typeof section>[]) : [];
  return (
    <p class="downloads">
      <DownloadLink
        filename={`${accountId}-${slug}.pdf`}
        fetch={() => api.evidencePdf(accountId, slug)}
        label={`Download ${props.heading} PDF`}
      />
      {tables.map((table) => (
        <DownloadLink
          key={table}
          filename={`${accountId}-${section}-${table}.csv`}
          fetch={() => api.evidenceCsv(accountId, section, table)}
          label={`Download ${table} CSV`}
        />
      ))}
    </p>
  );
}

function AccessReviewTables({ data }: { data: AccessReview }) {
  return (
    <>
      <Table
        caption="Members"
        rows={data.members}
        rowKey={(m) => m.uid}
        columns={[
          { header: 'Email', cell: (m) => m.email },
          { header: 'Name', cell: (m) => m.displayName },
          { header: 'Role', cell: (m) => m.role },
          {
            header: 'Departments',
            cell: (m) => m.departments.map((d) => d.name ?? d.id).join(', '),
          },
          { header: 'Last active', cell: (m) => utcTime(m.lastActiveAt) },
          { header: 'MFA', cell: (m) => valueText(m.identity?.mfaEnrolled) },
          { header: 'Flags', cell: (m) => m.flags.join(', ') },
        ]}
      />
      <Table
        caption="API keys"
        rows={data.apiKeys.keys}
        rowKey={(k) => k.id}
        columns={[
          { header: 'Key', cell: (k) => k.id },
          { header: 'Provider', cell: (k) => k.provider },
          { header: 'Status', cell: (k) => k.status },
          { header: 'Created', cell: (k) => utcTime(k.createdAt) },
          { header: 'Last used', cell: (k) => utcTime(k.lastUsedAt) },
          { header: 'Age (days)', cell: (k) => k.ageDays },
          { header: 'Stale', cell: (k) => (k.stale ? `yes (${k.staleReason})` : 'no') },
        ]}
      />
    </>
  );
}

function Section(props: {
  api: Api;
  accountId: string;
  sections: Sections;
  section: (typeof SECTIONS)[number];
}) {
  const { key, slug, heading } = props.section;
  const result = props.sections[key];
  return (
    <section aria-labelledby={`section-${slug}`}>
      <h2 id={`section-${slug}`}>{heading}</h2>
      {!result ? (
        <p class="notice">Not in this report.</p>
      ) : (
        <>
          <p class={`section-status ${result.status}`}>
            Status: <strong>{result.status}</strong>; collected {utcTime(result.generatedAt)}
          </p>
          {result.error && (
            <p class="notice degraded" role="status">
              Degraded: {result.error.code}: {result.error.message}
            </p>
          )}
          <SectionDownloads
            api={props.api}
            accountId={props.accountId}
            slug={slug}
            heading={heading}
          />
          {key === 'accessReview' ? (
            <>
              <AccessReviewTables data={result.data as AccessReview} />
              <SectionData data={result.data} skip={['members', 'apiKeys']} />
            </>
          ) : (
            <SectionData data={result.data} />
          )}
        </>
      )}
    </section>
  );
}

/** `/accounts/{id}/evidence`: the nine report sections (CONTRACT §7). */
export function EvidencePage({ api, accountId }: { api: Api; accountId: string }) {
  const loaded = useLoad(accountId, () => api.evidence(accountId));
  return (
    <>
      <h1>Evidence: {accountId}</h1>
      <Show loaded={loaded}>
        {(report) => (
          <>
            <p>
              Report generated {utcTime(report.generatedAt)}
              {report.complete ? '' : '; incomplete: some sections are degraded'}.{' '}
              <DownloadLink
                filename={`${accountId}-soc2-evidence.pdf`}
                fetch={() => api.evidencePdf(accountId)}
                label="Download the report as PDF"
              />
            </p>
            {SECTIONS.map((s) => (
              <Section
                key={s.key}
                api={api}
                accountId={accountId}
                sections={report.sections}
                section={s}
              />
            ))}
          </>
        )}
      </Show>
    </>
  );
}

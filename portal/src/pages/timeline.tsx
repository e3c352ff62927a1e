import type { Api, ComplianceStatus, Finding } from '../api';
import { useLoad, type Loaded } from '../load';
import { DueDate, isUnresolved } from '../records';
import { Table } from '../table';

/** One upcoming (or overdue) date of the dashboard's timeline. */
interface Dated {
  date: string;
  kind: 'Quarterly bundle' | 'Finding due' | 'Vendor review due' | 'Access review due';
  what: string;
}

type VendorRegister = Awaited<ReturnType<Api['vendorRegister']>>;

function vendorDates(loaded: Loaded<VendorRegister>): Dated[] {
  const section = loaded.state === 'ok' ? loaded.value.sections.vendorRegister : undefined;
  if (section?.status !== 'ok') return [];
  return section.data.vendors.map((v) => ({
    date: v.nextReviewDate,
    kind: 'Vendor review due',
    what: `${v.name} (${v.riskLevel} risk)`,
  }));
}

/** Every dated obligation, earliest first, open access reviews by their due dates among them. */
function datesOf(status: ComplianceStatus, findings: Finding[], vendors: Loaded<VendorRegister>) {
  const dates: Dated[] = [
    {
      date: status.nextBundleDate,
      kind: 'Quarterly bundle',
      what: 'Next quarterly evidence bundle',
    },
    ...findings.filter(isUnresolved).map((f): Dated => ({
      date: f.dueDate,
      kind: 'Finding due',
      what: `${f.title} (${f.controlId})`,
    })),
    ...vendorDates(vendors),
    ...status.accessReviews.due.map((r): Dated => ({
      date: r.dueDate,
      kind: 'Access review due',
      what: r.title,
    })),
  ];
  return dates.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

/** The timeline of upcoming dates; the vendor register comes from the evidence API on its own. */
export function Timeline(props: {
  api: Api;
  accountId: string;
  status: ComplianceStatus;
  findings: Finding[];
}) {
  const vendors = useLoad(props.accountId, () => props.api.vendorRegister(props.accountId));
  const dates = datesOf(props.status, props.findings, vendors);
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      {vendors.state === 'loading' && <p aria-busy="true">Loading vendor reviews…</p>}
      {vendors.state === 'error' && (
        <p class="notice">Vendor reviews unavailable: {vendors.error.message}</p>
      )}
      <Table
        caption="Upcoming dates, earliest first"
        rows={dates}
        rowKey={(d, i) => `${d.date}-${i}`}
        columns={[
          { header: 'Date', cell: (d) => <DueDate day={d.date} /> },
          { header: 'What', cell: (d) => d.kind },
          { header: 'Detail', cell: (d) => d.what },
        ]}
      />
    </section>
  );
}

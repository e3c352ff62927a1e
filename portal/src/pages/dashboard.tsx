import type { Api, ComplianceStatus, ControlsResponse, Finding, GroupStatus } from '../api';
import { passedText, utcTime, valueText, words } from '../format';
import { Show, useLoad } from '../load';
import { DueDate, isUnresolved } from '../records';
import { Table } from '../table';
import { ControlHistoryCharts } from './controlHistory';
import { Timeline } from './timeline';

function StatusSummary({ status }: { status: ComplianceStatus }) {
  const groups = Object.entries(status.groups) as [string, GroupStatus][];
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <p>
        Overall status: <strong class={`verdict ${status.overall}`}>{status.overall}</strong> (
        {status.controlsPassed}/{status.controlsTotal} controls pass; evaluated{' '}
        {utcTime(status.evaluatedAt)}). Next quarterly bundle: {status.nextBundleDate}.
      </p>
      <Table
        caption="Trust Services Criteria groups"
        rows={groups}
        rowKey={([group]) => group}
        columns={[
          { header: 'Group', cell: ([group]) => group },
          {
            header: 'Status',
            cell: ([, g]) => <span class={`verdict ${g.status}`}>{g.status}</span>,
          },
          { header: 'Passed', cell: ([, g]) => passedText(g) },
          { header: 'Open findings', cell: ([, g]) => g.openFindings },
        ]}
      />
    </section>
  );
}

function Controls({ controls }: { controls: ControlsResponse['controls'] }) {
  return (
    <section aria-labelledby="controls-heading">
      <h2 id="controls-heading">Controls</h2>
      <Table
        caption="Every control with its latest automated test result"
        rows={controls}
        rowKey={(c) => c.id}
        columns={[
          { header: 'Control', cell: (c) => <code>{c.id}</code> },
          { header: 'Name', cell: (c) => c.name },
          { header: 'Criteria', cell: (c) => c.criteria.join(', ') },
          {
            header: 'Result',
            cell: (c) => (
              <span class={`verdict ${c.result?.status ?? 'none'}`}>
                {c.result?.status ?? 'not evaluated'}
              </span>
            ),
          },
          { header: 'Measured', cell: (c) => valueText(c.result?.measured) },
          { header: 'Threshold', cell: (c) => c.result?.threshold ?? c.test.threshold },
        ]}
      />
    </section>
  );
}

function OpenFindings({ findings }: { findings: Finding[] }) {
  const open = findings.filter(isUnresolved).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  return (
    <section aria-labelledby="findings-heading">
      <h2 id="findings-heading">Open findings</h2>
      {open.length === 0 ? (
        <p>No open findings.</p>
      ) : (
        <Table
          caption="Open and in-progress findings, earliest due first"
          rows={open}
          rowKey={(f) => f.id}
          columns={[
            { header: 'Finding', cell: (f) => f.title },
            { header: 'Control', cell: (f) => <code>{f.controlId}</code> },
            {
              header: 'Severity',
              cell: (f) => <span class={`severity ${f.severity}`}>{f.severity}</span>,
            },
            { header: 'Due', cell: (f) => <DueDate day={f.dueDate} /> },
            { header: 'State', cell: (f) => words(f.status) },
          ]}
        />
      )}
    </section>
  );
}

/**
 * `/accounts/{id}`: status, TSC groups, every control, its results over 90 days, open findings
 * and the timeline (CONTRACT §7). The charts load on their own, so the tables do not wait.
 */
export function DashboardPage({ api, accountId }: { api: Api; accountId: string }) {
  const loaded = useLoad(accountId, () =>
    Promise.all([api.status(accountId), api.controls(accountId), api.findings(accountId)]),
  );
  return (
    <>
      <h1>Compliance dashboard: {accountId}</h1>
      <Show loaded={loaded}>
        {([status, controls, { findings }]) => (
          <>
            <StatusSummary status={status} />
            <Controls controls={controls.controls} />
            <ControlHistoryCharts api={api} accountId={accountId} />
            <OpenFindings findings={findings} />
            <Timeline api={api} accountId={accountId} status={status} findings={findings} />
          </>
        )}
      </Show>
    </>
  );
}

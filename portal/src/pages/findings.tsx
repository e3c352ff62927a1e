import type { Api, Finding, FindingInput, FindingUpdate } from '../api';
import type { FieldSpec } from '../form';
import { words } from '../format';
import {
  DueDate,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  findingSla,
  isUnresolved,
  RecordsPage,
  type RecordKind,
} from '../records';

/** The fields a finding shares between its create and update forms, with its current values. */
const findingFields = (f?: Finding): FieldSpec[] => [
  { name: 'title', label: 'Title', required: true, value: f?.title },
  {
    name: 'severity',
    label: 'Severity',
    type: 'select',
    options: FINDING_SEVERITIES,
    value: f?.severity ?? 'medium',
  },
  { name: 'dueDate', label: 'Due date', type: 'date', required: true, value: f?.dueDate },
  {
    name: 'status',
    label: 'Status',
    type: 'select',
    options: FINDING_STATUSES,
    value: f?.status ?? 'open',
  },
  {
    name: 'description',
    label: 'Description',
    type: 'textarea',
    required: true,
    value: f?.description,
  },
  {
    name: 'remediationPlan',
    label: 'Remediation plan',
    type: 'textarea',
    required: true,
    value: f?.remediationPlan,
  },
];

function findingsKind(api: Api, accountId: string): RecordKind<Finding> {
  return {
    noun: 'finding',
    caption: 'Findings, earliest due first, with their SLA state',
    columns: [
      { header: 'Title', cell: (f) => f.title },
      { header: 'Control', cell: (f) => <code>{f.controlId}</code> },
      {
        header: 'Severity',
        cell: (f) => <span class={`severity ${f.severity}`}>{f.severity}</span>,
      },
      { header: 'Due', cell: (f) => <DueDate day={f.dueDate} resolved={!isUnresolved(f)} /> },
      { header: 'SLA', cell: findingSla },
      { header: 'Status', cell: (f) => words(f.status) },
      { header: 'Source', cell: (f) => f.source },
    ],
    load: async () => {
      const [{ findings }, { controls }] = await Promise.all([
        api.findings(accountId),
        api.controls(accountId),
      ]);
      const control: FieldSpec = {
        name: 'controlId',
        label: 'Control',
        type: 'select',
        options: controls.map((c) => c.id),
      };
      return {
        rows: [...findings].sort((a, b) => a.dueDate.localeCompare(b.dueDate)),
        createFields: [control, ...findingFields()],
      };
    },
    // The form's values are strings; the API validates each field and names the bad ones.
    create: (values) => api.createFinding(accountId, values as unknown as FindingInput),
    updateFields: findingFields,
    update: (f, values) => api.updateFinding(accountId, f.id, values as FindingUpdate),
  };
}

/** `/accounts/{id}/findings`: every finding with its SLA state; forms for level ≥ 60. */
export function FindingsPage({ api, accountId }: { api: Api; accountId: string }) {
  return <RecordsPage api={api} accountId={accountId} kind={findingsKind(api, accountId)} />;
}

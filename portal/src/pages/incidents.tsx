import type { Api, Incident, IncidentInput, IncidentUpdate } from '../api';
import type { FieldSpec, FormValues } from '../form';
import { isoOf, utcTime, words } from '../format';
import {
  INCIDENT_PHASES,
  INCIDENT_SEVERITIES,
  RecordsPage,
  TIMELINE_KINDS,
  type RecordKind,
} from '../records';

const incidentFields = (i?: Incident): FieldSpec[] => [
  { name: 'title', label: 'Title', required: true, value: i?.title },
  {
    name: 'severity',
    label: 'Severity',
    type: 'select',
    options: INCIDENT_SEVERITIES,
    value: i?.severity ?? 'P3',
  },
  {
    name: 'phase',
    label: 'Phase',
    type: 'select',
    options: INCIDENT_PHASES,
    value: i?.phase ?? 'detection_triage',
  },
  {
    name: 'description',
    label: 'Description',
    type: 'textarea',
    required: true,
    value: i?.description,
  },
  {
    name: 'affectedSystems',
    label: 'Affected systems (comma-separated)',
    value: i?.affectedSystems.join(', '),
  },
];

const CREATE_FIELDS: FieldSpec[] = [
  ...incidentFields(),
  { name: 'detectedAt', label: 'Detected at', type: 'datetime-local', required: true },
  { name: 'detectedBy', label: 'Detected by', required: true },
];

/** An update may append one timeline entry; a `response` entry is what the SLA measures. */
const ENTRY_FIELDS: FieldSpec[] = [
  {
    name: 'entryKind',
    label: 'New timeline entry: kind',
    type: 'select',
    options: ['', ...TIMELINE_KINDS],
  },
  { name: 'entryAt', label: 'New timeline entry: at', type: 'datetime-local' },
  { name: 'entryBy', label: 'New timeline entry: by' },
  { name: 'entryDescription', label: 'New timeline entry: description', type: 'textarea' },
];
const ENTRY_FIELD_OF: Record<string, string> = {
  kind: 'entryKind',
  at: 'entryAt',
  by: 'entryBy',
  description: 'entryDescription',
};

/** `timeline.0.at` is the new entry's field; any other issue path names its form field first. */
const fieldOf = (path: string) => {
  const [first, , entryField] = path.split('.');
  return first === 'timeline' ? (ENTRY_FIELD_OF[entryField] ?? 'entryKind') : first;
};

/** The form's strings as the API's fields: a list, an ISO instant, the appended entry. */
function bodyOf(values: FormValues) {
  const { affectedSystems, detectedAt, entryKind, entryAt, entryBy, entryDescription, ...rest } =
    values;
  const entry = [entryKind, entryAt, entryBy, entryDescription].some((v) => v !== undefined);
  return {
    ...rest,
    ...(affectedSystems !== undefined && {
      affectedSystems: affectedSystems
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    }),
    ...(detectedAt !== undefined && { detectedAt: isoOf(detectedAt) }),
    ...(entry && {
      timeline: [
        { kind: entryKind, at: isoOf(entryAt ?? ''), by: entryBy, description: entryDescription },
      ],
    }),
  };
}

const slaText = ({ responseSla: sla }: Incident) =>
  `${sla.state}${sla.state === 'pending' ? ` (respond by ${utcTime(sla.deadline)})` : ''}`;

function incidentsKind(api: Api, accountId: string): RecordKind<Incident> {
  return {
    noun: 'incident',
    caption: 'Incidents, latest detected first, with their response SLA',
    columns: [
      { header: 'Title', cell: (i) => i.title },
      { header: 'Severity', cell: (i) => i.severity },
      { header: 'Phase', cell: (i) => words(i.phase) },
      { header: 'Detected', cell: (i) => utcTime(i.detectedAt) },
      { header: 'First response', cell: (i) => utcTime(i.responseSla.firstResponseAt) },
      {
        header: 'Response SLA',
        cell: (i) => <span class={i.responseSla.breached ? 'overdue' : ''}>{slaText(i)}</span>,
      },
    ],
    load: async () => ({
      rows: (await api.incidents(accountId)).incidents,
      createFields: CREATE_FIELDS,
    }),
    // The API validates every field and names the bad ones; the page only reshapes the strings.
    create: (values) => api.createIncident(accountId, bodyOf(values) as IncidentInput),
    updateFields: (i) => [...incidentFields(i), ...ENTRY_FIELDS],
    update: (i, values) => api.updateIncident(accountId, i.id, bodyOf(values) as IncidentUpdate),
    fieldOf,
  };
}

/** `/accounts/{id}/incidents`: incidents with their response SLA; forms for level ≥ 60. */
export function IncidentsPage({ api, accountId }: { api: Api; accountId: string }) {
  return <RecordsPage api={api} accountId={accountId} kind={incidentsKind(api, accountId)} />;
}

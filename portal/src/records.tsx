import { useState } from 'preact/hooks';
import type { AccountEntry, Api, Finding, Incident } from './api';
import { canWriteCompliance } from './access';
import { utcToday } from './format';
import { RecordForm, type FieldSpec, type FormValues } from './form';
import { Show, useLoad } from './load';
import { Table, type Column } from './table';

/** Shared by the findings and incidents pages and the dashboard. */

/**
 * Every value of a server enum, complete by the compiler's check: the server's zod schemas are
 * not bundled, and a missing or unknown key fails this build.
 */
const allOf = <T extends string>(values: Record<T, true>) => Object.keys(values) as T[];

export const FINDING_SEVERITIES = allOf<Finding['severity']>({
  low: true,
  medium: true,
  high: true,
  critical: true,
});
export const FINDING_STATUSES = allOf<Finding['status']>({
  open: true,
  in_progress: true,
  remediated: true,
  risk_accepted: true,
});
export const INCIDENT_SEVERITIES = allOf<Incident['severity']>({
  P1: true,
  P2: true,
  P3: true,
  P4: true,
});
export const INCIDENT_PHASES = allOf<Incident['phase']>({
  detection_triage: true,
  containment: true,
  eradication_recovery: true,
  post_mortem: true,
  closed: true,
});
export const TIMELINE_KINDS = allOf<Incident['timeline'][number]['kind']>({
  response: true,
  update: true,
  note: true,
});

const UNRESOLVED: readonly Finding['status'][] = ['open', 'in_progress'];
export const isUnresolved = (f: Finding) => UNRESOLVED.includes(f.status);

/** A due date; past and unresolved it says "overdue" in words, not only in colour. */
export function DueDate({ day, resolved = false }: { day: string; resolved?: boolean }) {
  return !resolved && day < utcToday() ? <span class="overdue">{day} (overdue)</span> : <>{day}</>;
}

/** A finding's SLA: resolved, or measured against its due date (UTC days). */
export function findingSla(f: Finding): string {
  if (!isUnresolved(f)) return 'resolved';
  const today = utcToday();
  return f.dueDate < today ? 'overdue' : f.dueDate === today ? 'due today' : 'within due date';
}

export interface RecordKind<T> {
  /** e.g. "finding": headings, buttons and form names are built from it. */
  noun: string;
  caption: string;
  columns: Column<T>[];
  /** The rows and the create form's fields (whose choices may come from the API too). */
  load: () => Promise<{ rows: T[]; createFields: FieldSpec[] }>;
  create: (values: FormValues) => Promise<unknown>;
  updateFields: (row: T) => FieldSpec[];
  update: (row: T, values: FormValues) => Promise<unknown>;
  /** Which form field an API issue path is about, where it is not its first segment. */
  fieldOf?: (path: string) => string;
}

const capitalized = (s: string) => s[0].toUpperCase() + s.slice(1);

/**
 * A list with create and update forms for callers whose role allows writing, read-only otherwise;
 * the API decides either way (a refused write shows its error beside the form).
 */
export function RecordsPage<T extends { id: string; title: string }>(props: {
  api: Api;
  accountId: string;
  kind: RecordKind<T>;
}) {
  const { api, accountId, kind } = props;
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<T | null>(null);
  const loaded = useLoad(`${accountId}:${version}`, () =>
    Promise.all([api.accounts(), kind.load()]),
  );
  const saved = () => {
    setEditing(null);
    setVersion((v) => v + 1);
  };
  const noun = capitalized(kind.noun);
  return (
    <>
      <h1>
        {noun}s: {accountId}
      </h1>
      <Show loaded={loaded}>
        {([{ accounts }, { rows, createFields }]) => {
          const writable = canWriteCompliance(accounts as AccountEntry[], accountId);
          const edit: Column<T> = {
            header: 'Change',
            cell: (row) => (
              <button
                type="button"
                aria-label={`Edit ${row.title}`}
                onClick={() => setEditing(row)}
              >
                Edit
              </button>
            ),
          };
          return (
            <>
              {rows.length === 0 ? (
                <p>No {kind.noun}s yet.</p>
              ) : (
                <Table
                  caption={kind.caption}
                  rows={rows}
                  rowKey={(r) => r.id}
                  columns={writable ? [...kind.columns, edit] : kind.columns}
                />
              )}
              {!writable && (
                <p>Read-only: your role in this account cannot create or change {kind.noun}s.</p>
              )}
              {writable && editing && (
                <RecordForm
                  key={`${editing.id}:${version}`}
                  id={`edit-${kind.noun}`}
                  title={`Update ${kind.noun}: ${editing.title}`}
                  fields={kind.updateFields(editing)}
                  submitLabel={`Save ${kind.noun}`}
                  send="changed"
                  onSubmit={(values) => kind.update(editing, values)}
                  fieldOf={kind.fieldOf}
                  onSaved={saved}
                />
              )}
              {writable && (
                <RecordForm
                  id={`new-${kind.noun}`}
                  title={`New ${kind.noun}`}
                  fields={createFields}
                  submitLabel={`Create ${kind.noun}`}
                  send="all"
                  onSubmit={kind.create}
                  fieldOf={kind.fieldOf}
                  onSaved={saved}
                />
              )}
            </>
          );
        }}
      </Show>
    </>
  );
}

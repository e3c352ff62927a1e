import type { InputHTMLAttributes } from 'preact';
import { useState } from 'preact/hooks';
import type { AccountEntry, Api, EvidenceItem, EvidenceItemInput } from '../api';
import { canWriteCompliance } from '../access';
import { followSignedUrl } from '../download';
import { fieldErrors } from '../form';
import { byteSize, utcTime, words } from '../format';
import { Show, useLoad } from '../load';
import { Table } from '../table';

/**
 * `/accounts/{id}/evidence-items` (CONTRACT §10): evidence no system holds, with the SHA-256 the
 * server recorded, the date it speaks for and its expiry (expired said in words); level ≥ 60
 * registers an item and uploads its file, everyone else with `audit:read` reads and downloads.
 */

const KINDS: readonly (EvidenceItem['kind'] & string)[] = [
  'security_awareness_training',
  'risk_assessment',
  'vulnerability_scan',
  'penetration_test',
  'information_security_policy',
];

/** A `YYYY-MM-DD` date input as the start of that UTC day. */
const dayStart = (day: string) => (day ? `${day}T00:00:00.000Z` : undefined);

function Expiry({ item }: { item: EvidenceItem }) {
  if (!item.expiresAt) return <>never</>;
  const day = item.expiresAt.slice(0, 10);
  return item.expired ? <span class="overdue">{day} (expired)</span> : <>{day}</>;
}

/** An item still waiting for its file: a file input and an Upload button in its row. */
function UploadCell(props: {
  api: Api;
  accountId: string;
  item: EvidenceItem;
  onDone: () => void;
}) {
  const [error, setError] = useState<string>();
  const id = `upload-${props.item.id}`;
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const file = new FormData(event.currentTarget as HTMLFormElement).get('file');
    if (!(file instanceof File) || file.size === 0) return setError('Choose a file.');
    try {
      await props.api.uploadEvidenceItem(props.accountId, props.item, file);
      props.onDone();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <form onSubmit={onSubmit} aria-label={`Upload ${props.item.title}`}>
      <label for={id}>File for {props.item.title}</label>
      <input id={id} type="file" name="file" required />
      <button type="submit">Upload</button>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

function ItemTable(props: {
  api: Api;
  accountId: string;
  items: EvidenceItem[];
  writable: boolean;
  onChange: () => void;
}) {
  const { api, accountId } = props;
  const download = (item: EvidenceItem) =>
    followSignedUrl(() => api.evidenceItemDownload(accountId, item.id));
  return (
    <Table
      caption="Evidence items, newest effective date first"
      rows={props.items}
      rowKey={(i) => i.id}
      columns={[
        { header: 'Title', cell: (i) => i.title },
        { header: 'Criteria', cell: (i) => i.criteria.join(', ') },
        { header: 'Kind', cell: (i) => (i.kind ? words(i.kind) : '—') },
        { header: 'Effective', cell: (i) => i.effectiveAt.slice(0, 10) },
        { header: 'Expires', cell: (i) => <Expiry item={i} /> },
        { header: 'State', cell: (i) => words(i.state) },
        { header: 'SHA-256', cell: (i) => (i.sha256 ? <code>{i.sha256}</code> : '—') },
        { header: 'Size', cell: (i) => (i.size === null ? '—' : byteSize(i.size)) },
        { header: 'Stored', cell: (i) => utcTime(i.storedAt) },
        {
          header: 'File',
          cell: (i) =>
            i.state === 'stored' ? (
              <a href={`#download-${i.id}`} onClick={download(i)}>
                Download {i.fileName}
              </a>
            ) : props.writable ? (
              <UploadCell api={api} accountId={accountId} item={i} onDone={props.onChange} />
            ) : (
              'awaiting upload'
            ),
        },
      ]}
    />
  );
}

const FIELDS = [
  { name: 'title', label: 'Title', type: 'text', required: true },
  {
    name: 'criteria',
    label: 'Criteria (comma-separated, e.g. CC4.1, CC7.1)',
    type: 'text',
    required: true,
  },
  { name: 'effectiveAt', label: 'Effective date', type: 'date', required: true },
  { name: 'expiresAt', label: 'Expiry date', type: 'date', required: false },
] as const;

/** Registers the item from the chosen file's name and type, then uploads the file. */
function RegisterForm(props: { api: Api; accountId: string; onSaved: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const byField = fieldErrors(error, (path) => path.split('.')[0]);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const file = data.get('file') as File;
    const input: EvidenceItemInput = {
      title: text('title'),
      criteria: text('criteria')
        .split(/[\s,]+/)
        .filter(Boolean),
      ...(text('kind') ? { kind: text('kind') as EvidenceItemInput['kind'] } : {}),
      effectiveAt: dayStart(text('effectiveAt'))!,
      ...(text('expiresAt') ? { expiresAt: dayStart(text('expiresAt')) } : {}),
      fileName: file.name,
      contentType: file.type || 'application/octet-stream',
    };
    setBusy(true);
    try {
      const item = await props.api.createEvidenceItem(props.accountId, input);
      await props.api.uploadEvidenceItem(props.accountId, item, file);
      setError(null);
      form.reset();
      props.onSaved();
    } catch (caught) {
      // No reload here: it would take the message away. A registered item whose upload failed
      // shows in the list (with its own upload button) on the next visit.
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const describedBy = (name: string) =>
    byField[name] ? { 'aria-invalid': true, 'aria-describedby': `new-item-${name}-error` } : {};
  return (
    <form class="record" aria-labelledby="new-item-legend" onSubmit={onSubmit}>
      <fieldset>
        <legend id="new-item-legend">Register an evidence item</legend>
        {FIELDS.map((f) => (
          <div class="field" key={f.name}>
            <label for={`new-item-${f.name}`}>{f.label}</label>
            {/* Preact types each input `type` apart; one chosen per field needs the widened props. */}
            <input
              {...({
                id: `new-item-${f.name}`,
                name: f.name,
                type: f.type,
                required: f.required,
                ...describedBy(f.name),
              } as InputHTMLAttributes<HTMLInputElement>)}
            />
            {byField[f.name] && (
              <span class="field-error" id={`new-item-${f.name}-error`}>
                {byField[f.name]}
              </span>
            )}
          </div>
        ))}
        <div class="field">
          <label for="new-item-kind">Kind</label>
          <select id="new-item-kind" name="kind" {...describedBy('kind')}>
            <option value="">(none)</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {words(k)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="new-item-file">File (at most 25 MiB)</label>
          <input id="new-item-file" name="file" type="file" required {...describedBy('fileName')} />
          {(byField.fileName ?? byField.contentType) && (
            <span class="field-error" id="new-item-fileName-error">
              {byField.fileName ?? byField.contentType}
            </span>
          )}
        </div>
        <button type="submit" disabled={busy}>
          Register and upload
        </button>
        {error !== null && (
          <p class="notice" role="alert">
            Not saved: {error instanceof Error ? error.message : String(error)}
          </p>
        )}
      </fieldset>
    </form>
  );
}

export function EvidenceItemsPage({ api, accountId }: { api: Api; accountId: string }) {
  const [version, setVersion] = useState(0);
  const loaded = useLoad(`${accountId}:${version}`, () =>
    Promise.all([api.accounts(), api.evidenceItems(accountId)]),
  );
  const reload = () => setVersion((v) => v + 1);
  return (
    <>
      <h1>Evidence items: {accountId}</h1>
      <Show loaded={loaded}>
        {([{ accounts }, { items }]) => {
          const writable = canWriteCompliance(accounts as AccountEntry[], accountId);
          return (
            <>
              {items.length === 0 ? (
                <p>No evidence items yet.</p>
              ) : (
                <ItemTable
                  api={api}
                  accountId={accountId}
                  items={items}
                  writable={writable}
                  onChange={reload}
                />
              )}
              {writable ? (
                <RegisterForm api={api} accountId={accountId} onSaved={reload} />
              ) : (
                <p>
                  Read-only: your role in this account cannot register or upload evidence items.
                </p>
              )}
            </>
          );
        }}
      </Show>
    </>
  );
}

import type { Api, AuditEvent, AuditLogQuery } from '../api';
import { isoOf, localOf, utcTime } from '../format';
import { Show, useLoad } from '../load';
import { auditLogPath, navigate } from '../routes';
import { Table } from '../table';

/** The URL's query parameters the page keeps (filters and paging), as the API names them. */
const KEYS = ['actorId', 'action', 'result', 'start', 'end', 'pageSize', 'pageToken'] as const;
const RESULTS = ['success', 'failure', 'denied'] as const;

/** The page's state from the URL's query string; unknown and empty parameters are dropped. */
function queryOf(search: string): AuditLogQuery {
  const params = new URLSearchParams(search);
  const query: AuditLogQuery = {};
  for (const key of KEYS) {
    const value = params.get(key);
    if (value) query[key] = value;
  }
  return query;
}

function searchOf(query: AuditLogQuery): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (query[key]) params.set(key, query[key]);
  const search = params.toString();
  return search ? `?${search}` : '';
}

function Filters({
  query,
  onApply,
}: {
  query: AuditLogQuery;
  onApply: (q: AuditLogQuery) => void;
}) {
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    onApply({
      actorId: text('actorId'),
      action: text('action'),
      result: text('result'),
      start: isoOf(text('start') ?? ''),
      end: isoOf(text('end') ?? ''),
      pageSize: query.pageSize,
    });
  };
  return (
    <form class="filters" aria-label="Filters" onSubmit={onSubmit}>
      <label>
        Actor <input name="actorId" defaultValue={query.actorId ?? ''} />
      </label>
      <label>
        Action <input name="action" defaultValue={query.action ?? ''} />
      </label>
      <label>
        Result {/* Preact sets no `defaultValue` on a select: the option says it is selected. */}
        <select name="result">
          <option value="">any</option>
          {RESULTS.map((r) => (
            <option key={r} value={r} selected={query.result === r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        From <input type="datetime-local" name="start" defaultValue={localOf(query.start)} />
      </label>
      <label>
        To <input type="datetime-local" name="end" defaultValue={localOf(query.end)} />
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}

function Events({ events }: { events: AuditEvent[] }) {
  return (
    <Table
      caption="Audit events, newest first"
      rows={events}
      rowKey={(e) => e.id}
      columns={[
        { header: 'Time', cell: (e) => utcTime(e.timestamp) },
        { header: 'Actor', cell: (e) => e.actorId },
        { header: 'Action', cell: (e) => e.action },
        {
          header: 'Resource',
          cell: (e) => (e.resourceId ? `${e.resourceType}/${e.resourceId}` : e.resourceType),
        },
        { header: 'Result', cell: (e) => e.result },
      ]}
    />
  );
}

/**
 * `/accounts/{id}/audit-log`: the account's audit events, newest first, filtered (CONTRACT §7).
 * The filters and the page cursor live in the URL, so reloads and deep links keep them.
 */
export function AuditLogPage(props: { api: Api; accountId: string; query: string }) {
  const { api, accountId } = props;
  const query = queryOf(props.query);
  const search = searchOf(query);
  const loaded = useLoad(`${accountId}${search}`, () => api.auditLogs(accountId, query));
  const go = (next: AuditLogQuery) => navigate(`${auditLogPath(accountId)}${searchOf(next)}`);
  return (
    <>
      <h1>Audit log: {accountId}</h1>
      <Filters key={search} query={query} onApply={go} />
      <Show loaded={loaded}>
        {(page) => (
          <>
            <Events events={page.events} />
            {page.nextPageToken && (
              <button
                type="button"
                onClick={() => go({ ...query, pageToken: page.nextPageToken! })}
              >
                Next page
              </button>
            )}
          </>
        )}
      </Show>
    </>
  );
}

import type { StreamedAuditEvent } from '../audit/events';
import { renderCsv, type CsvColumn } from '../report/csv';

/**
 * Where the period's events come from (audit/events.ts in production, a generator in benchmarks).
 * A document that fails the audit-log schema still becomes a line — nothing vanishes from the
 * evidence: its raw data under `raw`, marked `"malformed": true`, with the reason.
 */
export type AuditEventSource = (
  accountId: string,
  periodStart: Date,
  periodEnd: Date,
) => AsyncIterable<StreamedAuditEvent>;

/**
 * Firestore values as plain JSON: Timestamps and Dates become ISO-8601 strings, document
 * references their path. Anything else JSON already knows.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  const v = value as { toDate?: unknown; path?: unknown; firestore?: unknown };
  if (typeof v.toDate === 'function') return (v.toDate as () => Date).call(value).toISOString();
  if (typeof v.path === 'string' && v.firestore !== undefined) return v.path;
  if (Array.isArray(value)) return value.map(toPlainJson);
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, toPlainJson(x)]));
}

/** The exact bytes of one audit-log.ndjson line, without the newline (the Merkle leaf). */
export function auditLine(item: StreamedAuditEvent): string {
  if ('event' in item)
    return JSON.stringify({ id: item.id, ...(toPlainJson(item.event) as object) });
  return JSON.stringify({
    id: item.id,
    malformed: true,
    problem: item.malformed.message,
    raw: toPlainJson(item.raw),
  });
}

/**
 * Exact counts for audit-log-summary.csv over the bundle's own period (the live report's summary
 * covers a rolling 30 days instead). Memory grows with distinct actions and actors, not events.
 */
export class AuditLogTally {
  total = 0;
  malformed = 0;
  private readonly byAction = new Map<string, number>();
  private readonly byResult = new Map<string, number>();
  private readonly byActor = new Map<string, number>();

  add(item: StreamedAuditEvent): void {
    this.total++;
    if (!('event' in item)) {
      this.malformed++;
      return;
    }
    const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    bump(this.byAction, item.event.action);
    bump(this.byResult, item.event.result);
    bump(this.byActor, item.event.actorId);
  }

  toCsv(): string {
    const sorted = (dimension: string, map: Map<string, number>): TallyRow[] =>
      [...map]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([value, count]) => ({ dimension, value, count }));
    return renderCsv(TALLY_COLUMNS, [
      { dimension: 'total', value: 'all events', count: this.total },
      {
        dimension: 'malformed',
        value: 'stored as found, see audit-log.ndjson',
        count: this.malformed,
      },
      ...sorted('action', this.byAction),
      ...sorted('result', this.byResult),
      ...sorted('actor', this.byActor),
    ]);
  }
}

type TallyRow = { dimension: string; value: string; count: number };
const TALLY_COLUMNS: CsvColumn<TallyRow>[] = [
  { header: 'dimension', value: (r) => r.dimension },
  { header: 'value', value: (r) => r.value },
  { header: 'count', value: (r) => r.count },
];

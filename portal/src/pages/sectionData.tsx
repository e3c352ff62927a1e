import { valueText } from '../format';
import { Table } from '../table';

type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const label = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** Rows of objects as a table, one column per key of the first row. */
function RowsTable({ caption, rows }: { caption: string; rows: Row[] }) {
  const keys = Object.keys(rows[0]);
  return (
    <Table
      caption={caption}
      rows={rows}
      rowKey={(_, i) => String(i)}
      columns={keys.map((key) => ({ header: label(key), cell: (row: Row) => valueText(row[key]) }))}
    />
  );
}

/**
 * Any section's data, readably: facts as a definition list, lists of records as tables. The
 * sections with dedicated views (access review) use it only for what those do not show.
 */
export function SectionData({ data, skip = [] }: { data: Row; skip?: string[] }) {
  const entries = Object.entries(data).filter(([key]) => !skip.includes(key));
  const facts = entries.filter(([, v]) => !(Array.isArray(v) && v.length > 0 && isRow(v[0])));
  const tables = entries.filter(([, v]) => Array.isArray(v) && v.length > 0 && isRow(v[0]));
  return (
    <>
      <dl>
        {facts.map(([key, value]) => (
          <div key={key}>
            <dt>{label(key)}</dt>
            <dd>{isRow(value) ? <SectionData data={value} /> : valueText(value)}</dd>
          </div>
        ))}
      </dl>
      {tables.map(([key, rows]) => (
        <RowsTable key={key} caption={label(key)} rows={rows as Row[]} />
      ))}
    </>
  );
}

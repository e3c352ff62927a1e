import { CATALOGS } from '../../../functions/catalogs';
import { csvCell, renderCsv, sectionTableCsv } from '../../../functions/report/csv';
import { sampleReport } from '../../support/reportFixtures';

describe('CSV rendering', () => {
  it('quotes fields holding commas, quotes or line breaks, doubling the quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('defuses text that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('defuses a formula that follows any separator an import might split on (OWASP)', () => {
    expect(csvCell('x;=1+1')).toBe(`"'x;=1+1"`);
    expect(csvCell('x,=1+1')).toBe(`"'x,=1+1"`);
    expect(csvCell('x|@SUM(A1)')).toBe(`"'x|@SUM(A1)"`);
    expect(csvCell('x\t-2+3')).toBe(`"'x\t-2+3"`);
    expect(csvCell('x\n+cmd')).toBe(`"'x\n+cmd"`);
    expect(csvCell('a; =HYPERLINK("http://x")')).toBe(`"'a; =HYPERLINK(""http://x"")"`);
    expect(csvCell('audit:read; audit:export')).toBe('audit:read; audit:export');
    expect(csvCell('2026-12-01T00:00:00.000Z')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('writes numbers, booleans and empty values as they are', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('ends every record, the header included, with CRLF', () => {
    const csv = renderCsv(
      [
        { header: 'name', value: (r: { name: string; n: number }) => r.name },
        { header: 'n', value: (r: { name: string; n: number }) => r.n },
      ],
      [
        { name: 'x, y', n: 1 },
        { name: '=1+1', n: 2 },
      ],
    );
    expect(csv).toBe('name,n\r\n"x, y",1\r\n\'=1+1,2\r\n');
  });
});

describe('catalog tables as CSV', () => {
  const report = sampleReport('acme');

  it('writes one row per continuity target with target, current, unit and whether it is met', () => {
    const lines = sectionTableCsv(report, 'incident-response', 'continuity-targets').split('\r\n');
    expect(lines[0]).toBe('metric,name,target,current,unit,met,measuredBy');
    expect(lines[1]).toMatch(/^RTO,Recovery time objective,4,2\.5,hours,true,/);
    expect(lines.filter(Boolean)).toHaveLength(1 + CATALOGS.businessContinuity.targets.length);
  });

  it('writes the backup strategy per data type with frequency, retention and location', () => {
    const csv = sectionTableCsv(report, 'incident-response', 'backups');
    expect(csv.split('\r\n')[0]).toBe('id,dataType,frequency,retention,retentionUnit,location');
    for (const b of CATALOGS.businessContinuity.backups) expect(csv).toContain(b.id);
  });

  it('writes the log retention classes with their periods', () => {
    const lines = sectionTableCsv(report, 'retention-policy', 'log-retention').split('\r\n');
    expect(lines[0]).toBe('id,name,contents,retention,retentionUnit,storage');
    expect(lines.slice(1, 5).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual([
      'security-events Security events',
      'access-logs Access logs',
      'application Application logs',
      'debug Debug logs',
    ]);
    expect(lines[1]).toMatch(/,7,years,/);
  });
});

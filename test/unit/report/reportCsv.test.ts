import { csvCell, renderCsv } from '../../../functions/report/csv';

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

import type { Writable } from 'node:stream';
import { fontRuns, loadPdfKit, reportFonts, type FontFace } from './fonts';

/**
 * A small page-layout engine over pdfkit for reports: a cursor that moves down the page, text
 * wrapped by this module (so every line's height is known before it is drawn and mixed-script
 * runs share one baseline), tables whose header repeats on each page, a header and a page number
 * on every page, and named destinations for the table of contents.
 *
 * Pages are written out as they are finished (pdfkit without page buffering): at each page break
 * the composer waits until the destination has taken what was written, so a table of 100,000 rows
 * costs one page of memory, not the document.
 */

const PAGE = { width: 595.28, height: 841.89, margin: 48, headerY: 26, footerY: 818 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
/** Below this, a cell's text is broken instead of shrunk further. */
const MIN_FIT_SIZE = 4;
/** Cells taller than this are cut with an ellipsis (long prose belongs in paragraphs). */
const MAX_CELL_LINES = 12;
/** Widths at size 1 by face and text, shared by both passes; cleared when it grows past this. */
const WIDTH_CACHE_LIMIT = 200_000;
const unitWidths = new Map<string, number>();

export const COLORS = {
  text: '#1a1a1a',
  muted: '#5f6368',
  rule: '#c8ccd0',
  headerFill: '#eef1f4',
  ok: '#1e7e34',
  bad: '#b3261e',
  warn: '#c77700',
  none: '#e3e6e8',
  link: '#0b57d0',
} as const;

export interface TextStyle {
  size?: number;
  bold?: boolean;
  color?: string;
}

export interface Column<Row> {
  header: string;
  /** Share of the table width (the shares of a table's columns are normalised). */
  width: number;
  value(row: Row): string;
  /**
   * Shrink the font rather than break: `word` until the longest word fits (emails, ids, hashes),
   * `line` until the whole value fits on one line (dates).
   */
  fit?: 'word' | 'line';
}

export interface PageFrame {
  /** Left of every page's header, e.g. "SOC 2 evidence report · acme · 2026-Q3". */
  header: string;
  /** Total page count, known on the second pass; the first pass prints "Page N". */
  totalPages?: number;
}

const lineHeight = (size: number) => size * 1.35;

/** Words with their trailing spaces; each CJK ideograph or kana is a word of its own. */
const TOKEN =
  /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+/gu;

export class PdfComposer {
  readonly doc: PDFKit.PDFDocument;
  /** Named destination → page number (1-based) where it was placed. */
  readonly anchors = new Map<string, number>();
  page = 0;
  private y = PAGE.margin;
  private readonly frame: PageFrame;
  private readonly sink: Writable | null;

  /**
   * @param sink where the PDF bytes go; null to lay out only (the counting pass), in which case
   *   the bytes are discarded as they come.
   */
  constructor(frame: PageFrame, sink: Writable | null, info: { title: string; createdAt: Date }) {
    this.frame = frame;
    this.sink = sink;
    const PDFDocument = loadPdfKit();
    this.doc = new PDFDocument({
      size: 'A4',
      margin: 0,
      autoFirstPage: false,
      // Dates fixed by the caller: the same report renders to the same bytes.
      info: { Title: info.title, Creator: 'soc2-evidence', CreationDate: info.createdAt },
      displayTitle: true,
    });
    const fonts = reportFonts();
    for (const [face, bytes] of Object.entries(fonts.files)) this.doc.registerFont(face, bytes);
    if (sink) this.doc.on('data', (chunk: Buffer) => sink.write(chunk));
    else this.doc.resume();
  }

  get usableWidth(): number {
    return CONTENT_WIDTH;
  }

  /** Width of `text` as drawn with `style` (its runs in their fonts). Widths scale with size. */
  measure(text: string, style: TextStyle = {}): number {
    const size = style.size ?? 10;
    let width = 0;
    for (const run of fontRuns(text, style.bold)) width += this.unitWidth(run.face, run.text);
    return width * size;
  }

  private unitWidth(face: FontFace, text: string): number {
    const key = `${face}\u0000${text}`;
    let width = unitWidths.get(key);
    if (width === undefined) {
      if (unitWidths.size >= WIDTH_CACHE_LIMIT) unitWidths.clear();
      width = this.doc.font(face).fontSize(1).widthOfString(text);
      unitWidths.set(key, width);
    }
    return width;
  }

  /** Lines of `text` no wider than `width`; a word wider than a line is broken between characters. */
  wrap(text: string, width: number, style: TextStyle = {}): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (const token of paragraph.match(TOKEN) ?? []) {
        let tokenWidth = this.measure(token.trimEnd(), style);
        if (line !== '' && lineWidth + tokenWidth > width) {
          lines.push(line.trimEnd());
          line = '';
          lineWidth = 0;
        }
        let rest = token;
        while (tokenWidth > width) {
          const [head, tail] = this.splitToFit(rest, width, style);
          lines.push(head);
          rest = tail;
          tokenWidth = this.measure(rest.trimEnd(), style);
        }
        line += rest;
        lineWidth += this.measure(rest, style);
      }
      lines.push(line.trimEnd());
    }
    return lines;
  }

  /**
   * The longest prefix (by characters, at least one) that fits in `width`, and the rest. Summed
   * per character (kerning ignored): measuring every prefix would lay out each one anew.
   */
  private splitToFit(text: string, width: number, style: TextStyle): [string, string] {
    const chars = [...text];
    let take = 1;
    let used = this.measure(chars[0], style);
    while (take < chars.length) {
      used += this.measure(chars[take], style);
      if (used > width) break;
      take += 1;
    }
    return [chars.slice(0, take).join(''), chars.slice(take).join('')];
  }

  /** Draws one line with its baseline at `baseline`, each run in its own font. */
  drawLine(text: string, x: number, baseline: number, style: TextStyle = {}): number {
    const size = style.size ?? 10;
    this.doc.fillColor(style.color ?? COLORS.text);
    let at = x;
    for (const run of fontRuns(text, style.bold)) {
      this.doc.font(run.face as FontFace).fontSize(size);
      this.doc.text(run.text, at, baseline, { lineBreak: false, baseline: 'alphabetic' });
      at += this.unitWidth(run.face, run.text) * size;
    }
    return at - x;
  }

  /** Starts a page: header, page number, cursor at the top. Waits for the sink to drain first. */
  async newPage(): Promise<void> {
    await this.drain();
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.page += 1;
    this.y = PAGE.margin;
    const small = { size: 7.5, color: COLORS.muted };
    this.drawLine(this.frame.header, PAGE.margin, PAGE.headerY, small);
    this.doc
      .moveTo(PAGE.margin, PAGE.headerY + 5)
      .lineTo(PAGE.width - PAGE.margin, PAGE.headerY + 5)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
    const number = this.frame.totalPages
      ? `Page ${this.page} of ${this.frame.totalPages}`
      : `Page ${this.page}`;
    this.drawLine(
      number,
      PAGE.width - PAGE.margin - this.measure(number, small),
      PAGE.footerY,
      small,
    );
  }

  /** Lets written pages reach the sink: yields to the event loop, then waits while it is full. */
  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const sink = this.sink;
    if (!sink?.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        sink.off('drain', onDrain);
        sink.off('close', onClose);
        sink.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () =>
        settle(new Error('the PDF destination closed before the document ended'));
      sink.on('drain', onDrain);
      sink.on('close', onClose);
      sink.on('error', settle);
    });
  }

  /** Makes room for `height` points, on a new page if this one cannot hold them. */
  async ensure(height: number): Promise<void> {
    if (this.page === 0 || this.y + height > BOTTOM) await this.newPage();
  }

  space(points: number): void {
    this.y += points;
  }

  /** Wrapped text; breaks across pages between lines. */
  async paragraph(text: string, style: TextStyle = {}, indent = 0): Promise<void> {
    const size = style.size ?? 10;
    for (const line of this.wrap(text, CONTENT_WIDTH - indent, style)) {
      await this.ensure(lineHeight(size));
      this.drawLine(line, PAGE.margin + indent, this.y + size, style);
      this.y += lineHeight(size);
    }
  }

  /**
   * A heading, registered as a named destination and a bookmark (outline item) and recorded in
   * `anchors` with its page, for the table of contents.
   */
  async heading(text: string, level: 1 | 2, anchor?: string): Promise<void> {
    const size = level === 1 ? 16 : 12;
    if (level === 1) await this.newPage();
    else await this.ensure(lineHeight(size) * 3);
    this.space(level === 1 ? 0 : 6);
    if (anchor) {
      this.doc.addNamedDestination(anchor, 'XYZ', PAGE.margin, PAGE.height - this.y, null);
      this.anchors.set(anchor, this.page);
      this.doc.outline.addItem(text);
    }
    await this.paragraph(text, { size, bold: true });
    this.space(level === 1 ? 6 : 2);
  }

  /** Label and value pairs in two columns. */
  async facts(rows: readonly [string, string][], style: TextStyle = {}): Promise<void> {
    await this.table(
      [
        { header: '', width: 0.36, value: (r: [string, string]) => r[0] },
        { header: '', width: 0.64, value: (r: [string, string]) => r[1], fit: 'word' },
      ],
      rows,
      { headerless: true, style },
    );
  }

  /**
   * A table, rows drawn one at a time and the header repeated on every page it spans. Cells wrap;
   * `fit` cells shrink their font so a long word (an email) stays whole on one line.
   */
  async table<Row>(
    columns: readonly Column<Row>[],
    rows: Iterable<Row>,
    options: { headerless?: boolean; style?: TextStyle; empty?: string } = {},
  ): Promise<void> {
    const size = options.style?.size ?? 8;
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * CONTENT_WIDTH);
    const fits = columns.map((c) => c.fit);
    const style = { ...options.style, size };
    const drawHeader = async () => {
      if (options.headerless) return;
      const header = this.rowLayout(
        columns.map((c) => c.header),
        widths,
        size,
        fits.map(() => undefined),
      );
      await this.ensure(header.height + lineHeight(size));
      this.drawRow(header, widths, { ...style, bold: true }, true);
    };
    await this.ensure(lineHeight(size) * 3);
    await drawHeader();
    let count = 0;
    for (const row of rows) {
      count += 1;
      const layout = this.rowLayout(
        columns.map((c) => c.value(row)),
        widths,
        size,
        fits,
      );
      if (this.y + layout.height > BOTTOM) {
        await this.newPage();
        await drawHeader();
      }
      this.drawRow(layout, widths, style);
    }
    if (count === 0) await this.paragraph(options.empty ?? 'None.', { size, color: COLORS.muted });
    this.space(6);
  }

  private cellLayout(text: string, width: number, size: number, fit: Column<never>['fit']) {
    const inner = width - 4;
    let cellSize = size;
    if (fit) {
      const parts = fit === 'line' ? [text] : text.split(/\s+/);
      const widest = Math.max(0, ...parts.map((w) => this.measure(w, { size })));
      // 2% below the exact fit, so rounding never pushes the word onto a second line.
      if (widest > inner) cellSize = Math.max(MIN_FIT_SIZE, (0.98 * size * inner) / widest);
    }
    let lines = this.wrap(text, inner, { size: cellSize });
    if (lines.length > MAX_CELL_LINES) lines = [...lines.slice(0, MAX_CELL_LINES - 1), '…'];
    return { lines, size: cellSize };
  }

  private rowLayout(cells: string[], widths: number[], size: number, fits: Column<never>['fit'][]) {
    const laidOut = cells.map((text, i) => this.cellLayout(text, widths[i], size, fits[i]));
    const lines = Math.max(1, ...laidOut.map((c) => c.lines.length));
    return { cells: laidOut, height: lines * lineHeight(size) + 4 };
  }

  private drawRow(
    layout: ReturnType<PdfComposer['rowLayout']>,
    widths: number[],
    style: TextStyle,
    isHeader = false,
  ): void {
    const size = style.size ?? 8;
    if (isHeader) {
      this.doc.rect(PAGE.margin, this.y, CONTENT_WIDTH, layout.height).fill(COLORS.headerFill);
    }
    let x = PAGE.margin;
    layout.cells.forEach((cell, i) => {
      cell.lines.forEach((line, n) => {
        // One baseline per row: a shrunk cell sits on the same line as its neighbours.
        const baseline = this.y + 2 + n * lineHeight(size) + size;
        this.drawLine(line, x + 2, baseline, { ...style, size: cell.size });
      });
      x += widths[i];
    });
    this.y += layout.height;
    this.doc
      .moveTo(PAGE.margin, this.y)
      .lineTo(PAGE.margin + CONTENT_WIDTH, this.y)
      .lineWidth(0.3)
      .strokeColor(COLORS.rule)
      .stroke();
  }

  /**
   * A strip of small squares, one per day, coloured by status (the trend of a control over a
   * period); wraps onto further rows when there are more days than fit on one.
   */
  async dayStrip(colors: readonly string[]): Promise<void> {
    const cell = 5;
    const perRow = Math.floor(CONTENT_WIDTH / (cell + 1));
    for (let start = 0; start < colors.length; start += perRow) {
      await this.ensure(cell + 3);
      colors.slice(start, start + perRow).forEach((color, i) => {
        this.doc.rect(PAGE.margin + i * (cell + 1), this.y, cell, cell).fill(color);
      });
      this.y += cell + 3;
    }
  }

  /** A line of the table of contents: a link to `anchor`, its status and its page at the right. */
  async tocEntry(title: string, status: string, page: string, anchor: string): Promise<void> {
    const size = 10;
    await this.ensure(lineHeight(size));
    const baseline = this.y + size;
    this.drawLine(title, PAGE.margin, baseline, { size, color: COLORS.link });
    this.drawLine(status, PAGE.margin + CONTENT_WIDTH * 0.65, baseline, {
      size,
      color: status === 'ok' ? COLORS.ok : status ? COLORS.bad : COLORS.muted,
    });
    this.drawLine(page, PAGE.width - PAGE.margin - this.measure(page, { size }), baseline, {
      size,
    });
    this.doc.goTo(PAGE.margin, this.y, CONTENT_WIDTH, lineHeight(size), anchor);
    this.y += lineHeight(size);
  }

  /** Ends the document and waits until pdfkit has emitted its last byte. */
  async end(): Promise<void> {
    const ended = new Promise<void>((resolve, reject) => {
      this.doc.once('end', resolve);
      this.doc.once('error', reject);
    });
    this.doc.end();
    await ended;
  }
}

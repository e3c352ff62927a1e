import { PassThrough, type Readable, type Writable } from 'node:stream';
import { PdfComposer } from './composer';

/**
 * A report document for people, whatever it reports (the evidence report, an evidence export, an
 * incident or access-review report): a cover, a table of contents with page numbers, then its
 * chapters. Each kind of report only says what its cover and chapters are.
 *
 * Rendered in two passes over the same data: the first lays the pages out and discards the bytes
 * (to learn each chapter's page and the page count), the second writes them. Both stream page by
 * page, so memory stays at the data plus about one page.
 */

export interface Chapter {
  /** Named destination of the chapter's heading, linked from the contents. */
  anchor: string;
  title: string;
  /** "ok" / "degraded" for report sections; empty for other chapters. */
  status: string;
  render(c: PdfComposer): Promise<void>;
}

export interface PdfDocument {
  /** Left of every page's header, e.g. "SOC 2 evidence report · acme · 2026-Q3". */
  header: string;
  /** The PDF's title (document information). */
  title: string;
  /** Fixed by the caller: the same data renders to the same bytes. */
  createdAt: Date;
  cover(c: PdfComposer): Promise<void>;
  chapters: readonly Chapter[];
}

/** The PDF as a stream; a failure while rendering destroys the stream with the error. */
export function pdfStream(document: PdfDocument): Readable {
  const out = new PassThrough();
  renderPdf(document, out).then(
    () => out.end(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

/** Writes the PDF into `sink` (not ended here), waiting on it at every page. */
export async function renderPdf(document: PdfDocument, sink: Writable): Promise<{ pages: number }> {
  const layout = await layOut(document, null, null);
  const written = await layOut(document, sink, layout);
  return { pages: written.page };
}

async function layOut(
  document: PdfDocument,
  sink: Writable | null,
  previous: { page: number; anchors: Map<string, number> } | null,
): Promise<PdfComposer> {
  const c = new PdfComposer({ header: document.header, totalPages: previous?.page }, sink, {
    title: document.title,
    createdAt: document.createdAt,
  });
  await document.cover(c);
  await c.heading('Contents', 1);
  for (const chapter of document.chapters) {
    const page = previous?.anchors.get(chapter.anchor);
    await c.tocEntry(chapter.title, chapter.status, page ? String(page) : '', chapter.anchor);
  }
  for (const chapter of document.chapters) {
    await c.heading(chapter.title, 1, chapter.anchor);
    await chapter.render(c);
  }
  await c.end();
  return c;
}

/** A cover page: the title, the subject (an account) and the facts that identify the copy. */
export async function coverPage(
  c: PdfComposer,
  title: string,
  subject: string,
  facts: readonly [string, string][],
  style: { size: number } = { size: 9 },
): Promise<void> {
  await c.newPage();
  c.space(120);
  await c.paragraph(title, { size: 24, bold: true });
  await c.paragraph(subject, { size: 14 });
  c.space(24);
  await c.facts(facts, style);
}

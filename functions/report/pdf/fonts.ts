import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The Unicode fonts report PDFs embed (subset), and which one draws each character. DejaVu Sans
 * covers Latin, Greek and Cyrillic; Noto Sans JP covers Japanese and most CJK ideographs. A name
 * like "Zoë Łukasiewicz 山田太郎" is drawn as runs, each in the first font that has its glyphs, so
 * it reads back from the PDF exactly as stored.
 *
 * Files are found with require.resolve, so the same code works from lib/ and in a deployed
 * function (the fonts are npm dependencies, installed next to the code).
 */

export type FontFace = 'regular' | 'bold' | 'cjk';

const FONT_FILES: Record<FontFace, string> = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  cjk: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
};

interface GlyphCoverage {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

type PdfKit = typeof import('pdfkit');
let pdfkit: PdfKit | undefined;

/**
 * pdfkit, loaded on first use: every function of the codebase shares one entry file, and the API
 * and triggers that never render a PDF should not pay for loading it at cold start.
 */
export function loadPdfKit(): PdfKit {
  return (pdfkit ??= createRequire(__filename)('pdfkit') as PdfKit);
}

/**
 * fontkit as pdfkit resolves it: the very copy that lays out the text, so coverage answers match
 * what gets drawn, without declaring a second font library.
 */
const loadFontkit = () =>
  createRequire(require.resolve('pdfkit'))('fontkit') as {
    create(buffer: Buffer): GlyphCoverage;
  };

export interface LoadedFonts {
  files: Record<FontFace, Buffer>;
  latin: GlyphCoverage;
  cjk: GlyphCoverage;
}

let loaded: LoadedFonts | undefined;

/** Read once per process (about 7 MB, the CJK font most of it); every document reuses the bytes. */
export function reportFonts(): LoadedFonts {
  if (!loaded) {
    const files = Object.fromEntries(
      Object.entries(FONT_FILES).map(([face, file]) => [face, readFileSync(require.resolve(file))]),
    ) as Record<FontFace, Buffer>;
    const fontkit = loadFontkit();
    loaded = { files, latin: fontkit.create(files.regular), cjk: fontkit.create(files.cjk) };
  }
  return loaded;
}

export interface FontRun {
  face: FontFace;
  text: string;
}

const NEUTRAL = /\s/u;
/** Code point → whether DejaVu draws it (true) or Noto Sans JP (false); fonts never change. */
const latinDraws = new Map<number, boolean>();

function drawnByLatin(fonts: LoadedFonts, codePoint: number): boolean {
  let latin = latinDraws.get(codePoint);
  if (latin === undefined) {
    latin =
      fonts.latin.hasGlyphForCodePoint(codePoint) || !fonts.cjk.hasGlyphForCodePoint(codePoint);
    latinDraws.set(codePoint, latin);
  }
  return latin;
}

/**
 * Splits text into runs of one face: DejaVu (regular or bold) wherever it has the glyph, else Noto
 * Sans JP where that has it. Whitespace joins the run it is in, so a line is not cut into pieces at
 * every space. A character neither font has stays in DejaVu (drawn as its missing-glyph box).
 */
export function fontRuns(text: string, bold = false): FontRun[] {
  const fonts = reportFonts();
  const latin: FontFace = bold ? 'bold' : 'regular';
  const runs: FontRun[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const last = runs[runs.length - 1];
    const face =
      last && NEUTRAL.test(char) ? last.face : drawnByLatin(fonts, codePoint) ? latin : 'cjk';
    if (last?.face === face) last.text += char;
    else runs.push({ face, text: char });
  }
  return runs;
}

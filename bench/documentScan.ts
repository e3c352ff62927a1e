/**
 * Every document below one document path, at any depth and in any collection: one kindless
 * all-descendants query (as the SDK's recursiveDelete runs) sent to the Firestore emulator's REST
 * API, its answer read as a stream one result at a time, each document sized by documentSize.ts.
 * One query, not pages: the emulator scans its whole database for each page of such a query
 * (28 s per 2,000 documents with 300,000 stored), and the answer for an account of 50,000 members
 * is a few hundred MB, never held at once.
 */
import type { StackEnv } from '../scripts/localStack/types';
import { documentSize, type RestValue } from './documentSize';

type Emulator = Pick<StackEnv, 'FIRESTORE_EMULATOR_HOST' | 'GCLOUD_PROJECT'>;

interface RestDocument {
  name: string;
  fields?: Record<string, RestValue>;
}

export interface SizedDocument {
  path: string;
  bytes: number;
}

export interface DocumentScan {
  scanned: number;
  /** The largest documents, largest first. */
  largest: SizedDocument[];
}

const databaseOf = (env: Pick<StackEnv, 'GCLOUD_PROJECT'>) =>
  `projects/${env.GCLOUD_PROJECT}/databases/(default)/documents`;

/** The emulator's administrator token: rules do not apply, as for the admin SDK. */
const ADMIN = { authorization: 'Bearer owner', 'content-type': 'application/json' };

const sized = (document: RestDocument): SizedDocument => ({
  path: document.name.slice(document.name.indexOf('/documents/') + '/documents/'.length),
  bytes: documentSize(document),
});

async function parentDocument(env: Emulator, path: string): Promise<SizedDocument> {
  const url = `http://${env.FIRESTORE_EMULATOR_HOST}/v1/${databaseOf(env)}/${path}`;
  const response = await fetch(url, { headers: ADMIN });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return sized((await response.json()) as RestDocument);
}

/**
 * The elements of a top-level JSON array arriving in chunks, each as its own text: depth is
 * tracked outside strings, so braces inside string values do not cut an element.
 */
async function* arrayElements(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    let start = depth > 1 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') {
        if (++depth === 2) start = i;
      } else if (c === '}' || c === ']') {
        if (--depth === 1) {
          yield current + text.slice(start, i + 1);
          current = '';
          start = -1;
        }
      }
    }
    if (depth > 1) current += text.slice(start);
  }
}

/** Sizes the document `parentPath` and every document below it; keeps the `top` largest. */
export async function largestDocuments(
  env: Emulator,
  parentPath: string,
  top: number,
): Promise<DocumentScan> {
  const response = await fetch(
    `http://${env.FIRESTORE_EMULATOR_HOST}/v1/${databaseOf(env)}/${parentPath}:runQuery`,
    {
      method: 'POST',
      headers: ADMIN,
      body: JSON.stringify({ structuredQuery: { from: [{ allDescendants: true }] } }),
    },
  );
  if (!response.ok || !response.body) {
    throw new Error(
      `runQuery under ${parentPath} answered ${response.status}: ${await response.text()}`,
    );
  }
  let largest = [await parentDocument(env, parentPath)];
  let scanned = 1;
  for await (const element of arrayElements(response.body)) {
    const { document } = JSON.parse(element) as { document?: RestDocument };
    if (!document) continue;
    scanned++;
    const size = sized(document);
    if (largest.length < top || size.bytes > largest[largest.length - 1].bytes) {
      largest = [...largest, size].sort((a, b) => b.bytes - a.bytes).slice(0, top);
    }
  }
  return { scanned, largest };
}

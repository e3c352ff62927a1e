import type { IncomingHttpHeaders } from 'node:http';
import { unsupportedMediaType } from '../domain/errors';

/** `application/json`, optionally with `charset=utf-8` (CONTRACT §4: JSON bodies, UTF-8). */
const JSON_UTF8 = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

function carriesBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The API speaks JSON only: a request body of any other type (form-encoded, text, multipart) is
 * refused before a route sees it, since a body parser would otherwise hand the route an object
 * the client never meant as JSON. Requests without a body pass (their schema decides).
 */
export function requireJsonBody(headers: IncomingHttpHeaders): void {
  if (!carriesBody(headers)) return;
  const type = headers['content-type'];
  if (typeof type === 'string' && JSON_UTF8.test(type.trim())) return;
  throw unsupportedMediaType(
    `Send the request body as JSON (Content-Type: application/json), not ${type ? `"${type}"` : 'without a Content-Type'}.`,
  );
}

/** What a JSON body is answered as. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Whether the client takes a gzip body (`Accept-Encoding: gzip`, or `*`, without `q=0`). */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * Whether `If-None-Match` names `etag` (or is `*`): then the client's copy is current and the
 * answer is 304. Weak comparison, as RFC 9110 §13.1.2 asks for this header.
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

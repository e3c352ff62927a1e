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

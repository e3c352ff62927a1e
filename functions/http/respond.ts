import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip } from 'node:zlib';
import type { Response } from 'express';
import * as logger from 'firebase-functions/logger';
import { grpcCode, isContention } from '../adapters/firestoreErrors';
import { ApiError, unavailable } from '../domain/errors';
import { acceptsGzip, JSON_CONTENT_TYPE } from './mediaType';
import type { ApiResponse } from './router';

const gzipAsync = promisify(gzip);

/** Bodies below this are sent as they are: compressing them saves less than it costs. */
export const GZIP_MIN_BYTES = 1024;

/**
 * Writes a text body, gzipped when the client takes gzip and the body is large enough to gain.
 * A large report crosses the Hosting and Functions proxies in a fifth of its bytes; the fastest
 * level, because it runs on every warm request and the size gained by higher levels is small.
 */
async function sendText(
  res: Response,
  text: string,
  contentType: string,
  requestHeaders: IncomingHttpHeaders,
): Promise<void> {
  res.type(contentType);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < GZIP_MIN_BYTES) {
    res.send(bytes);
    return;
  }
  res.vary('Accept-Encoding');
  if (!acceptsGzip(requestHeaders)) {
    res.send(bytes);
    return;
  }
  res.setHeader('Content-Encoding', 'gzip');
  res.send(await gzipAsync(bytes, { level: zlibConstants.Z_BEST_SPEED }));
}

/**
 * Writes a route's result. JSON unless the route chose another content type; a stream body (the
 * PDF export) is piped as it is produced. Once a stream has started, the status is sent: a failure
 * after that can only cut the response short (the client sees a truncated body, never a 200 that
 * claims to be complete), and is logged. A 304 carries its headers and no body.
 */
export async function sendResult(
  res: Response,
  result: ApiResponse,
  requestHeaders: IncomingHttpHeaders = {},
): Promise<void> {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  res.status(result.status ?? 200);
  if (result.status === 304) {
    res.end();
  } else if (result.contentType && result.body instanceof Readable) {
    res.type(result.contentType);
    try {
      await pipeline(result.body, res);
    } catch (error) {
      // Nothing sent yet: the error is answered like any other (sendError).
      if (!res.headersSent) throw error;
      logger.error('streamed response failed', {
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      res.destroy();
    }
  } else if (result.contentType && typeof result.body === 'string') {
    await sendText(res, result.body, result.contentType, requestHeaders);
  } else {
    await sendText(res, JSON.stringify(result.body), JSON_CONTENT_TYPE, requestHeaders);
  }
}

/** How long a client waits after contention (a transaction lock is held for seconds at most). */
const CONTENTION_RETRY_SECONDS = 2;

/**
 * The one place errors become HTTP responses (CONTRACT §4). Unknown errors are logged with their
 * stack on the server and answered with a generic 500: no internals reach the client.
 */
export function sendError(res: Response, error: unknown, context: Record<string, unknown>): void {
  if (isContention(error)) {
    logger.warn('API request met Firestore contention', { ...context, code: grpcCode(error) });
    sendError(
      res,
      unavailable('The service is busy; retry shortly.', CONTENTION_RETRY_SECONDS),
      {},
    );
    return;
  }
  if (error instanceof ApiError) {
    if (error.code === 'method_not_allowed') {
      const allowed = (error.details as { allowed?: string[] } | undefined)?.allowed;
      if (allowed) res.setHeader('Allow', allowed.join(', '));
    }
    if (error.code === 'unavailable') {
      const seconds = (error.details as { retryAfterSeconds?: number } | undefined)
        ?.retryAfterSeconds;
      if (seconds !== undefined) res.setHeader('Retry-After', String(seconds));
    }
    res.status(error.status).json({
      error: {
        code: error.code,
        message: error.message,
        ...(error.details === undefined ? {} : { details: error.details }),
      },
    });
    return;
  }
  logger.error('unhandled error in API request', {
    ...context,
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  res.status(500).json({ error: { code: 'internal', message: 'Internal error.' } });
}

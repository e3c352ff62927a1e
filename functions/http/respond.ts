import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import * as logger from 'firebase-functions/logger';
import { grpcCode, isContention } from '../adapters/firestoreErrors';
import { ApiError, unavailable } from '../domain/errors';
import type { ApiResponse } from './router';

/**
 * Writes a route's result. JSON unless the route chose another content type; a stream body (the
 * PDF export) is piped as it is produced. Once a stream has started, the status is sent: a failure
 * after that can only cut the response short (the client sees a truncated body, never a 200 that
 * claims to be complete), and is logged.
 */
export async function sendResult(res: Response, result: ApiResponse): Promise<void> {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  res.status(result.status ?? 200);
  if (result.contentType && result.body instanceof Readable) {
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
    res.type(result.contentType).send(result.body);
  } else {
    res.json(result.body);
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

import type { Response } from 'express';
import * as logger from 'firebase-functions/logger';
import {
  ApiError,
  failedPrecondition,
  invalidArgument,
  methodNotAllowed,
  permissionDenied,
} from '../../../functions/domain/errors';
import { sendError } from '../../../functions/http/respond';

/** What `sendError` wrote: status, headers and JSON body. */
function recordingResponse() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = {
    headers: {},
  };
  const res = {
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
      return res;
    },
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

// The server-side log is part of the contract: the details a client never sees must be there.
jest.mock('firebase-functions/logger', () => ({
  ...jest.requireActual('firebase-functions/logger'),
  error: jest.fn(),
}));
const logged = jest.mocked(logger.error);

afterEach(() => logged.mockClear());

describe('sendError', () => {
  it('answers a typed error with its status, code and message, and no details key when none', () => {
    const { res, sent } = recordingResponse();
    sendError(res, permissionDenied('Role viewer lacks the audit:read permission.'), {});
    expect(sent).toEqual({
      status: 403,
      headers: {},
      body: {
        error: {
          code: 'permission_denied',
          message: 'Role viewer lacks the audit:read permission.',
        },
      },
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers a resource in the wrong state with 409 failed_precondition (CONTRACT §4)', () => {
    const { res, sent } = recordingResponse();
    sendError(res, failedPrecondition('Bundle 2026-Q3 is still building.'), {});
    expect(sent.status).toBe(409);
    expect(sent.body).toEqual({
      error: { code: 'failed_precondition', message: 'Bundle 2026-Q3 is still building.' },
    });
  });

  it('passes the details of a typed error through', () => {
    const { res, sent } = recordingResponse();
    const issues = [{ field: 'periodEnd', message: 'must be after periodStart' }];
    sendError(res, invalidArgument('periodEnd: must be after periodStart', { issues }), {});
    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({
      error: {
        code: 'invalid_argument',
        message: 'periodEnd: must be after periodStart',
        details: { issues },
      },
    });
  });

  it('names the allowed methods in an Allow header on 405', () => {
    const { res, sent } = recordingResponse();
    sendError(res, methodNotAllowed('DELETE', ['GET', 'POST']), {});
    expect(sent.status).toBe(405);
    expect(sent.headers).toEqual({ Allow: 'GET, POST' });
    expect(sent.body).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('a 405 without a method list sets no Allow header', () => {
    const { res, sent } = recordingResponse();
    sendError(res, new ApiError('method_not_allowed', 'No.'), {});
    expect(sent.status).toBe(405);
    expect(sent.headers).toEqual({});
  });

  it('an unknown error becomes a generic 500; its details go to the server log only', () => {
    const { res, sent } = recordingResponse();
    const failure = new Error('connection reset by 10.1.2.3');
    sendError(res, failure, { path: '/soc2-evidence' });
    expect(sent).toEqual({
      status: 500,
      headers: {},
      body: { error: { code: 'internal', message: 'Internal error.' } },
    });
    expect(JSON.stringify(sent.body)).not.toContain('10.1.2.3');
    expect(logged.mock.calls).toEqual([
      [
        'unhandled error in API request',
        {
          path: '/soc2-evidence',
          error: { name: 'Error', message: 'connection reset by 10.1.2.3', stack: failure.stack },
        },
      ],
    ]);
  });

  it('a thrown non-Error is logged as text', () => {
    const { res, sent } = recordingResponse();
    sendError(res, 'plain string', {});
    expect(sent.status).toBe(500);
    expect(logged.mock.calls).toEqual([
      ['unhandled error in API request', { error: 'plain string' }],
    ]);
  });
});

/** An error as the Firestore admin SDK throws it: a gRPC status code on an Error. */
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('Firestore contention is a 503 with Retry-After, never a 500', () => {
  it.each([
    [10, 'ABORTED: Transaction lock timeout'],
    [4, 'DEADLINE_EXCEEDED'],
    [8, 'RESOURCE_EXHAUSTED: quota'],
    [14, 'UNAVAILABLE: connection reset'],
  ])('gRPC code %i (%s)', (code, message) => {
    const { res, sent } = recordingResponse();
    sendError(res, grpcError(code, message), { path: '/compliance/status' });
    expect(sent.status).toBe(503);
    expect(Number(sent.headers['Retry-After'])).toBeGreaterThan(0);
    expect(sent.body).toEqual({
      error: {
        code: 'unavailable',
        message: expect.any(String),
        details: { retryAfterSeconds: 2 },
      },
    });
    expect(JSON.stringify(sent.body)).not.toContain(message);
  });

  it('other Firestore errors stay a generic 500 without internals', () => {
    const { res, sent } = recordingResponse();
    sendError(res, grpcError(13, 'INTERNAL: secret detail'), {});
    expect(sent.status).toBe(500);
    expect(sent.headers['Retry-After']).toBeUndefined();
    expect(JSON.stringify(sent.body)).not.toContain('secret detail');
  });
});

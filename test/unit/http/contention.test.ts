import type { Response } from 'express';
import { sendError } from '../../../functions/http/respond';

/** The parts of an express Response that sendError uses, recording what it was told. */
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

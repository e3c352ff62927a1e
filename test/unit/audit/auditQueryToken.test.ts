import indexes from '../../../firestore.indexes.json';
import { decodePageToken, encodePageToken, queryHash } from '../../../functions/audit/query';
import { ApiError } from '../../../functions/domain/errors';
import { AUDIT_QUERY_FILTERS, auditLogQuerySchema } from '../../../functions/schema/audit';

const query = (q: Record<string, string>) => auditLogQuerySchema.parse({ accountId: 'acct', ...q });

function expectInvalid(fn: () => unknown, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_argument');
    expect((error as ApiError).message).toMatch(message);
    return;
  }
  throw new Error('expected an invalid_argument error');
}

describe('audit-log page tokens', () => {
  const hash = queryHash(query({ action: 'auth.login' }));
  const cursor = { s: 1_700_000_000, n: 123_456_789, id: 'evt-1', q: hash };

  it('round-trips the cursor for the query it was issued for', () => {
    expect(decodePageToken(encodePageToken(cursor), hash)).toEqual(cursor);
  });

  it('refuses a token issued for other filters or another account', () => {
    const token = encodePageToken(cursor);
    expectInvalid(
      () => decodePageToken(token, queryHash(query({ action: 'auth.logout' }))),
      /different query/,
    );
    expectInvalid(
      () =>
        decodePageToken(
          token,
          queryHash(auditLogQuerySchema.parse({ accountId: 'other', action: 'auth.login' })),
        ),
      /different query/,
    );
  });

  it('refuses garbage tokens', () => {
    for (const token of ['', 'not-a-token', Buffer.from('{"s":1}').toString('base64url'), '!!!']) {
      expectInvalid(() => decodePageToken(token, hash), /pageToken is invalid/);
    }
  });

  it('hashes equivalent time spellings alike', () => {
    expect(queryHash(query({ start: '2026-01-01T00:00:00Z' }))).toBe(
      queryHash(query({ start: '2026-01-01T01:00:00+01:00' })),
    );
  });
});

describe('audit-log query input', () => {
  it('refuses an inverted time range', () => {
    const r = auditLogQuerySchema.safeParse({
      accountId: 'a',
      start: '2026-02-01T00:00:00Z',
      end: '2026-01-01T00:00:00Z',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('start must be before end');
  });

  it.each(['0', '501', '-1', '1.5', 'ten'])('refuses pageSize %p', (pageSize) => {
    expect(auditLogQuerySchema.safeParse({ accountId: 'a', pageSize }).success).toBe(false);
  });

  it('refuses an unknown result and a repeated filter', () => {
    expect(auditLogQuerySchema.safeParse({ accountId: 'a', result: 'ok' }).success).toBe(false);
    expect(auditLogQuerySchema.safeParse({ accountId: 'a', actorId: ['x', 'y'] }).success).toBe(
      false,
    );
  });
});

describe('declared indexes', () => {
  const declared = new Set(
    indexes.indexes
      .filter((i) => i.collectionGroup === 'auditLogs')
      .map((i) => i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(',')),
  );

  it('cover every combination of equality filters, newest first', () => {
    for (let mask = 1; mask < 1 << AUDIT_QUERY_FILTERS.length; mask++) {
      const equalities = AUDIT_QUERY_FILTERS.filter((_, i) => mask & (1 << i));
      const key = [
        ...equalities.map((f) => `${f}:ASCENDING`),
        'timestamp:DESCENDING',
        '__name__:DESCENDING',
      ].join(',');
      expect(declared).toContain(key);
    }
  });

  it.each(['auditRollups', 'auditDays'])('exempt the growing %s maps from indexing', (group) => {
    const exempt = indexes.fieldOverrides
      .filter((o) => o.collectionGroup === group && o.indexes.length === 0)
      .map((o) => o.fieldPath);
    expect(exempt.sort()).toEqual(['actions', 'actors']);
  });

  it('exempt the resource digest map from indexing', () => {
    expect(indexes.fieldOverrides).toContainEqual({
      collectionGroup: 'resourceDigest',
      fieldPath: 'resources',
      indexes: [],
    });
  });
});

import fc from 'fast-check';
import { ROUTES } from '../../../functions/http/routes';
import { auditLogDoc, writeDocs } from '../../../scripts/seed/builders';
import { accountWithEveryRole, callApi, db, type ApiAnswer } from '../../support/world';

/**
 * Input the schemas used to let through into Firestore (a 500), bodies that are not JSON, and a
 * property run over every route: whatever arrives, the answer is below 500.
 */

let world: Awaited<ReturnType<typeof accountWithEveryRole>>;
let owner: string;
beforeAll(async () => {
  world = await accountWithEveryRole('hostile');
  owner = world.members.owner.token;
  await writeDocs(db, [
    auditLogDoc(world.accountId, 'e1', { timestamp: new Date(Date.now() - 60_000) }),
    auditLogDoc(world.accountId, 'e2', { timestamp: new Date(Date.now() - 30_000) }),
  ]);
});

const errorCode = (answer: ApiAnswer) => (answer.json as { error?: { code?: string } }).error?.code;

/** Sends `body` as it is, with the given Content-Type, to a POST route. */
async function rawPost(path: string, contentType: string, body: string | Buffer) {
  const response = await fetch(process.env.EVIDENCE_API_URL + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner}`, 'content-type': contentType },
    body,
  });
  const text = await response.text();
  let json: { error?: { code: string } } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // The platform's body parser answers some bodies itself, before the API sees them.
  }
  return { status: response.status, json, text };
}

describe('date-times outside Firestore’s 0001–9999 range are a 400', () => {
  const outOfRange = [
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:59:59-01:00',
  ];

  it.each(outOfRange)('audit-log start %s', async (start) => {
    const answer = await callApi('/audit-logs', {
      token: owner,
      query: { accountId: world.accountId, start },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('0001-01-01 and 9999-12-31');
  });

  it.each(outOfRange)('incident detectedAt %s', async (detectedAt) => {
    const answer = await callApi('/compliance/incidents', {
      method: 'POST',
      token: owner,
      body: {
        accountId: world.accountId,
        title: 'Old',
        severity: 'P3',
        description: 'd',
        detectedAt,
        detectedBy: 'x',
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('detectedAt');
  });

  it('archive periodStart in year 0000', async () => {
    const answer = await callApi('/soc2-archives', {
      method: 'POST',
      token: owner,
      body: {
        accountId: world.accountId,
        periodStart: '0000-01-01T00:00:00Z',
        periodEnd: '2026-01-01T00:00:00Z',
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('periodStart');
  });

  it('the earliest and latest representable instants are accepted', async () => {
    const answer = await callApi('/audit-logs', {
      token: owner,
      query: {
        accountId: world.accountId,
        start: '0001-01-01T00:00:00Z',
        end: '9999-12-31T23:59:59.999Z',
      },
    });
    expect(answer.status).toBe(200);
  });
});

describe('page tokens', () => {
  it('a real token re-encoded with seconds outside Timestamp’s range is a 400', async () => {
    const first = await callApi('/audit-logs', {
      token: owner,
      query: { accountId: world.accountId, pageSize: '1' },
    });
    const token = (first.json as { nextPageToken: string }).nextPageToken;
    expect(typeof token).toBe('string');
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    for (const s of [1e15, -1e15, 253_402_300_800]) {
      const forged = Buffer.from(JSON.stringify({ ...cursor, s })).toString('base64url');
      const answer = await callApi('/audit-logs', {
        token: owner,
        query: { accountId: world.accountId, pageSize: '1', pageToken: forged },
      });
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('invalid_argument');
    }
  });
});

describe('request bodies are JSON only', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'accountId=x&title=t'],
    ['text/plain', '{"accountId":"x"}'],
    [
      'multipart/form-data; boundary=b',
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--',
    ],
    ['application/json; charset=utf-16', Buffer.from('{"accountId":"x"}', 'utf16le')],
  ])('%s is refused with 415 before anything else', async (type, body) => {
    const answer = await rawPost('/compliance/findings', type, body);
    expect(answer.status).toBe(415);
    expect(answer.json.error?.code).toBe('unsupported_media_type');
  });

  it('JSON with charset=utf-8 reaches the route (its own validation answers)', async () => {
    const answer = await rawPost(
      '/compliance/findings',
      'application/json; charset=utf-8',
      JSON.stringify({ accountId: world.accountId }),
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe('invalid_argument');
  });

  // The platform's JSON parser answers these before the function runs (400, its own body).
  it.each(['{"accountId":', '\u0000', '[1,2', '"unterminated'])(
    'malformed JSON %j is a 400, not a 500',
    async (body) => {
      const answer = await rawPost('/compliance/findings', 'application/json', body);
      expect(answer.status).toBe(400);
    },
  );
});

/** Values at the edges of what each parameter accepts, and a few that break naive parsers. */
const BOUNDARY_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e15',
  'NaN',
  '501',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01',
  '2026-Q5',
  '..',
  '__x__',
  'a/b',
  '%00',
  '\u0000',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '=1+1',
  'x'.repeat(3000),
  'eyJzIjoxZTE1LCJuIjowLCJpZCI6ImEiLCJxIjoiYWFhYWFhYWFhYWFhYWFhYSJ9',
];
const PARAM_NAMES = [
  'accountId',
  'section',
  'format',
  'reportType',
  'table',
  'actorId',
  'action',
  'resourceType',
  'result',
  'start',
  'end',
  'pageSize',
  'pageToken',
  'status',
  'controlId',
  'phase',
  'periodStart',
  'periodEnd',
  'title',
  'severity',
  'description',
  'dueDate',
  'detectedAt',
  'detectedBy',
  'timeline',
  'criteria',
  'owner',
];

const anyString = fc.oneof(fc.constantFrom(...BOUNDARY_STRINGS), fc.string({ maxLength: 40 }));
const anyValue = fc.oneof(
  anyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...PARAM_NAMES), anyString, { maxKeys: 3 }),
);

describe('every route answers hostile input below 500', () => {
  const accountIdValue = () => fc.oneof(fc.constant(world.accountId), anyString);

  it.each(ROUTES.map((r) => [r.method, r.path] as const))(
    '%s %s',
    async (method, pathPattern) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(anyString, { minLength: 2, maxLength: 2 }),
          accountIdValue(),
          fc.dictionary(fc.constantFrom(...PARAM_NAMES), anyString, { maxKeys: 5 }),
          fc.dictionary(fc.constantFrom(...PARAM_NAMES), anyValue, { maxKeys: 6 }),
          async (segments, accountId, query, body) => {
            let i = 0;
            const path = pathPattern.replace(/:[A-Za-z]+/g, () =>
              encodeURIComponent(segments[i++] || 'x'),
            );
            const answer = await callApi(path, {
              method,
              token: owner,
              query: { ...query, accountId: String(accountId) },
              body: method === 'GET' ? undefined : { ...body, accountId },
            });
            if (answer.status >= 500) {
              throw new Error(`${method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`);
            }
          },
        ),
        { numRuns: 20, seed: 20261201 },
      );
    },
    120_000,
  );
});

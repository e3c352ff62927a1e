/**
 * The Upstash REST adapter, spoken to over raw HTTP the way Upstash documents its API (the
 * @upstash/redis round trips are in stack.emulator.test.ts). Uses the stack's redis-server.
 */
import { randomUUID } from 'node:crypto';

const url = (): string => process.env.UPSTASH_REDIS_REST_URL ?? '';
const token = (): string => process.env.UPSTASH_REDIS_REST_TOKEN ?? '';

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url()}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('Upstash REST adapter', () => {
  const key = (): string => `adapter-test:${randomUUID()}`;

  it('refuses a request without the bearer token with 401', async () => {
    const response = await fetch(url(), { method: 'POST', body: '["PING"]' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Unauthorized' });
  });

  it('runs one command posted to / and answers {result}', async () => {
    const k = key();
    expect(await post('/', ['SET', k, 'hello'])).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await post('/', ['GET', k])).toEqual({ status: 200, body: { result: 'hello' } });
    expect(await post('/', ['GET', `${k}:missing`])).toEqual({
      status: 200,
      body: { result: null },
    });
  });

  it('base64-encodes every string reply except OK when asked to', async () => {
    const k = key();
    const base64 = { 'Upstash-Encoding': 'base64' };
    expect((await post('/', ['SET', k, 'héllo'], base64)).body).toEqual({ result: 'OK' });
    expect((await post('/', ['GET', k], base64)).body).toEqual({ result: b64('héllo') });
    expect((await post('/', ['PING'], base64)).body).toEqual({ result: b64('PONG') });
    expect((await post('/', ['INCR', `${k}:n`], base64)).body).toEqual({ result: 1 });
  });

  it('answers hashes as flat field/value arrays', async () => {
    const k = key();
    await post('/', ['HSET', k, 'a', '1']);
    expect((await post('/', ['HGETALL', k])).body).toEqual({ result: ['a', '1'] });
    // @upstash/redis sends lower-case names: the reply must keep Redis's shape all the same.
    expect((await post('/', ['hgetall', k])).body).toEqual({ result: ['a', '1'] });
  });

  it('reports a Redis error as 400 {error}', async () => {
    const k = key();
    await post('/', ['SET', k, 'text']);
    const response = await post('/', ['INCR', k]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringMatching(/^ERR value is not an integer/) });
  });

  it('refuses a body that is not a command array with 400', async () => {
    expect((await post('/', { command: 'PING' })).status).toBe(400);
    expect((await post('/pipeline', [])).status).toBe(400);
  });

  it('answers a pipeline entry by entry, errors inline', async () => {
    const k = key();
    const response = await post('/pipeline', [
      ['SET', k, 'text'],
      ['INCR', k],
      ['GET', k],
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { result: 'OK' },
      { error: expect.stringMatching(/not an integer/) },
      { result: 'text' },
    ]);
  });

  it('runs /multi-exec as one transaction', async () => {
    const k = key();
    const response = await post('/multi-exec', [
      ['INCR', k],
      ['INCRBY', k, 5],
      ['EXPIRE', k, 60],
    ]);
    expect(response).toEqual({ status: 200, body: [{ result: 1 }, { result: 6 }, { result: 1 }] });
  });

  it('rejects a whole transaction when a command cannot be queued', async () => {
    const response = await post('/multi-exec', [['SET', key(), 'v'], ['NOSUCHCOMMAND']]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringMatching(/unknown command/i) });
  });
});

/**
 * The local stack itself: every piece a test or the functions rely on answers, and answers with
 * the real service behind it (not a stub). Runs inside `npm test`, which starts the stack.
 */
import { randomUUID } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { Redis } from '@upstash/redis';
import { Redis as RedisServerClient } from 'ioredis';
import { deleteApp, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../../../functions/schema/paths';
import { closeIdTokenApp, mintIdToken } from '../../../scripts/localStack/idTokens';
import { eventually } from '../../support/eventually';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (requireStack.ts should have caught this)`);
  return value;
};

function adminApp(): App {
  const name = 'stack-emulator-test';
  return (
    getApps().find((app) => app.name === name) ??
    initializeApp({ projectId: env('GCLOUD_PROJECT') }, name)
  );
}

describe('local stack', () => {
  let redis: RedisServerClient;

  beforeAll(async () => {
    redis = new RedisServerClient({ host: '127.0.0.1', port: Number(env('REDIS_PORT')) });
  });
  afterAll(async () => {
    await redis.quit();
    await closeIdTokenApp();
    await Promise.all(
      getApps()
        .filter((app) => app.name === 'stack-emulator-test')
        .map((app) => deleteApp(app)),
    );
  });

  it('serves GET /api/health through the Hosting rewrite', async () => {
    const response = await fetch(`${env('EVIDENCE_API_URL')}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves the same function directly on the Functions emulator', async () => {
    const response = await fetch(`${env('FUNCTIONS_EMULATOR_URL')}/health`);
    expect(response.status).toBe(200);
  });

  it('mints ID tokens through the Auth emulator that the admin SDK verifies', async () => {
    const uid = `stack-test-${randomUUID()}`;
    const token = await mintIdToken(env('FIREBASE_AUTH_EMULATOR_HOST'), uid, { probe: 1 });
    const decoded = await getAuth(adminApp()).verifyIdToken(token);
    expect(decoded.uid).toBe(uid);
    expect(decoded.probe).toBe(1);
    expect(decoded.aud).toBe(env('GCLOUD_PROJECT'));
  });

  it('runs Firestore triggers in the Functions emulator (an audit event reaches the rollups)', async () => {
    const db = getFirestore(adminApp());
    const accountId = `stack-test-${randomUUID()}`;
    const account = db.collection(COLLECTIONS.accounts).doc(accountId);
    await account.collection(COLLECTIONS.auditLogs).doc('e1').set({
      timestamp: Timestamp.now(),
      actorId: 'stack-test-actor',
      action: 'auth.login',
      resourceType: 'session',
      result: 'success',
    });
    const rollups = await eventually(
      async () => {
        const snapshot = await account.collection(COLLECTIONS.auditRollups).get();
        return snapshot.empty ? undefined : snapshot;
      },
      { what: 'the auditRollup trigger to write a rollup' },
    );
    expect(rollups.size).toBeGreaterThan(0);
  });

  describe('Cloud Storage emulator', () => {
    const storage = new Storage({ projectId: env('GCLOUD_PROJECT') });
    const bucket = storage.bucket(env('EVIDENCE_BUCKET'));

    it('uploads, downloads, lists and reports metadata', async () => {
      const name = `stack-test/${randomUUID()}.txt`;
      await bucket.file(name).save('hello evidence', { contentType: 'text/plain' });
      const [bytes] = await bucket.file(name).download();
      expect(bytes.toString('utf8')).toBe('hello evidence');
      const [metadata] = await bucket.file(name).getMetadata();
      expect(Number(metadata.size)).toBe('hello evidence'.length);
      expect(metadata.contentType).toBe('text/plain');
      const [files] = await bucket.getFiles({ prefix: 'stack-test/' });
      expect(files.map((file) => file.name)).toContain(name);
    });

    it('refuses a second upload with ifGenerationMatch: 0 (does-not-exist) with 412', async () => {
      const file = bucket.file(`stack-test/${randomUUID()}.zip`);
      await file.save('first', { preconditionOpts: { ifGenerationMatch: 0 } });
      await expect(
        file.save('second', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false }),
      ).rejects.toMatchObject({ code: 412 });
      const [bytes] = await file.download();
      expect(bytes.toString('utf8')).toBe('first');
    });
  });

  describe('Cloud Storage upload preconditions under concurrency', () => {
    const bucket = new Storage({ projectId: env('GCLOUD_PROJECT') }).bucket(env('EVIDENCE_BUCKET'));

    it('lets exactly one of two racing does-not-exist uploads win', async () => {
      const file = bucket.file(`stack-test/${randomUUID()}.zip`);
      const attempts = await Promise.allSettled(
        ['a', 'b'].map((content) =>
          file.save(content, { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      expect(attempts.filter((a) => a.status === 'rejected')).toMatchObject([
        { reason: { code: 412 } },
      ]);
    });
  });

  describe('Redis behind the Upstash REST adapter', () => {
    const client = new Redis({
      url: env('UPSTASH_REDIS_REST_URL'),
      token: env('UPSTASH_REDIS_REST_TOKEN'),
    });

    it('answers set/get/incr from the real redis-server', async () => {
      const key = `stack-test:${randomUUID()}`;
      expect(await client.set(key, 'v1', { ex: 60 })).toBe('OK');
      expect(await client.get(key)).toBe('v1');
      expect(await redis.get(key)).toBe('v1');
      const ttl = await redis.ttl(key);
      expect(ttl > 0 && ttl <= 60).toBe(true);

      const counter = `${key}:n`;
      expect(await client.incr(counter)).toBe(1);
      expect(await client.incr(counter)).toBe(2);
      expect(await redis.get(counter)).toBe('2');
    });

    it('runs a pipeline in order and stores JSON values', async () => {
      const key = `stack-test:${randomUUID()}`;
      const results = await client
        .pipeline()
        .set(key, { report: 'x', n: 1 })
        .get(key)
        .hset(`${key}:h`, { a: '1', b: '2' })
        .hgetall(`${key}:h`)
        .del(key, `${key}:h`)
        .exec();
      expect(results).toEqual(['OK', { report: 'x', n: 1 }, 2, { a: 1, b: 2 }, 2]);
      expect(await redis.exists(key)).toBe(0);
    });
  });
});

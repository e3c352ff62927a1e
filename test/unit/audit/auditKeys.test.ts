import { decodeKey, deliveryDocId, encodeKey, shardOf } from '../../../functions/audit/keys';

describe('rollup map keys', () => {
  it.each([
    'role.assign',
    'auth.login',
    '__name__',
    '_x',
    'a/b',
    'x`y',
    'tom@example.com',
    'ü.ß',
    '%2E',
  ])('encodes %p without dots or reserved forms and decodes it back', (key) => {
    const encoded = encodeKey(key);
    expect(encoded).not.toMatch(/[./`]/);
    expect(encoded).not.toMatch(/^_/);
    expect(decodeKey(encoded)).toBe(key);
  });

  it('keeps distinct keys distinct', () => {
    expect(encodeKey('a.b')).not.toBe(encodeKey('a%2Eb'));
  });
});

describe('shards and days', () => {
  it('chooses the same shard for the same event id every time, spread over all shards', () => {
    const shards = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      expect(shardOf(`event-${i}`)).toBe(shardOf(`event-${i}`));
      shards.add(shardOf(`event-${i}`));
    }
    expect([...shards].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives a redelivered CloudEvent the same marker id and hashes unsafe ids', () => {
    expect(deliveryDocId('f', 'abc-123')).toBe('f:abc-123');
    const unsafe = deliveryDocId('f', 'a/b');
    expect(unsafe).toMatch(/^f:[A-Za-z0-9_-]+$/);
    expect(deliveryDocId('f', 'a/b')).toBe(unsafe);
  });
});

import {
  chunkState,
  STATE_CHUNK_BYTES,
  STATE_CHUNK_ENTRIES,
} from '../../../functions/bundle/archiveIndex';
import type { StateSnapshot } from '../../../functions/schema/bundle';

function stateWith(members: number, keys: number): StateSnapshot {
  return {
    members: Object.fromEntries(
      Array.from({ length: members }, (_, i) => [
        `member-uid-${String(i).padStart(6, '0')}`,
        'admin',
      ]),
    ),
    apiKeys: Object.fromEntries(
      Array.from({ length: keys }, (_, i) => [
        `key-${i}`,
        { provider: 'openai', status: 'active' },
      ]),
    ),
    settingsSha256: null,
    catalogs: {},
  };
}

describe('archive index state chunks', () => {
  it('cut 50,000 members into chunks within the byte and entry bounds, losing none', () => {
    const state = stateWith(50_000, 300);
    const chunks = chunkState(state);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThan(STATE_CHUNK_BYTES + 1_000);
      expect(
        Object.keys(chunk.members).length + Object.keys(chunk.apiKeys).length,
      ).toBeLessThanOrEqual(STATE_CHUNK_ENTRIES);
    }
    const members = Object.assign({}, ...chunks.map((c) => c.members));
    const apiKeys = Object.assign({}, ...chunks.map((c) => c.apiKeys));
    expect(members).toEqual(state.members);
    expect(apiKeys).toEqual(state.apiKeys);
  });

  it('keep a small state in one chunk, and an unknown or empty one in none', () => {
    expect(chunkState(stateWith(30, 3))).toHaveLength(1);
    expect(chunkState({ ...stateWith(0, 0), members: null, apiKeys: null })).toEqual([]);
  });
});

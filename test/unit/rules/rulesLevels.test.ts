import { readFileSync } from 'fs';
import { ROLE_LEVELS } from '../../../functions/domain/roles';

/** The `roleLevels()` map literal in firestore.rules, as role → level. */
function levelsInRules(rules: string): Record<string, number> {
  const body = /function roleLevels\(\)\s*\{\s*return\s*\{([^}]*)\};?\s*\}/.exec(rules);
  if (!body) throw new Error('firestore.rules has no roleLevels() map');
  const entries = body[1]
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const pair = /^'([a-z_]+)'\s*:\s*(\d+)$/.exec(entry);
      if (!pair) throw new Error(`unreadable roleLevels() entry: ${entry}`);
      return [pair[1], Number(pair[2])] as const;
    });
  return Object.fromEntries(entries);
}

describe('firestore.rules role levels', () => {
  it('are exactly ROLE_LEVELS, so rules and API cannot drift apart', () => {
    const rules = readFileSync('firestore.rules', 'utf8');
    expect(levelsInRules(rules)).toEqual({ ...ROLE_LEVELS });
  });

  it('are read from the map literal, not from a comment or another function', () => {
    const rules = [
      "// 'owner': 1",
      'function roleLevels() {',
      "  return { 'owner': 100, 'viewer': 5 };",
      '}',
      "function other() { return { 'admin': 80 }; }",
    ].join('\n');
    expect(levelsInRules(rules)).toEqual({ owner: 100, viewer: 5 });
  });
});

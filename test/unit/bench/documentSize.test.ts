import { documentNameSize, documentSize } from '../../../bench/documentSize';

describe('Firestore document size', () => {
  it("matches the storage-size page's worked example (a task document of 147 bytes)", () => {
    // https://firebase.google.com/docs/firestore/storage-size#document-size
    expect(documentNameSize('users/jeff/tasks/my_task_id')).toBe(44);
    const task = {
      name: 'projects/p/databases/(default)/documents/users/jeff/tasks/my_task_id',
      fields: {
        type: { stringValue: 'Personal' },
        done: { booleanValue: false },
        priority: { integerValue: '1' },
        description: { stringValue: 'Learn Cloud Firestore' },
      },
    };
    expect(documentSize(task)).toBe(147);
  });

  it('counts nested maps and arrays, timestamps and references by their parts', () => {
    const size = documentSize({
      name: 'a/b',
      fields: {
        m: { mapValue: { fields: { k: { timestampValue: '2026-12-01T00:00:00Z' } } } },
        l: { arrayValue: { values: [{ nullValue: null }, { referenceValue: 'a/c' }] } },
      },
    });
    // name 2+2+16; m: 2 + (2 + 8); l: 2 + (1 + 20); plus 32
    expect(size).toBe(20 + 12 + 23 + 32);
  });
});

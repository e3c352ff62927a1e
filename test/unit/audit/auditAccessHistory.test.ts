import { accessChangeFor } from '../../../functions/audit/accessHistory';

const when = new Date('2026-01-05T10:00:00Z');
const member = (extra: Record<string, unknown> = {}) => ({
  email: 'a@example.com',
  displayName: 'A',
  role: 'member',
  departments: ['eng'],
  ...extra,
});

describe('access change detection', () => {
  it('records a role change with before, after, when and who', () => {
    expect(
      accessChangeFor('u1', member(), member({ role: 'admin', updatedBy: 'owner-1' }), when),
    ).toEqual({
      uid: 'u1',
      kind: 'updated',
      before: { role: 'member', departments: ['eng'] },
      after: { role: 'admin', departments: ['eng'] },
      changedAt: when,
      changedBy: 'owner-1',
    });
  });

  it('records a department change and ignores department order', () => {
    expect(
      accessChangeFor('u1', member(), member({ departments: ['eng', 'ops'] }), when)?.kind,
    ).toBe('updated');
    expect(
      accessChangeFor(
        'u1',
        member({ departments: ['a', 'b'] }),
        member({ departments: ['b', 'a'] }),
        when,
      ),
    ).toBeUndefined();
  });

  it('ignores writes that change neither role nor departments', () => {
    expect(
      accessChangeFor('u1', member(), member({ lastActiveAt: new Date() }), when),
    ).toBeUndefined();
  });

  it('records creation and deletion', () => {
    expect(accessChangeFor('u1', undefined, member(), when)).toMatchObject({
      kind: 'created',
      before: {},
    });
    expect(accessChangeFor('u1', member(), undefined, when)).toMatchObject({
      kind: 'deleted',
      after: {},
    });
  });

  it('still records the readable fields of a malformed member', () => {
    expect(
      accessChangeFor('u1', member(), { role: 'superuser', departments: 'eng' }, when),
    ).toMatchObject({
      after: { role: 'superuser' },
    });
  });
});

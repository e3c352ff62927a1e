import { ApiError } from '../../../functions/domain/errors';
import { parseInput } from '../../../functions/schema/common';
import {
  accountOnlyQuerySchema,
  evidenceQuerySchema,
  isoDateTime,
} from '../../../functions/schema/api';
import { SECTION_SLUG_LIST } from '../../../functions/schema/report';
import { rejection } from '../../support/inputRejection';

const issuesOf = (error: ApiError) =>
  (error.details as { issues: { field: string; message: string }[] }).issues;

describe('evidence query', () => {
  it('accepts an account id alone, leaving section and format unset', () => {
    expect(parseInput(evidenceQuerySchema, { accountId: 'acme-robotics' })).toEqual({
      accountId: 'acme-robotics',
    });
  });

  it('accepts every section slug and both formats', () => {
    for (const section of SECTION_SLUG_LIST) {
      for (const format of ['json', 'csv']) {
        expect(parseInput(evidenceQuerySchema, { accountId: 'a', section, format })).toEqual({
          accountId: 'a',
          section,
          format,
        });
      }
    }
  });

  it('requires accountId', () => {
    const error = rejection(evidenceQuerySchema, {});
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toBe('accountId: accountId is required');
  });

  it.each(['accountId', 'section', 'format'])(
    'refuses a repeated %s parameter rather than picking one',
    (name) => {
      const query = { accountId: 'acme', section: 'access-review', format: 'json' };
      const error = rejection(evidenceQuerySchema, { ...query, [name]: ['x', 'y'] });
      expect(error.message).toContain(`${name} must be given once`);
      expect(issuesOf(error).map((i) => i.field)).toEqual([name]);
    },
  );

  it('names all nine valid sections when the section is unknown', () => {
    const error = rejection(evidenceQuerySchema, { accountId: 'acme', section: 'everything' });
    expect(SECTION_SLUG_LIST).toHaveLength(9);
    expect(error.message).toBe(
      `section: unknown section; valid sections: ${SECTION_SLUG_LIST.join(', ')}`,
    );
  });

  it('refuses a format other than json, csv, pdf or oscal', () => {
    expect(rejection(evidenceQuerySchema, { accountId: 'a', format: 'xml' }).message).toBe(
      'format: format must be json, csv, pdf or oscal',
    );
  });

  it.each([
    ['a parent-directory path', '../x'],
    ['a nested path', 'a/b'],
    ['a reserved id', '__x__'],
    ['the current directory', '.'],
    ['the parent directory', '..'],
    ['an empty id', ''],
    ['a percent-encoded slash', 'a%2Fb'],
    ['whitespace', 'acme robotics'],
    ['a 129-character id', 'a'.repeat(129)],
  ])('refuses %s as an account id', (_what, accountId) => {
    const error = rejection(accountOnlyQuerySchema, { accountId });
    expect(error.status).toBe(400);
    expect(new Set(issuesOf(error).map((i) => i.field))).toEqual(new Set(['accountId']));
  });

  it('refuses a 600-character value as too long before looking at its characters', () => {
    const error = rejection(evidenceQuerySchema, { accountId: 'a'.repeat(600) });
    expect(error.message).toBe('accountId: accountId is too long');
  });

  it('accepts the longest valid account id and ids with . _ @ -', () => {
    for (const accountId of ['a'.repeat(128), 'acme.robotics_eu@2026-x']) {
      expect(parseInput(accountOnlyQuerySchema, { accountId })).toEqual({ accountId });
    }
  });

  it('lists every bad field at once, in the message and in details', () => {
    const error = rejection(evidenceQuerySchema, { accountId: '../x', format: 'xml' });
    expect(
      issuesOf(error)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['accountId', 'format']);
    expect(error.message).toContain('accountId: ');
    expect(error.message).toContain('format: format must be json, csv, pdf or oscal');
  });

  it('refuses a non-object query with a 400 naming the body', () => {
    const error = rejection(evidenceQuerySchema, 'accountId=acme');
    expect(error.status).toBe(400);
    expect(issuesOf(error)[0].field).toBe('(body)');
  });
});

describe('ISO-8601 date-time parameters', () => {
  const start = isoDateTime('start');

  it.each(['2026-11-01T00:00:00Z', '2026-11-01T00:00:00.123Z', '2026-11-01T09:30:00+02:00'])(
    'accepts %s',
    (value) => {
      expect(parseInput(start, value)).toBe(value);
    },
  );

  it.each(['2026-11-01', 'yesterday', '2026-13-01T00:00:00Z', '1700000000'])(
    'refuses %s with a message naming the parameter',
    (value) => {
      expect(rejection(start, value).message).toContain('start must be an ISO-8601 date-time');
    },
  );

  it('refuses a repeated date-time parameter', () => {
    expect(rejection(start, ['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z']).message).toContain(
      'start must be given once',
    );
  });
});

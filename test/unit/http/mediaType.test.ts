import { acceptsGzip, ifNoneMatch } from '../../../functions/http/mediaType';

describe('content negotiation', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['deflate, br', false],
  ])('Accept-Encoding %p takes gzip: %p', (header, expected) => {
    expect(acceptsGzip({ 'accept-encoding': header })).toBe(expected);
  });

  it('a request without Accept-Encoding gets no gzip', () => {
    expect(acceptsGzip({})).toBe(false);
  });
});

describe('If-None-Match', () => {
  const etag = 'W/"abc"';
  it.each([
    ['W/"abc"', true],
    ['"abc"', true],
    ['"x", W/"abc"', true],
    ['*', true],
    ['W/"abd"', false],
    ['', false],
  ])('%p matches W/"abc": %p', (header, expected) => {
    expect(ifNoneMatch(header, etag)).toBe(expected);
  });

  it('an absent header never matches', () => {
    expect(ifNoneMatch(undefined, etag)).toBe(false);
  });
});

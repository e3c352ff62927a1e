/**
 * The pure parts of the local stack (scripts/localStack): port arithmetic, the Upstash adapter's
 * reply encoding, the param values handed to the Functions emulator, and the Java version check.
 */
import { ReplyError } from 'ioredis';
import { paramValues } from '../../../scripts/localStack/functionParams';
import { pollUntilReady } from '../../../scripts/localStack/poll';
import { BASE_PORTS, portOffsetFromEnv, shiftedPorts } from '../../../scripts/localStack/ports';
import { parseJavaMajor } from '../../../scripts/localStack/preflight';
import { replyToJson, toEntries } from '../../../scripts/localStack/upstashRestAdapter';

describe('stack ports', () => {
  it('shifts every port by STACK_PORT_OFFSET', () => {
    const shifted = shiftedPorts(100);
    for (const [name, port] of Object.entries(BASE_PORTS)) {
      expect(shifted[name as keyof typeof BASE_PORTS]).toBe(port + 100);
    }
  });

  it('keeps stacks at offsets 0, 100, …, 500 apart: no port is used twice', () => {
    const all = [0, 100, 200, 300, 400, 500].flatMap((offset) =>
      Object.values(shiftedPorts(offset)),
    );
    expect(new Set(all).size).toBe(all.length);
  });

  it('reads the offset from the environment and rejects nonsense', () => {
    expect(portOffsetFromEnv({})).toBe(0);
    expect(portOffsetFromEnv({ STACK_PORT_OFFSET: '200' })).toBe(200);
    expect(() => portOffsetFromEnv({ STACK_PORT_OFFSET: 'abc' })).toThrow(/STACK_PORT_OFFSET/);
    expect(() => portOffsetFromEnv({ STACK_PORT_OFFSET: '60000' })).toThrow(/STACK_PORT_OFFSET/);
  });

  it('refuses an offset that puts a port where fetch() will not connect', () => {
    // hosting 5000 + 1000 = 6000 (X11), on the Fetch standard's blocked list.
    expect(() => portOffsetFromEnv({ STACK_PORT_OFFSET: '1000' })).toThrow(/hosting on 6000/);
    expect(portOffsetFromEnv({ STACK_PORT_OFFSET: '1100' })).toBe(1100);
  });
});

describe('polling a starting service', () => {
  const fast = {
    timeoutMs: 200,
    intervalMs: 5,
    timeoutMessage: (last: string) => `gave up: ${last}`,
  };

  it('returns as soon as the probe answers true', async () => {
    const answers: (true | string)[] = ['starting', 'starting', true];
    await pollUntilReady(async () => answers.shift() ?? 'unexpected', fast);
    expect(answers).toEqual([]);
  });

  it('names the last answer, or the last error, when it gives up', async () => {
    await expect(pollUntilReady(async () => 'hub lists auth', fast)).rejects.toThrow(
      'gave up: hub lists auth',
    );
    const refused = async (): Promise<true> => {
      throw new Error('ECONNREFUSED');
    };
    await expect(pollUntilReady(refused, fast)).rejects.toThrow('gave up: ECONNREFUSED');
  });
});

describe('Upstash adapter reply encoding', () => {
  const redisError = (message: string): Error => new (ReplyError as typeof Error)(message);

  it('keeps numbers and nil, and turns reply bytes into text', () => {
    const reply = [Buffer.from('OK'), 42, Buffer.from('hé!'), null, [Buffer.from('a')]];
    expect(replyToJson(reply, false)).toEqual(['OK', 42, 'hé!', null, ['a']]);
  });

  it('base64-encodes the exact bytes of every string but OK', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    expect(replyToJson([Buffer.from('OK'), Buffer.from('PONG'), binary, 7], true)).toEqual([
      'OK',
      Buffer.from('PONG').toString('base64'),
      binary.toString('base64'),
      7,
    ]);
  });

  it('answers pipeline entries with Redis errors inline', () => {
    expect(
      toEntries(
        [
          [null, Buffer.from('v')],
          [redisError('ERR nope'), null],
        ],
        false,
      ),
    ).toEqual([{ result: 'v' }, { error: 'ERR nope' }]);
  });

  it('fails the whole answer when an entry failed for another reason (a lost connection)', () => {
    expect(() => toEntries([[new Error('Connection is closed.'), null]], false)).toThrow(
      'Connection is closed.',
    );
  });
});

describe('function param values for the emulator', () => {
  const specs = [
    { name: 'EVIDENCE_BUCKET', type: 'string' },
    { name: 'MAX_OWNERS', type: 'int', default: 3 },
    { name: 'SIGNING_PRIVATE_KEY', type: 'secret' },
    { name: 'FROM_DOTENV', type: 'string' },
  ];

  it('uses the stack value, else the dotenv files, else the default; skips secrets', () => {
    expect(
      paramValues(
        specs,
        { EVIDENCE_BUCKET: 'b', EXTRA: 'x' },
        new Set(['FROM_DOTENV', 'EVIDENCE_BUCKET']),
      ),
    ).toEqual({ EVIDENCE_BUCKET: 'b', MAX_OWNERS: '3' });
  });

  it('names every param that cannot get a value, and reserved names', () => {
    expect(() =>
      paramValues(
        [
          { name: 'NO_DEFAULT', type: 'string' },
          { name: 'FUNCTION_REGION', type: 'string', default: 'us-central1' },
        ],
        {},
        new Set(),
      ),
    ).toThrow(/NO_DEFAULT: no default[\s\S]*FUNCTION_REGION: the name is reserved/);
  });
});

describe('Java version check', () => {
  it('reads the major version of modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('no java here')).toBeUndefined();
  });
});

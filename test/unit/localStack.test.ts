/**
 * The pure parts of the local stack (scripts/localStack): port arithmetic, RESP parsing, the param
 * values handed to the Functions emulator, and the Java version check.
 */
import { paramValues } from '../../scripts/localStack/functionParams';
import { BASE_PORTS, portOffsetFromEnv, shiftedPorts } from '../../scripts/localStack/ports';
import { parseJavaMajor } from '../../scripts/localStack/preflight';
import { encodeCommand, parseReply, RespError, RespStatus } from '../../scripts/localStack/resp';

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

describe('RESP parsing', () => {
  it('parses every RESP2 reply type', () => {
    const reply = Buffer.from('*5\r\n+OK\r\n:42\r\n$4\r\nhé!\r\n$-1\r\n-ERR nope\r\n');
    const parsed = parseReply(reply);
    expect(parsed?.next).toBe(reply.length);
    const [status, int, bulk, nil, error] = parsed?.value as unknown[];
    expect(status).toEqual(new RespStatus('OK'));
    expect(int).toBe(42);
    expect((bulk as Buffer).toString('utf8')).toBe('hé!');
    expect(nil).toBeNull();
    expect(error).toEqual(new RespError('ERR nope'));
  });

  it('waits for the rest of a reply split across packets', () => {
    const whole = Buffer.from('$10\r\n0123456789\r\n');
    expect(parseReply(whole.subarray(0, 9))).toBeUndefined();
    expect(parseReply(whole)?.next).toBe(whole.length);
  });

  it('encodes commands as arrays of bulk strings, counting bytes not characters', () => {
    expect(encodeCommand(['SET', 'k', 'é']).toString('utf8')).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n',
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

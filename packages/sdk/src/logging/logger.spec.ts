import { KeyflowError, createLogger, silentLogger } from '@keyflow/sdk';

function capture(level: Parameters<typeof createLogger>[0] extends infer O ? (O extends { level?: infer L } ? L : never) : never) {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level, write: (line) => lines.push(line), fields: { component: 'test' } }) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { lines, logger } = capture('debug');
    logger.child({ address: 'test/fn/1' }).info('hello', { extra: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', msg: 'hello', component: 'test', address: 'test/fn/1', extra: 1 });
    expect(typeof record['time']).toBe('string');
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['w', 'e']);
  });

  it('serializes errors with their code, and bigints as strings', () => {
    const { lines, logger } = capture('info');
    logger.error('failed', { error: new KeyflowError('KF_BAD_REQUEST', 'bad'), big: 2n ** 70n });
    const record = JSON.parse(lines[0] ?? '') as { error: { code: string; message: string }; big: string };
    expect(record.error.code).toBe('KF_BAD_REQUEST');
    expect(record.error.message).toContain('bad');
    expect(record.big).toBe((2n ** 70n).toString());
  });

  it('has a silent logger that writes nothing', () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      silentLogger.error('nothing');
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

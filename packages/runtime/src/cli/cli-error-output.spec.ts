import { KeyflowError } from '@keyflow/sdk';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { formatCliError, verboseRequested } from './cli-error-output';

describe('cli error output', () => {
  it('is verbose with --verbose, or DEBUG set to anything but empty, 0 or false', () => {
    expect(verboseRequested(['run', '--verbose'], {})).toBe(true);
    expect(verboseRequested(['run'], { DEBUG: '1' })).toBe(true);
    expect(verboseRequested(['run'], { DEBUG: 'keyflow:*' })).toBe(true);
    for (const DEBUG of [undefined, '', '0', 'false']) expect(verboseRequested(['run'], DEBUG === undefined ? {} : { DEBUG })).toBe(false);
  });

  it('prints a Keyflow error as its one-line message, and its stack and causes only when verbose', () => {
    const cause = new Error('listen EADDRINUSE');
    const error = new KeyflowError(RuntimeErrorCodes.PORT_IN_USE, 'Port 1 is in use: stop that process.', { cause });
    expect(formatCliError(error, false)).toBe('[KF_PORT_IN_USE] Port 1 is in use: stop that process.');
    const verbose = formatCliError(error, true);
    expect(verbose.startsWith('[KF_PORT_IN_USE] Port 1 is in use')).toBe(true);
    expect(verbose).toContain('Caused by: Error: listen EADDRINUSE');
    expect(verbose).toMatch(/\n\s+at /);
  });

  it('gives any other error the code KF_CLI_FAILED and says how to see its stack', () => {
    expect(formatCliError(new TypeError('x is undefined'), false)).toBe(
      '[KF_CLI_FAILED] x is undefined (run again with --verbose, or DEBUG=1, for the stack trace)',
    );
  });
});

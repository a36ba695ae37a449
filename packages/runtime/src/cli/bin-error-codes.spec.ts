import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';

// bin/keyflow.cjs runs before anything is compiled, so it cannot import the table: its codes
// are checked against it here.
describe('bin/keyflow.cjs', () => {
  it('prints only codes of the runtime error table', () => {
    const bin = readFileSync(join(__dirname, '..', '..', 'bin', 'keyflow.cjs'), 'utf8');
    const codes = [...new Set(bin.match(/KF_[A-Z_]+/g) ?? [])];
    expect(codes).toEqual(['KF_CLI_NOT_BUILT']);
    for (const code of codes) expect(Object.values(RuntimeErrorCodes)).toContain(code);
  });
});

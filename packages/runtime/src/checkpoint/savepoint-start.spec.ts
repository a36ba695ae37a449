import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isKeyflowError, silentLogger } from '@keyflow/sdk';
import { IngressLog } from '../ingress/ingress-log';
import { MemoryBackend } from '../state/memory-backend';
import { useTempDir } from '../test-support/temp-dir';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import { noteSavepointStart, savepointToRestore } from './savepoint-start';

const SAVEPOINT = 'file:///backups/savepoints/savepoint-1';

describe('savepointToRestore (--from-savepoint into a state folder)', () => {
  const dir = useTempDir('savepoint-start');

  async function refusal(backend: MemoryBackend, uri = SAVEPOINT): Promise<string> {
    try {
      await savepointToRestore(dir.path, backend, uri, silentLogger);
      return 'restored';
    } catch (error) {
      return isKeyflowError(error) ? error.code : String(error);
    }
  }

  it('restores into a folder that holds nothing of a runtime', async () => {
    await mkdir(join(dir.path, 'ingress', 'app_http'), { recursive: true });
    expect(await savepointToRestore(dir.path, new MemoryBackend(), SAVEPOINT, silentLogger)).toBe(SAVEPOINT);
  });

  it('refuses a folder with state entries', async () => {
    const backend = new MemoryBackend();
    await backend.write([{ type: 'put', key: 's/app/counter/a', value: Buffer.from('1') }]);
    expect(await refusal(backend)).toBe(CheckpointErrorCodes.SAVEPOINT_STATE_DIR_NOT_EMPTY);
  });

  it('refuses a folder whose ingress log holds messages, also with an empty (in-memory) backend', async () => {
    const log = await IngressLog.open(join(dir.path, 'ingress', 'app_http'));
    await log.append(Buffer.from('accepted'));
    await log.close();
    expect(await refusal(new MemoryBackend())).toBe(CheckpointErrorCodes.SAVEPOINT_STATE_DIR_NOT_EMPTY);
  });

  it('resumes (restores nothing) when the folder started from that same savepoint, and refuses another one', async () => {
    const backend = new MemoryBackend();
    await backend.write([{ type: 'put', key: 's/app/counter/a', value: Buffer.from('2') }]);
    await noteSavepointStart(dir.path, SAVEPOINT);
    expect(await savepointToRestore(dir.path, backend, SAVEPOINT, silentLogger)).toBeUndefined();
    expect(await refusal(backend, 'file:///backups/savepoints/savepoint-2')).toBe(CheckpointErrorCodes.SAVEPOINT_STATE_DIR_NOT_EMPTY);
    await writeFile(join(dir.path, 'from-savepoint.json'), 'not json');
    expect(await refusal(backend)).toBe(CheckpointErrorCodes.SAVEPOINT_STATE_DIR_NOT_EMPTY);
  });
});

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyflowError } from '@keyflow/sdk';
import { CheckpointErrorCodes } from './checkpoint-error-codes';
import type { CheckpointStorage } from './checkpoint-storage';
import { FolderCheckpointStorage } from './folder-storage';
import { S3CheckpointStorage, type S3StorageOptions } from './s3-storage';

/**
 * The storage a URI names: `file:///path`, a plain path, or `s3://bucket/prefix`. S3 settings
 * come from `options`, else from `KEYFLOW_S3_ENDPOINT` and the AWS SDK's usual environment.
 */
export function storageFromUri(uri: string, options: S3StorageOptions = {}): CheckpointStorage {
  if (uri.startsWith('s3://')) {
    const endpoint = options.endpoint ?? process.env['KEYFLOW_S3_ENDPOINT'];
    return S3CheckpointStorage.fromUri(uri, { ...options, ...(endpoint === undefined ? {} : { endpoint }) });
  }
  if (uri.startsWith('file://')) return new FolderCheckpointStorage(fileURLToPath(uri));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new KeyflowError(CheckpointErrorCodes.BAD_URI, `${uri}: checkpoint storage must be file://…, s3://bucket/prefix or a folder path.`);
  }
  return new FolderCheckpointStorage(isAbsolute(uri) ? uri : resolve(uri));
}

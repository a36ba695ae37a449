import { stringValue } from '@keyflow/sdk/test-support';
import type { PbAddress } from '@keyflow/sdk/protocol';
import type { Envelope } from '../message/envelope';

/** A message with a string argument, from outside (no caller) unless `caller` is given. */
export function envelope(target: PbAddress, text: string, caller?: PbAddress): Envelope {
  return { target, argument: stringValue(text), caller };
}

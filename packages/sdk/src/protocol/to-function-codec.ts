import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  BinaryReader,
  BinaryWriter,
  WireType,
  expectWireType,
  readAddress,
  readTypedValue,
  subReader,
  writeAddress,
  writeTypedValue,
} from './wire-format';
import type { PbInvocation, PbInvocationBatchRequest, PbPersistedValue } from './wire-types';

const FIELD_INVOCATION_BATCH = 100;

/**
 * Decodes `ToFunction` bytes. Returns undefined when the request carries no invocation batch.
 * Throws `KF_PROTOCOL_MALFORMED` when the bytes are not a valid message.
 */
export function decodeToFunction(bytes: Uint8Array): PbInvocationBatchRequest | undefined {
  try {
    const reader = new BinaryReader(bytes);
    let batch: PbInvocationBatchRequest | undefined;
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === FIELD_INVOCATION_BATCH) {
        expectWireType(wireType, WireType.LengthDelimited, 'ToFunction.invocation');
        batch = readBatchRequest(subReader(reader));
      } else {
        reader.skip(wireType, field);
      }
    }
    return batch;
  } catch (error) {
    throw new KeyflowError(
      SdkErrorCodes.PROTOCOL_MALFORMED,
      `The request body is not a valid StateFun ToFunction message (${(error as Error).message}).`,
      { cause: error },
    );
  }
}

function readBatchRequest(reader: BinaryReader): PbInvocationBatchRequest {
  const batch: PbInvocationBatchRequest = { target: undefined, state: [], invocations: [] };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationBatchRequest.target');
        batch.target = readAddress(subReader(reader));
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationBatchRequest.state');
        batch.state.push(readPersistedValue(subReader(reader)));
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationBatchRequest.invocations');
        batch.invocations.push(readInvocation(subReader(reader)));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return batch;
}

function readPersistedValue(reader: BinaryReader): PbPersistedValue {
  const value: PbPersistedValue = { stateName: '', stateValue: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValue.state_name');
        value.stateName = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValue.state_value');
        value.stateValue = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return value;
}

function readInvocation(reader: BinaryReader): PbInvocation {
  const invocation: PbInvocation = { caller: undefined, argument: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'Invocation.caller');
        invocation.caller = readAddress(subReader(reader));
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'Invocation.argument');
        invocation.argument = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return invocation;
}

/** Encodes an invocation batch as `ToFunction` bytes (the runtime's side of the protocol). */
export function encodeToFunction(batch: PbInvocationBatchRequest): Uint8Array {
  const writer = new BinaryWriter();
  writer.tag(FIELD_INVOCATION_BATCH, WireType.LengthDelimited).fork();
  if (batch.target) writeAddress(writer, 1, batch.target);
  for (const state of batch.state) {
    writer.tag(2, WireType.LengthDelimited).fork();
    if (state.stateName !== '') writer.tag(1, WireType.LengthDelimited).string(state.stateName);
    if (state.stateValue) writeTypedValue(writer, 2, state.stateValue);
    writer.join();
  }
  for (const invocation of batch.invocations) {
    writer.tag(3, WireType.LengthDelimited).fork();
    if (invocation.caller) writeAddress(writer, 1, invocation.caller);
    if (invocation.argument) writeTypedValue(writer, 2, invocation.argument);
    writer.join();
  }
  writer.join();
  return writer.finish();
}

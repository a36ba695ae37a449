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
import type {
  PbDelayedInvocation,
  PbEgressMessage,
  PbExpirationSpec,
  PbExpireMode,
  PbFromFunction,
  PbInvocationResponse,
  PbMutationType,
  PbOutgoingMessage,
  PbStateMutation,
  PbValueSpec,
} from './wire-types';

const FIELD_INVOCATION_RESULT = 100;
const FIELD_INCOMPLETE_CONTEXT = 101;

/** Encodes a function's answer as `FromFunction` bytes. */
export function encodeFromFunction(response: PbFromFunction): Uint8Array {
  const writer = new BinaryWriter();
  if (response.kind === 'invocationResult') {
    writeInvocationResponse(writer, response.result);
  } else if (response.kind === 'incompleteInvocationContext') {
    writer.tag(FIELD_INCOMPLETE_CONTEXT, WireType.LengthDelimited).fork();
    for (const spec of response.missingValues) writeValueSpec(writer, spec);
    writer.join();
  }
  return writer.finish();
}

function writeInvocationResponse(writer: BinaryWriter, result: PbInvocationResponse): void {
  writer.tag(FIELD_INVOCATION_RESULT, WireType.LengthDelimited).fork();
  for (const mutation of result.stateMutations) {
    writer.tag(1, WireType.LengthDelimited).fork();
    if (mutation.mutationType !== 0) writer.tag(1, WireType.Varint).int32(mutation.mutationType);
    if (mutation.stateName !== '') writer.tag(2, WireType.LengthDelimited).string(mutation.stateName);
    if (mutation.stateValue) writeTypedValue(writer, 3, mutation.stateValue);
    writer.join();
  }
  for (const message of result.outgoingMessages) {
    writer.tag(2, WireType.LengthDelimited).fork();
    if (message.target) writeAddress(writer, 1, message.target);
    if (message.argument) writeTypedValue(writer, 2, message.argument);
    writer.join();
  }
  for (const delayed of result.delayedInvocations) {
    writer.tag(3, WireType.LengthDelimited).fork();
    if (delayed.isCancellationRequest) writer.tag(10, WireType.Varint).bool(true);
    if (delayed.cancellationToken !== '') writer.tag(11, WireType.LengthDelimited).string(delayed.cancellationToken);
    if (delayed.delayInMs !== 0) writer.tag(1, WireType.Varint).int64(delayed.delayInMs);
    if (delayed.target) writeAddress(writer, 2, delayed.target);
    if (delayed.argument) writeTypedValue(writer, 3, delayed.argument);
    writer.join();
  }
  for (const egress of result.outgoingEgresses) {
    writer.tag(4, WireType.LengthDelimited).fork();
    if (egress.egressNamespace !== '') writer.tag(1, WireType.LengthDelimited).string(egress.egressNamespace);
    if (egress.egressType !== '') writer.tag(2, WireType.LengthDelimited).string(egress.egressType);
    if (egress.argument) writeTypedValue(writer, 3, egress.argument);
    writer.join();
  }
  writer.join();
}

function writeValueSpec(writer: BinaryWriter, spec: PbValueSpec): void {
  writer.tag(1, WireType.LengthDelimited).fork();
  if (spec.stateName !== '') writer.tag(1, WireType.LengthDelimited).string(spec.stateName);
  if (spec.expirationSpec) {
    writer.tag(2, WireType.LengthDelimited).fork();
    if (spec.expirationSpec.mode !== 0) writer.tag(1, WireType.Varint).int32(spec.expirationSpec.mode);
    if (spec.expirationSpec.expireAfterMillis !== 0) {
      writer.tag(2, WireType.Varint).int64(spec.expirationSpec.expireAfterMillis);
    }
    writer.join();
  }
  if (spec.typeTypename !== '') writer.tag(3, WireType.LengthDelimited).string(spec.typeTypename);
  writer.join();
}

/**
 * Decodes `FromFunction` bytes (the runtime's side of the protocol).
 * Throws `KF_PROTOCOL_MALFORMED` when the bytes are not a valid message.
 */
export function decodeFromFunction(bytes: Uint8Array): PbFromFunction {
  try {
    const reader = new BinaryReader(bytes);
    let response: PbFromFunction = { kind: 'empty' };
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === FIELD_INVOCATION_RESULT) {
        expectWireType(wireType, WireType.LengthDelimited, 'FromFunction.invocation_result');
        response = { kind: 'invocationResult', result: readInvocationResponse(subReader(reader)) };
      } else if (field === FIELD_INCOMPLETE_CONTEXT) {
        expectWireType(wireType, WireType.LengthDelimited, 'FromFunction.incomplete_invocation_context');
        response = { kind: 'incompleteInvocationContext', missingValues: readIncompleteContext(subReader(reader)) };
      } else {
        reader.skip(wireType, field);
      }
    }
    return response;
  } catch (error) {
    throw new KeyflowError(
      SdkErrorCodes.PROTOCOL_MALFORMED,
      `The function's reply is not a valid StateFun FromFunction message (${(error as Error).message}).`,
      { cause: error },
    );
  }
}

function readInvocationResponse(reader: BinaryReader): PbInvocationResponse {
  const result: PbInvocationResponse = {
    stateMutations: [],
    outgoingMessages: [],
    delayedInvocations: [],
    outgoingEgresses: [],
  };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationResponse.state_mutations');
        result.stateMutations.push(readMutation(subReader(reader)));
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationResponse.outgoing_messages');
        result.outgoingMessages.push(readOutgoingMessage(subReader(reader)));
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationResponse.delayed_invocations');
        result.delayedInvocations.push(readDelayed(subReader(reader)));
        break;
      case 4:
        expectWireType(wireType, WireType.LengthDelimited, 'InvocationResponse.outgoing_egresses');
        result.outgoingEgresses.push(readEgress(subReader(reader)));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return result;
}

function readMutation(reader: BinaryReader): PbStateMutation {
  const mutation: PbStateMutation = { mutationType: 0, stateName: '', stateValue: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.Varint, 'PersistedValueMutation.mutation_type');
        mutation.mutationType = reader.int32() as PbMutationType;
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValueMutation.state_name');
        mutation.stateName = reader.string();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValueMutation.state_value');
        mutation.stateValue = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return mutation;
}

function readOutgoingMessage(reader: BinaryReader): PbOutgoingMessage {
  const message: PbOutgoingMessage = { target: undefined, argument: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'Invocation.target');
        message.target = readAddress(subReader(reader));
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'Invocation.argument');
        message.argument = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return message;
}

function readDelayed(reader: BinaryReader): PbDelayedInvocation {
  const delayed: PbDelayedInvocation = {
    isCancellationRequest: false,
    cancellationToken: '',
    delayInMs: 0,
    target: undefined,
    argument: undefined,
  };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 10:
        expectWireType(wireType, WireType.Varint, 'DelayedInvocation.is_cancellation_request');
        delayed.isCancellationRequest = reader.bool();
        break;
      case 11:
        expectWireType(wireType, WireType.LengthDelimited, 'DelayedInvocation.cancellation_token');
        delayed.cancellationToken = reader.string();
        break;
      case 1:
        expectWireType(wireType, WireType.Varint, 'DelayedInvocation.delay_in_ms');
        delayed.delayInMs = Number(reader.int64());
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'DelayedInvocation.target');
        delayed.target = readAddress(subReader(reader));
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'DelayedInvocation.argument');
        delayed.argument = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return delayed;
}

function readEgress(reader: BinaryReader): PbEgressMessage {
  const egress: PbEgressMessage = { egressNamespace: '', egressType: '', argument: undefined };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'EgressMessage.egress_namespace');
        egress.egressNamespace = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'EgressMessage.egress_type');
        egress.egressType = reader.string();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'EgressMessage.argument');
        egress.argument = readTypedValue(subReader(reader));
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return egress;
}

function readIncompleteContext(reader: BinaryReader): PbValueSpec[] {
  const specs: PbValueSpec[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      expectWireType(wireType, WireType.LengthDelimited, 'IncompleteInvocationContext.missing_values');
      specs.push(readValueSpec(subReader(reader)));
    } else {
      reader.skip(wireType, field);
    }
  }
  return specs;
}

function readValueSpec(reader: BinaryReader): PbValueSpec {
  const spec: PbValueSpec = { stateName: '', expirationSpec: undefined, typeTypename: '' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValueSpec.state_name');
        spec.stateName = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValueSpec.expiration_spec');
        spec.expirationSpec = readExpirationSpec(subReader(reader));
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'PersistedValueSpec.type_typename');
        spec.typeTypename = reader.string();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return spec;
}

function readExpirationSpec(reader: BinaryReader): PbExpirationSpec {
  const spec: PbExpirationSpec = { mode: 0, expireAfterMillis: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.Varint, 'ExpirationSpec.mode');
        spec.mode = reader.int32() as PbExpireMode;
        break;
      case 2:
        expectWireType(wireType, WireType.Varint, 'ExpirationSpec.expire_after_millis');
        spec.expireAfterMillis = Number(reader.int64());
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return spec;
}

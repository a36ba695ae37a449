import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import {
  type BinaryReader,
  WireType,
  expectWireType,
  readAddress,
  readTypedValue,
  readerOf,
  subReader,
} from './wire-format';
import { WireWriter } from './wire-writer';
import { writeAddressTo, writeTypedValueTo } from './wire-writes';
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

const writer = new WireWriter();
// Wire types as local constants: reading them off the imported enum costs a property access per field.
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * Encodes a function's answer as `FromFunction` bytes. The sdk's reply hot path: written with
 * {@link WireWriter} into one reused buffer, byte-identical to protobuf-es.
 */
export function encodeFromFunction(response: PbFromFunction): Uint8Array {
  writer.reset();
  if (response.kind === 'invocationResult') {
    writeInvocationResponse(response.result);
  } else if (response.kind === 'incompleteInvocationContext') {
    writer.tag(FIELD_INCOMPLETE_CONTEXT, LENGTH_DELIMITED);
    const context = writer.fork();
    for (const spec of response.missingValues) writeValueSpec(spec);
    writer.join(context);
  }
  return writer.finish();
}

function writeInvocationResponse(result: PbInvocationResponse): void {
  writer.tag(FIELD_INVOCATION_RESULT, LENGTH_DELIMITED);
  const response = writer.fork();
  for (const mutation of result.stateMutations) {
    writer.tag(1, LENGTH_DELIMITED);
    const start = writer.fork();
    if (mutation.mutationType !== 0) writer.tag(1, VARINT).int32(mutation.mutationType);
    if (mutation.stateName !== '') writer.tag(2, LENGTH_DELIMITED).string(mutation.stateName);
    if (mutation.stateValue) writeTypedValueTo(writer, 3, mutation.stateValue);
    writer.join(start);
  }
  for (const message of result.outgoingMessages) {
    writer.tag(2, LENGTH_DELIMITED);
    const start = writer.fork();
    if (message.target) writeAddressTo(writer, 1, message.target);
    if (message.argument) writeTypedValueTo(writer, 2, message.argument);
    writer.join(start);
  }
  for (const delayed of result.delayedInvocations) {
    writer.tag(3, LENGTH_DELIMITED);
    const start = writer.fork();
    // Fields in number order, as protobuf-es and protoc-generated code write them.
    if (delayed.delayInMs !== 0) writer.tag(1, VARINT).int64(delayed.delayInMs);
    if (delayed.target) writeAddressTo(writer, 2, delayed.target);
    if (delayed.argument) writeTypedValueTo(writer, 3, delayed.argument);
    if (delayed.isCancellationRequest) writer.tag(10, VARINT).bool(true);
    if (delayed.cancellationToken !== '') writer.tag(11, LENGTH_DELIMITED).string(delayed.cancellationToken);
    writer.join(start);
  }
  for (const egress of result.outgoingEgresses) {
    writer.tag(4, LENGTH_DELIMITED);
    const start = writer.fork();
    if (egress.egressNamespace !== '') writer.tag(1, LENGTH_DELIMITED).string(egress.egressNamespace);
    if (egress.egressType !== '') writer.tag(2, LENGTH_DELIMITED).string(egress.egressType);
    if (egress.argument) writeTypedValueTo(writer, 3, egress.argument);
    writer.join(start);
  }
  writer.join(response);
}

function writeValueSpec(spec: PbValueSpec): void {
  writer.tag(1, LENGTH_DELIMITED);
  const start = writer.fork();
  if (spec.stateName !== '') writer.tag(1, LENGTH_DELIMITED).string(spec.stateName);
  if (spec.expirationSpec) {
    writer.tag(2, LENGTH_DELIMITED);
    const expiration = writer.fork();
    if (spec.expirationSpec.mode !== 0) writer.tag(1, VARINT).int32(spec.expirationSpec.mode);
    if (spec.expirationSpec.expireAfterMillis !== 0) {
      writer.tag(2, VARINT).int64(spec.expirationSpec.expireAfterMillis);
    }
    writer.join(expiration);
  }
  if (spec.typeTypename !== '') writer.tag(3, LENGTH_DELIMITED).string(spec.typeTypename);
  writer.join(start);
}

/**
 * Decodes `FromFunction` bytes (the runtime's side of the protocol).
 * Throws `KF_PROTOCOL_MALFORMED` when the bytes are not a valid message.
 */
export function decodeFromFunction(bytes: Uint8Array): PbFromFunction {
  try {
    const reader = readerOf(bytes);
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

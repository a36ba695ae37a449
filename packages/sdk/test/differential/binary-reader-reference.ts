// Reference decoders on protobuf-es's BinaryReader: the message walks the sdk's codecs made
// before they moved to the hand-written WireReader. The differential tests check that
// WireReader-based decoding accepts, rejects and reads every input exactly as these do.

import {
  type BinaryReader,
  WireType,
  expectWireType,
  readerOf,
  subReader,
} from '../../src/protocol/wire-format';
import type {
  PbAddress,
  PbDelayedInvocation,
  PbEgressMessage,
  PbExpirationSpec,
  PbExpireMode,
  PbFromFunction,
  PbInvocationResponse,
  PbMutationType,
  PbOutgoingMessage,
  PbStateMutation,
  PbTypedValue,
  PbValueSpec,
} from '../../src/protocol/wire-types';

/** FromFunction decoded on protobuf-es's BinaryReader, field by field as decodeFromFunction does. */
export function referenceDecodeFromFunction(bytes: Uint8Array): PbFromFunction {
  const reader = readerOf(bytes);
  let response: PbFromFunction = { kind: 'empty' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 100) {
      expectWireType(wireType, WireType.LengthDelimited, 'FromFunction.invocation_result');
      response = { kind: 'invocationResult', result: readInvocationResponse(subReader(reader)) };
    } else if (field === 101) {
      expectWireType(wireType, WireType.LengthDelimited, 'FromFunction.incomplete_invocation_context');
      response = { kind: 'incompleteInvocationContext', missingValues: readIncompleteContext(subReader(reader)) };
    } else {
      reader.skip(wireType, field);
    }
  }
  return response;
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

/** Reads an Address sub-message, as the sdk's codecs did. */
export function readAddress(reader: BinaryReader): PbAddress {
  const address: PbAddress = { namespace: '', type: '', id: '' };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.namespace');
        address.namespace = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.type');
        address.type = reader.string();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'Address.id');
        address.id = reader.string();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return address;
}

const EMPTY_BYTES = new Uint8Array(0);

/** Reads a TypedValue sub-message, as the sdk's codecs did. */
export function readTypedValue(reader: BinaryReader): PbTypedValue {
  const value: PbTypedValue = { typename: '', hasValue: false, value: EMPTY_BYTES };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.typename');
        value.typename = reader.string();
        break;
      case 2:
        expectWireType(wireType, WireType.Varint, 'TypedValue.has_value');
        value.hasValue = reader.bool();
        break;
      case 3:
        expectWireType(wireType, WireType.LengthDelimited, 'TypedValue.value');
        value.value = reader.bytes();
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return value;
}

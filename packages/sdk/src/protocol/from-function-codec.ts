import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { RepeatedString, WireReader } from './wire-reader';
import { readAddressFrom, readTypedValueFrom } from './wire-reads';
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

// Fields whose values repeat from reply to reply (see wire-reads.ts for typenames and addresses).
const stateNames = new RepeatedString();
const egressNamespaces = new RepeatedString();
const egressTypes = new RepeatedString();

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
 * Decodes `FromFunction` bytes (the runtime's side of the protocol): read in place with
 * {@link WireReader}, accepting exactly what protobuf-es's BinaryReader accepts. Byte fields
 * are views of `bytes`, not copies. Throws `KF_PROTOCOL_MALFORMED` when the bytes are not a
 * valid message.
 */
export function decodeFromFunction(bytes: Uint8Array): PbFromFunction {
  try {
    const reader = new WireReader(bytes);
    let response: PbFromFunction = { kind: 'empty' };
    while (reader.more()) {
      const tag = reader.tag();
      const field = tag >>> 3;
      if (field === FIELD_INVOCATION_RESULT) {
        reader.check(tag, LENGTH_DELIMITED, 'FromFunction.invocation_result');
        response = { kind: 'invocationResult', result: readInvocationResponse(reader) };
      } else if (field === FIELD_INCOMPLETE_CONTEXT) {
        reader.check(tag, LENGTH_DELIMITED, 'FromFunction.incomplete_invocation_context');
        response = { kind: 'incompleteInvocationContext', missingValues: readIncompleteContext(reader) };
      } else {
        reader.skip(tag & 7, field);
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

// Each reader below consumes one length-delimited sub-message at the reader's position.

function readInvocationResponse(reader: WireReader): PbInvocationResponse {
  const outer = reader.enter();
  const result: PbInvocationResponse = {
    stateMutations: [],
    outgoingMessages: [],
    delayedInvocations: [],
    outgoingEgresses: [],
  };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationResponse.state_mutations');
        result.stateMutations.push(readMutation(reader));
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationResponse.outgoing_messages');
        result.outgoingMessages.push(readOutgoingMessage(reader));
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationResponse.delayed_invocations');
        result.delayedInvocations.push(readDelayed(reader));
        break;
      case 4:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationResponse.outgoing_egresses');
        result.outgoingEgresses.push(readEgress(reader));
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return result;
}

function readMutation(reader: WireReader): PbStateMutation {
  const outer = reader.enter();
  const mutation: PbStateMutation = { mutationType: 0, stateName: '', stateValue: undefined };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, VARINT, 'PersistedValueMutation.mutation_type');
        mutation.mutationType = reader.int32() as PbMutationType;
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValueMutation.state_name');
        mutation.stateName = reader.string(stateNames);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValueMutation.state_value');
        mutation.stateValue = readTypedValueFrom(reader);
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return mutation;
}

function readOutgoingMessage(reader: WireReader): PbOutgoingMessage {
  const outer = reader.enter();
  const message: PbOutgoingMessage = { target: undefined, argument: undefined };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.target');
        message.target = readAddressFrom(reader);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.argument');
        message.argument = readTypedValueFrom(reader);
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return message;
}

function readDelayed(reader: WireReader): PbDelayedInvocation {
  const outer = reader.enter();
  const delayed: PbDelayedInvocation = {
    isCancellationRequest: false,
    cancellationToken: '',
    delayInMs: 0,
    target: undefined,
    argument: undefined,
  };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 10:
        reader.check(tag, VARINT, 'DelayedInvocation.is_cancellation_request');
        delayed.isCancellationRequest = reader.bool();
        break;
      case 11:
        reader.check(tag, LENGTH_DELIMITED, 'DelayedInvocation.cancellation_token');
        delayed.cancellationToken = reader.string();
        break;
      case 1:
        reader.check(tag, VARINT, 'DelayedInvocation.delay_in_ms');
        delayed.delayInMs = reader.int64();
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'DelayedInvocation.target');
        delayed.target = readAddressFrom(reader);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'DelayedInvocation.argument');
        delayed.argument = readTypedValueFrom(reader);
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return delayed;
}

function readEgress(reader: WireReader): PbEgressMessage {
  const outer = reader.enter();
  const egress: PbEgressMessage = { egressNamespace: '', egressType: '', argument: undefined };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'EgressMessage.egress_namespace');
        egress.egressNamespace = reader.string(egressNamespaces);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'EgressMessage.egress_type');
        egress.egressType = reader.string(egressTypes);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'EgressMessage.argument');
        egress.argument = readTypedValueFrom(reader);
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return egress;
}

function readIncompleteContext(reader: WireReader): PbValueSpec[] {
  const outer = reader.enter();
  const specs: PbValueSpec[] = [];
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) {
      reader.check(tag, LENGTH_DELIMITED, 'IncompleteInvocationContext.missing_values');
      specs.push(readValueSpec(reader));
    } else {
      reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return specs;
}

function readValueSpec(reader: WireReader): PbValueSpec {
  const outer = reader.enter();
  const spec: PbValueSpec = { stateName: '', expirationSpec: undefined, typeTypename: '' };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValueSpec.state_name');
        spec.stateName = reader.string();
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValueSpec.expiration_spec');
        spec.expirationSpec = readExpirationSpec(reader);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValueSpec.type_typename');
        spec.typeTypename = reader.string();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return spec;
}

function readExpirationSpec(reader: WireReader): PbExpirationSpec {
  const outer = reader.enter();
  const spec: PbExpirationSpec = { mode: 0, expireAfterMillis: 0 };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, VARINT, 'ExpirationSpec.mode');
        spec.mode = reader.int32() as PbExpireMode;
        break;
      case 2:
        reader.check(tag, VARINT, 'ExpirationSpec.expire_after_millis');
        spec.expireAfterMillis = reader.int64();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return spec;
}

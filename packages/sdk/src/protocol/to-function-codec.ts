import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { WireWriter } from './wire-writer';
import { writeAddressTo, writeHeadersTo, writeTypedValueTo } from './wire-writes';
import { RepeatedString, WireReader } from './wire-reader';
import { PB_HEADERS_FIELD } from './wire-types';
import type { PbAddress, PbHeader, PbInvocation, PbInvocationBatchRequest, PbPersistedValue, PbTypedValue } from './wire-types';

const FIELD_INVOCATION_BATCH = 100;
// Keyflow's extension field, as a local constant (see wire-reader.ts on imported constants).
const FIELD_HEADERS = PB_HEADERS_FIELD;

// Wire types as local constants (see wire-reader.ts).
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const EMPTY_BYTES = new Uint8Array(0);

// Fields whose values repeat across invocations and requests: typenames, namespaces. Decoding
// is synchronous, so one cache per field serves every request.
const typenames = new RepeatedString();
const namespaces = new RepeatedString();
const types = new RepeatedString();
const stateNames = new RepeatedString();

/**
 * Decodes `ToFunction` bytes. Returns undefined when the request carries no invocation batch.
 * Throws `KF_PROTOCOL_MALFORMED` when the bytes are not a valid message. The sdk's request hot
 * path: read in place with {@link WireReader}, accepting exactly what protobuf-es accepts.
 */
export function decodeToFunction(bytes: Uint8Array): PbInvocationBatchRequest | undefined {
  try {
    const reader = new WireReader(bytes);
    let batch: PbInvocationBatchRequest | undefined;
    while (reader.more()) {
      const tag = reader.tag();
      if (tag >>> 3 === FIELD_INVOCATION_BATCH) {
        reader.check(tag, LENGTH_DELIMITED, 'ToFunction.invocation');
        batch = readBatchRequest(reader);
      } else {
        reader.skip(tag & 7, tag >>> 3);
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

// Each reader below consumes one length-delimited sub-message at the reader's position.

function readBatchRequest(reader: WireReader): PbInvocationBatchRequest {
  const outer = reader.enter();
  const batch: PbInvocationBatchRequest = { target: undefined, state: [], invocations: [] };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationBatchRequest.target');
        batch.target = readAddress(reader);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationBatchRequest.state');
        batch.state.push(readPersistedValue(reader));
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'InvocationBatchRequest.invocations');
        batch.invocations.push(readInvocation(reader));
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return batch;
}

function readPersistedValue(reader: WireReader): PbPersistedValue {
  const outer = reader.enter();
  const value: PbPersistedValue = { stateName: '', stateValue: undefined };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValue.state_name');
        value.stateName = reader.string(stateNames);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'PersistedValue.state_value');
        value.stateValue = readTypedValue(reader);
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return value;
}

function readInvocation(reader: WireReader): PbInvocation {
  const outer = reader.enter();
  const invocation: PbInvocation = { caller: undefined, argument: undefined };
  // Made only for the first header: an invocation without headers allocates nothing for them.
  let headers: PbHeader[] | undefined;
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.caller');
        invocation.caller = readAddress(reader);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.argument');
        invocation.argument = readTypedValue(reader);
        break;
      case FIELD_HEADERS:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.headers');
        (headers ??= []).push(readHeader(reader));
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  if (headers) invocation.headers = headers;
  return invocation;
}

function readHeader(reader: WireReader): PbHeader {
  const outer = reader.enter();
  const header: PbHeader = { key: '', value: EMPTY_BYTES };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Header.key');
        header.key = reader.string();
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Header.value');
        header.value = reader.bytes();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return header;
}

function readAddress(reader: WireReader): PbAddress {
  const outer = reader.enter();
  const address: PbAddress = { namespace: '', type: '', id: '' };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'Address.namespace');
        address.namespace = reader.string(namespaces);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Address.type');
        address.type = reader.string(types);
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'Address.id');
        address.id = reader.string();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return address;
}

function readTypedValue(reader: WireReader): PbTypedValue {
  const outer = reader.enter();
  const value: PbTypedValue = { typename: '', hasValue: false, value: EMPTY_BYTES };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        reader.check(tag, LENGTH_DELIMITED, 'TypedValue.typename');
        value.typename = reader.string(typenames);
        break;
      case 2:
        reader.check(tag, VARINT, 'TypedValue.has_value');
        value.hasValue = reader.bool();
        break;
      case 3:
        reader.check(tag, LENGTH_DELIMITED, 'TypedValue.value');
        value.value = reader.bytes();
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  return value;
}

/**
 * Encodes an invocation batch as `ToFunction` bytes (the runtime's side of the protocol), with
 * {@link WireWriter} into one reused buffer; byte-identical to protobuf-es.
 */
export function encodeToFunction(batch: PbInvocationBatchRequest): Uint8Array {
  const writer = requestWriter.reset();
  writer.tag(FIELD_INVOCATION_BATCH, LENGTH_DELIMITED);
  const request = writer.fork();
  if (batch.target) writeAddressTo(writer, 1, batch.target);
  for (const state of batch.state) {
    writer.tag(2, LENGTH_DELIMITED);
    const start = writer.fork();
    if (state.stateName !== '') writer.tag(1, LENGTH_DELIMITED).string(state.stateName);
    if (state.stateValue) writeTypedValueTo(writer, 2, state.stateValue);
    writer.join(start);
  }
  for (const invocation of batch.invocations) {
    writer.tag(3, LENGTH_DELIMITED);
    const start = writer.fork();
    if (invocation.caller) writeAddressTo(writer, 1, invocation.caller);
    if (invocation.argument) writeTypedValueTo(writer, 2, invocation.argument);
    if (invocation.headers) writeHeadersTo(writer, FIELD_HEADERS, invocation.headers);
    writer.join(start);
  }
  writer.join(request);
  return writer.finish();
}

const requestWriter = new WireWriter();

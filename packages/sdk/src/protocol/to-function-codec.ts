import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { WireWriter } from './wire-writer';
import { writeAddressTo, writeTypedValueTo } from './wire-writes';
import { RepeatedString, WireReader } from './wire-reader';
import { readAddressFrom, readLegacyHeaderFrom, readTypedValueFrom } from './wire-reads';
import { PB_LEGACY_HEADERS_FIELD } from './wire-types';
import type { PbHeader, PbInvocation, PbInvocationBatchRequest, PbPersistedValue } from './wire-types';

const FIELD_INVOCATION_BATCH = 100;
// The legacy header field, as a local constant (see wire-reader.ts on imported constants).
const FIELD_LEGACY_HEADERS = PB_LEGACY_HEADERS_FIELD;
// Receives an argument's metadata; emptied into the invocation, so most invocations allocate nothing.
const argumentMetadata: PbHeader[] = [];

// Wire types as local constants (see wire-reader.ts).
const LENGTH_DELIMITED = 2;
const EMPTY_ARGUMENT = { typename: '', hasValue: false, value: new Uint8Array(0) };

// State names repeat from request to request (see wire-reads.ts for the other repeated fields).
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
        batch.target = readAddressFrom(reader);
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
        value.stateValue = readTypedValueFrom(reader);
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
        invocation.caller = readAddressFrom(reader);
        break;
      case 2:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.argument');
        argumentMetadata.length = 0; // a decode that failed part way may have left entries
        invocation.argument = readTypedValueFrom(reader, argumentMetadata);
        if (argumentMetadata.length > 0) (headers ??= []).push(...argumentMetadata.splice(0));
        break;
      case FIELD_LEGACY_HEADERS:
        reader.check(tag, LENGTH_DELIMITED, 'Invocation.headers');
        (headers ??= []).push(readLegacyHeaderFrom(reader));
        break;
      default:
        reader.skip(tag & 7, tag >>> 3);
    }
  }
  reader.leave(outer);
  if (headers) invocation.headers = headers;
  return invocation;
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
    const argument = invocation.argument ?? (invocation.headers ? EMPTY_ARGUMENT : undefined);
    if (argument) writeTypedValueTo(writer, 2, argument, invocation.headers);
    writer.join(start);
  }
  writer.join(request);
  return writer.finish();
}

const requestWriter = new WireWriter();

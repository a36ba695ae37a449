import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { toPbAddress, type Address } from '../function/address';
import type { Context, MessageSpec, StorageOf, StringMessageSpec } from '../function/context';
import { toMillis, type Duration } from '../function/duration';
import { isEgressMessage, type EgressMessage } from '../function/egress-message';
import { parseTypename } from '../function/typename';
import type {
  PbDelayedInvocation,
  PbEgressMessage,
  PbOutgoingMessage,
  PbTypedValue,
} from '../protocol/wire-types';
import { Types } from '../types/builtin-types';

type AnyMessageSpec = MessageSpec<unknown> | StringMessageSpec;

/** The effects a batch produced, in the order the function produced them. */
export interface BatchEffects {
  readonly outgoingMessages: PbOutgoingMessage[];
  readonly delayedInvocations: PbDelayedInvocation[];
  readonly outgoingEgresses: PbEgressMessage[];
}

/**
 * The {@link Context} of one batch. Arguments are validated and serialized when the function
 * calls `send`, so a mistake surfaces at the line that made it.
 */
export class InvocationContext implements Context {
  caller: Address | undefined = undefined;
  readonly effects: BatchEffects = { outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] };

  constructor(
    readonly self: Address,
    readonly storage: StorageOf<Record<string, unknown>>,
  ) {}

  send(message: AnyMessageSpec | EgressMessage): void {
    if (isEgressMessage(message)) {
      const { namespace, name } = parseTypename(message.egress, 'ctx.send: egress');
      this.effects.outgoingEgresses.push({ egressNamespace: namespace, egressType: name, argument: message.typedValue });
      return;
    }
    this.effects.outgoingMessages.push({
      target: toPbAddress(message?.target, 'ctx.send'),
      argument: typedValueOf(message, 'ctx.send'),
    });
  }

  sendAfter(delay: Duration, message: AnyMessageSpec, cancellationToken?: string): void {
    if (isEgressMessage(message)) {
      throw new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, 'ctx.sendAfter: egress records cannot be delayed; use ctx.send.');
    }
    this.effects.delayedInvocations.push({
      isCancellationRequest: false,
      cancellationToken: cancellationToken ?? '',
      delayInMs: toMillis(delay, 'ctx.sendAfter: delay'),
      target: toPbAddress(message?.target, 'ctx.sendAfter'),
      argument: typedValueOf(message, 'ctx.sendAfter'),
    });
  }

  cancelDelayedMessage(cancellationToken: string): void {
    if (typeof cancellationToken !== 'string' || cancellationToken.length === 0) {
      throw new KeyflowError(
        SdkErrorCodes.INVALID_MESSAGE,
        'ctx.cancelDelayedMessage: the cancellation token is missing or empty.',
      );
    }
    this.effects.delayedInvocations.push({
      isCancellationRequest: true,
      cancellationToken,
      delayInMs: 0,
      target: undefined,
      argument: undefined,
    });
  }
}

function typedValueOf(message: AnyMessageSpec, where: string): PbTypedValue {
  const { value } = message;
  if (value === undefined || value === null) {
    throw new KeyflowError(SdkErrorCodes.INVALID_MESSAGE, `${where}: the message to ${message.target.typename} has no value.`);
  }
  const type = message.type ?? (typeof value === 'string' ? Types.string : undefined);
  if (!type) {
    throw new KeyflowError(
      SdkErrorCodes.INVALID_MESSAGE,
      `${where}: the message to ${message.target.typename} has a ${typeof value} value and no type; add type: Types.int, jsonType(…), ….`,
    );
  }
  return { typename: type.typename, hasValue: true, value: type.serialize(value) };
}

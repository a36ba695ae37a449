import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import { toPbAddress, type Address } from '../function/address';
import { randomUUID } from 'node:crypto';
import type {
  Context,
  MessageSpec,
  RequestSpec,
  ScheduledMessage,
  StorageOf,
  StringMessageSpec,
  StringRequestSpec,
} from '../function/context';
import { toMillis, type Duration } from '../function/duration';
import { isEgressMessage, type EgressMessage } from '../function/egress-message';
import { parseTypename } from '../function/typename';
import {
  REPLY_TYPENAME,
  REQUEST_TYPENAME,
  encodeReplyEnvelope,
  encodeRequestEnvelope,
} from '../protocol/keyflow-envelopes';
import type { ScheduleSpec } from '../schedule/schedule-rule';
import type {
  PbAddress,
  PbDelayedInvocation,
  PbEgressMessage,
  PbOutgoingMessage,
  PbTypedValue,
} from '../protocol/wire-types';
import { Types } from '../types/builtin-types';
import type { Type } from '../types/type';
import { ScheduleBook } from './schedule-book';

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
  /** Where `reply` sends: the `replyTo` of a request, else the caller (wire form). */
  replyTarget: PbAddress | undefined = undefined;
  /** The correlation id of the request being handled, echoed by `reply`. */
  correlationId: string | undefined = undefined;
  readonly effects: BatchEffects = { outgoingMessages: [], delayedInvocations: [], outgoingEgresses: [] };
  readonly #scheduling: SchedulingInput;
  #schedules: ScheduleBook | undefined;

  constructor(
    readonly self: Address,
    readonly storage: StorageOf<Record<string, unknown>>,
    scheduling: SchedulingInput = { pbSelf: undefined, stored: null, clock: Date.now },
  ) {
    this.#scheduling = scheduling;
  }

  /** This batch's schedules, made when first used: most batches have none. */
  get schedules(): ScheduleBook {
    if (!this.#schedules) {
      const { pbSelf, stored, clock } = this.#scheduling;
      this.#schedules = new ScheduleBook(pbSelf ?? splitAddress(this.self), stored, clock, this.effects.delayedInvocations);
    }
    return this.#schedules;
  }

  /** True once the batch used schedules; then {@link schedules} holds its state. */
  get usedSchedules(): boolean {
    return this.#schedules !== undefined;
  }

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

  reply(value: unknown, type?: Type<unknown>): void {
    const target = this.replyTarget;
    if (!target) {
      throw new KeyflowError(
        SdkErrorCodes.NO_CALLER,
        `ctx.reply in ${this.self.typename} '${this.self.id}': the message being handled has no caller to answer (it came from an ingress that gives none); send the answer with ctx.send or to an egress instead.`,
      );
    }
    const payload = typedValueOf({ target: this.self, value, type } as AnyMessageSpec, 'ctx.reply');
    const correlationId = this.correlationId;
    this.effects.outgoingMessages.push({
      target,
      argument:
        correlationId === undefined
          ? payload
          : { typename: REPLY_TYPENAME, hasValue: true, value: encodeReplyEnvelope({ correlationId, payload }) },
    });
  }

  request(request: RequestSpec<unknown> | StringRequestSpec): string {
    const target = toPbAddress(request?.target, 'ctx.request');
    const payload = typedValueOf(request, 'ctx.request');
    const replyTo = request.replyTo === undefined ? undefined : toPbAddress(request.replyTo, 'ctx.request: replyTo');
    const correlationId = randomUUID();
    this.effects.outgoingMessages.push({
      target,
      argument: { typename: REQUEST_TYPENAME, hasValue: true, value: encodeRequestEnvelope({ correlationId, payload, replyTo }) },
    });
    return correlationId;
  }

  schedule(name: string, when: ScheduleSpec, message: ScheduledMessage<unknown>): void {
    const where = `ctx.schedule('${String(name)}')`;
    if (message === null || typeof message !== 'object') {
      throw new KeyflowError(SdkErrorCodes.INVALID_SCHEDULE, `${where}: the message is missing; pass { value, type }.`);
    }
    this.schedules.schedule(name, when, typedValueOf({ ...message, target: this.self }, where));
  }

  unschedule(name: string): boolean {
    return this.schedules.unschedule(name);
  }
}

export interface SchedulingInput {
  /** This address in wire form. */
  readonly pbSelf: PbAddress | undefined;
  /** The reserved schedules state value as the request carried it; `null` when it lacked it. */
  readonly stored: PbTypedValue | undefined | null;
  readonly clock: () => number;
}

function splitAddress(self: Address): PbAddress {
  const { namespace, name } = parseTypename(self.typename, 'ctx.self');
  return { namespace, type: name, id: self.id };
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

import { KeyflowError } from '../errors/keyflow-error';
import { SdkErrorCodes } from '../errors/error-codes';
import type { ScheduleTickInfo } from '../function/message';
import { SCHEDULE_TICK_TYPENAME, encodeScheduleTick, type PbScheduleTick } from '../protocol/keyflow-envelopes';
import { PbMutationType, type PbAddress, type PbDelayedInvocation, type PbStateMutation, type PbTypedValue } from '../protocol/wire-types';
import { fireTimesBetween, nextFireTime, ruleOf, type ScheduleSpec } from '../schedule/schedule-rule';
import { SCHEDULES_STATE_NAME, readSchedules, writeSchedules, type StoredSchedules } from '../schedule/schedule-table';

/** A tick that is due: the message to deliver and what the function learns of the tick. */
export interface DueTick {
  readonly message: PbTypedValue;
  readonly tick: ScheduleTickInfo;
}

/**
 * The schedules of one address during one batch. A schedule is a delayed message the address
 * sends itself, with a cancellation token derived from the address and the schedule's name;
 * each tick re-arms the next. The definitions live in the reserved state value, which makes
 * ticks of a replaced or removed schedule, and a tick delivered twice, recognisable as stale.
 */
export class ScheduleBook {
  #table: StoredSchedules | undefined;
  #dirty = false;
  /** True when the batch used schedules but the request lacked the reserved state value. */
  missingState = false;

  constructor(
    private readonly self: PbAddress,
    /** The reserved state value as the request carried it; `null` when the request lacked it. */
    private readonly stored: PbTypedValue | undefined | null,
    private readonly clock: () => number,
    private readonly delayed: PbDelayedInvocation[],
  ) {}

  /** Sets (or replaces) schedule `name` to deliver `message` to this address per `spec`. */
  schedule(name: string, spec: ScheduleSpec, message: PbTypedValue): void {
    const where = `ctx.schedule('${String(name)}')`;
    checkName(name, 'ctx.schedule');
    const now = this.clock();
    const rule = ruleOf(spec, now, where);
    const table = this.#load();
    if (!table) return;
    const generation = table.generation + 1;
    const next = nextFireTime(rule, now);
    table.generation = generation;
    table.schedules[name] = {
      generation,
      rule,
      next,
      message: { typename: message.typename, value: Buffer.from(message.value).toString('base64') },
    };
    this.#dirty = true;
    const token = this.#token(name);
    // Cancel first: StateFun's runtime refuses a second pending message with the same token.
    this.delayed.push(cancellation(token));
    this.delayed.push(this.#tickMessage(token, { name, generation, scheduledAtMs: next }, next - now));
  }

  /** Removes schedule `name`; true when there was one. */
  unschedule(name: string): boolean {
    checkName(name, 'ctx.unschedule');
    const table = this.#load();
    if (!table) return false;
    const existed = Object.prototype.hasOwnProperty.call(table.schedules, name);
    if (existed) {
      delete table.schedules[name];
      this.#dirty = true;
    }
    this.delayed.push(cancellation(this.#token(name)));
    return existed;
  }

  /**
   * Handles a tick: re-arms the schedule and returns what to deliver, or undefined when the tick
   * is stale. Ticks missed while nothing ran (the runtime was down) are coalesced into this one.
   */
  onTick(tick: PbScheduleTick): DueTick | undefined {
    const table = this.#load();
    if (!table) return undefined;
    const entry = Object.prototype.hasOwnProperty.call(table.schedules, tick.name) ? table.schedules[tick.name] : undefined;
    if (!entry || entry.generation !== tick.generation || entry.next !== tick.scheduledAtMs) return undefined;
    const now = this.clock();
    const scheduledAt = tick.scheduledAtMs;
    const missed = fireTimesBetween(entry.rule, scheduledAt, now);
    // From the later of both: a clock behind the runtime's must not fire this time again.
    const next = nextFireTime(entry.rule, Math.max(now, scheduledAt));
    entry.next = next;
    this.#dirty = true;
    // The delivered tick freed its token on every runtime, so no cancellation is needed.
    const token = this.#token(tick.name);
    this.delayed.push(this.#tickMessage(token, { name: tick.name, generation: entry.generation, scheduledAtMs: next }, next - now));
    const message: PbTypedValue = {
      typename: entry.message.typename,
      hasValue: true,
      value: new Uint8Array(Buffer.from(entry.message.value, 'base64')),
    };
    return { message, tick: { name: tick.name, scheduledAt, missed } };
  }

  /** The reserved state's mutation, when the batch changed it. */
  mutation(): PbStateMutation | undefined {
    if (!this.#dirty || !this.#table) return undefined;
    return { mutationType: PbMutationType.MODIFY, stateName: SCHEDULES_STATE_NAME, stateValue: writeSchedules(this.#table) };
  }

  #load(): StoredSchedules | undefined {
    if (this.stored === null) {
      this.missingState = true;
      return undefined;
    }
    this.#table ??= readSchedules(this.stored);
    return this.#table;
  }

  /**
   * The schedule's cancellation token. StateFun scopes tokens by the address's id only, not by
   * function type, so the token names the whole address.
   */
  #token(name: string): string {
    const { namespace, type, id } = this.self;
    return `__keyflow_schedule/${namespace}/${type}/${id}/${name}`;
  }

  #tickMessage(token: string, tick: PbScheduleTick, delay: number): PbDelayedInvocation {
    return {
      isCancellationRequest: false,
      cancellationToken: token,
      delayInMs: Math.max(0, delay),
      target: this.self,
      argument: { typename: SCHEDULE_TICK_TYPENAME, hasValue: true, value: encodeScheduleTick(tick) },
    };
  }
}

function cancellation(token: string): PbDelayedInvocation {
  return { isCancellationRequest: true, cancellationToken: token, delayInMs: 0, target: undefined, argument: undefined };
}

function checkName(name: unknown, where: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new KeyflowError(SdkErrorCodes.INVALID_SCHEDULE, `${where}: the schedule name must be a non-empty string, got ${JSON.stringify(name)}.`);
  }
}

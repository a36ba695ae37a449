import { KeyflowError, type Logger } from '@keyflow/sdk';
import type { PbAddress, PbTypedValue } from '@keyflow/sdk/protocol';
import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import { describeAddress } from '../message/address-key';
import type { Ingress } from './ingress';

/**
 * The namespace of the caller addresses that ingress requests waiting for an answer get. A
 * function of any SDK answers such a request as it answers any caller, by sending to it; the
 * runtime hands that message to the ingress instead of to a function.
 */
export const INGRESS_CALLER_NAMESPACE = 'keyflow.ingress';

/** An ingress that takes the answers to its requests. */
export type ReplyingIngress = Ingress & Required<Pick<Ingress, 'receiveReply'>>;

/**
 * The caller addresses of the ingresses that take replies: `keyflow.ingress/<ingress id with
 * '.' for '/'>/<request id>` (a type without '/', as the SDKs parse `namespace/type`).
 */
export class IngressCallers {
  readonly #byType = new Map<string, ReplyingIngress>();

  constructor(
    ingresses: readonly Ingress[],
    private readonly logger: Logger,
  ) {
    for (const ingress of ingresses) {
      if (ingress.receiveReply === undefined) continue;
      const type = callerType(ingress.id);
      const other = this.#byType.get(type);
      if (other !== undefined) {
        throw new KeyflowError(
          RuntimeErrorCodes.MODULE_INVALID,
          `Ingresses ${other.id} and ${ingress.id} would share the caller address ${INGRESS_CALLER_NAMESPACE}/${type} of their requests: rename one.`,
        );
      }
      this.#byType.set(type, ingress as ReplyingIngress);
    }
  }

  /** The caller address of request `requestId` of ingress `ingressId`. */
  static address(ingressId: string, requestId: string): PbAddress {
    return { namespace: INGRESS_CALLER_NAMESPACE, type: callerType(ingressId), id: requestId };
  }

  /** True for an address of {@link INGRESS_CALLER_NAMESPACE}: its messages are replies, not invocations. */
  static isCaller(address: PbAddress): boolean {
    return address.namespace === INGRESS_CALLER_NAMESPACE;
  }

  /** Throws `KF_UNKNOWN_INGRESS_CALLER` unless an ingress of this runtime owns `address`. */
  check(address: PbAddress, sender: string): void {
    if (this.#byType.has(address.type)) return;
    throw new KeyflowError(
      RuntimeErrorCodes.UNKNOWN_INGRESS_CALLER,
      `${sender} sends to ${describeAddress(address)}, a caller address of no ingress of this runtime (ingresses that take replies: ${[...this.#byType.values()].map((ingress) => ingress.id).join(', ') || 'none'}).`,
    );
  }

  /** Hands a reply to the ingress whose request `target` is; one for an ingress no longer in the module is dropped. */
  deliver(target: PbAddress, value: PbTypedValue): void {
    const ingress = this.#byType.get(target.type);
    if (ingress === undefined) {
      this.logger.warn('dropped a reply to an ingress this runtime no longer has', { target: describeAddress(target) });
      return;
    }
    ingress.receiveReply(target.id, value);
  }
}

function callerType(ingressId: string): string {
  return ingressId.replaceAll('/', '.');
}

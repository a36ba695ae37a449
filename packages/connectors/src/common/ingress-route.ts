import { parseTypename } from '@keyflow/sdk';
import type { Envelope } from '@keyflow/runtime/kinds';
import type { PbAddress, PbHeader } from '@keyflow/sdk/protocol';

/** Where the records of one topic or stream go: StateFun's `valueType` + `targets`. */
export interface IngressRouteConfig {
  /** The typename given to every record value (`TypedValue.typename`). */
  readonly valueType: string;
  /** Function typenames; each gets every record, addressed by the record's key. */
  readonly targets: readonly string[];
}

/** An {@link IngressRouteConfig} ready for the hot path: target typenames split once. */
export class IngressRoute {
  readonly valueType: string;
  readonly targets: readonly string[];
  readonly #addresses: readonly Omit<PbAddress, 'id'>[];

  constructor(config: IngressRouteConfig) {
    this.valueType = config.valueType;
    this.targets = config.targets;
    this.#addresses = config.targets.map((typename) => {
      const { namespace, name } = parseTypename(typename, 'an ingress target');
      return { namespace, type: name };
    });
  }

  /** Targets that no endpoint serves, which make every record of this route unroutable. */
  unserved(servesFunction: (typename: string) => boolean): string[] {
    return this.targets.filter((typename) => !servesFunction(typename));
  }

  /**
   * One message per target, to the instance named `id`. StateFun hands the record's value to
   * the function as it is, typed `valueType`; a record without a value (a Kafka tombstone)
   * becomes an empty `TypedValue`. `headers` (Kafka's, a Keyflow extension) go with every
   * message; leave them out, never pass an empty list, for a record without headers.
   */
  envelopes(id: string, value: Uint8Array | null, headers?: readonly PbHeader[]): Envelope[] {
    const argument = value === null
      ? { typename: this.valueType, hasValue: false, value: new Uint8Array(0) }
      : { typename: this.valueType, hasValue: true, value };
    if (headers === undefined) return this.#addresses.map((address) => ({ target: { ...address, id }, argument, caller: undefined }));
    return this.#addresses.map((address) => ({ target: { ...address, id }, argument, caller: undefined, headers }));
  }
}

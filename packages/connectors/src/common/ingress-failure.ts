import type { KeyflowError } from '@keyflow/sdk';

/** The error an ingress stopped on, once, and whoever wants to hear of it. */
export class IngressFailure {
  #error: KeyflowError | undefined;
  readonly #listeners: ((error: Error) => void)[] = [];

  get error(): KeyflowError | undefined {
    return this.#error;
  }

  /** Calls `listener` when the ingress stops on an error, at once if it already has. */
  listen(listener: (error: Error) => void): void {
    if (this.#error) listener(this.#error);
    else this.#listeners.push(listener);
  }

  /** Records the first error and tells the listeners; later errors are ignored. */
  record(error: KeyflowError): void {
    if (this.#error) return;
    this.#error = error;
    for (const listener of this.#listeners) listener(error);
  }
}

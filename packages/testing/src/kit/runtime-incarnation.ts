import { EmbeddedFunctionEndpoint, HttpFunctionEndpoint, parseModule, type HttpEndpointConfig, type StateBackend } from '@keyflow/runtime';
import type { EgressSink, FunctionEndpoint } from '@keyflow/runtime/kinds';
import { assembleRuntimeCore, EndpointRouter, type DispatchTargets, type RuntimeCore } from '@keyflow/runtime/testing';
import { silentLogger, type FunctionClass, type Logger } from '@keyflow/sdk';
import type { VirtualClock } from '../clock/virtual-clock';
import { KitIngress, type IngressMessageLog } from '../ingress/kit-ingress';

/** StateFun's batch cap, which the runtime's endpoints default to. */
const MAX_BATCH_SIZE = 1_000;

/** Where a runtime incarnation sends its batches. */
export type KitFunctions = { readonly kind: 'classes'; readonly classes: readonly FunctionClass[] } | { readonly kind: 'endpoint'; readonly url: string };

/** What one incarnation is built from; everything but the core survives a crash. */
export interface IncarnationOptions {
  readonly functions: KitFunctions;
  readonly backend: StateBackend;
  readonly log: IngressMessageLog;
  readonly sinks: readonly EgressSink[];
  readonly clock: VirtualClock;
  readonly logger?: Logger;
}

/**
 * One life of the runtime between two crashes: the runtime's processing core over the kit's
 * backend, ingress log and egresses, with the endpoint that serves the functions.
 */
export class RuntimeIncarnation {
  #failure: Error | undefined;
  readonly #failureListeners: ((error: Error) => void)[] = [];

  private constructor(
    readonly core: RuntimeCore,
    readonly ingress: KitIngress,
    private readonly endpoint: FunctionEndpoint,
  ) {}

  /** Builds an incarnation and recovers it from the last checkpoint in the backend. */
  static async start(options: IncarnationOptions): Promise<RuntimeIncarnation> {
    const endpoint = createEndpoint(options.functions, options.clock);
    const ingress = new KitIngress(options.log);
    // The core reports fatal errors to the incarnation built around it.
    let reportFailure: (error: Error) => void = () => undefined;
    const core = assembleRuntimeCore({
      backend: options.backend,
      targets: targetsOf(options.functions, endpoint),
      sinks: options.sinks,
      ingresses: [ingress],
      logger: options.logger ?? silentLogger,
      clock: options.clock,
      onFatal: (error) => reportFailure(error),
      stateDir: '',
      // A test sees a function's failure at once, instead of retries and a parked message.
      failurePolicy: { retryForMs: 0, then: 'stop' },
    });
    const incarnation = new RuntimeIncarnation(core, ingress, endpoint);
    reportFailure = (error) => incarnation.fail(error);
    const recovered = await core.recover();
    await core.start(recovered);
    return incarnation;
  }

  /** The error that stopped processing, if any. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Resolves once nothing is queued or in flight; rejects if processing stops on an error. */
  whenIdle(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#failureListeners.push(reject);
      const forget = (): void => {
        const index = this.#failureListeners.indexOf(reject);
        if (index >= 0) this.#failureListeners.splice(index, 1);
      };
      this.core.dispatcher.whenIdle().then(() => {
        forget();
        resolve();
      }, reject);
    });
  }

  /** As kill -9: nothing more happens in this incarnation; what it did not checkpoint is gone. */
  async kill(): Promise<void> {
    this.core.timers.stop();
    await this.core.coordinator.stop();
    await this.ingress.stop();
    await this.endpoint.close();
  }

  fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.core.timers.stop();
    for (const listener of this.#failureListeners.splice(0)) listener(error);
  }
}

function createEndpoint(functions: KitFunctions, clock: VirtualClock): FunctionEndpoint {
  if (functions.kind === 'classes') return EmbeddedFunctionEndpoint.of(functions.classes, 'testkit', () => clock.now());
  return new HttpFunctionEndpoint(httpEndpointConfig(functions.url));
}

/** The endpoint config module.yaml would give a remote endpoint, with StateFun's defaults. */
function httpEndpointConfig(url: string): HttpEndpointConfig {
  const yaml = `kind: io.statefun.endpoints.v2/http\nspec:\n  functions: testkit/*\n  urlPathTemplate: ${JSON.stringify(url)}\n`;
  const [component] = parseModule(yaml, 'testkit-endpoint.yaml').components;
  return component?.config as HttpEndpointConfig;
}

/** In-process classes serve their own typenames; a remote endpoint serves every function addressed. */
function targetsOf(functions: KitFunctions, endpoint: FunctionEndpoint): DispatchTargets & { serves(typename: string): boolean } {
  if (functions.kind === 'classes') {
    const typenames = (endpoint as EmbeddedFunctionEndpoint).typenames;
    return new EndpointRouter(typenames.map((typename) => ({ functions: { kind: 'function', typename }, endpoint, maxBatchSize: MAX_BATCH_SIZE })));
  }
  const target = { endpoint, maxBatchSize: MAX_BATCH_SIZE };
  return { targetFor: () => target, serves: () => true };
}

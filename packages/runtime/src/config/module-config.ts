import type { FailurePolicy } from './failure-policy';
// What a module.yaml says, after validation: plain data, below every folder that builds a
// component from it. The kinds turn YAML documents into these and the runtime builds
// endpoints, ingresses and egresses from them. Durations are in milliseconds. `source` tells
// where a document came from, for later error messages.

/** Where a document was declared: the file and the line of its `kind:`. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** Which function types an endpoint serves: all of a namespace (`ns/*`) or one typename. */
export type FunctionPattern =
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'function'; readonly typename: string };

/** TLS settings of a remote endpoint (PEM file paths, resolved relative to the module file). */
export interface TlsConfig {
  /** Certificate authorities to trust instead of the system ones. */
  readonly caFile?: string;
  /** Client certificate, for mutual TLS. */
  readonly certFile?: string;
  /** Client private key, for mutual TLS. */
  readonly keyFile?: string;
  /** Verify the server certificate (default true). */
  readonly rejectUnauthorized: boolean;
}

/** Timeouts of a remote endpoint, StateFun's `transport` block. */
export interface TransportConfig {
  /** The whole call, retries included. StateFun's default: 1 minute. */
  readonly callMs: number;
  /** Establishing a connection. Default 10 s. */
  readonly connectMs: number;
  /** Waiting for the response once the request is sent. Default: the call timeout. */
  readonly readMs: number;
  /** Sending the request. Default: the call timeout. */
  readonly writeMs: number;
  /** Most pooled connections per endpoint. Default 1024. */
  readonly poolSize: number;
  /** How long an idle pooled connection is kept. Default 15 s. */
  readonly poolTtlMs: number;
  /** Largest response body accepted. Default 32 MiB. */
  readonly payloadMaxBytes: number;
  readonly tls: TlsConfig | undefined;
}

/** `io.statefun.endpoints.v2/http`: functions behind an HTTP (or `http+unix://`) URL. */
export interface HttpEndpointConfig {
  readonly kind: 'http';
  readonly source: SourceLocation;
  readonly functions: FunctionPattern;
  /** May contain `{function.name}`, replaced by the function's name (the part after the last `/`). */
  readonly urlPathTemplate: string;
  /** Most invocations in one batch (StateFun's default 1000). */
  readonly maxNumBatchRequests: number;
  readonly transport: TransportConfig;
  /** Sign each request with this key (Keyflow's addition; the sdk's `signatureKeys` checks it). */
  readonly signing?: RequestSigningConfig;
  /** What to do with its functions' batches that keep failing (Keyflow's addition); else the runtime's. */
  readonly failurePolicy?: FailurePolicy;
}

/** The key an HTTP endpoint signs requests with: its id, and the variable holding its secret. */
export interface RequestSigningConfig {
  readonly keyId: string;
  /** The environment variable with the secret (read at start; never written to logs). */
  readonly secretEnv: string;
  /** Where `signing` is declared, for errors. */
  readonly source: SourceLocation;
}

/** `io.keyflow.endpoints.v1/embedded`: functions imported into the runtime process. */
export interface EmbeddedEndpointConfig {
  readonly kind: 'embedded';
  readonly source: SourceLocation;
  readonly functions: FunctionPattern;
  /** Absolute path of a JS or TS module exporting the function classes. */
  readonly modulePath: string;
  readonly maxNumBatchRequests: number;
  /** What to do with its functions' batches that keep failing; else the runtime's. */
  readonly failurePolicy?: FailurePolicy;
}

export type EndpointConfig = HttpEndpointConfig | EmbeddedEndpointConfig;

/** `io.keyflow.process.v1/sidecar`: a process the runtime starts, watches and restarts. */
export interface SidecarConfig {
  readonly kind: 'sidecar';
  readonly source: SourceLocation;
  readonly id: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  /** Working directory, absolute. Default: the module file's folder. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** A Unix socket the process listens on; the runtime waits for it before sending. */
  readonly socketPath: string | undefined;
  /** How long to wait for the socket after a start. Default 30 s. */
  readonly startTimeoutMs: number;
  /** Delay before restarting a process that died; doubles up to 30 s. Default 500 ms. */
  readonly restartBackoffMs: number;
}

/** One route of an HTTP ingress: `POST <path>/<id>` delivers the body to each target. */
export interface HttpIngressRoute {
  readonly path: string;
  readonly valueType: string;
  readonly targets: readonly string[];
  /** `json`: a body that is not JSON is refused with 400 before it is accepted. Default: taken as it is. */
  readonly format?: HttpIngressRouteFormat;
  /** Bearer tokens a request must carry. Default: anyone who reaches the port may send. */
  readonly auth?: HttpIngressRouteAuth;
  /** Requests wait this long for their function's reply unless `Prefer: wait` says otherwise. Default: they do not wait (202). */
  readonly waitForReplyMs?: number;
}

/**
 * Where a route's accepted bearer tokens come from: an environment variable (tokens separated by
 * commas, read at start) or a file (one per line, `#` comments; read again when it changes).
 */
export type HttpIngressRouteAuth = ({ readonly tokensEnv: string } | { readonly tokensFile: string }) & {
  /** Where `auth` is declared, for errors. */
  readonly source: SourceLocation;
};

/** How an HTTP ingress route checks bodies of a custom type: `json` parses them; `bytes` takes them as they are. */
export type HttpIngressRouteFormat = 'json' | 'bytes';

/** `io.keyflow.http.v1/ingress`. */
export interface HttpIngressConfig {
  readonly kind: 'http-ingress';
  readonly source: SourceLocation;
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly routes: readonly HttpIngressRoute[];
  /** How long an accepted `Idempotency-Key` is remembered. Default 24 h. */
  readonly idempotencyWindowMs: number;
  /** Largest accepted body. Default 4 MiB. */
  readonly maxBodyBytes: number;
  /** How long the reply of a request that waits for one is kept (for polling and retries), from its acceptance. Default 5 min. */
  readonly replyRetentionMs: number;
  /** How many such requests and replies are kept at most; the oldest go first. Default 100,000. */
  readonly maxKeptReplies: number;
}

/** How an egress delivers records. */
export type DeliverySemantic = 'none' | 'at-least-once' | 'exactly-once';

/** `io.keyflow.file.v1/egress`: one JSON line per record. */
export interface FileEgressConfig {
  readonly kind: 'file-egress';
  readonly source: SourceLocation;
  /** The egress typename, e.g. `example/greetings`. */
  readonly id: string;
  /** Absolute path of the file appended to. */
  readonly path: string;
  readonly deliverySemantic: DeliverySemantic;
}

/** What a component is for: the runtime builds endpoints, sidecars, ingresses and egresses. */
export type KindRole = 'endpoint' | 'sidecar' | 'ingress' | 'egress';

/**
 * One document of a module file, as its kind read it: the kind's name and role, where it was
 * declared, and the config the kind's spec reader returned (only that kind knows its type).
 */
export interface ModuleComponent {
  /** The document's `kind:`, e.g. `io.statefun.kafka.v1/ingress`. */
  readonly kind: string;
  readonly role: KindRole;
  readonly source: SourceLocation;
  readonly config: unknown;
}

/** A whole module: every document of one or more module files. */
export interface ModuleConfig {
  readonly files: readonly string[];
  /** Every document of every file, in order: what the runtime builds, each through its kind. */
  readonly components: readonly ModuleComponent[];
  // Views of `components` for the runtime's own kinds, for printing and inspecting a module.
  readonly endpoints: readonly EndpointConfig[];
  readonly sidecars: readonly SidecarConfig[];
  readonly httpIngresses: readonly HttpIngressConfig[];
  readonly fileEgresses: readonly FileEgressConfig[];
}

/** The document kinds the runtime itself understands, for code that writes module files. */
export const ModuleKinds = {
  /** StateFun's remote HTTP endpoint, current version. */
  HTTP_ENDPOINT: 'io.statefun.endpoints.v2/http',
  /** StateFun's first HTTP endpoint version (timeouts directly under `spec`). */
  HTTP_ENDPOINT_V1: 'io.statefun.endpoints.v1/http',
  /** Functions imported into the runtime process. */
  EMBEDDED_ENDPOINT: 'io.keyflow.endpoints.v1/embedded',
  /** A function process started and supervised by the runtime. */
  SIDECAR: 'io.keyflow.process.v1/sidecar',
  /** Records posted over HTTP. */
  HTTP_INGRESS: 'io.keyflow.http.v1/ingress',
  /** Records appended to a file as JSON lines. */
  FILE_EGRESS: 'io.keyflow.file.v1/egress',
} as const;

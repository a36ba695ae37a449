import { RuntimeErrorCodes } from '../errors/runtime-error-codes';
import type { ComponentIdentity } from './component-identity';
import type { ProblemCollector } from './problem-collector';

const EXPECTED: Readonly<Record<ComponentIdentity['group'], [string, string]>> = {
  endpoint: ['is already served by the endpoint', 'each function pattern in one endpoint only'],
  ingress: ['is already the id of the ingress', 'a unique ingress id'],
  egress: ['is already the id of the egress', 'a unique egress id'],
  sidecar: ['is already the id of the sidecar', 'a unique sidecar id'],
  'listen address': ['is already listened on by the HTTP ingress', 'a host and port of its own for each HTTP ingress'],
};

/**
 * Reports what must be unique across all documents of all module files: two endpoints for
 * one function pattern, two ingresses (or egresses, or sidecars) with one id, two HTTP
 * ingresses on one host and port. The second declaration is the one reported.
 */
export function checkUniqueness(identities: readonly ComponentIdentity[], problems: ProblemCollector): void {
  const first = new Map<string, ComponentIdentity>();
  for (const identity of identities) {
    const key = `${identity.group}\0${identity.key}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, identity);
      continue;
    }
    const [found, expected] = EXPECTED[identity.group];
    const where = earlier.position.file === identity.position.file ? `line ${earlier.position.line}` : `${earlier.position.file}:${earlier.position.line}`;
    problems.add({
      code: RuntimeErrorCodes.MODULE_INVALID,
      file: identity.position.file,
      line: identity.position.line,
      column: identity.position.column,
      path: identity.path,
      message: `${identity.path} ${identity.shown} ${found} at ${where}, expected ${expected}`,
    });
  }
}

// The public API of @keyflow/testing.

export { TestKit } from './kit/test-kit';
export type { KitEgressOption, TestKitOptions } from './kit/test-kit-options';
export type { KitEgress } from './egress/kit-egress';
export { TestingErrorCodes } from './errors/testing-error-codes';

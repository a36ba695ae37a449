/** A port on 127.0.0.1 that nothing listens on right now (the runtime's test helper). */
export { freePort } from '@keyflow/runtime/test-support';

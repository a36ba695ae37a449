// kinesalite ships no types; the part the tests use.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    path?: string;
    ssl?: boolean;
  }

  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}

// A stand-in for a co-located function process: plain JavaScript using only node:http, so the
// child needs no build and no TypeScript loader. It answers every POST with fixed FromFunction
// bytes that the test precomputes with the sdk's encoder. Behaviour is set through env vars.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `'use strict';
const http = require('node:http');
const env = process.env;
const reply = Buffer.from(env.KF_TEST_REPLY || '', 'base64');
console.error('booting ' + process.pid);
if (env.KF_TEST_IGNORE_SIGTERM) process.on('SIGTERM', () => console.error('ignoring SIGTERM'));
if (env.KF_TEST_EXIT_CODE) {
  console.error('fatal: cannot start (test)');
  process.exit(Number(env.KF_TEST_EXIT_CODE));
}
if (env.KF_TEST_SOCKET) {
  setTimeout(() => {
    http
      .createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': reply.length });
          res.end(reply);
        });
      })
      .listen(env.KF_TEST_SOCKET, () => console.log('listening ' + process.pid));
  }, Number(env.KF_TEST_LISTEN_DELAY_MS || '0'));
} else {
  setInterval(() => undefined, 1000);
}
if (env.KF_TEST_PID_FILE) require('node:fs').writeFileSync(env.KF_TEST_PID_FILE, String(process.pid));
`;

/** Writes the stand-in function server to `dir` and returns its path. */
export function writeSidecarScript(dir: string): string {
  const path = join(dir, 'function-server.js');
  writeFileSync(path, SCRIPT);
  return path;
}

/** True while a process with this id exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "<pid> (<comm>) <state> …"; Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

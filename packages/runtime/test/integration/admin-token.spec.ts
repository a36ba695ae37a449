import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@keyflow/sdk';
import { AdminServer } from '../../src/admin/admin-server';
import { RuntimeErrorCodes } from '../../src/errors/runtime-error-codes';
import { KeyflowRuntime } from '../../src/runtime/keyflow-runtime';
import { emptyModule } from '../../src/test-support/empty-module';
import { httpSend } from '../../src/test-support/http-post';

// The admin API with a token, over real HTTP: every route but the console's static page answers
// 401 with a Bearer challenge unless the request carries the token; with it, all work as before.

const TOKEN = 'admin-token-for-the-test-0123';

describe('the admin API with a token', () => {
  let dir: string;
  let runtime: KeyflowRuntime;
  let admin: AdminServer;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyflow-admin-token-'));
    runtime = await KeyflowRuntime.start({ module: emptyModule(), stateDir: dir, logger: silentLogger, checkpointIntervalMs: 0 });
    admin = await AdminServer.start(runtime, 0, { token: TOKEN });
    base = `http://127.0.0.1:${admin.address.port}`;
  });

  afterAll(async () => {
    await runtime?.stop();
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ROUTES: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
    ['GET', '/health'],
    ['GET', '/metrics'],
    ['GET', '/metrics.json'],
    ['POST', '/checkpoint'],
    ['GET', '/api/overview'],
    ['GET', '/api/addresses?type=it/visitor'],
    ['GET', '/nothing-here'],
  ];

  it.each(ROUTES)('refuses %s %s without the token, or with another', async (method, path) => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-of-the-same-size' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const reply = await httpSend(`${base}${path}`, { method, headers });
      expect({ path, headers, status: reply.status }).toEqual({ path, headers, status: 401 });
      expect(reply.headers['www-authenticate']).toContain('Bearer');
      expect((reply.json as { code: string }).code).toBe(RuntimeErrorCodes.ADMIN_UNAUTHORIZED);
    }
  });

  it.each(ROUTES)('answers %s %s as usual with the token', async (method, path) => {
    const reply = await httpSend(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reply.status).toBe(path === '/nothing-here' ? 404 : 200);
  });

  it('serves the console page without the token (it holds no data and asks for the token itself)', async () => {
    const page = await httpSend(`${base}/`, { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('token');
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Recorded, res: ServerResponse, base: string) => void | Promise<void>;

/** A local HTTP server on 127.0.0.1 standing in for the GitHub / GitLab REST APIs. */
export async function fakeApi(handler: Handler): Promise<{ base: string; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  let base = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      void Promise.resolve(handler(rec, res, base)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** One fake API per call, all closed after each test of the file that uses this. */
export function fakeApis(afterEachHook: (fn: () => Promise<void>) => void): (handler: Handler) => ReturnType<typeof fakeApi> {
  let closers: (() => Promise<void>)[] = [];
  afterEachHook(async () => {
    await Promise.all(closers.map((c) => c()));
    closers = [];
  });
  return async (handler) => {
    const s = await fakeApi(handler);
    closers.push(s.close);
    return s;
  };
}

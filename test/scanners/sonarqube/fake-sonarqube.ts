import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that answers like the SonarQube Web API, as its documentation and web
 * services describe: token auth (basic `token:` on 9.9; Bearer or basic on 10.x), paging with
 * `p` / `ps` (ps ≤ 500) and `paging.total`, HTTP 400 for p×ps beyond the first 10,000 results,
 * the Compute Engine task moving PENDING → IN_PROGRESS → SUCCESS (or FAILED / CANCELED),
 * createdAfter (inclusive) / createdBefore (exclusive) on issues. Every request is recorded.
 */
export interface FakeOptions {
  version: string;
  token: string;
  projectKey: string;
  taskId: string;
  analysisId: string;
  /** Statuses api/ce/task answers in turn; the last one repeats. */
  ceStates: string[];
  ceExtra?: Record<string, unknown>;
  issues: number;
  hotspots: number;
  gateStatus?: string;
  /** Answer this path with this status (and body) instead. */
  failures?: Record<string, { status: number; body?: string; hang?: boolean }>;
}

export interface Recorded {
  path: string;
  query: Record<string, string>;
  auth: string;
}

export class FakeSonarQube {
  readonly requests: Recorded[] = [];
  private server: Server | undefined;
  private ceCalls = 0;
  url = '';
  constructor(readonly o: FakeOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private get major(): number {
    return Number(this.o.version.split('.')[0]);
  }
  private atLeast(maj: number, min: number): boolean {
    const [a, b] = this.o.version.split('.').map(Number) as [number, number];
    return a > maj || (a === maj && b >= min);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams);
    const authHeader = req.headers.authorization ?? '';
    this.requests.push({ path: u.pathname, query, auth: authHeader.split(' ')[0] ?? '' });
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const error = (status: number, msg: string) => send(status, { errors: [{ msg }] });
    const failure = this.o.failures?.[u.pathname];
    if (failure?.hang) return; // never answers
    if (failure) return send(failure.status, failure.body ?? '', failure.body?.startsWith('{') ? 'application/json' : 'text/html');

    if (u.pathname === '/api/server/version') return send(200, this.o.version, 'text/plain');
    if (!this.authorised(authHeader)) return send(401, '');

    switch (u.pathname) {
      case '/api/ce/task': {
        if (query['id'] !== this.o.taskId) return error(404, `No activity found for task '${query['id']}'`);
        const status = this.o.ceStates[Math.min(this.ceCalls++, this.o.ceStates.length - 1)]!;
        return send(200, {
          task: {
            id: this.o.taskId, type: 'REPORT', componentKey: this.o.projectKey, status,
            submittedAt: '2026-11-23T12:00:00+0000',
            ...(status === 'SUCCESS' ? { analysisId: this.o.analysisId, executedAt: '2026-11-23T12:00:05+0000' } : {}),
            ...(status === 'FAILED' ? { errorMessage: 'Java heap space' } : {}),
            ...(this.o.ceExtra ?? {}),
          },
        });
      }
      case '/api/qualitygates/project_status':
        if (query['analysisId'] !== this.o.analysisId) return error(404, `Analysis with id '${query['analysisId']}' is not found`);
        return send(200, { projectStatus: { status: this.o.gateStatus ?? 'OK', ignoredConditions: false, conditions: [{ status: 'OK', metricKey: 'new_violations', comparator: 'GT', errorThreshold: '0', actualValue: '0' }], period: { mode: 'PREVIOUS_VERSION', date: '2026-11-01T00:00:00+0000' } } });
      case '/api/issues/search': {
        const componentParam = this.atLeast(10, 2) ? 'components' : 'componentKeys';
        if (query[componentParam] !== this.o.projectKey) return error(400, `The '${componentParam}' parameter is missing or wrong`);
        const page = this.paging(query);
        if (typeof page === 'string') return error(400, page);
        const after = query['createdAfter'] ? parseSonarDate(query['createdAfter']) : -Infinity;
        const before = query['createdBefore'] ? parseSonarDate(query['createdBefore']) : Infinity;
        const all = Array.from({ length: this.o.issues }, (_, i) => i).filter((i) => issueTime(i) >= after && issueTime(i) < before);
        const slice = all.slice((page.p - 1) * page.ps, page.p * page.ps);
        return send(200, {
          total: all.length, p: page.p, ps: page.ps,
          paging: { pageIndex: page.p, pageSize: page.ps, total: all.length },
          issues: slice.map((i) => this.issue(i)),
          components: [...new Set(slice.map((i) => i % 50))].map((f) => ({ key: `${this.o.projectKey}:src/file${f}.js`, enabled: true, qualifier: 'FIL', name: `file${f}.js`, longName: `src/file${f}.js`, path: `src/file${f}.js` })),
          rules: [{ key: 'javascript:S1481', name: 'Unused local variables and functions should be removed', status: 'READY', lang: 'js', langName: 'JavaScript' }],
          facets: [],
        });
      }
      case '/api/hotspots/search': {
        const projectParam = this.atLeast(10, 2) ? 'project' : 'projectKey';
        if (query[projectParam] !== this.o.projectKey) return error(400, `The '${projectParam}' parameter is missing`);
        const page = this.paging(query);
        if (typeof page === 'string') return error(400, page);
        const all = Array.from({ length: this.o.hotspots }, (_, i) => i);
        const slice = all.slice((page.p - 1) * page.ps, page.p * page.ps);
        return send(200, {
          paging: { pageIndex: page.p, pageSize: page.ps, total: all.length },
          hotspots: slice.map((i) => ({
            key: `HOTSPOT-${i}`, component: `${this.o.projectKey}:src/file${i % 50}.js`, project: this.o.projectKey,
            securityCategory: 'weak-cryptography', vulnerabilityProbability: 'MEDIUM', status: i % 2 ? 'REVIEWED' : 'TO_REVIEW', ...(i % 2 ? { resolution: 'SAFE' } : {}),
            line: 10, message: 'Make sure that using this pseudorandom number generator is safe here.', ruleKey: 'javascript:S2245',
            textRange: { startLine: 10, endLine: 10, startOffset: 4, endOffset: 17 }, flows: [],
          })),
          components: [],
        });
      }
      default:
        return error(404, `Unknown url : ${u.pathname}`);
    }
  }

  private authorised(h: string): boolean {
    const basic = `Basic ${Buffer.from(`${this.o.token}:`).toString('base64')}`;
    if (h === basic) return true;
    // Bearer tokens are accepted from SonarQube 10.0 on.
    return this.major >= 10 && h === `Bearer ${this.o.token}`;
  }

  private paging(q: Record<string, string>): { p: number; ps: number } | string {
    const p = Number(q['p'] ?? 1);
    const ps = Number(q['ps'] ?? 100);
    if (ps > 500) return `'ps' value (${ps}) must be less than 500`;
    if (p * ps > 10_000) return `Can return only the first 10000 results. ${p * ps}th result asked.`;
    return { p, ps };
  }

  private issue(i: number): Record<string, unknown> {
    const modern = this.atLeast(10, 2);
    return {
      key: `ISSUE-${i}`, rule: 'javascript:S1481', component: `${this.o.projectKey}:src/file${i % 50}.js`, project: this.o.projectKey,
      line: 1 + (i % 200), textRange: { startLine: 1 + (i % 200), endLine: 1 + (i % 200), startOffset: 2, endOffset: 9 }, flows: [],
      message: `Remove the declaration of the unused 'v${i}' variable.`, tags: ['unused'],
      creationDate: new Date(issueTime(i)).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      ...(modern ? { issueStatus: 'OPEN', impacts: [{ softwareQuality: 'MAINTAINABILITY', severity: 'LOW' }], cleanCodeAttribute: 'CLEAR' } : { severity: 'MINOR', type: 'CODE_SMELL', status: 'OPEN' }),
    };
  }
}

/** Issue i was created i hours after 2020-01-01 (several per hour when many: i×37 minutes). */
function issueTime(i: number): number {
  return Date.UTC(2020, 0, 1) + i * 37 * 60_000;
}

function parseSonarDate(s: string): number {
  return Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

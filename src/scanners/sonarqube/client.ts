import { ScannerError } from '../../errors.js';
import { forTerminalLine } from '../../text/escape.js';
import { isObj, type Obj } from '../shape.js';

export type SonarAuth = 'bearer' | 'basic';

export interface SonarClientOptions {
  /** Server URL, with its context path if any (https://host/sonarqube). */
  baseUrl: string;
  token: string | undefined;
  auth: SonarAuth;
  /** The runner's signal: aborted on the scanner's timeout or an interrupt. */
  signal: AbortSignal;
  /** Per request. */
  requestTimeoutMs: number;
}

export type Params = Record<string, string | number | undefined>;

/**
 * A minimal SonarQube / SonarCloud Web API client: GET with the token (Bearer for 10.x and
 * SonarCloud, basic `token:` for 9.9), a per-request timeout, and every failure as a one-line
 * ScannerError that names the endpoint and what to do. The token is only ever in a header: it
 * never reaches a URL, a message or the SARIF.
 */
export class SonarClient {
  constructor(private readonly o: SonarClientOptions) {}

  /** The URL as people may see it: no credentials, even if the configured URL had some. */
  display(path: string, params: Params = {}): string {
    const u = this.url(path, params);
    u.username = '';
    u.password = '';
    // branch names and keys come from config and the server: one inert line
    return forTerminalLine(`${u.pathname}${u.search}`, 300);
  }

  async json(path: string, params: Params = {}): Promise<Obj> {
    const text = await this.text(path, params);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new ScannerError('sonarqube', `${this.display(path, params)} answered with something that is not JSON (${forTerminalLine(this.clean(text.slice(0, 80)), 80)})`, 'check that the URL is the SonarQube server itself, not a proxy or login page');
    }
    if (!isObj(doc)) throw new ScannerError('sonarqube', `${this.display(path, params)} answered with JSON that is not an object`, 'check the SonarQube URL and version');
    return doc;
  }

  async text(path: string, params: Params = {}): Promise<string> {
    const url = this.url(path, params);
    url.username = '';
    url.password = '';
    const shown = this.display(path, params);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.o.token) {
      headers['Authorization'] = this.o.auth === 'bearer' ? `Bearer ${this.o.token}` : `Basic ${Buffer.from(`${this.o.token}:`).toString('base64')}`;
    }
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs);
    let res: Response;
    try {
      // Redirects are not followed: the token must only ever go to the configured server.
      res = await fetch(url, { headers, signal: AbortSignal.any([this.o.signal, timeout]), redirect: 'manual' });
    } catch (e) {
      if (this.o.signal.aborted) throw new ScannerError('sonarqube', `${shown} was stopped (timeout or interrupt)`, 'raise scanners.sonarqube.timeout if the server is slow');
      if (timeout.aborted) throw new ScannerError('sonarqube', `${shown} did not answer within ${Math.round(this.o.requestTimeoutMs / 1000)}s`, 'check that the SonarQube server is up and reachable from this job');
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ScannerError('sonarqube', `cannot reach ${this.origin()}: ${this.clean(cause?.code ?? cause?.message ?? (e as Error).message)}`, 'check scanners.sonarqube.url (or SONAR_HOST_URL) and the network of this job');
    }
    let body = '';
    try {
      body = await res.text();
    } catch (e) {
      throw new ScannerError('sonarqube', `${shown}: the answer was cut off (${this.clean((e as Error).message)})`, 'retry; check the network between this job and SonarQube');
    }
    if (res.ok) return body;
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      let where = '';
      try {
        where = to ? ` to ${new URL(to, url).origin}` : '';
      } catch {
        /* no usable Location */
      }
      throw new ScannerError('sonarqube', `${shown} answered ${res.status} (a redirect${forTerminalLine(where, 120)})`, 'set scanners.sonarqube.url (or SONAR_HOST_URL) to the server\'s final address, e.g. its https:// URL; secgate does not send the token on to another address');
    }
    const why = this.serverMessage(body);
    const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    const hint =
      res.status === 401 ? 'the token was refused: check the variable named by token_env (default SONAR_TOKEN) holds a valid SonarQube token'
      : res.status === 403 ? 'the token lacks permission: it needs Browse (and "See Source Code" for hotspots) on the project'
      : res.status === 404 ? 'not found: check url, project_key, branch / pull_request, and that the analysis was submitted to this server'
      : res.status >= 500 ? 'the SonarQube server failed: retry later or ask its administrators'
      : 'check the SonarQube version and the scanners.sonarqube settings';
    throw new ScannerError('sonarqube', `${shown} answered ${status}${why ? `: ${why}` : ''}`, hint);
  }

  private url(path: string, params: Params): URL {
    const base = this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`;
    const u = new URL(path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private origin(): string {
    try {
      return new URL(this.o.baseUrl).origin;
    } catch {
      return 'the SonarQube server';
    }
  }

  /** SonarQube's own error text ({"errors":[{"msg"}]}), one safe line, token-free. */
  private serverMessage(body: string): string {
    try {
      const d = JSON.parse(body) as { errors?: { msg?: string }[] };
      const msgs = (d.errors ?? []).map((e) => e.msg).filter((m): m is string => typeof m === 'string');
      return msgs.length ? forTerminalLine(this.clean(msgs.join('; ')), 200) : '';
    } catch {
      return '';
    }
  }

  private clean(s: string): string {
    return this.o.token && this.o.token.length >= 4 ? s.split(this.o.token).join('***') : s;
  }
}

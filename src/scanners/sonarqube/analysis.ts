import { ScannerError } from '../../errors.js';
import { forTerminalLine } from '../../text/escape.js';
import { isObj, type Obj } from '../shape.js';
import type { Params, SonarClient } from './client.js';

/** SonarQube answers 400 for any page beyond the first 10,000 results of a search. */
export const SEARCH_CAP = 10_000;
/** The largest page the search web services accept. */
export const PAGE_SIZE = 500;

export interface ServerFlavour {
  cloud: boolean;
  /** [major, minor]; 2025.1 → [2025, 1]. */
  version: [number, number];
}

export function atLeast(f: ServerFlavour, major: number, minor: number): boolean {
  return f.version[0] > major || (f.version[0] === major && f.version[1] >= minor);
}

export function parseVersion(text: string): [number, number] {
  const m = /^\s*(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export interface CeTask {
  status: string;
  analysisId?: string | undefined;
  componentKey?: string | undefined;
  branch?: string | undefined;
  branchType?: string | undefined;
  pullRequest?: string | undefined;
  errorMessage?: string | undefined;
}

export interface PollOptions {
  /** How long to wait for the Compute Engine in total (ms). */
  maxWaitMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  signal: AbortSignal;
  progress: (m: string) => void;
}

/**
 * Poll `api/ce/task?id=` until the background task ends: SUCCESS gives the analysisId;
 * FAILED / CANCELED are the scan's failure. The wait is bounded (`wait`, and the scanner's own
 * timeout through the signal), with a doubling delay between polls.
 */
export async function waitForTask(client: SonarClient, taskId: string, o: PollOptions): Promise<CeTask> {
  const started = Date.now();
  let delay = o.initialDelayMs;
  let last = '';
  for (;;) {
    const doc = await client.json('api/ce/task', { id: taskId });
    const t = isObj(doc['task']) ? doc['task'] : undefined;
    if (!t || typeof t['status'] !== 'string') throw new ScannerError('sonarqube', `${client.display('api/ce/task', { id: taskId })} answered without task.status`, 'check the SonarQube URL and version');
    const task: CeTask = {
      status: t['status'],
      analysisId: str(t['analysisId']),
      componentKey: str(t['componentKey']),
      branch: str(t['branch']),
      branchType: str(t['branchType']),
      pullRequest: str(t['pullRequest']),
      errorMessage: str(t['errorMessage']),
    };
    if (task.status === 'SUCCESS') return task;
    if (task.status === 'FAILED' || task.status === 'CANCELED') {
      throw new ScannerError(
        'sonarqube',
        `the analysis task ${taskId} ended ${task.status}${task.errorMessage ? `: ${oneLine(task.errorMessage)}` : ''}`,
        task.status === 'FAILED' ? 'open the background task in SonarQube (Project Settings → Background Tasks) for the cause, fix it and re-run the analysis' : 'the task was cancelled in SonarQube: re-run the analysis',
      );
    }
    if (task.status !== last) o.progress(`analysis task ${task.status.toLowerCase().replace('_', ' ')}`);
    last = task.status;
    const waited = Date.now() - started;
    if (waited + delay > o.maxWaitMs) {
      throw new ScannerError('sonarqube', `the analysis task ${taskId} was still ${task.status} after ${Math.round(waited / 1000)}s`, 'raise scanners.sonarqube.wait, or check the SonarQube Compute Engine queue');
    }
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, o.maxDelayMs);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ScannerError('sonarqube', 'stopped while waiting for the analysis task (timeout or interrupt)', 'raise scanners.sonarqube.timeout'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ScannerError('sonarqube', 'stopped while waiting for the analysis task (timeout or interrupt)', 'raise scanners.sonarqube.timeout'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function totalOf(doc: Obj): number {
  const paging = isObj(doc['paging']) ? doc['paging'] : undefined;
  const t = paging?.['total'] ?? doc['total'];
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : -1;
}

export interface Page {
  items: Obj[];
  components: unknown[];
  rules: unknown[];
}

/**
 * Every result of a paged search (p=1…, ps=500) whose total is within the 10,000 cap.
 * Returns undefined when the total is over the cap, so the caller splits the query.
 */
async function pageAll(client: SonarClient, path: string, key: 'issues' | 'hotspots', params: Params): Promise<Page & { total: number }> {
  const first = await client.json(path, { ...params, p: 1, ps: PAGE_SIZE });
  const total = totalOf(first);
  if (total < 0) throw new ScannerError('sonarqube', `${client.display(path, params)} answered without paging.total`, 'check the SonarQube version');
  if (total > SEARCH_CAP) return { items: [], components: [], rules: [], total };
  const out: Page = { items: [], components: [], rules: [] };
  const take = (doc: Obj) => {
    const items = doc[key];
    if (!Array.isArray(items)) throw new ScannerError('sonarqube', `${client.display(path, params)} answered without ${key}[]`, 'check the SonarQube version');
    out.items.push(...items.filter(isObj));
    if (Array.isArray(doc['components'])) out.components.push(...doc['components']);
    if (Array.isArray(doc['rules'])) out.rules.push(...doc['rules']);
    return items.length;
  };
  take(first);
  for (let p = 2; (p - 1) * PAGE_SIZE < total; p++) {
    if (take(await client.json(path, { ...params, p, ps: PAGE_SIZE })) === 0) break;
  }
  if (out.items.length < total) {
    throw new ScannerError('sonarqube', `${client.display(path, params)}: ${out.items.length} of ${total} ${key} could be read (the result changed while paging?)`, 're-run: results are never silently truncated');
  }
  return { ...out, total };
}

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/**
 * All issues of a query, past the 10,000-result cap: a query over the cap is split into
 * creation-date halves (createdAfter inclusive, createdBefore exclusive) until each part fits;
 * issues are de-duplicated by key and the count is checked against the server's total.
 */
export async function searchAllIssues(client: SonarClient, params: Params): Promise<Page> {
  const seen = new Map<string, Obj>();
  const components: unknown[] = [];
  const rules: unknown[] = [];
  const collect = (p: Page) => {
    for (const i of p.items) seen.set(String(i['key'] ?? seen.size), i);
    components.push(...p.components);
    rules.push(...p.rules);
  };
  const whole = await pageAll(client, 'api/issues/search', 'issues', params);
  if (whole.total <= SEARCH_CAP) {
    collect(whole);
    return { items: [...seen.values()], components, rules };
  }
  const split = async (from: number, to: number): Promise<void> => {
    const ranged = { ...params, createdAfter: sonarDate(from), createdBefore: sonarDate(to) };
    const part = await pageAll(client, 'api/issues/search', 'issues', ranged);
    if (part.total <= SEARCH_CAP) return collect(part);
    if (to - from <= 1000) {
      throw new ScannerError('sonarqube', `more than ${SEARCH_CAP} issues were created within one second (${sonarDate(from)}); the search cannot be split further`, 'narrow the query (branch / pull_request) — secgate does not truncate results');
    }
    const mid = from + Math.floor((to - from) / 2000) * 1000;
    if (mid <= from || mid >= to) throw new ScannerError('sonarqube', `cannot split the issue search between ${sonarDate(from)} and ${sonarDate(to)}`, 'narrow the query (branch / pull_request) — secgate does not truncate results');
    await split(from, mid);
    await split(mid, to);
  };
  await split(EARLIEST, LATEST);
  if (seen.size < whole.total) {
    throw new ScannerError('sonarqube', `api/issues/search: ${seen.size} of ${whole.total} issues could be read after splitting the query by creation date`, 're-run: results are never silently truncated');
  }
  return { items: [...seen.values()], components, rules };
}

/**
 * All hotspots of a project. hotspots/search cannot filter by date, so a project over the cap
 * is split by review status and resolution; a part still over the cap is an error, never a cut.
 */
export async function searchAllHotspots(client: SonarClient, params: Params): Promise<Page> {
  const whole = await pageAll(client, 'api/hotspots/search', 'hotspots', params);
  if (whole.total <= SEARCH_CAP) return whole;
  const out: Page = { items: [], components: [], rules: [] };
  const parts: Params[] = [{ status: 'TO_REVIEW' }, { status: 'REVIEWED', resolution: 'FIXED' }, { status: 'REVIEWED', resolution: 'SAFE' }, { status: 'REVIEWED', resolution: 'ACKNOWLEDGED' }];
  for (const extra of parts) {
    const part = await pageAll(client, 'api/hotspots/search', 'hotspots', { ...params, ...extra });
    if (part.total > SEARCH_CAP) {
      throw new ScannerError('sonarqube', `more than ${SEARCH_CAP} ${extra['status']}${extra['resolution'] ? `/${extra['resolution']}` : ''} security hotspots: api/hotspots/search cannot page past ${SEARCH_CAP}`, 'review hotspots in SonarQube or narrow the scope (branch / pull_request) — secgate does not truncate results');
    }
    out.items.push(...part.items);
    out.components.push(...part.components);
  }
  if (out.items.length < whole.total) {
    throw new ScannerError('sonarqube', `api/hotspots/search: ${out.items.length} of ${whole.total} hotspots could be read after splitting by status`, 're-run: results are never silently truncated');
  }
  return out;
}

/** SonarQube's datetime parameter format: 2017-10-19T13:00:00+0000. */
export function sonarDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

function oneLine(s: string): string {
  return forTerminalLine(s.replace(/\s+/g, ' ').trim(), 300);
}

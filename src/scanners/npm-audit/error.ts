import { ScannerError } from '../../errors.js';
import { forTerminalLine } from '../../text/escape.js';
import { isObj, type Obj } from '../shape.js';

/**
 * npm prints `{"error": {"code", "summary", "detail"}}` instead of a report when `npm audit
 * --json` cannot audit (no lock file, registry unreachable, no audit endpoint). That is a
 * failed scan, never an empty report: it becomes a ScannerError naming npm's own code.
 */
export function isNpmError(doc: unknown): doc is { error: Obj } {
  // Only the error key: a report that merely carries an `error` field is not this.
  return isObj(doc) && Object.keys(doc).length === 1 && isObj(doc['error']) && typeof doc['error']['code'] === 'string';
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EAI_FAIL', 'ERR_SOCKET_TIMEOUT', 'E500', 'E502', 'E503', 'E504']);

export function npmErrorToScannerError(doc: { error: Obj }): ScannerError {
  const { code, summary, detail } = doc.error;
  const c = String(code);
  // npm's summary can quote package names and registry URLs: one safe terminal line of it.
  const text = typeof summary === 'string' && summary.trim() ? forTerminalLine(summary.trim(), 160) : typeof detail === 'string' ? forTerminalLine(detail.trim(), 160) : '';
  const hint =
    c === 'ENOLOCK' ? 'npm audit needs a lock file: run `npm install --package-lock-only` (and commit package-lock.json), then audit again'
    : c === 'ENOAUDIT' ? 'the registry npm uses has no audit endpoint: point npm at one that does (npm config get registry) or audit against registry.npmjs.org'
    : NETWORK.has(c) ? 'npm could not reach the registry: check the network, proxy and registry settings of this job, then re-run'
    : c === 'E401' || c === 'E403' || c === 'ENEEDAUTH' ? 'npm was refused by the registry: check the registry credentials (.npmrc) of this job'
    : 'fix the npm error above and re-run `npm audit --json`';
  return new ScannerError('npm audit', `failed with ${forTerminalLine(c, 40)}${text ? `: ${text}` : ''}`, hint);
}

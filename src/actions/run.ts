import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from 'sarif';
import type { ActionConfig } from '../config/sections/actions.js';
import { VERDICT_PROPERTY } from '../policy/verdict.js';
import { runArgv } from './command.js';
import { actionPayload } from './payload.js';
import { selectFindings } from './select.js';
import type { ActionEnv, ActionOutcome, ActionType } from './types.js';
import { callWebhook, safeUrl } from './webhook.js';

function typeOf(a: ActionConfig): ActionType {
  return a.command ? 'command' : a.webhook ? 'webhook' : 'ansible';
}

/** What would run, for dry-run and messages (argv shown as a JSON array: no shell quoting ambiguity). */
function describe(a: ActionConfig): string {
  if (a.command) return `would run ${JSON.stringify(a.command)}`;
  if (a.webhook) return `would POST to ${safeUrl(a.webhook.url)}${a.webhook.secret_env ? ' (signed)' : ''}`;
  return `would run ansible-playbook ${a.ansible!.playbook}`;
}

/**
 * Run every configured action whose `when` selects findings. Dry-run unless `apply`. Actions
 * run one after another (remediation hooks are rarely independent); each outcome is returned
 * and nothing here throws for a failed action: the verdict stands whatever the hooks do.
 */
export async function runActions(log: Log, actions: readonly ActionConfig[], o: ActionEnv & { only?: ReadonlySet<string> }): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const a of actions) {
    const type = typeOf(a);
    const findings = selectFindings(log, a.when, o.only);
    if (!findings.length) {
      outcomes.push({ name: a.name, type, status: 'skipped', findings: 0, detail: 'no matching finding' });
      continue;
    }
    if (!o.apply) {
      outcomes.push({ name: a.name, type, status: 'dry-run', findings: findings.length, detail: `${describe(a)} (dry run: add --apply to act)` });
      continue;
    }
    const body = JSON.stringify(actionPayload(log, a.name, findings));
    const timeoutMs = a.timeout * 1000;
    try {
      if (a.command) {
        outcomes.push(await runArgv(a.name, 'command', a.command, { input: body, timeoutMs, cwd: o.cwd, env: o.env, findings: findings.length }));
      } else if (a.webhook) {
        const secret = a.webhook.secret_env ? o.env[a.webhook.secret_env] : undefined;
        outcomes.push(await callWebhook(a.name, a.webhook.url, body, { secret, headers: a.webhook.headers, timeoutMs, findings: findings.length }));
      } else if (a.ansible) {
        outcomes.push(await runAnsible(a, body, timeoutMs, findings.length, o));
      }
    } catch (e) {
      outcomes.push({ name: a.name, type, status: 'failed', findings: findings.length, detail: (e as Error).message.split('\n')[0]!.slice(0, 200) });
    }
  }
  return outcomes;
}

/** ansible-playbook [-i inventory] playbook -e @vars.json [args…]: the findings as extra vars. */
async function runAnsible(a: ActionConfig, body: string, timeoutMs: number, n: number, o: ActionEnv): Promise<ActionOutcome> {
  await mkdir(o.tmpDir, { recursive: true });
  const vars = join(o.tmpDir, `secgate-${a.name}-${randomBytes(4).toString('hex')}.json`);
  // Extra vars are a mapping: the payload under one key keeps Ansible's namespace clean.
  await writeFile(vars, JSON.stringify({ secgate: JSON.parse(body) }), { mode: 0o600 });
  try {
    const argv = ['ansible-playbook', ...(a.ansible!.inventory ? ['-i', a.ansible!.inventory] : []), a.ansible!.playbook, '-e', `@${vars}`, ...(a.ansible!.args ?? [])];
    return await runArgv(a.name, 'ansible', argv, { timeoutMs, cwd: o.cwd, env: o.env, findings: n });
  } finally {
    await rm(vars, { force: true });
  }
}

/** Record the outcomes in the log, beside the verdict (properties.secgate.actions). */
export function embedActions(log: Log, outcomes: ActionOutcome[]): void {
  const bag = ((log.properties ??= {})[VERDICT_PROPERTY] ??= {}) as Record<string, unknown>;
  bag['actions'] = outcomes;
}

export function actionLine(o: ActionOutcome): string {
  const mark = o.status === 'ok' ? '✓' : o.status === 'failed' || o.status === 'timeout' ? '✗' : '·';
  return `${mark} action ${o.name} (${o.type}, ${o.findings} finding${o.findings === 1 ? '' : 's'}): ${o.status} — ${o.detail}`;
}

import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Log } from 'sarif';
import type { Verdict } from '../policy/verdict.js';
import { detectCi, type GithubCi } from './ci-env.js';
import { fitBytes } from './comment.js';
import { annotationLines, appendRunnerFile, outputFileText, outputValues, summaryBudget } from './github.js';
import { PublishError } from './http.js';

export interface AutoPublishInput {
  log: Log;
  verdict: Verdict | undefined;
  ci: GithubCi;
  /** The SARIF path as the user gave it (a step output). */
  sarifPath: string | undefined;
  /** Renders the summary markdown within a character budget. */
  render: (maxChars: number) => string;
  /** Where workflow commands go (stdout; stderr when stdout carries --json). */
  commands: Writable;
  /** Where secgate runs, relative to the repository root (GITHUB_WORKSPACE), '' at the root. */
  pathPrefix?: string;
  /** The annotation lines when the caller made them already (one walk of the log for them and the summary). */
  annotations?: string[];
}

/**
 * What `check`/`run` do on their own when GITHUB_ACTIONS=true: annotations, the step summary
 * and the step outputs. Each part that fails becomes a warning line; none changes the verdict.
 */
export async function autoPublishGithub(input: AutoPublishInput): Promise<string[]> {
  const warnings: string[] = [];
  const { ci } = input;
  if (!ci.actions) return warnings;
  const lines = input.annotations ?? annotationLines(input.log, { pathPrefix: input.pathPrefix ?? '' });
  if (lines.length) input.commands.write(`${lines.join('\n')}\n`);

  if (ci.stepSummaryPath) {
    try {
      const budget = await summaryBudget(ci.stepSummaryPath);
      const md = fitBytes(input.render, budget - 2);
      if (md) await appendRunnerFile(ci.stepSummaryPath, `${md}\n\n`, 'the job summary');
      else warnings.push('the job summary is full (GitHub allows 1 MiB per step): the report is not in it');
    } catch (e) {
      warnings.push(e instanceof PublishError ? e.oneLine() : `job summary: ${(e as Error).message}`);
    }
  }
  if (ci.outputPath) {
    try {
      await appendRunnerFile(ci.outputPath, outputFileText(outputValues(input.log, input.verdict, input.sarifPath)), 'the step outputs');
    } catch (e) {
      warnings.push(e instanceof PublishError ? e.oneLine() : `step outputs: ${(e as Error).message}`);
    }
  }
  return warnings;
}

/**
 * Human-readable output printed in GitHub Actions is made inert: between `::stop-commands::T`
 * and `::T::` the runner processes no workflow command, so a finding whose text holds
 * `::set-output …` or a legacy `##[…]` command (recognised anywhere in a line) stays text.
 * T is random per call, so the text cannot end the pause itself.
 */
export function inertInActions(env: Readonly<Record<string, string | undefined>>, text: string, token: () => string = () => randomUUID()): string {
  const ci = detectCi(env);
  if (ci.provider !== 'github' || !ci.actions || !text) return text;
  let t = token();
  while (text.includes(t)) t = token();
  return `::stop-commands::${t}\n${text}${text.endsWith('\n') ? '' : '\n'}::${t}::\n`;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../../src/io/read-report.js';
import { mergeRuns } from '../../../src/sarif/merge.js';
import { HAVE_CORPUS, corpusPath } from '../../helpers/corpus.js';
import { HAVE_MULTITOOL, githubRuleProblems } from '../../helpers/github-rules.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const opts = { unknownSeverity: 'medium' as const };
const read = (path: string) => parseReport({ path }, readFileSync(path, 'utf8'), opts).runs;

describe.skipIf(!HAVE_MULTITOOL)(`runtime and ASFF runs against GitHub's upload rules (${HAVE_MULTITOOL ? 'sarif-multitool present' : 'sarif-multitool not installed'})`, () => {
  it('Wazuh alerts, Wazuh indexer states and ASFF inputs give a log GitHub accepts', () => {
    const runs = [
      ...read(join(ROOT, 'fixtures/wazuh/alerts.json')),
      ...read(join(ROOT, 'fixtures/asff/securityhub-export.json')),
      ...(HAVE_CORPUS ? [...read(corpusPath('wazuh/defectdojo/v4-8_many_findings.json')), ...read(corpusPath('trivy/mitre/trivy-image_golang-1.12-alpine_sample.json'))] : []),
    ];
    const log: Log = mergeRuns(runs);
    expect(githubRuleProblems(log)).toEqual([]);
  }, 120_000);
});

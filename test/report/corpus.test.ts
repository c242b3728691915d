import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { XMLValidator } from 'fast-xml-parser';
import { defaultConfig } from '../../src/config/load.js';
import { readReport } from '../../src/io/read-report.js';
import { gate } from '../../src/pipeline.js';
import { renderCodeQuality } from '../../src/report/codequality.js';
import { GITHUB_COMMENT_MAX_CHARS, renderMarkdown } from '../../src/report/markdown.js';
import { reporters } from '../../src/report/registry.js';
import { HAVE_CORPUS, NO_CORPUS_REASON, corpusFiles } from '../helpers/corpus.js';
import { HAVE_XMLLINT, xsdProblems } from './xml.js';

/** Real scanner outputs recorded by other projects (../shared/corpus), gated, then rendered in every format. */
const files = HAVE_CORPUS ? [...corpusFiles('grype'), ...corpusFiles('trivy'), ...corpusFiles('sarif'), ...corpusFiles('zap')].filter(([n]) => /\.(json|sarif|golden|xml)$/.test(n)) : [];
const XSD = fileURLToPath(new URL('schemas/junit.xsd', import.meta.url));
let rendered = 0;
const cq = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(new URL('schemas/codequality.schema.json', import.meta.url), 'utf8')) as object);

describe.skipIf(!HAVE_CORPUS)(`every report over the recorded corpus${HAVE_CORPUS ? '' : ` (${NO_CORPUS_REASON})`}`, () => {
  it('has inputs', () => expect(files.length).toBeGreaterThan(10));
  for (const [name, path] of files) {
    it(name, async () => {
      const config = defaultConfig();
      let runs;
      try {
        runs = (await readReport({ path }, { unknownSeverity: 'medium' })).runs;
      } catch {
        return; // not a report the adapters accept (their own tests say which and why)
      }
      const { log } = gate({ runs, config, now: new Date('2026-11-23T12:00:00Z') });
      for (const r of reporters) {
        const out = r.render(structuredClone(log), { color: false, now: new Date('2026-11-23T12:00:00Z'), failOn: config.policy.fail_on });
        expect(typeof out === 'string' ? out.length : 0, r.format).toBeGreaterThan(0);
      }
      expect(Buffer.byteLength(renderMarkdown(log, { maxChars: GITHUB_COMMENT_MAX_CHARS }))).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
      const junit = reporters.find((r) => r.format === 'junit')!.render(log, { color: false });
      expect(XMLValidator.validate(junit)).toBe(true);
      if (HAVE_XMLLINT) expect(xsdProblems(junit, XSD)).toBe('');
      const issues = renderCodeQuality(log);
      expect(cq(issues), JSON.stringify(cq.errors)).toBe(true);
      expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
      rendered++;
    });
  }
  // Runs after the cases above (same file, in order): most of the corpus was really rendered.
  it('rendered most of the corpus', () => expect(rendered).toBeGreaterThanOrEqual(Math.ceil(files.length / 2)));
});

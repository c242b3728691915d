import { describe, expect, it } from 'vitest';
import { inertInActions } from '../../src/publish/auto.js';
import { annotationLines, outputFileText, outputValues } from '../../src/publish/github.js';
import { commentMarker, stickyBody, stripMarkers } from '../../src/publish/sticky.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { HOSTILE, LIVE, hostileLog } from '../helpers/hostile.js';
import { parseCommand, parseOutputFile } from './workflow-commands.js';

const withMarker = [...HOSTILE, { name: 'forged sticky marker', value: '<!-- secgate:comment --> <!-- secgate:comment key=api -->' }];

describe('hostile text through the publishing sinks', () => {
  const log = hostileLog(withMarker);

  it('annotations: each is one line the runner reads as our own command, inert', () => {
    const lines = annotationLines(log);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const c = parseCommand(line)!;
      expect(['error', 'warning', 'notice']).toContain(c.name);
      expect(Object.keys(c.props).every((k) => ['file', 'line', 'endLine', 'col', 'endColumn', 'title'].includes(k))).toBe(true);
      for (const re of [LIVE.esc, LIVE.c1, LIVE.bidi, LIVE.nul, LIVE.loneSurrogate]) expect(line).not.toMatch(re);
      expect(line).not.toMatch(/[\r\n]/);
    }
  });

  it('step outputs: every value reads back exactly', () => {
    const values = outputValues(log, undefined, 'x.sarif');
    values['reasons'] = withMarker.map((h) => h.value).join('\n');
    expect(parseOutputFile(outputFileText(values))).toEqual(values);
  });

  it('the sticky comment carries one marker, first, whatever the findings say', () => {
    const marker = commentMarker();
    const body = stickyBody(stripMarkers(renderMarkdown(log, { maxChars: 65_000 })), marker);
    expect(body.startsWith(`${marker}\n`)).toBe(true);
    expect(body.split(marker)).toHaveLength(2);
    expect(body.includes(commentMarker('api'))).toBe(false);
  });

  it('a key cannot break out of the marker comment', () => {
    expect(commentMarker('x --> <img src=x> <!--')).toMatch(/^<!-- secgate:comment key=[A-Za-z0-9._/-]+ -->$/);
  });

  it('human output in GitHub Actions sits between stop-commands and a resume token it cannot contain', () => {
    const text = withMarker.map((h) => h.value).join('\n');
    let n = 0;
    const wrapped = inertInActions({ GITHUB_ACTIONS: 'true' }, `${text}\ntok-1`, () => `tok-${++n}`);
    const lines = wrapped.split('\n');
    expect(lines[0]).toBe('::stop-commands::tok-2'); // tok-1 was in the text, so it was not used
    expect(lines.filter((l) => l === '::tok-2::')).toHaveLength(1);
    expect(inertInActions({}, 'plain', () => 't')).toBe('plain');
  });
});

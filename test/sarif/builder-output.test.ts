import { describe, expect, it } from 'vitest';
import { RunBuilder } from '../../src/sarif/builder.js';

// The exact JSON (key order included: it is part of the output) that the RunBuilder made before it
// was rewritten to build each result once, without spreads and copies. Edge cases on purpose:
// finding properties that repeat builder keys (severity, kind, tags), empty lists, undefined values,
// out-of-order regions, rule tags merged from a repeat, a helpUri that is not a URI, a failed run.
const BEFORE = {"tool":{"driver":{"name":"t","version":"1","organization":"O","informationUri":"https://x.test/a","rules":[{"id":"R1","name":"N","shortDescription":{"text":"short desc"},"fullDescription":{"text":"full"},"help":{"text":"help","markdown":"**h**"},"helpUri":"https://h.test/R1","properties":{"tags":["security","b","a","c"],"foo":1,"severity":"high","security-severity":"8.0"}},{"id":"R2","shortDescription":{"text":"R2"},"fullDescription":{"text":"R2"},"help":{"text":"R2"},"properties":{"tags":["security"],"security-severity":"9.5","severity":"critical"}},{"id":"R3","shortDescription":{"text":"R3"},"fullDescription":{"text":"R3"},"help":{"text":"R3"},"properties":{"tags":["security"],"security-severity":"5.5","severity":"medium"}}]}},"automationDetails":{"id":"c/"},"invocations":[{"executionSuccessful":true,"toolExecutionNotifications":[{"level":"warning","message":{"text":"n1"}}]}],"results":[{"ruleId":"R1","level":"error","message":{"text":"msg"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"usr/lib/a%20b@1%3A2"},"region":{"startLine":3,"endLine":4,"startColumn":2,"endColumn":5,"snippet":{"text":"x"}}},"message":{"text":"layer L"},"logicalLocations":[{"fullyQualifiedName":"pkg@1","kind":"package"}]}],"partialFingerprints":{"secgate/v1":"1473609a6e73f6d934be846991fb25c4"},"relatedLocations":[{"id":1,"physicalLocation":{"artifactLocation":{"uri":"https://e.test/p?q=1#f%23g"}}},{"id":2,"physicalLocation":{"artifactLocation":{"uri":"c%3A/x/y"}}}],"suppressions":[{"kind":"external"}],"rank":50,"properties":{"severity":"low","security-severity":"7.5","nativeSeverity":"HIGH","kind":"iac","purl":"p","cvss":[{"score":1}],"tags":["security","sca","t1"]}},{"ruleId":"R3","level":"warning","message":{"text":"R3"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a/b"},"region":{"startLine":2,"startColumn":4}}}],"partialFingerprints":{"secgate/v1":"1b82c7bc5ede43f5541f6b7afbde546b"},"properties":{"severity":"medium","security-severity":"5.5","severityUnknown":true,"kind":"container","tags":["security","container"]}},{"ruleId":"R2","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"."}}}],"partialFingerprints":{"secgate/v1":"66c926faea6a58d86ba8042c32d9e3ed"},"properties":{"severity":"critical","security-severity":"9.5","kind":"security","tags":["security"]}},{"ruleId":"R2","level":"note","message":{"text":"m2"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}],"partialFingerprints":{"secgate/v1":"5f1ccd59eb15c69810906fc6bced19ff"},"properties":{"severity":"low","security-severity":"2.0","kind":"container","tags":["security","container"]}}],"properties":{"kind":"container","source":{"file":"f.json","format":"x"},"target":"T"}};
const BEFORE_FAILED = {"tool":{"driver":{"name":"t2","rules":[]}},"automationDetails":{"id":"d/"},"invocations":[{"executionSuccessful":false,"exitCode":3,"toolExecutionNotifications":[{"level":"error","message":{"text":"boom"}},{"level":"note","message":{"text":"n"}}]}],"results":[],"properties":{"kind":"sast","source":{"file":"g","format":"y"}}};

describe('RunBuilder output is unchanged, key order included', () => {
  it('a run with rules, results, related locations, suppressions and notifications', () => {
  const b = new RunBuilder({ name: 't', version: '1', informationUri: 'https://x.test/a', organization: 'O' }, 'container', { file: 'f.json', category: 'c', unknownSeverity: 'medium' }, 'x');
  b.rule({ id: 'R1', name: 'N', shortDescription: ' short\n desc ', fullDescription: ' full ', help: 'help', helpMarkdown: '**h**', helpUri: 'https://h.test/R1', tags: ['b', 'a', 'b'], properties: { tags: ['z'], foo: 1, severity: 'low' } });
  b.rule({ id: 'R1', tags: ['c', 'a'] });
  b.rule({ id: 'R2', helpUri: 'not a uri' });
  b.add({ ruleId: 'R1', message: ' msg ', severity: 'high', nativeSeverity: 'HIGH', score: 7.5, location: { uri: '/usr/lib/a b@1:2', startLine: 3, endLine: 4, startColumn: 2, endColumn: 5, snippet: 'x', message: 'layer L', logicalName: 'pkg@1', logicalKind: 'package' }, relatedLocations: [{ uri: 'https://e.test/p?q=1#f#g' }, { uri: 'c:\\x\\y', startLine: 0 }], identity: ['a', 1, undefined], kind: 'sca', tags: ['t1', 'security'], properties: { purl: 'p', aliases: [], cvss: [{ score: 1 }], fixState: undefined, tags: ['pt'], severity: 'low', kind: 'iac' } as never, suppressions: [{ kind: 'external' }], rank: 50 });
  b.add({ ruleId: 'R3', message: '', severity: undefined, nativeSeverity: '', location: { uri: './a/b', startLine: 2, endLine: 1, startColumn: 4, endColumn: 3 }, identity: [] });
  b.add({ ruleId: 'R2', message: 'm', severity: 'critical', location: { uri: '' }, identity: ['x'], kind: 'security' as never });
  b.add({ ruleId: 'R2', message: 'm2', severity: 'low', score: 99, location: { uri: 'a', startLine: 1.5 }, identity: ['y'], properties: {}, relatedLocations: [], suppressions: [] });
  b.notify('warning', 'n1');
  b.setProperty('target', 'T');
    expect(JSON.stringify(b.build())).toBe(JSON.stringify(BEFORE));
  });

  it('a failed run', () => {
  const b2 = new RunBuilder({ name: 't2' }, 'sast', { file: 'g', category: 'd', unknownSeverity: 'low' }, 'y');
  b2.failed('boom', 3);
  b2.notify('note', 'n');
    expect(JSON.stringify(b2.build())).toBe(JSON.stringify(BEFORE_FAILED));
  });

  it('an own "__proto__" key: kept in rule properties (a spread), dropped from result properties (as before)', () => {
    const b = new RunBuilder({ name: 't' }, 'sca', { file: 'f', category: 'c', unknownSeverity: 'medium' }, 'x');
    const hostile = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 2}') as Record<string, unknown>;
    b.rule({ id: 'R', properties: hostile });
    b.add({ ruleId: 'R', message: 'm', severity: 'low', location: { uri: 'a' }, identity: [], properties: hostile as never });
    const run = b.build();
    const rp = run.tool.driver.rules![0]!.properties!;
    expect(Object.keys(rp)).toEqual(['__proto__', 'ok', 'tags', 'security-severity', 'severity']);
    const props = run.results![0]!.properties!;
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Object.keys(props)).toEqual(['severity', 'security-severity', 'kind', 'ok', 'tags']);
  });
});

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { DURATION_PATTERN, formatDuration, parseDuration } from '../../src/runners/duration.js';
import { formatCommandLine, makeRedactor, redactArgs, redactDeep, REDACTED } from '../../src/runners/redact.js';
import { fuzzRuns } from '../helpers/fuzz.js';

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['120', 120_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(new RegExp(DURATION_PATTERN).test(text)).toBe(true);
  });

  test.each(['', 'm', '10x', '-5s', '0s', 'ten minutes', '5m tail'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  test('whatever the schema pattern accepts (with a non-zero digit) parses, and nothing parses to ≤ 0', () => {
    const pattern = new RegExp(DURATION_PATTERN);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(pattern)), (s) => {
        const parsed = parseDuration(s);
        if (pattern.test(s) && /[1-9]/.test(s)) expect(parsed).toBeGreaterThan(0);
        if (parsed !== undefined) expect(parsed).toBeGreaterThan(0);
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  test('formatDuration', () => {
    expect(formatDuration(2100)).toBe('2.1s');
    expect(formatDuration(65_000)).toBe('1m 05s');
  });
});

describe('redaction', () => {
  const env = { SONAR_TOKEN: 'squ_abcdef123456', DB_PASSWORD: 'hunter2hunter2', MY_KEY: 'not-a-secret-name', PATH: '/usr/bin', SHORT_TOKEN: 'true' };

  test('values of *TOKEN*/*PASSWORD* variables and named token_env variables are redacted anywhere', () => {
    const r = makeRedactor(env, ['MY_KEY']);
    expect(r('token=squ_abcdef123456 pw hunter2hunter2 key not-a-secret-name path /usr/bin')).toBe(`token=${REDACTED} pw ${REDACTED} key ${REDACTED} path /usr/bin`);
    // Too short to be told apart from ordinary text: left alone rather than blanking words.
    expect(r('enabled: true')).toBe('enabled: true');
  });

  test('URL credentials are redacted whatever the variable was called', () => {
    expect(makeRedactor({})('clone https://user:s3cr3t@git.example.com/x.git')).toBe(`clone https://user:${REDACTED}@git.example.com/x.git`);
  });

  test('arguments after --token/--password style flags, and -Dsonar.token=…', () => {
    const r = makeRedactor({});
    expect(redactArgs(['--token', 'abc', '--password=xyz', '-Dsonar.token=t0k3n', '-Dsonar.login', 'l0g1n', '--registry-password', 'p', 'plain'], r)).toEqual([
      '--token', REDACTED, `--password=${REDACTED}`, `-Dsonar.token=${REDACTED}`, '-Dsonar.login', REDACTED, '--registry-password', REDACTED, 'plain',
    ]);
  });

  test('no secret survives redaction, whatever surrounds it (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }).filter((s) => !s.includes('*')), fc.array(fc.string(), { maxLength: 4 }), (secret, around) => {
        const r = makeRedactor({ API_TOKEN: secret });
        const text = around.join(secret);
        const args = [...around, '--token', secret, `x${secret}y`];
        expect(r(`${text}${secret}`)).not.toContain(secret);
        expect(formatCommandLine('tool', redactArgs(args, r))).not.toContain(secret.replace(/'/g, `'\\''`));
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  test('redactDeep: every string in a run, structure kept', () => {
    const run = { tool: { driver: { name: 'trivy' } }, results: [{ message: { text: 'pull with squ_abcdef123456 failed' }, rank: 3 }], properties: { ok: true } };
    expect(redactDeep(run, makeRedactor(env))).toEqual({ tool: { driver: { name: 'trivy' } }, results: [{ message: { text: `pull with ${REDACTED} failed` }, rank: 3 }], properties: { ok: true } });
  });

  test('command lines are quoted so they can be pasted', () => {
    expect(formatCommandLine('grype', ['dir:my app', '-o', 'json', "it's"])).toBe(`grype 'dir:my app' -o json 'it'\\''s'`);
  });
});

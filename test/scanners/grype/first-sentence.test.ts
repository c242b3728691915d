import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstSentence } from '../../../src/scanners/grype/json.js';

// The former implementation (a regex): the rule short descriptions of every Grype and Trivy
// report depend on it, so the faster scan must cut at exactly the same place.
function firstSentenceBefore(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const m = /^(.{20,200}?[.!?])(\s|$)/.exec(one);
  return (m ? m[1]! : one.slice(0, 200)) || one;
}

const char = fc.constantFrom(...'ab .!?\t\n\r\u00a0\u2028\u3000\ufeffé'.split(''), '  ', 'x.y', '\ud83d\ude00');
const text = fc.oneof(fc.string({ unit: char, maxLength: 260 }), fc.string({ maxLength: 260 }), fc.string({ unit: 'binary', maxLength: 60 }));

describe('firstSentence', () => {
  it('cuts where the former regex cut, for any text (property)', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(firstSentence(s)).toBe(firstSentenceBefore(s));
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 3000) },
    );
  });

  it('examples', () => {
    expect(firstSentence('Synthetic vulnerability 1 in pkg-1: a buffer over-read. Second sentence.')).toBe('Synthetic vulnerability 1 in pkg-1: a buffer over-read.');
    expect(firstSentence('Short. But the first stop is before 20 characters, so this one.  Next')).toBe('Short. But the first stop is before 20 characters, so this one.');
    expect(firstSentence(`${'a'.repeat(250)}.`)).toBe('a'.repeat(200));
    expect(firstSentence('  \n ')).toBe('');
  });
});

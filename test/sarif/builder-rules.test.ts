import { describe, expect, it } from 'vitest';
import { RunBuilder } from '../../src/sarif/builder.js';

describe('RunBuilder rule descriptions', () => {
  it('a blank short description (a ZAP alert named " ") falls back to the name, then the id', () => {
    const b = new RunBuilder({ name: 't' }, 'dast', { file: 'f', category: 'c', unknownSeverity: 'medium' }, 'x');
    b.rule({ id: '10038', shortDescription: ' \n ' });
    b.rule({ id: '10039', shortDescription: ' ', name: 'Named' });
    const rules = b.build().tool.driver.rules!;
    expect(rules.map((r) => r.shortDescription?.text)).toEqual(['10038', 'Named']);
  });
});

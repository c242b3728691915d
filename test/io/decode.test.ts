import { describe, expect, it } from 'vitest';
import { decodeReport } from '../../src/io/decode.js';

const doc = '{"matches": [], "descriptor": {"name": "grype"}, "note": "zlib – ü"}';

describe('decoding report bytes', () => {
  it('UTF-8, with or without a byte-order mark (the BOM is left for the reader to drop)', () => {
    expect(decodeReport(Buffer.from(doc, 'utf8'))).toBe(doc);
    expect(decodeReport(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc, 'utf8')]))).toBe(`\ufeff${doc}`);
  });

  it('UTF-16LE with a BOM, as Windows PowerShell 5 redirects write it', () => {
    expect(decodeReport(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]))).toBe(doc);
  });

  it('UTF-16BE with a BOM', () => {
    const le = Buffer.from(doc, 'utf16le');
    const be = Buffer.from(le).swap16();
    expect(decodeReport(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(doc);
  });
});

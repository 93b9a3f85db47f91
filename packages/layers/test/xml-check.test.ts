import { describe, expect, it } from 'vitest';
import { checkWellFormed } from './_xml.js';

describe('checkWellFormed (the SVG tests rely on it, so it must reject what a parser rejects)', () => {
  it('accepts a small well-formed document and returns its root', () => {
    expect(
      checkWellFormed('<?xml version="1.0"?>\n<svg a="1" b=\'&lt;x&amp;y&#38;\'><g><text>a &gt; b</text></g><rect/><!-- c --></svg>\n'),
    ).toBe('svg');
  });
  it.each([
    ['<svg><g></svg>', /does not close/],
    ['<svg a="1" a="2"/>', /attribute a twice/],
    ['<svg><text>a & b</text></svg>', /bare &/],
    ['<svg><text>a < b</text></svg>', /bad tag name/],
    ['<svg a="x<y"/>', /malformed attribute/],
    ['<svg a=1/>', /malformed attribute/],
    ['<svg/><svg/>', /second root/],
    ['<svg><g>', /unclosed <svg>, <g>/],
    ['text<svg/>', /outside the root/],
    ['<svg><text>&nbsp;</text></svg>', /unknown entity/],
  ])('rejects %s', (xml, why) => {
    expect(() => checkWellFormed(xml)).toThrow(why);
  });
});

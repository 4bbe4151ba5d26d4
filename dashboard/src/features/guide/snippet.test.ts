import { describe, expect, it } from 'vitest';
import { quickStart } from './snippet';

describe('quickStart', () => {
  it('fills every placeholder and calls the global the script defines', () => {
    const text = quickStart({
      endpoint: 'https://bs.example.org',
      key: 'bs_pk_abc',
      surveyId: 'SV_1',
      respondentId: '${e://Field/ResponseID}',
    });
    expect(text).not.toContain('{{');
    expect(text).toContain('<script src="https://bs.example.org/sdk/botsieve.min.js"></script>');
    expect(text).toContain('window.botsieve.start({');
    expect(text).toContain('key: "bs_pk_abc"');
    expect(text).toContain('respondentId: "${e://Field/ResponseID}"');
  });

  it('escapes quotes so a value cannot end the string', () => {
    const text = quickStart({ endpoint: 'x', key: 'a"b', surveyId: 's', respondentId: 'r' });
    expect(text).toContain('key: "a\\"b"');
  });
});

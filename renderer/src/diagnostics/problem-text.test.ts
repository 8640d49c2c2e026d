import i18next from 'i18next';
import { afterAll, describe, expect, it } from 'vitest';
import { errorText, problemText } from './problem-text';

describe('problem texts in the UI language', () => {
  afterAll(() => i18next.changeLanguage('en'));

  it('shows the outcome in Chinese when the UI is Chinese, the English text without one', async () => {
    await i18next.init({ lng: 'zh-CN', resources: {} });
    expect(problemText({ code: 'engine-not-running', params: {} }, 'Pigeon is not running')).toBe(
      'Pigeon 没有在运行',
    );
    expect(problemText(undefined, 'EHOSTUNREACH')).toBe('EHOSTUNREACH');
    expect(
      errorText({
        code: 'invalid-request',
        message: 'nick is empty: choose a name others will see; port 0 is not between 1 and 65535',
        problems: [
          { code: 'nick-empty', params: {} },
          { code: 'port-invalid', params: { value: '0' } },
        ],
      }),
    ).toBe('昵称为空：请选择一个别人能看到的名字; 端口 0 不在 1 到 65535 之间');
    expect(errorText({ code: 'internal', message: 'boom' })).toBe('boom');
    await i18next.changeLanguage('en');
    expect(problemText({ code: 'sweep-tries', params: { max: 5 } }, '')).toBe('tries must be 1..5');
  });
});

import i18next from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { initReactI18next } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { MessageText } from '../chat/message-text';
import { en } from '../i18n/en';
import { PeerText } from './peer-text';

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    interpolation: { escapeValue: false },
  });
});

describe('PeerText', () => {
  it('isolates a name and shows a zero-width space as a labelled mark', () => {
    expect(renderToStaticMarkup(<PeerText text={'bo\u200bb'} className="peer-nick" />)).toBe(
      '<bdi class="peer-nick">bo<span class="hidden-char" role="img"' +
        ' aria-label="Hidden character U+200B (ZWSP)" title="Hidden character U+200B (ZWSP)">' +
        'U+200B</span>b</bdi>',
    );
  });

  it('leaves no bidi control in what it renders', () => {
    const html = renderToStaticMarkup(<PeerText text={'\u202egnp.exe\u202c'} />);
    expect(html).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('>U+202E</span>gnp.exe<');
    expect(renderToStaticMarkup(<PeerText text={'\u200b'.repeat(5)} />)).toContain(
      'aria-label="Hidden character U+200B (ZWSP), 5 in a row"',
    );
  });
});

describe('MessageText', () => {
  it('links an IDN to its punycode, names that host, and keeps emoji whole', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const html = renderToStaticMarkup(
      <MessageText text={`${family} https://\u0430\u0440\u0440\u04cf\u0435.com/ ok`} />,
    );
    expect(html).toContain('href="https://xn--80ak6aa92e.com/"');
    expect(html).toContain('>https://\u0430\u0440\u0440\u04cf\u0435.com/</a>');
    expect(html).toContain(
      '<bdi class="link-real-host" title="This link goes to https://xn--80ak6aa92e.com/">' +
        'xn--80ak6aa92e.com</bdi>',
    );
    expect(html.startsWith(`<bdi class="msg-text">${family} <a`)).toBe(true);
  });

  it('marks a bidi override in a message and in a link text', () => {
    const html = renderToStaticMarkup(
      <MessageText text={'invoice\u202efdp.exe https://example.com/\u202egnp.exe'} />,
    );
    expect(html).not.toContain('\u202e');
    expect(html.match(/class="hidden-char"/g)).toHaveLength(2);
    expect(html).toContain('href="https://example.com/%E2%80%AEgnp.exe"');
    expect(html).not.toContain('link-real-host');
  });
});

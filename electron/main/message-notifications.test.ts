import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../shared/contract';
import type { ChatMessage, Peer } from '../../shared/model';
import {
  createMessageNotifier,
  notificationContent,
  type NotificationDeps,
} from './message-notifications';
import { FakeNotification } from './test/fake-electron';

function message(over: Partial<ChatMessage> = {}, peerOver: Partial<Peer> = {}): MessageEvent {
  return {
    message: {
      id: 'm1',
      peerId: '10.0.0.2:2425',
      direction: 'in',
      text: 'hello\n  there',
      at: 0,
      broadcast: false,
      ...over,
    },
    peer: {
      id: '10.0.0.2:2425',
      address: '10.0.0.2',
      port: 2425,
      nick: 'bob',
      group: '',
      user: 'bob',
      host: 'pc',
      client: 'iptux',
      version: '1_iptux',
      encoding: 'utf-8',
      capabilities: { utf8: true, files: false, echo: false, proof: false, dialup: false },
      away: false,
      online: true,
      announced: true,
      lastSeen: 0,
      ...peerOver,
    },
  };
}

const depsOn = (platform: NodeJS.Platform) =>
  ({ Notification: FakeNotification, platform }) as unknown as NotificationDeps;
const deps = depsOn('linux');

describe('message notifications', () => {
  it('shows who wrote what, and opens that conversation on click', () => {
    FakeNotification.instances = [];
    const opened: string[] = [];
    const notifier = createMessageNotifier(deps, (peerId) => opened.push(peerId));
    notifier.notify(message());
    const n = FakeNotification.instances[0] as FakeNotification;
    expect(n.shown).toBe(true);
    expect(n.options).toMatchObject({ title: 'bob', body: 'hello there' });
    n.emit('click');
    expect(opened).toEqual(['10.0.0.2:2425']);
  });

  it('closes what is still on screen when asked', () => {
    FakeNotification.instances = [];
    const notifier = createMessageNotifier(deps, () => undefined);
    notifier.notify(message());
    notifier.clear();
    expect(FakeNotification.instances[0]?.closed).toBe(true);
  });

  it('stays quiet where the platform has no notifications', () => {
    FakeNotification.instances = [];
    FakeNotification.supported = false;
    createMessageNotifier(deps, () => undefined).notify(message());
    FakeNotification.supported = true;
    expect(FakeNotification.instances).toEqual([]);
  });

  it('says when a message offers files, with or without a text', () => {
    expect(notificationContent(message({ text: '', files: ['t1', 't2'] })).body).toBe(
      'offers 2 files',
    );
    expect(notificationContent(message({ text: '报告', files: ['t1'] })).body).toBe(
      'offers a file: 报告',
    );
  });

  it('words broadcasts, undecodable text and long text', () => {
    expect(notificationContent(message({ broadcast: true })).title).toBe('bob (to everyone)');
    const raw = message({ text: '', undecodable: { rawBase64: 'AA==', encoding: 'gb18030' } });
    expect(notificationContent(raw).body).toBe('A message in an unreadable encoding (gb18030)');
    expect(notificationContent(message({ text: 'x'.repeat(500) })).body).toHaveLength(140);
    expect(notificationContent(message({}, { nick: ' ' })).title).toBe('10.0.0.2');
  });

  it('escapes the body on Linux, where it is markup, and nowhere else', () => {
    const hostile = message(
      { text: '<b>bold</b> & <a href="http://x.example/">"click"</a> it\'s' },
      { nick: 'Tom & <i>Jerry</i>' },
    );
    const shown = (platform: NodeJS.Platform) => {
      FakeNotification.instances = [];
      createMessageNotifier(depsOn(platform), () => undefined).notify(hostile);
      return (FakeNotification.instances[0] as FakeNotification).options;
    };
    expect(shown('linux')).toMatchObject({
      body: '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;http://x.example/&quot;&gt;&quot;click&quot;&lt;/a&gt; it&#39;s',
      // The summary is plain text in the spec, and servers show it as is.
      title: 'Tom & <i>Jerry</i>',
    });
    for (const platform of ['win32', 'darwin'] as const) {
      expect(shown(platform)).toMatchObject({
        body: '<b>bold</b> & <a href="http://x.example/">"click"</a> it\'s',
        title: 'Tom & <i>Jerry</i>',
      });
    }
  });

  it('writes out the characters that would disguise a nick or reorder a text', () => {
    const spoof = message({ text: 'open invoice\u202efdp.exe now' }, { nick: '\u202egnp.exe' });
    expect(notificationContent(spoof)).toEqual({
      title: '⟨U+202E⟩gnp.exe',
      body: 'open invoice⟨U+202E⟩fdp.exe now',
    });
    const zw = message({}, { nick: 'bo\u200bb' });
    expect(notificationContent(zw).title).toBe('bo⟨U+200B⟩b');
    // An emoji ZWJ sequence in the text is a picture, not a hidden character.
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(notificationContent(message({ text: family })).body).toBe(family);
  });

  it("words Pigeon's own parts in the settings' language, never the peer's text", () => {
    const zh = (e: Parameters<typeof notificationContent>[0]) => notificationContent(e, 'zh-CN');
    expect(zh(message({ broadcast: true })).title).toBe('bob（群发）');
    expect(zh(message({ text: '报告', files: ['t1', 't2'] })).body).toBe('发来 2 个文件：报告');
    expect(zh(message({ text: '', sealed: { openedAt: null } })).body).toBe(
      '一条密封消息：请在 Pigeon 中打开阅读',
    );
    // A nick that looks like a placeholder stays as it is.
    expect(zh(message({ broadcast: true }, { nick: '{who}' })).title).toBe('{who}（群发）');
  });

  it('never shows the text of a sealed message before it is opened', () => {
    const sealed = notificationContent(message({ text: '', sealed: { openedAt: null } }));
    expect(sealed.body).toBe('A sealed message: open it in Pigeon to read it');
  });
});

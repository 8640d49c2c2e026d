import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import { setupTray, trayMenuTemplate, trayTooltip, type TrayDeps } from './tray';
import { FakeTray, Menu } from './test/fake-electron';

function setup(platform: NodeJS.Platform = 'linux') {
  const calls: string[] = [];
  const deps = { Tray: FakeTray, Menu, platform } as unknown as TrayDeps;
  const tray = setupTray(deps, {} as NativeImage, {
    open: () => calls.push('open'),
    quit: () => calls.push('quit'),
  });
  const fake = FakeTray.instances.at(-1) as FakeTray;
  const items = () => (fake.menu?.template ?? []) as MenuItemConstructorOptions[];
  return { tray, fake, items, calls };
}

describe('tray', () => {
  it('shows the unread count in tooltip and title', () => {
    const { tray, fake } = setup();
    expect(fake.tooltip).toBe('Pigeon');
    tray.update({ unread: 3, status: 'Online as alice · 2 peers', language: 'en' });
    expect(fake.tooltip).toBe('Pigeon — 3 unread messages');
    expect(fake.title).toBe('3');
    tray.update({ unread: 0, status: 'Offline', language: 'en' });
    expect(fake.title).toBe('');
    expect(trayTooltip({ unread: 1, status: '', language: 'en' })).toBe(
      'Pigeon — 1 unread message',
    );
  });

  it('has Open, a status line and Quit', () => {
    const { tray, items, calls } = setup();
    tray.update({ unread: 2, status: 'Online as alice · 2 peers', language: 'en' });
    const menu = items();
    expect(menu.map((i) => i.label ?? i.type)).toEqual([
      'Open Pigeon (2)',
      'Online as alice · 2 peers',
      'separator',
      'Quit Pigeon',
    ]);
    expect(menu[1]?.enabled).toBe(false);
    (menu[0]?.click as () => void)();
    (menu[3]?.click as () => void)();
    expect(calls).toEqual(['open', 'quit']);
  });

  it('opens the window on click except on macOS, where a click shows the menu', () => {
    const linux = setup('linux');
    linux.fake.emit('click');
    expect(linux.calls).toEqual(['open']);
    const mac = setup('darwin');
    mac.fake.emit('click');
    expect(mac.calls).toEqual([]);
  });

  it('has Away and Do not disturb switches that say their state and flip it', () => {
    const calls: string[] = [];
    const deps = { Tray: FakeTray, Menu, platform: 'linux' } as unknown as TrayDeps;
    const tray = setupTray(deps, {} as NativeImage, {
      open: () => calls.push('open'),
      quit: () => calls.push('quit'),
      setAway: (on) => calls.push(`away ${on}`),
      setDoNotDisturb: (on) => calls.push(`dnd ${on}`),
    });
    const fake = FakeTray.instances.at(-1) as FakeTray;
    tray.update({ unread: 0, status: 'Online', language: 'en', away: true, doNotDisturb: false });
    const menu = (fake.menu?.template ?? []) as MenuItemConstructorOptions[];
    const away = menu.find((i) => i.label?.startsWith('Away'));
    const dnd = menu.find((i) => i.label === 'Do not disturb');
    expect([away?.checked, dnd?.checked]).toEqual([true, false]);
    (away?.click as () => void)();
    (dnd?.click as () => void)();
    expect(calls).toEqual(['away false', 'dnd true']);
  });

  it('labels everything in the language it is given, and again when it changes', () => {
    const actions = {
      open: () => {},
      quit: () => {},
      setAway: () => {},
      setDoNotDisturb: () => {},
    };
    const labels = (language: 'en' | 'zh-CN', unread: number) =>
      trayMenuTemplate({ unread, status: 'S', language, away: false }, actions).map(
        (i) => i.label ?? i.type,
      );
    expect(labels('zh-CN', 4)).toEqual([
      '打开 Pigeon（4）',
      'S',
      'separator',
      '离开（自动回复）',
      '勿扰',
      'separator',
      '退出 Pigeon',
    ]);
    expect(labels('en', 0)).toEqual([
      'Open Pigeon',
      'S',
      'separator',
      'Away (reply automatically)',
      'Do not disturb',
      'separator',
      'Quit Pigeon',
    ]);
    expect(trayTooltip({ unread: 2, status: '', language: 'zh-CN' })).toBe('Pigeon — 2 条未读消息');
    expect(trayTooltip({ unread: 1, status: '', language: 'zh-CN' })).toBe('Pigeon — 1 条未读消息');

    const deps = { Tray: FakeTray, Menu, platform: 'linux' } as unknown as TrayDeps;
    const tray = setupTray(deps, {} as NativeImage, actions, 'zh-CN');
    const fake = FakeTray.instances.at(-1) as FakeTray;
    const menu = () => (fake.menu?.template ?? []) as MenuItemConstructorOptions[];
    expect(menu()[1]?.label).toBe('正在启动…');
    tray.update({ unread: 1, status: 'x', language: 'en' });
    expect([menu()[0]?.label, fake.tooltip]).toEqual([
      'Open Pigeon (1)',
      'Pigeon — 1 unread message',
    ]);
  });
});

import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { shellText, type TextLanguage } from '../../shared/model/texts';

export interface TrayDeps {
  Tray: new (image: NativeImage) => Tray;
  Menu: Pick<typeof Menu, 'buildFromTemplate'>;
  platform: NodeJS.Platform;
}

export interface TrayState {
  unread: number;
  /** One line about the engine, e.g. "Online as alice · 3 peers", in `language`. */
  status: string;
  /** The language of the labels, as the settings say (shell-language.ts). */
  language: TextLanguage;
  /** Away (with the automatic reply) and do-not-disturb, as the settings say. */
  away?: boolean;
  doNotDisturb?: boolean;
}

export interface TrayActions {
  open(): void;
  quit(): void;
  /** Given: the menu has Away and Do not disturb checkboxes that call these. */
  setAway?(on: boolean): void;
  setDoNotDisturb?(on: boolean): void;
}

/** The tray icon and its menu: Open, a status line, Away and Do not disturb, Quit. */
export interface PigeonTray {
  update(state: TrayState): void;
  destroy(): void;
}

/**
 * A messenger keeps running when its window is out of sight, so the tray is where a person sees
 * that messages are waiting and how to quit for good.
 */
export function setupTray(
  deps: TrayDeps,
  icon: NativeImage,
  actions: TrayActions,
  initialLanguage: TextLanguage = 'en',
): PigeonTray {
  const tray = new deps.Tray(icon);
  // Windows and most Linux trays open the window on a plain click; macOS shows the menu instead.
  if (deps.platform !== 'darwin') tray.on('click', () => actions.open());

  const update = (state: TrayState): void => {
    tray.setToolTip(trayTooltip(state));
    // The title is drawn beside the icon on macOS (and by AppIndicator on Linux): just the count.
    tray.setTitle(state.unread > 0 ? String(state.unread) : '');
    tray.setContextMenu(deps.Menu.buildFromTemplate(trayMenuTemplate(state, actions)));
  };
  update(startingState(initialLanguage));

  return { update, destroy: () => tray.destroy() };
}

/** What the tray shows before the engine said anything. */
export function startingState(language: TextLanguage): TrayState {
  return { unread: 0, status: shellText('status.starting', language), language };
}

export function trayTooltip(state: TrayState): string {
  const { unread, language } = state;
  if (unread === 0) return shellText('tray.tooltip', language);
  return unread === 1
    ? shellText('tray.tooltip-unread-one', language)
    : shellText('tray.tooltip-unread', language, { count: unread });
}

export function trayMenuTemplate(
  state: TrayState,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  const { unread, language } = state;
  return [
    {
      label:
        unread > 0
          ? shellText('tray.open-unread', language, { count: unread })
          : shellText('tray.open', language),
      click: () => actions.open(),
    },
    { label: state.status, enabled: false },
    ...attentionItems(state, actions),
    { type: 'separator' },
    { label: shellText('tray.quit', language), click: () => actions.quit() },
  ];
}

/** The two switches a person reaches for without opening the window. */
function attentionItems(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const { setAway, setDoNotDisturb } = actions;
  const items: MenuItemConstructorOptions[] = [];
  if (setAway)
    items.push({
      label: shellText('tray.away', state.language),
      type: 'checkbox',
      checked: state.away === true,
      click: () => setAway(state.away !== true),
    });
  if (setDoNotDisturb)
    items.push({
      label: shellText('tray.do-not-disturb', state.language),
      type: 'checkbox',
      checked: state.doNotDisturb === true,
      click: () => setDoNotDisturb(state.doNotDisturb !== true),
    });
  return items.length > 0 ? [{ type: 'separator' }, ...items] : [];
}

import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, isEventChannel } from './events';
import { isRequestChannel, REQUEST_CHANNELS } from './requests';
import type { EventChannel } from './events';
import type { RequestChannel } from './requests';

// Type-level: the runtime lists hold exactly the map keys.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestsCovered: Equal<(typeof REQUEST_CHANNELS)[number], RequestChannel> = true;
const eventsCovered: Equal<(typeof EVENT_CHANNELS)[number], EventChannel> = true;

describe('channel lists', () => {
  it('cover every request and event with no duplicates', () => {
    expect(requestsCovered && eventsCovered).toBe(true);
    expect(new Set(REQUEST_CHANNELS).size).toBe(REQUEST_CHANNELS.length);
    expect(new Set(EVENT_CHANNELS).size).toBe(EVENT_CHANNELS.length);
    expect(REQUEST_CHANNELS).toEqual([
      'app:info',
      'settings:get',
      'settings:update',
      'peers:list',
      'peers:refresh',
      'peers:add',
      'chat:conversations',
      'chat:history',
      'chat:send',
      'chat:broadcast',
      'chat:retry',
      'chat:cancel-queued',
      'chat:redirect-queued',
      'chat:mark-read',
      'history:search',
      'history:export',
      'history:delete',
      'history:pin',
      'chat:open-sealed',
      'echo:start',
      'echo:stop',
      'echo:sweep',
      'echo:reach',
      'diag:doctor',
      'diag:interfaces',
      'diag:bundle',
      'files:list',
      'files:choose',
      'files:offer',
      'files:accept',
      'files:decline',
      'files:cancel',
      'files:retry',
      'files:open',
    ]);
    expect([...EVENT_CHANNELS].sort()).toEqual(
      [
        'peers:online',
        'peers:offline',
        'peers:changed',
        'chat:message',
        'chat:delivery',
        'chat:unread',
        'chat:opened',
        'history:deleted',
        'history:pinned',
        'engine:error',
        'engine:ready',
        'engine:stopped',
        'settings:changed',
        'echo:started',
        'echo:progress',
        'echo:done',
        'echo:sweep-progress',
        'diag:network-changed',
        'files:transfer',
        'ui:open-conversation',
      ].sort(),
    );
  });

  it('are frozen and named domain:verb', () => {
    expect(Object.isFrozen(REQUEST_CHANNELS)).toBe(true);
    expect(Object.isFrozen(EVENT_CHANNELS)).toBe(true);
    for (const c of [...REQUEST_CHANNELS, ...EVENT_CHANNELS]) expect(c).toMatch(/^[a-z]+:[a-z-]+$/);
  });

  it('recognise only their own names', () => {
    expect(isRequestChannel('chat:send')).toBe(true);
    expect(isRequestChannel('chat:message')).toBe(false);
    expect(isRequestChannel('toString')).toBe(false);
    expect(isRequestChannel('__proto__')).toBe(false);
    expect(isRequestChannel(42)).toBe(false);
    expect(isEventChannel('chat:message')).toBe(true);
    expect(isEventChannel('chat:send')).toBe(false);
    expect(isEventChannel('constructor')).toBe(false);
  });
});

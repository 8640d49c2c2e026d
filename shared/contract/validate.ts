import { describe, isHostSpec, isIpv4, isPeerId, isPort, utf8Length } from './guards';
import { LIMITS } from './limits';
import type { Req, RequestChannel } from './requests';
import { isRequestChannel, REQUEST_CHANNELS } from './requests';
import { err, ok } from './result';
import type { Result } from './result';
import { LANGUAGES, SETTINGS_PATCH_KEYS, THEMES } from './settings';
import type { SettingsPatch } from './settings';

/**
 * Hand-written guards for every request, run by the engine side before any handler: the renderer
 * (and anything that reaches the WebSocket) is untrusted. Each returns a fresh plain object holding
 * only the known fields, or an 'invalid-request' error naming the channel and the field.
 */

/** Thrown inside a validator and turned into an envelope by validateRequest. */
class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function object(payload: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(payload)) fail(`expected an object, got ${describe(payload)}`);
  for (const key of Object.keys(payload)) {
    if (!allowed.includes(key))
      fail(`unknown field ${JSON.stringify(key.slice(0, 40))}; allowed: ${allowed.join(', ')}`);
  }
  return payload;
}

function noPayload(payload: unknown): null {
  if (payload !== null && payload !== undefined) fail(`takes no payload, got ${describe(payload)}`);
  return null;
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    fail(`"${field}" must be a non-empty string, got ${describe(value)}`);
  if (value.length > LIMITS.idChars) fail(`"${field}" is longer than ${LIMITS.idChars} characters`);
  return value;
}

function peerIdField(value: unknown, field: string): string {
  id(value, field);
  if (!isPeerId(value)) fail(`"${field}" must be a peer id "address:port" (IPv4, port 1-65535)`);
  return value;
}

function text(value: unknown): string {
  if (typeof value !== 'string') fail(`"text" must be a string, got ${describe(value)}`);
  if (value.trim().length === 0) fail('"text" is empty');
  if (value.includes('\0')) fail('"text" cannot contain NUL characters');
  const bytes = utf8Length(value);
  if (bytes > LIMITS.textBytes)
    fail(`"text" is ${bytes} bytes of UTF-8; the limit is ${LIMITS.textBytes} (1 MB)`);
  return value;
}

function name(value: unknown, field: string, max: number, required: boolean): string {
  if (typeof value !== 'string') fail(`"${field}" must be a string, got ${describe(value)}`);
  if (required && value.trim().length === 0) fail(`"${field}" is empty`);
  if ([...value].length > max) fail(`"${field}" is longer than ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) fail(`"${field}" cannot contain control characters`);
  return value;
}

function stringList(
  value: unknown,
  field: string,
  max: number,
  check: (v: unknown) => boolean,
  what: string,
): string[] {
  if (!Array.isArray(value)) fail(`"${field}" must be an array, got ${describe(value)}`);
  if (value.length > max) fail(`"${field}" has ${value.length} entries; the limit is ${max}`);
  return value.map((v: unknown, i) => {
    if (!check(v)) {
      const shown = typeof v === 'string' ? JSON.stringify(v.slice(0, 64)) : describe(v);
      fail(`"${field}[${i}]" must be ${what}, got ${shown}`);
    }
    return v as string;
  });
}

function oneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value))
    fail(`"${field}" must be one of ${options.join(', ')}`);
  return value as T;
}

function settingsPatch(payload: unknown): SettingsPatch {
  const p = object(payload, SETTINGS_PATCH_KEYS);
  const out: SettingsPatch = {};
  if (p.nick !== undefined) out.nick = name(p.nick, 'nick', LIMITS.nickChars, true).trim();
  if (p.group !== undefined) out.group = name(p.group, 'group', LIMITS.groupChars, false).trim();
  if (p.port !== undefined) {
    if (!isPort(p.port)) fail(`"port" must be an integer 1-65535, got ${describe(p.port)}`);
    out.port = p.port;
  }
  if (p.bind !== undefined) {
    if (!isIpv4(p.bind)) fail('"bind" must be an IPv4 address such as 0.0.0.0');
    out.bind = p.bind;
  }
  if (p.broadcast !== undefined)
    out.broadcast = stringList(
      p.broadcast,
      'broadcast',
      LIMITS.broadcastTargets,
      isIpv4,
      'an IPv4 address',
    );
  if (p.unicastHosts !== undefined)
    out.unicastHosts = stringList(
      p.unicastHosts,
      'unicastHosts',
      LIMITS.unicastHosts,
      isHostSpec,
      'an IPv4 address or a subnet a.b.c.d/22 to /32',
    );
  if (p.language !== undefined) out.language = oneOf(p.language, 'language', LANGUAGES);
  if (p.theme !== undefined) out.theme = oneOf(p.theme, 'theme', THEMES);
  return out;
}

type Validators = { [C in RequestChannel]: (payload: unknown) => Req<C> };

const validators: Validators = {
  'app:info': noPayload,
  'settings:get': noPayload,
  'settings:update': settingsPatch,
  'peers:list': noPayload,
  'peers:refresh': noPayload,
  'peers:add': (payload) => {
    const p = object(payload, ['address', 'port']);
    if (!isIpv4(p.address))
      fail(
        typeof p.address === 'string'
          ? `"address" ${JSON.stringify(p.address.slice(0, 64))} is not an IPv4 address`
          : `"address" must be an IPv4 address, got ${describe(p.address)}`,
      );
    if (p.port === undefined) return { address: p.address };
    if (!isPort(p.port)) fail(`"port" must be an integer 1-65535, got ${describe(p.port)}`);
    return { address: p.address, port: p.port };
  },
  'chat:conversations': noPayload,
  'chat:history': (payload) => ({
    peerId: peerIdField(object(payload, ['peerId']).peerId, 'peerId'),
  }),
  'chat:send': (payload) => {
    const p = object(payload, ['to', 'text']);
    const to = stringList(
      p.to,
      'to',
      LIMITS.recipients,
      (v) => isPeerId(v) || isIpv4(v),
      'a peer id "address:port" or an IPv4 address',
    );
    if (to.length === 0) fail('"to" names no recipient');
    return { to, text: text(p.text) };
  },
  'chat:broadcast': (payload) => ({ text: text(object(payload, ['text']).text) }),
  'chat:retry': (payload) => ({
    messageId: id(object(payload, ['messageId']).messageId, 'messageId'),
  }),
  'chat:mark-read': (payload) => ({
    peerId: peerIdField(object(payload, ['peerId']).peerId, 'peerId'),
  }),
};

export function validateRequest<C extends RequestChannel>(
  channel: C,
  payload: unknown,
): Result<Req<C>>;
export function validateRequest(channel: string, payload: unknown): Result<unknown>;
export function validateRequest(channel: string, payload: unknown): Result<unknown> {
  if (!isRequestChannel(channel)) {
    const shown =
      typeof channel === 'string' ? JSON.stringify(channel.slice(0, 64)) : 'a non-string';
    return err(
      'unknown-channel',
      `unknown request channel ${shown}; known: ${REQUEST_CHANNELS.join(', ')}`,
    );
  }
  try {
    return ok(validators[channel](payload));
  } catch (e) {
    if (e instanceof Invalid) return err('invalid-request', `${channel}: ${e.message}`);
    throw e;
  }
}

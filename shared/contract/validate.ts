import { describe, isHostSpec, isIpv4, isPeerId, isPort, utf8Length } from './guards';
import {
  DOCTOR_LIMITS,
  ECHO_LIMITS,
  HISTORY_REQUEST_LIMITS,
  LIMITS,
  REACH_LIMITS,
  SWEEP_LIMITS,
} from './limits';
import type { Req, RequestChannel } from './requests';
import { isRequestChannel, REQUEST_CHANNELS } from './requests';
import { err, ok } from './result';
import type { Result } from './result';
import type {
  DoctorRequest,
  EchoMode,
  EchoRequest,
  HistoryDeleteRequest,
  HistoryPageRequest,
  HistorySearchRequest,
  ReachRequest,
  SweepRequest,
} from '../model';
import { BROADCAST_ID } from '../model/message';
import { AWAY_MESSAGE_MAX_CHARS } from '../model';
import { parseHostPort } from '../protocol/address';
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
  if (p.away !== undefined) out.away = flag(p.away, 'away');
  if (p.awayMessage !== undefined) out.awayMessage = awayMessage(p.awayMessage);
  if (p.doNotDisturb !== undefined) out.doNotDisturb = flag(p.doNotDisturb, 'doNotDisturb');
  if (p.notifications !== undefined) out.notifications = flag(p.notifications, 'notifications');
  if (p.startAtLogin !== undefined) out.startAtLogin = flag(p.startAtLogin, 'startAtLogin');
  if (p.minimizeToTray !== undefined) out.minimizeToTray = flag(p.minimizeToTray, 'minimizeToTray');
  return out;
}

/** Empty means the default text; line breaks are fine, other control characters are not. */
function awayMessage(value: unknown): string {
  if (typeof value !== 'string') fail(`"awayMessage" must be a string, got ${describe(value)}`);
  if ([...value].length > AWAY_MESSAGE_MAX_CHARS)
    fail(`"awayMessage" is longer than ${AWAY_MESSAGE_MAX_CHARS} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(value))
    fail('"awayMessage" cannot contain control characters other than line breaks');
  return value.trim();
}

// ---- echo and diagnostics ----------------------------------------------------------------------

const ECHO_MODES = ['pigeon', 'ipmsg', 'raw'] as const satisfies readonly EchoMode[];
const SWEEP_MODES = ['pigeon', 'raw'] as const;
const REACH_MODES = ['pigeon', 'ipmsg'] as const;

/** A peer id or "host[:port]" with an IPv4 host, as the engine's parseTarget reads it. */
function target(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    fail(
      `"${field}" must be a peer id or an IPv4 address (optionally :port), got ${describe(value)}`,
    );
  const v = value.trim();
  // The engine's own parser (shared/protocol/address.ts): what passes here, the engine reads.
  const parsed = parseHostPort(v, 2425);
  if (!parsed.ok && parsed.problem === 'not-ipv4')
    fail(`"${field}" ${JSON.stringify(v.slice(0, 64))} is not an IPv4 address or "address:port"`);
  if (!parsed.ok) fail(`"${field}" ${JSON.stringify(v.slice(0, 64))}: the port must be 1-65535`);
  return v;
}

/** A finite number within [min, max]; whole when `whole`; `unit` ends the sentence ("ms"). */
function numberIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
  o: { whole?: boolean; unit?: string; why?: string } = {},
): number {
  const unit = o.unit ? ` ${o.unit}` : '';
  const why = o.why ? ` ${o.why}` : '';
  const kind = o.whole ? 'a whole number' : 'a number';
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (o.whole && !Number.isInteger(value)) ||
    value < min ||
    value > max
  )
    fail(`"${field}" must be ${kind} from ${min} to ${max}${unit}${why}, got ${describe(value)}`);
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(`"${field}" must be true or false, got ${describe(value)}`);
  return value;
}

function echoRequest(payload: unknown): EchoRequest {
  const p = object(payload, [
    'to',
    'mode',
    'count',
    'intervalMs',
    'size',
    'timeoutMs',
    'probeBack',
  ]);
  const out: EchoRequest = { to: target(p.to, 'to') };
  const mode = p.mode === undefined ? 'pigeon' : oneOf(p.mode, 'mode', ECHO_MODES);
  if (p.mode !== undefined) out.mode = mode;
  const ipmsg = mode === 'ipmsg';
  const inIpmsg = ipmsg ? 'in ipmsg mode' : '';
  if (p.count !== undefined)
    out.count = numberIn(
      p.count,
      'count',
      1,
      ipmsg ? ECHO_LIMITS.maxIpmsgCount : ECHO_LIMITS.maxCount,
      {
        whole: true,
        why: inIpmsg,
      },
    );
  if (p.intervalMs !== undefined)
    out.intervalMs = numberIn(
      p.intervalMs,
      'intervalMs',
      ipmsg ? ECHO_LIMITS.minIpmsgIntervalMs : ECHO_LIMITS.minIntervalMs,
      ECHO_LIMITS.maxIntervalMs,
      { unit: 'ms', why: inIpmsg },
    );
  if (p.size !== undefined)
    out.size = numberIn(p.size, 'size', 1, ECHO_LIMITS.maxSize, { whole: true, unit: 'bytes' });
  if (p.timeoutMs !== undefined)
    out.timeoutMs = numberIn(p.timeoutMs, 'timeoutMs', 1, ECHO_LIMITS.maxTimeoutMs, { unit: 'ms' });
  if (p.probeBack !== undefined) {
    out.probeBack = numberIn(p.probeBack, 'probeBack', 0, ECHO_LIMITS.maxProbeBack, {
      whole: true,
      unit: 'probes',
    });
    if (out.probeBack > 0 && mode !== 'pigeon')
      fail('"probeBack" needs mode pigeon: only Pigeon peers send probes back');
  }
  return out;
}

function sweepRequest(payload: unknown): SweepRequest {
  const p = object(payload, ['to', 'mode', 'min', 'max', 'tries', 'timeoutMs', 'apply']);
  const out: SweepRequest = { to: target(p.to, 'to') };
  if (p.mode !== undefined) out.mode = oneOf(p.mode, 'mode', SWEEP_MODES);
  const size = (v: unknown, field: string) =>
    numberIn(v, field, SWEEP_LIMITS.minSize, SWEEP_LIMITS.maxSize, { whole: true, unit: 'bytes' });
  if (p.min !== undefined) out.min = size(p.min, 'min');
  if (p.max !== undefined) out.max = size(p.max, 'max');
  // The engine's defaults are 64 and 8192; a lone bound must still leave a range.
  const min = out.min ?? 64;
  const max = out.max ?? 8192;
  if (min > max) fail(`"min" (${min}) is larger than "max" (${max})`);
  if (p.tries !== undefined)
    out.tries = numberIn(p.tries, 'tries', 1, SWEEP_LIMITS.maxTries, { whole: true });
  if (p.timeoutMs !== undefined)
    out.timeoutMs = numberIn(
      p.timeoutMs,
      'timeoutMs',
      SWEEP_LIMITS.minTimeoutMs,
      SWEEP_LIMITS.maxTimeoutMs,
      { unit: 'ms' },
    );
  if (p.apply !== undefined) out.apply = flag(p.apply, 'apply');
  return out;
}

function reachRequest(payload: unknown): ReachRequest {
  const p = object(payload, ['mode', 'timeoutMs']);
  const out: ReachRequest = {};
  if (p.mode !== undefined) out.mode = oneOf(p.mode, 'mode', REACH_MODES);
  if (p.timeoutMs !== undefined)
    out.timeoutMs = numberIn(p.timeoutMs, 'timeoutMs', 1, REACH_LIMITS.maxTimeoutMs, {
      unit: 'ms',
    });
  return out;
}

function doctorRequest(payload: unknown): DoctorRequest {
  const p = object(payload, ['to', 'count', 'timeoutMs', 'skipBroadcast']);
  const out: DoctorRequest = { to: target(p.to, 'to') };
  if (p.count !== undefined)
    out.count = numberIn(p.count, 'count', 1, DOCTOR_LIMITS.maxCount, { whole: true });
  if (p.timeoutMs !== undefined)
    out.timeoutMs = numberIn(
      p.timeoutMs,
      'timeoutMs',
      DOCTOR_LIMITS.minTimeoutMs,
      DOCTOR_LIMITS.maxTimeoutMs,
      { unit: 'ms' },
    );
  if (p.skipBroadcast !== undefined) out.skipBroadcast = flag(p.skipBroadcast, 'skipBroadcast');
  return out;
}

// ---- files ------------------------------------------------------------------------------------

function idList(value: unknown, field: string, max: number): string[] {
  const list = stringList(
    value,
    field,
    max,
    (v) => typeof v === 'string' && v.length > 0 && v.length <= LIMITS.idChars,
    `an id of 1-${LIMITS.idChars} characters`,
  );
  if (list.length === 0) fail(`"${field}" is empty`);
  return list;
}

function filesOffer(payload: unknown): Req<'files:offer'> {
  const p = object(payload, ['to', 'picks', 'text']);
  const to = p.to;
  if (!isPeerId(to) && !isIpv4(to))
    fail(`"to" must be a peer id "address:port" or an IPv4 address, got ${describe(to)}`);
  const out: Req<'files:offer'> = { to, picks: idList(p.picks, 'picks', LIMITS.offerItems) };
  // An empty text is fine here: the files are the message.
  if (p.text !== undefined && !(typeof p.text === 'string' && p.text.trim() === ''))
    out.text = text(p.text);
  return out;
}

function transferId(payload: unknown, extra: readonly string[] = []): Record<string, unknown> {
  const p = object(payload, ['transferId', ...extra]);
  id(p.transferId, 'transferId');
  return p;
}

/** A conversation: a peer id, or the broadcast conversation. */
function conversationId(value: unknown, field: string): string {
  if (value === BROADCAST_ID) return BROADCAST_ID;
  return peerIdField(value, field);
}

function count(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    fail(`"${field}" must be an integer 1-${max}, got ${describe(value)}`);
  return value;
}

function epochMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(`"${field}" must be a time in epoch milliseconds, got ${describe(value)}`);
  return value;
}

function historyPage(payload: unknown): HistoryPageRequest {
  const p = object(payload, ['peerId', 'before', 'after', 'around', 'limit']);
  const out: HistoryPageRequest = { peerId: conversationId(p.peerId, 'peerId') };
  const cursors = (['before', 'after', 'around'] as const).filter((k) => p[k] !== undefined);
  if (cursors.length > 1)
    fail(`give one of "before", "after", "around", not ${cursors.join(' and ')}`);
  for (const k of cursors) out[k] = id(p[k], k);
  if (p.limit !== undefined) out.limit = count(p.limit, 'limit', HISTORY_REQUEST_LIMITS.maxPage);
  return out;
}

function historySearch(payload: unknown): HistorySearchRequest {
  const p = object(payload, ['text', 'peerId', 'since', 'until', 'limit']);
  const out: HistorySearchRequest = {
    text: name(p.text, 'text', HISTORY_REQUEST_LIMITS.searchChars, true),
  };
  if (p.peerId !== undefined) out.peerId = conversationId(p.peerId, 'peerId');
  if (p.since !== undefined) out.since = epochMs(p.since, 'since');
  if (p.until !== undefined) out.until = epochMs(p.until, 'until');
  if (out.since !== undefined && out.until !== undefined && out.until <= out.since)
    fail('"until" must be later than "since"');
  if (p.limit !== undefined) out.limit = count(p.limit, 'limit', HISTORY_REQUEST_LIMITS.maxHits);
  return out;
}

function historyDelete(payload: unknown): HistoryDeleteRequest {
  const p = object(payload, ['messageId', 'peerId', 'all']);
  const given = Object.keys(p);
  if (given.length !== 1) fail('give exactly one of "messageId", "peerId", "all"');
  if (p.messageId !== undefined) return { messageId: id(p.messageId, 'messageId') };
  if (p.peerId !== undefined) return { peerId: conversationId(p.peerId, 'peerId') };
  if (p.all !== true) fail(`"all" must be true, got ${describe(p.all)}`);
  return { all: true };
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
  'chat:history': historyPage,
  'chat:send': (payload) => {
    const p = object(payload, ['to', 'text', 'sealed']);
    const to = stringList(
      p.to,
      'to',
      LIMITS.recipients,
      (v) => isPeerId(v) || isIpv4(v),
      'a peer id "address:port" or an IPv4 address',
    );
    if (to.length === 0) fail('"to" names no recipient');
    const out: Req<'chat:send'> = { to, text: text(p.text) };
    if (p.sealed !== undefined) out.sealed = flag(p.sealed, 'sealed');
    return out;
  },
  'chat:broadcast': (payload) => ({ text: text(object(payload, ['text']).text) }),
  'chat:retry': (payload) => ({
    messageId: id(object(payload, ['messageId']).messageId, 'messageId'),
  }),
  'chat:cancel-queued': (payload) => ({
    messageId: id(object(payload, ['messageId']).messageId, 'messageId'),
  }),
  'chat:redirect-queued': (payload) => {
    const p = object(payload, ['fromPeerId', 'toPeerId']);
    const fromPeerId = peerIdField(p.fromPeerId, 'fromPeerId');
    const toPeerId = peerIdField(p.toPeerId, 'toPeerId');
    if (fromPeerId === toPeerId) fail('"toPeerId" is the same peer as "fromPeerId"');
    return { fromPeerId, toPeerId };
  },
  'chat:mark-read': (payload) => ({
    peerId: peerIdField(object(payload, ['peerId']).peerId, 'peerId'),
  }),
  'history:search': historySearch,
  'history:export': (payload) => {
    const p = object(payload, ['peerId', 'format']);
    return {
      peerId: conversationId(p.peerId, 'peerId'),
      format: oneOf(p.format, 'format', ['text', 'html', 'json'] as const),
    };
  },
  'history:delete': historyDelete,
  'history:pin': (payload) => {
    const p = object(payload, ['messageId', 'pinned']);
    return { messageId: id(p.messageId, 'messageId'), pinned: flag(p.pinned, 'pinned') };
  },
  'chat:open-sealed': (payload) => ({
    messageId: id(object(payload, ['messageId']).messageId, 'messageId'),
  }),
  'echo:start': echoRequest,
  'echo:stop': (payload) => ({ runId: id(object(payload, ['runId']).runId, 'runId') }),
  'echo:sweep': sweepRequest,
  'echo:reach': reachRequest,
  'diag:doctor': doctorRequest,
  'diag:interfaces': noPayload,
  'diag:bundle': (payload) => {
    const p = object(payload, ['redact']);
    return p.redact === undefined ? {} : { redact: flag(p.redact, 'redact') };
  },
  'files:list': noPayload,
  'files:choose': (payload) => ({
    kind: oneOf(object(payload, ['kind']).kind, 'kind', ['files', 'folder'] as const),
  }),
  'files:offer': filesOffer,
  'files:accept': (payload) => {
    const p = object(payload, ['transferIds', 'into']);
    const transferIds = idList(p.transferIds, 'transferIds', LIMITS.transferIds);
    return p.into === undefined ? { transferIds } : { transferIds, into: id(p.into, 'into') };
  },
  'files:decline': (payload) => ({
    transferIds: idList(
      object(payload, ['transferIds']).transferIds,
      'transferIds',
      LIMITS.transferIds,
    ),
  }),
  'files:cancel': (payload) => ({ transferId: id(transferId(payload).transferId, 'transferId') }),
  'files:retry': (payload) => ({ transferId: id(transferId(payload).transferId, 'transferId') }),
  'files:open': (payload) => {
    const p = transferId(payload, ['reveal']);
    const out = { transferId: id(p.transferId, 'transferId') };
    return p.reveal === undefined ? out : { ...out, reveal: flag(p.reveal, 'reveal') };
  },
};

/**
 * The channels of the domain it named ("chat:..."), or the domains: the whole list has grown
 * past what one error line should carry.
 */
function knownChannels(channel: unknown): string {
  const domain = typeof channel === 'string' ? channel.split(':', 1)[0] : undefined;
  const same = REQUEST_CHANNELS.filter((c) => c.split(':', 1)[0] === domain);
  if (same.length > 0) return `known ${domain} channels: ${same.join(', ')}`;
  const domains = [...new Set(REQUEST_CHANNELS.map((c) => c.split(':', 1)[0]))];
  return `known domains: ${domains.join(', ')} (channels are domain:verb, such as chat:send)`;
}

export function validateRequest<C extends RequestChannel>(
  channel: C,
  payload: unknown,
): Result<Req<C>>;
export function validateRequest(channel: string, payload: unknown): Result<unknown>;
export function validateRequest(channel: string, payload: unknown): Result<unknown> {
  if (!isRequestChannel(channel)) {
    const shown =
      typeof channel === 'string' ? JSON.stringify(channel.slice(0, 64)) : 'a non-string';
    return err('unknown-channel', `unknown request channel ${shown}; ${knownChannels(channel)}`);
  }
  try {
    return ok(validators[channel](payload));
  } catch (e) {
    if (e instanceof Invalid) return err('invalid-request', `${channel}: ${e.message}`);
    throw e;
  }
}

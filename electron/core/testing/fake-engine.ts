import type { ChatMessage, EngineEvent, EngineSettings, Peer } from '../../../shared/model';
import type { EngineApi, SendRequest } from '../engine-api';

/**
 * An EngineApi that records calls and lets a test push events, for testing the shell's wiring
 * without sockets. The real engine has its own tests in electron/core.
 */
export class FakeEngine implements EngineApi {
  readonly calls: string[] = [];
  readonly listeners = new Set<(event: EngineEvent) => void>();
  startError: Error | undefined;
  running = false;
  current: EngineSettings;

  constructor(settings: Partial<EngineSettings> = {}) {
    this.current = {
      nick: 'alice',
      group: 'R&D',
      user: 'alice',
      host: 'box',
      bind: '127.0.0.1',
      port: 2425,
      broadcast: [],
      unicastHosts: [],
      legacyEncoding: 'gb18030',
      dataDir: '/tmp/none',
      answerEcho: true,
      ...settings,
    };
  }

  start(): Promise<void> {
    this.calls.push('start');
    if (this.startError) return Promise.reject(this.startError);
    this.running = true;
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    this.running = false;
    this.emit({ type: 'stopped' });
    return Promise.resolve();
  }
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }
  settings(): EngineSettings {
    return { ...this.current };
  }
  updateSettings(patch: Partial<Pick<EngineSettings, 'nick' | 'group'>>): void {
    this.calls.push(`updateSettings ${JSON.stringify(patch)}`);
    this.current = { ...this.current, ...patch };
  }
  peers(): Peer[] {
    return [];
  }
  refresh(): void {
    this.calls.push('refresh');
  }
  announceTo(address: string, port?: number): void {
    this.calls.push(`announceTo ${address} ${port ?? ''}`.trim());
  }
  send(request: SendRequest): ChatMessage[] {
    this.calls.push(`send ${request.to.join(',')} ${request.text}`);
    return request.to.map((peerId, i) => outgoing(`m${i}`, peerId, request.text));
  }
  broadcastText(text: string): ChatMessage {
    this.calls.push(`broadcast ${text}`);
    return { ...outgoing('b1', '*', text), broadcast: true };
  }
  retry(messageId: string): ChatMessage | undefined {
    this.calls.push(`retry ${messageId}`);
    return messageId === 'm1' ? outgoing('m1', '10.0.0.2:2425', 'again') : undefined;
  }
  conversation(peerId: string): ChatMessage[] {
    return [outgoing('m1', peerId, 'hi')];
  }

  conversationList(): { peerId: string; last: ChatMessage }[] {
    return [{ peerId: '10.0.0.2:2425', last: outgoing('m1', '10.0.0.2:2425', 'hi') }];
  }
}

function outgoing(id: string, peerId: string, text: string): ChatMessage {
  return {
    id,
    peerId,
    direction: 'out',
    text,
    at: 1,
    broadcast: false,
    delivery: { state: 'queued' },
  };
}

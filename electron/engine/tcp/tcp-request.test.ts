import { describe, expect, it } from 'vitest';
import { latin1Text, Mode, modeOf } from '../../../shared/protocol';
import { scanRequest } from './tcp-request';

const CAP = 1024;
const scan = (text: string, atEnd?: boolean) =>
  scanRequest(Buffer.from(text, 'latin1'), CAP, ...(atEnd === undefined ? [] : [atEnd]));

describe('scanRequest', () => {
  it("ends IPMsg's GETFILEDATA at the colon after the offset", () => {
    const r = scan('1:100:taro:TARO-PC:96:64:1:0:');
    expect(r).toMatchObject({ state: 'complete', request: { packetNo: 100 } });
    if (r.state !== 'complete') return;
    expect(modeOf(r.request.command)).toBe(Mode.GETFILEDATA);
    expect(latin1Text(r.request.extra)).toBe('64:1:0:');
    expect(r.rest.length).toBe(0);
  });

  it("ends IPMsg's GETDIRFILES at the colon after the fileID", () => {
    expect(scan('1:100:taro:TARO-PC:98:64:2:')).toMatchObject({ state: 'complete' });
    expect(scan('1:100:taro:TARO-PC:98:64:')).toEqual({ state: 'partial' });
  });

  it("ends iptux's requests at the NUL, and hands on what follows it", () => {
    const r = scan('1_iptux 0.8.3:7:u:h:2097248:6b05c1f5:1:0\0');
    expect(r).toMatchObject({ state: 'complete', request: { command: 0x200060 } });
    const picture = scan('1_iptux 0.8.3:8:u:h:765:\0\x89PNG...');
    expect(picture).toMatchObject({ state: 'complete' });
    if (picture.state !== 'complete') return;
    expect(modeOf(picture.request.command)).toBe(Mode.IPTUX_SENDSUBLAYER);
    expect(picture.rest.toString('latin1')).toBe('\x89PNG...');
  });

  it('waits for the rest of a request split anywhere', () => {
    const whole = '1:100:taro:TARO-PC:96:64:1:0:';
    for (let cut = 0; cut < whole.length; cut++) {
      expect(scan(whole.slice(0, cut))).toEqual({ state: 'partial' });
    }
    // An offset-less GETFILEDATA and any other command wait for their NUL.
    expect(scan('1:100:taro:TARO-PC:96:64:1:')).toEqual({ state: 'partial' });
    expect(scan('1:100:taro:TARO-PC:32:hello:world:x:y:z')).toEqual({ state: 'partial' });
  });

  it('refuses garbage as soon as the fixed header shows it, not at the deadline', () => {
    expect(scan('GET / HTTP/1.1\r\nHost: a:1\r\nX: :b:c')).toMatchObject({
      state: 'refused',
      code: 'malformed',
    });
    expect(scan('1:abc:u:h:96:')).toMatchObject({ state: 'refused', code: 'malformed' });
    expect(scan('1:1:u:h:cmd:')).toMatchObject({ state: 'refused', code: 'malformed' });
    expect(scan('1:1:u\0')).toMatchObject({ state: 'refused', code: 'malformed' });
  });

  it('refuses a request that has not ended within the cap, counting its terminator', () => {
    const head = '1:100:taro:TARO-PC:32:';
    const fits = head + 'x'.repeat(CAP - head.length - 1) + '\0';
    expect(fits.length).toBe(CAP);
    expect(scan(fits)).toMatchObject({ state: 'complete' });
    expect(scan(head + 'x'.repeat(CAP - head.length) + '\0')).toMatchObject({
      state: 'refused',
      code: 'too-long',
    });
    expect(scan('x'.repeat(CAP))).toEqual({ state: 'partial' });
    expect(scan('x'.repeat(CAP + 1))).toMatchObject({ state: 'refused', code: 'too-long' });
  });

  it('leaves field length checks to the codec', () => {
    expect(scan(`1:1:${'u'.repeat(300)}:h:96:1:1:0:`)).toMatchObject({
      state: 'refused',
      code: 'malformed',
    });
  });
});

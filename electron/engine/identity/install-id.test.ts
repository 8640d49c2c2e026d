import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shownText } from '../../../e2e/lab/personas/display-model';
import { readFeiqEntry } from '../../../e2e/lab/personas/feiq-dialect';
import { gbkIpmsgDialect } from '../../../e2e/lab/personas/gbk-ipmsg-dialect';
import { buildEntryExtra, isInstallId, parseEntryExtra } from '../../../shared/protocol';
import { INSTALL_ID_FILE, loadInstallId, newInstallId } from '../io/install-id';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'pigeon-install-id-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ID = '0123456789abcdef0123456789abcdef';
const entry = (installId?: string, nick = 'Pigeon', group = 'lab') =>
  buildEntryExtra({
    nick,
    group,
    user: 'ming',
    host: 'ming-pc',
    encoding: 'utf-8',
    capabilities: ['parts', 'echo', 'proof'],
    installId,
  });

describe('the install id in the data directory', () => {
  it('is made once, owner-only, and read back the same on every start', () => {
    const dir = join(scratch(), 'data');
    const first = loadInstallId(dir);
    expect(first.problem).toBeUndefined();
    expect(isInstallId(first.id)).toBe(true);
    expect(loadInstallId(dir).id).toBe(first.id);
    const file = join(dir, INSTALL_ID_FILE);
    expect(readFileSync(file, 'utf8')).toBe(`${first.id}\n`);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces a file that holds anything but an id', () => {
    const dir = scratch();
    writeFileSync(join(dir, INSTALL_ID_FILE), 'not an id\u202e\n');
    const id = loadInstallId(dir).id;
    expect(isInstallId(id)).toBe(true);
    expect(readFileSync(join(dir, INSTALL_ID_FILE), 'utf8')).toBe(`${id}\n`);
  });

  it('says so, and still has an id for this run, when the directory cannot be written', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    const loaded = loadInstallId(join(dir, 'blocker'));
    expect(isInstallId(loaded.id)).toBe(true);
    expect(loaded.problem?.file).toBe(join(dir, 'blocker', INSTALL_ID_FILE));
  });

  it('is different for each new install', () => {
    expect(newInstallId()).not.toBe(newInstallId());
  });
});

describe('the install id on the wire (PI line of the UTF-8 extension)', () => {
  it('is written after PC and read back by a Pigeon', () => {
    const text = new TextDecoder().decode(entry(ID));
    expect(text).toContain(`\nPC:parts,echo,proof\nPI:${ID}\0utf-8\0`);
    expect(parseEntryExtra(entry(ID), 'utf-8').ext.install).toBe(ID);
  });

  it('is left out when ours is not of the right shape', () => {
    expect(new TextDecoder().decode(entry('x\nUN:root'))).not.toContain('PI:');
  });

  it('is ignored when hostile: too long, wrong characters, control and bidi characters', () => {
    for (const bad of [
      `${ID}0`,
      ID.slice(1),
      ID.toUpperCase(),
      `${ID.slice(0, 31)}\u202e`,
      `${ID.slice(0, 31)}g`,
      'x'.repeat(5000),
      '',
    ]) {
      const extra = new TextEncoder().encode(`p\0g\0\nUN:u\nHN:h\nPI:${bad}\0utf-8\0`);
      expect(parseEntryExtra(extra, 'utf-8').ext.install, JSON.stringify(bad)).toBeUndefined();
    }
    // A later bad line does not leave an earlier good one standing.
    const twice = new TextEncoder().encode(`p\0g\0\nPI:${ID}\nPI:nope\0`);
    expect(parseEntryExtra(twice, 'utf-8').ext.install).toBeUndefined();
  });

  it('changes nothing FeiQ or a GBK IP Messenger shows of our names (ASCII in any code page)', () => {
    // FeiQ converts the whole entry from GBK (extension included) and keeps raw bytes when
    // that fails: an ASCII id cannot make it fail where it did not before.
    for (const [nick, group] of [
      ['Pigeon', 'lab'],
      ['ming', ''],
    ] as const) {
      const withId = entry(ID, nick, group);
      expect(readFeiqEntry(withId)).toEqual(readFeiqEntry(entry(undefined, nick, group)));
      expect(readFeiqEntry(withId)).toEqual({ nick: shownText(nick), group: shownText(group) });
      const ipmsg = gbkIpmsgDialect();
      expect(ipmsg.readEntry(withId)).toEqual(ipmsg.readEntry(entry(undefined, nick, group)));
    }
    // iptux reads nick and group from the first two sections, an icon from the third only
    // when it names a built-in icon, the encoding from the fourth: the id sits in the third.
    const sections = new TextDecoder().decode(entry(ID)).split('\0');
    expect(sections[0]).toBe('Pigeon');
    expect(sections[1]).toBe('lab');
    expect(sections[2]?.startsWith('\nUN:')).toBe(true);
    expect(sections[3]).toBe('utf-8');
  });
});

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// js-yaml and app-builder-lib come with electron-builder and ship no types of their own here,
// so the two functions used are typed at the point of use.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

const buildDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(buildDir);

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { buildResources: string; output: string };
  files: string[];
  asar: boolean;
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; category: string; maintainer: string };
  win: { target: string };
  nsis: { oneClick: boolean; perMachine: boolean; include: string };
  mac: { target: string; category: string; extendInfo: Record<string, string> };
}

const config = yaml.load(
  fs.readFileSync(path.join(buildDir, 'electron-builder.yml'), 'utf8'),
) as BuilderConfig;

function pngSize(file: string): { width: number; height: number } {
  const png = fs.readFileSync(file);
  expect(png.subarray(0, 8).toString('hex'), `${file} is a PNG`).toBe('89504e470d0a1a0a');
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app and ships only the bundles', () => {
    expect(config.appId).toBe('io.pigeon.messenger');
    expect(config.productName).toBe('Pigeon');
    expect(config.directories).toEqual({ buildResources: 'build', output: 'dist' });
    expect(config.files).toEqual(['out/**', '!out/renderer-demo/**', 'package.json']);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it('packages main at the path package.json points to', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      main: string;
    };
    expect(pkg.main).toBe('out/main/main.cjs');
  });

  it('builds AppImage and deb, an NSIS installer with firewall rules, and a dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Network');
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.win.target).toBe('nsis');
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: true,
      include: 'build/installer.nsh',
    });
    expect(config.mac.target).toBe('dmg');
    expect(config.mac.category).toBe('public.app-category.social-networking');
    expect(config.mac.extendInfo.NSLocalNetworkUsageDescription).toMatch(/local network/);
  });

  it('flips the fuses the security notes recommend', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });
});

describe('installer.nsh', () => {
  const nsh = fs.readFileSync(path.join(buildDir, 'installer.nsh'), 'utf8');
  const macro = (name: string) =>
    new RegExp(`!macro ${name}\\n([\\s\\S]*?)!macroend`).exec(nsh)?.[1] ?? '';

  it('opens UDP and TCP 2425 inbound on private and domain networks when installing', () => {
    const install = macro('customInstall');
    for (const proto of ['UDP', 'TCP']) {
      expect(install).toMatch(
        new RegExp(
          `add rule [^']*dir=in action=allow protocol=${proto} localport=2425 profile=private,domain`,
        ),
      );
    }
    expect(install).not.toMatch(/profile=[^ ]*public/);
  });

  it('removes both rules when uninstalling', () => {
    const uninstall = macro('customUnInstall');
    expect(uninstall.match(/delete rule/g)).toHaveLength(2);
    expect(uninstall).toContain('UDP 2425');
    expect(uninstall).toContain('TCP 2425');
  });
});

describe('icons', () => {
  it('has a 1024 px master and every Linux size', () => {
    expect(pngSize(path.join(buildDir, 'icon.png'))).toEqual({ width: 1024, height: 1024 });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(buildDir, 'icons', `${size}x${size}.png`))).toEqual({
        width: size,
        height: size,
      });
    }
  });

  it('has a Windows .ico with a 256 px image', () => {
    const ico = fs.readFileSync(path.join(buildDir, 'icon.ico'));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(widths).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    for (let i = 0; i < count; i++) {
      const size = ico.readUInt32LE(6 + 16 * i + 8);
      const offset = ico.readUInt32LE(6 + 16 * i + 12);
      expect(offset + size).toBeLessThanOrEqual(ico.length);
      expect(ico.subarray(offset, offset + 8).toString('hex')).toBe('89504e470d0a1a0a');
    }
  });

  it('has a macOS .icns up to 1024 px', () => {
    const icns = fs.readFileSync(path.join(buildDir, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      types.push(icns.toString('latin1', at, at + 4));
      expect(icns.subarray(at + 8, at + 16).toString('hex')).toBe('89504e470d0a1a0a');
    }
    expect(types).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10']));
  });

  it('has tray images in both colour and macOS template form', () => {
    for (const [name, size] of [
      ['tray.png', 16],
      ['tray@2x.png', 32],
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      expect(pngSize(path.join(buildDir, 'tray', name))).toEqual({ width: size, height: size });
    }
  });

  it('keeps the SVG source beside them', () => {
    expect(fs.readFileSync(path.join(buildDir, 'icon.svg'), 'utf8')).toMatch(
      /^<svg [^>]*viewBox="0 0 1024 1024"/,
    );
  });
});

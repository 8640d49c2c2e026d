#!/usr/bin/env node
// Regenerates every raster icon from build/icon.svg and build/tray/tray-template.svg.
// The outputs are committed, so packaging never needs these tools; run this after editing an SVG:
//   node build/scripts/icons.mjs
// Rasterising needs rsvg-convert (apt librsvg2-bin) or ImageMagick's convert. The .ico and .icns
// containers are written here by hand: both are a small index of PNG images, and writing them
// ourselves keeps the result byte-for-byte reproducible across tool versions.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const buildDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const iconSvg = path.join(buildDir, 'icon.svg');
const traySvg = path.join(buildDir, 'tray', 'tray-template.svg');

/** Linux icon theme sizes electron-builder copies from build/icons/. */
export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
/** Windows shell sizes; 256 is what Explorer shows on large views. */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types that hold PNG data, by pixel size (the @2x types share a size). */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

function hasTool(name) {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function rasterizer() {
  if (hasTool('rsvg-convert')) {
    return (svg, size) =>
      execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), svg], {
        maxBuffer: 64 << 20,
      });
  }
  if (hasTool('convert')) {
    // -strip keeps ImageMagick's date chunks out, so reruns produce identical files.
    return (svg, size) =>
      execFileSync(
        'convert',
        [
          '-background',
          'none',
          '-density',
          '384',
          svg,
          '-resize',
          `${size}x${size}`,
          '-strip',
          'png:-',
        ],
        { maxBuffer: 64 << 20 },
      );
  }
  throw new Error(
    'no SVG rasteriser: install librsvg2-bin (rsvg-convert) or imagemagick (convert), e.g. apt-get install -y librsvg2-bin',
  );
}

/** Reads width and height from a PNG's IHDR chunk. */
export function pngSize(png) {
  const signature = '89504e470d0a1a0a';
  if (
    png.subarray(0, 8).toString('hex') !== signature ||
    png.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new Error('not a PNG');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** ICO: ICONDIR, one ICONDIRENTRY per image, then the PNG images (Vista+ accepts PNG entries). */
export function writeIco(pngs) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(pngs.length, 4);
  const entries = [];
  let offset = 6 + 16 * pngs.length;
  for (const png of pngs) {
    const { width, height } = pngSize(png);
    const e = Buffer.alloc(16);
    e.writeUInt8(width >= 256 ? 0 : width, 0); // 0 means 256
    e.writeUInt8(height >= 256 ? 0 : height, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...pngs]);
}

/** ICNS: 'icns' + total length, then elements of type + length (header included) + PNG data. */
export function writeIcns(elements) {
  const parts = elements.map(([type, png]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

function main() {
  const render = rasterizer();
  const cache = new Map();
  const png = (size) => {
    if (!cache.has(size)) {
      const out = render(iconSvg, size);
      const got = pngSize(out);
      if (got.width !== size || got.height !== size) {
        throw new Error(`rasteriser produced ${got.width}x${got.height} for ${size}`);
      }
      cache.set(size, out);
    }
    return cache.get(size);
  };
  const write = (rel, data) => {
    const file = path.join(buildDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    console.log(`wrote build/${rel} (${data.length} bytes)`);
  };

  write('icon.png', png(1024));
  for (const size of LINUX_SIZES) write(`icons/${size}x${size}.png`, png(size));
  write('icon.ico', writeIco(ICO_SIZES.map(png)));
  write('icon.icns', writeIcns(ICNS_TYPES.map(([type, size]) => [type, png(size)])));

  // Tray: the colour mark for Windows and Linux, a black "Template" for the macOS menu bar;
  // @2x variants are picked up by Electron on high-DPI screens.
  write('tray/tray.png', png(16));
  write('tray/tray@2x.png', png(32));
  write('tray/trayTemplate.png', render(traySvg, 16));
  write('tray/trayTemplate@2x.png', render(traySvg, 32));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    console.error(`icons: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

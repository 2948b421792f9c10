import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng } from './png';
import { renderIcon } from './icon-art';

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('round-trips pixels', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng(3, 2, rgba);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(decodePng(png)).toEqual({ width: 3, height: 2, rgba });
  });

  it('refuses a buffer of the wrong size, and a corrupted file', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/expected 16 bytes/);
    const png = encodePng(1, 1, new Uint8Array([1, 2, 3, 4]));
    png[20] = png[20]! ^ 0xff;
    expect(() => decodePng(png)).toThrow(/bad CRC/);
  });
});

describe('icon art', () => {
  it('is a tile with transparent corners and an opaque middle', () => {
    const size = 64;
    const rgba = renderIcon(size, 2);
    const alpha = (x: number, y: number) => rgba[(y * size + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(size - 1, size - 1)).toBe(0);
    expect(alpha(size / 2, size / 2)).toBe(255);
  });
});

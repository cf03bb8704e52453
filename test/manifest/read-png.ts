import { PNG } from 'pngjs';

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA, 4 bytes per pixel. */
  pixels: Buffer;
}

/** Decodes a PNG with pngjs, which checks the signature and every chunk's CRC. */
export function readPng(png: Buffer): DecodedPng {
  const image = PNG.sync.read(png, { checkCRC: true });
  return {
    width: image.width,
    height: image.height,
    bitDepth: image.depth,
    colorType: image.colorType,
    pixels: image.data,
  };
}

/** Alpha of pixel (x, y). */
export function alphaAt(png: DecodedPng, x: number, y: number): number {
  return png.pixels[(y * png.width + x) * 4 + 3] ?? -1;
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from './package-root';
import { encodePng, type RgbaImage } from './png';

/**
 * Draws the Teams app icons from a few shapes, so they are reproducible without an image editor
 * or an image package: a chat bubble holding a three-stage pipeline.
 * Run `npx ts-node src/manifest/make-icons.ts` to rewrite manifest/color.png and outline.png.
 */

type Point = [number, number];
/** Signed distance (negative inside) in unit coordinates (0..1 across the icon). */
type Shape = (p: Point) => number;

const roundedRect =
  (center: Point, half: Point, radius: number): Shape =>
  ([x, y]) => {
    const qx = Math.abs(x - center[0]) - half[0] + radius;
    const qy = Math.abs(y - center[1]) - half[1] + radius;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - radius;
  };

const circle =
  (center: Point, radius: number): Shape =>
  ([x, y]) =>
    Math.hypot(x - center[0], y - center[1]) - radius;

const segment =
  (a: Point, b: Point, width: number): Shape =>
  ([x, y]) => {
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - a[0] - t * dx, y - a[1] - t * dy) - width / 2;
  };

const stroke =
  (shape: Shape, width: number): Shape =>
  (p) =>
    Math.abs(shape(p)) - width / 2;

const union =
  (...shapes: Shape[]): Shape =>
  (p) =>
    Math.min(...shapes.map((s) => s(p)));

/** The glyph: a speech bubble with a tail, three stage nodes joined by a line. */
function glyph(lineWidth: number): Shape {
  const nodeY = 0.45;
  return union(
    stroke(roundedRect([0.5, nodeY], [0.34, 0.24], 0.1), lineWidth),
    segment([0.31, 0.68], [0.25, 0.83], lineWidth),
    segment([0.25, 0.83], [0.44, 0.69], lineWidth),
    segment([0.31, nodeY], [0.69, nodeY], lineWidth * 0.6),
    circle([0.31, nodeY], lineWidth * 1.1),
    circle([0.5, nodeY], lineWidth * 1.1),
    circle([0.69, nodeY], lineWidth * 1.1),
  );
}

/** Fraction of a pixel covered by `shape`, from a 4×4 grid of samples. */
function coverage(shape: Shape, px: number, py: number, size: number): number {
  // Distances are exact (1-Lipschitz), so a pixel whose centre is more than half a diagonal
  // from the edge is wholly inside or outside: only edge pixels need the 16 samples.
  const centre = shape([(px + 0.5) / size, (py + 0.5) / size]) * size;
  if (centre > 0.75) return 0;
  if (centre < -0.75) return 1;
  const n = 4;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (shape([(px + (i + 0.5) / n) / size, (py + (j + 0.5) / n) / size]) <= 0) inside++;
    }
  }
  return inside / (n * n);
}

/** Fluent "communication blue", also the manifest's accentColor. */
export const ICON_ACCENT = '#0F6CBD';
const ACCENT_RGB: [number, number, number] = [0x0f, 0x6c, 0xbd];

/**
 * The 192×192 colour icon: white glyph on a rounded accent square (corners transparent).
 * @example encodePng(drawColorIcon())
 */
export function drawColorIcon(size = 192): RgbaImage {
  const background = roundedRect([0.5, 0.5], [0.5, 0.5], 0.18);
  const mark = glyph(0.055);
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const bg = coverage(background, x, y, size);
      const fg = coverage(mark, x, y, size);
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) {
        pixels[o + c] = Math.round((ACCENT_RGB[c] ?? 0) * (1 - fg) + 255 * fg);
      }
      pixels[o + 3] = Math.round(255 * bg);
    }
  }
  return { width: size, height: size, pixels };
}

/**
 * The 32×32 outline icon: the glyph in white on transparent, as Teams requires.
 * @example encodePng(drawOutlineIcon())
 */
export function drawOutlineIcon(size = 32): RgbaImage {
  // Thicker lines than the colour icon: at 32 px a thin stroke vanishes.
  const mark = glyph(0.07);
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      pixels[o] = 255;
      pixels[o + 1] = 255;
      pixels[o + 2] = 255;
      pixels[o + 3] = Math.round(255 * coverage(mark, x, y, size));
    }
  }
  return { width: size, height: size, pixels };
}

/**
 * Writes color.png and outline.png into `dir`.
 * @example writeIcons(join(findPackageRoot(), 'manifest'))
 */
export function writeIcons(dir: string): { color: string; outline: string } {
  const color = join(dir, 'color.png');
  const outline = join(dir, 'outline.png');
  writeFileSync(color, encodePng(drawColorIcon()));
  writeFileSync(outline, encodePng(drawOutlineIcon()));
  return { color, outline };
}

if (require.main === module) {
  const written = writeIcons(join(findPackageRoot(), 'manifest'));
  console.log(`wrote ${written.color} and ${written.outline}`);
}

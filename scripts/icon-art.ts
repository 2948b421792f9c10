/**
 * LogScope's icon, drawn from shapes: a rounded blue tile with log lines, one of them
 * red (the unusual one), under a magnifying glass. Every size is rendered from the shapes
 * (with 4x4 supersampling), not scaled from the large one, so small sizes stay crisp.
 */

type Rgba = [number, number, number, number];

interface Vec {
  x: number;
  y: number;
}

/** Signed distance to a rounded rectangle centred at c with half-size h and radius r. */
function roundedRect(p: Vec, c: Vec, h: Vec, r: number): number {
  const qx = Math.abs(p.x - c.x) - h.x + r;
  const qy = Math.abs(p.y - c.y) - h.y + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Signed distance to a segment a–b thickened to radius r (a capsule). */
function capsule(p: Vec, a: Vec, b: Vec, r: number): number {
  const bax = b.x - a.x;
  const bay = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * bax + (p.y - a.y) * bay) / (bax * bax + bay * bay)));
  return Math.hypot(p.x - a.x - bax * t, p.y - a.y - bay * t) - r;
}

const mix = (a: number, b: number, t: number) => a + (b - a) * t;

const TILE_TOP: Rgba = [44, 120, 240, 255];
const TILE_BOTTOM: Rgba = [14, 52, 140, 255];
const LINE: Rgba = [226, 236, 250, 255];
const ALERT: Rgba = [255, 110, 96, 255];
const LENS: Rgba = [255, 255, 255, 60];
const GLASS: Rgba = [255, 255, 255, 255];

/** Log lines in unit coordinates: y, x end, colour. */
const LINES: [number, number, Rgba][] = [
  [0.27, 0.74, LINE],
  [0.39, 0.56, LINE],
  [0.51, 0.66, ALERT],
  [0.63, 0.48, LINE],
  [0.75, 0.6, LINE],
];

const LENS_CENTER = { x: 0.58, y: 0.55 };
const LENS_RADIUS = 0.19;

/** The colour at a point of the unit square (0..1 both ways), before anti-aliasing. */
function sample(p: Vec): Rgba {
  let colour: Rgba = [0, 0, 0, 0];
  const over = (top: Rgba) => {
    const a = top[3] / 255;
    colour = [
      mix(colour[0], top[0], a),
      mix(colour[1], top[1], a),
      mix(colour[2], top[2], a),
      Math.max(colour[3], top[3]),
    ];
  };
  if (roundedRect(p, { x: 0.5, y: 0.5 }, { x: 0.45, y: 0.45 }, 0.2) > 0) return colour;
  const t = (p.y - 0.05) / 0.9;
  over([
    mix(TILE_TOP[0], TILE_BOTTOM[0], t),
    mix(TILE_TOP[1], TILE_BOTTOM[1], t),
    mix(TILE_TOP[2], TILE_BOTTOM[2], t),
    255,
  ]);
  for (const [y, end, lineColour] of LINES) {
    if (capsule(p, { x: 0.2, y }, { x: end, y }, 0.032) <= 0) over(lineColour);
  }
  const fromLens = Math.hypot(p.x - LENS_CENTER.x, p.y - LENS_CENTER.y);
  if (fromLens < LENS_RADIUS) over(LENS);
  const handleStart = { x: LENS_CENTER.x + LENS_RADIUS * 0.72, y: LENS_CENTER.y + LENS_RADIUS * 0.72 };
  if (Math.abs(fromLens - LENS_RADIUS) <= 0.03 || capsule(p, handleStart, { x: 0.85, y: 0.84 }, 0.045) <= 0)
    over(GLASS);
  return colour;
}

/** The icon at `size` x `size`, as RGBA bytes (not premultiplied). */
export function renderIcon(size: number, samples = 4): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = sample({
            x: (px + (sx + 0.5) / samples) / size,
            y: (py + (sy + 0.5) / samples) / size,
          });
          // Average premultiplied, so transparent samples do not darken the edges.
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      rgba[i] = a ? Math.round(r / a) : 0;
      rgba[i + 1] = a ? Math.round(g / a) : 0;
      rgba[i + 2] = a ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round(a / (samples * samples));
    }
  }
  return rgba;
}

/** The sizes of the Linux icon set; the largest is also resources/icon.png. */
// Linux's hicolor sizes, Windows' 24 (taskbar at 150 %), and 1024 for macOS's retina icon.
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

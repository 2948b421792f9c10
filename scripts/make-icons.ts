/**
 * Writes the app icons: resources/icon.png (1024x1024, for macOS and Windows, which
 * electron-builder converts) and resources/icons/<N>x<N>.png (the Linux icon set).
 * Run with `npx tsx scripts/make-icons.ts` after changing scripts/icon-art.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ICON_SIZES, renderIcon } from './icon-art';
import { encodePng } from './png';

const resources = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'resources');
mkdirSync(path.join(resources, 'icons'), { recursive: true });
for (const size of ICON_SIZES) {
  const png = encodePng(size, size, renderIcon(size));
  writeFileSync(path.join(resources, 'icons', `${size}x${size}.png`), png);
  if (size === 1024) writeFileSync(path.join(resources, 'icon.png'), png);
  console.log(`resources/icons/${size}x${size}.png  ${png.length} bytes`);
}

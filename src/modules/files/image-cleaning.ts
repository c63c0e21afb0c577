import type { FormatEnum, Sharp } from 'sharp';

/** sharp (libvips) takes a fifth of a second to load: it is loaded with the first image, not at start. */
let loadingSharp: Promise<typeof import('sharp')> | undefined;
const loadSharp = async () => (await (loadingSharp ??= import('sharp'))).default;

/** Larger images are refused: decoding one takes about 4 bytes of memory per pixel (48 MP phone photos pass). */
export const MAX_IMAGE_PIXELS = 100_000_000;
export const PREVIEW_MAX_SIDE = 320;

/** The format each stored image type is written in again. */
const FORMATS: Record<string, { format: keyof FormatEnum; options: Record<string, unknown>; animated: boolean }> = {
  'image/jpeg': { format: 'jpeg', options: { quality: 90 }, animated: false },
  'image/png': { format: 'png', options: {}, animated: false },
  'image/gif': { format: 'gif', options: {}, animated: true },
  'image/webp': { format: 'webp', options: { quality: 90 }, animated: true },
};

export interface CleanImage {
  /** The image as served: turned as its orientation says, without metadata (EXIF, GPS, XMP, IPTC, comments). */
  file: Buffer;
  /** At most PREVIEW_MAX_SIDE pixels on its longer side, WebP, first frame. */
  preview: Buffer;
  width: number;
  height: number;
}

/** The image could not be decoded as the type its bytes claim, or is too large to decode. */
export class UnreadableImageError extends Error {}

/**
 * Writes an image again with sharp (libvips), which keeps no metadata unless asked to: what is
 * served carries no EXIF (so no GPS position, camera serial or date), XMP, IPTC or comments, and
 * its pixels are turned as the EXIF orientation said. Colours are converted to sRGB.
 */
export async function cleanImage(bytes: Buffer, mimeType: string): Promise<CleanImage> {
  const target = FORMATS[mimeType];
  if (!target) throw new Error(`not an image type sharp writes here: ${mimeType}`);
  const sharp = await loadSharp();
  const open = (animated: boolean): Sharp => sharp(bytes, { animated, failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
  try {
    const file = await open(target.animated).rotate().toFormat(target.format, target.options).toBuffer();
    const preview = await open(false)
      .rotate()
      .resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    const written = await sharp(file, { animated: target.animated }).metadata();
    return { file, preview, width: written.width, height: written.pageHeight ?? written.height };
  } catch (error) {
    throw new UnreadableImageError(error instanceof Error ? error.message : String(error));
  }
}

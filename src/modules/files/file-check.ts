import { isUtf8 } from 'node:buffer';
import { cleanImage, MAX_IMAGE_PIXELS, UnreadableImageError } from './image-cleaning';
import { describeFamilies, type Family, familyOf, storedType } from './file-types';

export type FileCheck =
  | { accepted: true; mimeType: string; file: Buffer; preview: Buffer | null; width: number | null; height: number | null }
  | { accepted: false; reason: string };

/** Loaded with the first file checked, not at start. */
let loadingFileType: Promise<typeof import('file-type')> | undefined;

const refused = (reason: string): FileCheck => ({ accepted: false, reason });

/** Text has no signature: UTF-8 without NUL bytes (which no text file holds) is text. */
function isText(bytes: Buffer): boolean {
  return isUtf8(bytes) && !bytes.includes(0);
}

/**
 * Decides what a stored file is from its own bytes (`file-type` reads their signatures), whether
 * `families` allows it and whether it agrees with the announced type's family, and gives what is
 * to be served: images written again without metadata, with a preview; anything else as it came.
 */
export async function checkFile(bytes: Buffer, announced: string, families: readonly Family[]): Promise<FileCheck> {
  const { fileTypeFromBuffer } = await (loadingFileType ??= import('file-type'));
  const detected = await fileTypeFromBuffer(bytes);
  let mimeType: string | undefined;
  if (detected) {
    mimeType = storedType(detected.mime, announced);
    if (!mimeType) return refused(`The file is ${detected.mime.split(';')[0]}, which is not accepted; allowed: ${describeFamilies(families)}.`);
  } else if (familyOf(announced) === 'text' && isText(bytes)) {
    mimeType = announced;
  } else {
    return refused(
      familyOf(announced) === 'text'
        ? 'The file is not UTF-8 text.'
        : `The file's type could not be recognised from its bytes; allowed: ${describeFamilies(families)}.`,
    );
  }
  if (!families.includes(familyOf(mimeType))) return refused(`The file is ${mimeType}, which is not accepted here; allowed: ${describeFamilies(families)}.`);
  if (familyOf(mimeType) !== familyOf(announced)) return refused(`The file was announced as ${announced}, but its bytes are ${mimeType}.`);
  if (familyOf(mimeType) !== 'image') return { accepted: true, mimeType, file: bytes, preview: null, width: null, height: null };
  try {
    return { accepted: true, mimeType, ...(await cleanImage(bytes, mimeType)) };
  } catch (error) {
    if (!(error instanceof UnreadableImageError)) throw error;
    const tooLarge = /pixel limit/i.test(error.message);
    return refused(tooLarge ? `The image has more than ${MAX_IMAGE_PIXELS / 1e6} million pixels.` : `The image could not be read as ${mimeType} (damaged or incomplete).`);
  }
}

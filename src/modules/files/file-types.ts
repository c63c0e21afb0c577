/** What a file is, broadly: an announced type and the type found in the bytes must be of one family. */
export type Family = 'image' | 'audio' | 'video' | 'pdf' | 'text' | 'document' | 'archive';

interface FileType {
  family: Family;
  /** The extension of the stored file's key (one per type). */
  extension: string;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const ODF = 'application/vnd.oasis.opendocument';

/** Every type Parley stores, by its canonical name (as `file-type` reports it, where it does). */
const TYPES: Record<string, FileType> = {
  'image/jpeg': { family: 'image', extension: 'jpg' },
  'image/png': { family: 'image', extension: 'png' },
  'image/gif': { family: 'image', extension: 'gif' },
  'image/webp': { family: 'image', extension: 'webp' },
  'audio/mpeg': { family: 'audio', extension: 'mp3' },
  'audio/ogg': { family: 'audio', extension: 'ogg' },
  'audio/wav': { family: 'audio', extension: 'wav' },
  'audio/flac': { family: 'audio', extension: 'flac' },
  'audio/aac': { family: 'audio', extension: 'aac' },
  'audio/mp4': { family: 'audio', extension: 'm4a' },
  'audio/webm': { family: 'audio', extension: 'weba' },
  'video/mp4': { family: 'video', extension: 'mp4' },
  'video/webm': { family: 'video', extension: 'webm' },
  'video/quicktime': { family: 'video', extension: 'mov' },
  'video/ogg': { family: 'video', extension: 'ogv' },
  'video/matroska': { family: 'video', extension: 'mkv' },
  'video/3gpp': { family: 'video', extension: '3gp' },
  'application/pdf': { family: 'pdf', extension: 'pdf' },
  'text/plain': { family: 'text', extension: 'txt' },
  'text/csv': { family: 'text', extension: 'csv' },
  'text/markdown': { family: 'text', extension: 'md' },
  [`${OOXML}.wordprocessingml.document`]: { family: 'document', extension: 'docx' },
  [`${OOXML}.spreadsheetml.sheet`]: { family: 'document', extension: 'xlsx' },
  [`${OOXML}.presentationml.presentation`]: { family: 'document', extension: 'pptx' },
  [`${ODF}.text`]: { family: 'document', extension: 'odt' },
  [`${ODF}.spreadsheet`]: { family: 'document', extension: 'ods' },
  [`${ODF}.presentation`]: { family: 'document', extension: 'odp' },
  'application/msword': { family: 'document', extension: 'doc' },
  'application/vnd.ms-excel': { family: 'document', extension: 'xls' },
  'application/vnd.ms-powerpoint': { family: 'document', extension: 'ppt' },
  'application/rtf': { family: 'document', extension: 'rtf' },
  'application/zip': { family: 'archive', extension: 'zip' },
  'application/x-7z-compressed': { family: 'archive', extension: '7z' },
  'application/gzip': { family: 'archive', extension: 'gz' },
  'application/x-tar': { family: 'archive', extension: 'tar' },
  'application/vnd.rar': { family: 'archive', extension: 'rar' },
  'application/x-bzip2': { family: 'archive', extension: 'bz2' },
  'application/x-xz': { family: 'archive', extension: 'xz' },
  'application/zstd': { family: 'archive', extension: 'zst' },
};

/** Other names for those types: what browsers and `file-type` report besides the canonical one. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/apng': 'image/png',
  'audio/mp3': 'audio/mpeg',
  'audio/opus': 'audio/ogg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-flac': 'audio/flac',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'video/x-m4v': 'video/mp4',
  'video/x-matroska': 'video/matroska',
  'text/x-markdown': 'text/markdown',
  'text/rtf': 'application/rtf',
  'application/x-zip-compressed': 'application/zip',
  'application/x-gzip': 'application/gzip',
  'application/x-rar-compressed': 'application/vnd.rar',
  'application/x-rar': 'application/vnd.rar',
};

/**
 * Containers whose bytes say what they are but not which of a few types the file is: a WebM or
 * MP4 holds audio or video; an OLE compound file is any of the old Office formats. When the
 * announced type is one of these, it is the file's type.
 */
const CONTAINED: Record<string, string[]> = {
  'video/webm': ['audio/webm'],
  'video/mp4': ['audio/mp4'],
  'application/x-cfb': ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'],
};

export const AVATAR_FAMILIES: readonly Family[] = ['image'];
export const ATTACHMENT_FAMILIES: readonly Family[] = ['image', 'audio', 'video', 'pdf', 'text', 'document', 'archive'];

/** The canonical name of a type ("Image/JPG; q=1" → "image/jpeg"), or undefined when Parley stores no such type. */
export function canonicalType(mimeType: string): string | undefined {
  const bare = mimeType.split(';')[0]!.trim().toLowerCase();
  const name = ALIASES[bare] ?? bare;
  return name in TYPES ? name : undefined;
}

export function familyOf(mimeType: string): Family {
  return TYPES[mimeType]!.family;
}

export function extensionOf(mimeType: string): string {
  return TYPES[mimeType]!.extension;
}

const BY_EXTENSION = new Map(Object.entries(TYPES).map(([mimeType, { extension }]) => [extension, mimeType]));

/** The type of a stored file, from its key's extension (`stored/ab/<id>.png` → image/png). */
export function typeOfKey(key: string): string {
  const type = BY_EXTENSION.get(key.slice(key.lastIndexOf('.') + 1));
  if (!type) throw new Error(`no stored type has the extension of ${key}`);
  return type;
}

/** The type of a file whose bytes say `detected` (a `file-type` result) and that was announced as `announced` (canonical). */
export function storedType(detected: string, announced: string): string | undefined {
  const bare = detected.split(';')[0]!.trim().toLowerCase();
  if (CONTAINED[bare]?.includes(announced)) return announced;
  return canonicalType(bare);
}

/** Types a browser may show in place; everything else is served as a download (Content-Disposition: attachment). */
export function isShownInline(mimeType: string): boolean {
  const family = TYPES[mimeType]?.family;
  return family === 'image' || family === 'audio' || family === 'video' || family === 'pdf';
}

/** The Content-Type a file is served with: text says its encoding (Parley stores UTF-8 text only). */
export function servedContentType(mimeType: string): string {
  return TYPES[mimeType]?.family === 'text' ? `${mimeType}; charset=utf-8` : mimeType;
}

/** The stored types of the families, for error messages. */
export function describeFamilies(families: readonly Family[]): string {
  const names: Record<Family, string> = {
    image: 'images (JPEG, PNG, GIF, WebP)',
    audio: 'audio',
    video: 'video',
    pdf: 'PDF',
    text: 'plain text',
    document: 'office documents',
    archive: 'archives',
  };
  return families.map((family) => names[family]).join(', ');
}

import { BadInputError } from '../../errors/errors';
import { nameProblem } from '../../server/names';

export const FILE_NAME_MAX = 255;

/**
 * A file name as stored: what follows the last `/` or `\` (a browser may send a whole path), in
 * NFC, trimmed, 1-255 characters. It is shown to others and sent back in Content-Disposition, so it
 * follows the rules of names (no direction controls, which would make "gpj.exe" read "exe.jpg";
 * nothing invisible, no control characters).
 */
export function cleanFileName(given: string, field = 'name'): string {
  const name = (given.split(/[/\\]/).at(-1) ?? '').normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0 || name === '.' || name === '..' || length > FILE_NAME_MAX) {
    throw new BadInputError(field, `${field} must be 1-${FILE_NAME_MAX} characters once any path is dropped.`);
  }
  const problem = nameProblem(name, field);
  if (problem) throw new BadInputError(field, problem);
  return name;
}

import { isURL, ValidateBy, type ValidationOptions } from 'class-validator';

export const URL_MAX_LENGTH = 2048;

/** An http(s) URL (surrounding spaces allowed; the services store it trimmed). */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const url = value.trim();
  return url.length <= URL_MAX_LENGTH && isURL(url, { protocols: ['http', 'https'], require_protocol: true, require_tld: false });
}

export function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHttpUrl',
      validator: {
        validate: isHttpUrl,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an http(s) URL of at most ${URL_MAX_LENGTH} characters`,
      },
    },
    options,
  );
}

/** Text for a LIKE/ILIKE pattern that matches itself only: `%` and `_` are not wildcards. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

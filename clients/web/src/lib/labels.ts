// Maps the schema's enum values to message keys and to the REST API's spelling.

import type { MessageKey } from '../i18n';

/** `AGREED_WITH_MODIFICATIONS` → `agreedWithModifications`: GraphQL enum to REST / message spelling. */
export function enumToCamel(value: string): string {
  return value.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
}

/** The message key `${prefix}.${camel}` for an enum value. */
export function enumLabel(prefix: string, value: string): MessageKey {
  return `${prefix}.${enumToCamel(value)}` as MessageKey;
}

/** The languages Pigeon ships; every text in the catalogue has both. */
export type TextLanguage = 'en' | 'zh-CN';

/** One text in both languages, with {name} placeholders. */
export type Texts = Record<TextLanguage, string>;

/** Fills {name} placeholders; a missing value is left visible rather than silently dropped. */
export function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

import type { en } from './en';

type DeepStrings<T> = { [K in keyof T]: T[K] extends string ? string : DeepStrings<T[K]> };

/** Every language supplies every key the English resources have. */
export type Translations = DeepStrings<typeof en>;

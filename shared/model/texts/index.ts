import type { Outcome, OutcomeCode } from '../outcome';
import { DELIVERY_TEXTS, OUTBOX_TEXTS, UNCONFIRMED_TEXTS } from './delivery';
import { ENGINE_ERROR_TEXTS, START_ERROR_TEXTS } from './engine';
import { NOTICE_TEXTS, REDIRECT_TEXTS } from './notices';
import { fill, type TextLanguage, type Texts } from './fill';
import { PROBLEM_TEXTS } from './problems';
import { SETTINGS_FILE_TEXTS } from './settings';
import { TRANSFER_TEXTS } from './transfers';
import { VERDICT_TEXTS } from './verdicts';

export type { TextLanguage, Texts } from './fill';
export { SHELL_TEXTS, shellText, type ShellTextKey } from './shell';

/**
 * The one catalogue of outcome texts, zh-CN and en, for the UI and the CLI alike. The engine
 * sends codes and values (Outcome); only the edge that shows them to a person picks words here.
 */
const CATALOGUE: Record<OutcomeCode, Texts> = {
  ...VERDICT_TEXTS,
  ...DELIVERY_TEXTS,
  ...UNCONFIRMED_TEXTS,
  ...OUTBOX_TEXTS,
  ...REDIRECT_TEXTS,
  ...NOTICE_TEXTS,
  ...ENGINE_ERROR_TEXTS,
  ...START_ERROR_TEXTS,
  ...TRANSFER_TEXTS,
  ...SETTINGS_FILE_TEXTS,
  ...PROBLEM_TEXTS,
};

export const OUTCOME_CODES = Object.keys(CATALOGUE) as OutcomeCode[];

/**
 * The sentence for an outcome in one language. A `problem` param naming a code of the catalogue
 * stands for that code's text, in the same language with the same params (an invalid-settings
 * start error names what is wrong that way).
 */
export function outcomeText(outcome: Outcome, language: TextLanguage): string {
  const { problem } = outcome.params;
  const params =
    typeof problem === 'string' && Object.hasOwn(CATALOGUE, problem) && problem !== outcome.code
      ? {
          ...outcome.params,
          problem: fill(CATALOGUE[problem as OutcomeCode][language], outcome.params),
        }
      : outcome.params;
  return fill(CATALOGUE[outcome.code][language], params);
}

/** Both languages at once (the doctor's report carries both). */
export function outcomeTexts(outcome: Outcome): Texts {
  return { en: outcomeText(outcome, 'en'), 'zh-CN': outcomeText(outcome, 'zh-CN') };
}

/** The families, for the tests that check no code is defined twice. */
export const TEXT_FAMILIES = {
  verdicts: VERDICT_TEXTS,
  delivery: DELIVERY_TEXTS,
  unconfirmed: UNCONFIRMED_TEXTS,
  outbox: OUTBOX_TEXTS,
  redirect: REDIRECT_TEXTS,
  notices: NOTICE_TEXTS,
  engineErrors: ENGINE_ERROR_TEXTS,
  startErrors: START_ERROR_TEXTS,
  transfers: TRANSFER_TEXTS,
  settingsFile: SETTINGS_FILE_TEXTS,
  problems: PROBLEM_TEXTS,
} as const;

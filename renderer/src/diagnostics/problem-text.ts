import i18next from 'i18next';
import type { ContractErrorInfo } from '../../../shared/contract';
import type { Outcome } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';

/**
 * Why a request failed, in the UI's language: the engine sends what is wrong as outcomes
 * (`problem`, `problems`) beside its English text, which is the fallback (an OS error, say).
 */
export function problemText(problem: Outcome | undefined, english: string): string {
  if (!problem) return english;
  return outcomeText(problem, i18next.language === 'zh-CN' ? 'zh-CN' : 'en');
}

export function errorText(error: ContractErrorInfo): string {
  const problems = error.problems ?? [];
  if (problems.length === 0) return error.message;
  return problems.map((p) => problemText(p, error.message)).join('; ');
}

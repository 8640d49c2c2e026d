import type { TFunction } from 'i18next';
import type { ClientKind } from '../../../shared/model';

export function clientLabel(t: TFunction, kind: ClientKind): string {
  return t(`client.${kind}`);
}

import type { Handlers } from '../../../shared/contract';
import type { Files } from './files';

/** The contract's `files:*` requests. */
export function filesHandlers(files: Files) {
  return {
    'files:list': () => files.list(),
    'files:choose': ({ kind }) => files.choose(kind),
    'files:offer': ({ to, picks, text }) => files.offer(to, picks, text),
    'files:accept': ({ transferIds, into }) => {
      files.accept(transferIds, into);
      return null;
    },
    'files:decline': ({ transferIds }) => {
      files.decline(transferIds);
      return null;
    },
    'files:cancel': ({ transferId }) => {
      files.cancel(transferId);
      return null;
    },
    'files:retry': ({ transferId }) => {
      files.retry(transferId);
      return null;
    },
    'files:open': async ({ transferId, reveal }) => {
      await files.open(transferId, reveal === true);
      return null;
    },
  } satisfies Pick<
    Handlers,
    | 'files:list'
    | 'files:choose'
    | 'files:offer'
    | 'files:accept'
    | 'files:decline'
    | 'files:cancel'
    | 'files:retry'
    | 'files:open'
  >;
}

/** Why a datagram was rejected. Malformed input is a value, never an exception. */
export type DecodeErrorCode =
  | 'empty'
  | 'oversized'
  | 'too-few-fields'
  | 'bad-version'
  | 'bad-packet-no'
  | 'bad-command'
  | 'bad-field';

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function fail<T>(code: DecodeErrorCode, message: string): Decoded<T> {
  return { ok: false, error: { code, message } };
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UndecodableText } from '../../../shared/model';
import { BinaryIcon } from '../ui/icons';
import { hexDump } from './raw-bytes';

/**
 * A message whose bytes did not decode: a marker and the raw bytes on demand. Never a lossy
 * rendering of them: mojibake shown as text is what people of the old clients complain about.
 */
export function UndecodableBody({ raw }: { raw: UndecodableText }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const dump = open ? hexDump(raw.rawBase64) : null;
  return (
    <div className="undecodable">
      <p className="undecodable-marker">
        <BinaryIcon size={15} />
        <span>{t('message.undecodable', { encoding: raw.encoding })}</span>
      </p>
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        {open ? t('message.hideRaw') : t('message.showRaw')}
      </button>
      {dump && (
        <pre className="raw-bytes" aria-label={t('message.rawBytes', { count: dump.total })}>
          {dump.lines.join('\n')}
        </pre>
      )}
    </div>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isIpv4, isPort } from '../../../shared/contract';
import { addPeer, notify } from '../store/app-store';
import { Dialog } from '../ui/dialog';
import { Field } from '../ui/field';

/** Add a peer on another subnet: we announce ourselves to its address and it answers. */
export function AddPeerDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [address, setAddress] = useState('');
  const [port, setPort] = useState('2425');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);

  const addressError = isIpv4(address.trim()) ? undefined : t('addPeer.invalidAddress');
  const portNumber = Number(port);
  const portError = isPort(portNumber) && /^\d+$/.test(port) ? undefined : t('addPeer.invalidPort');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (addressError || portError) return;
    setBusy(true);
    const ok = await addPeer(address.trim(), portNumber === 2425 ? undefined : portNumber);
    setBusy(false);
    if (ok) {
      notify('info', t('addPeer.sent', { address: address.trim() }));
      onClose();
    }
  }

  return (
    <Dialog
      title={t('addPeer.title')}
      description={t('addPeer.body')}
      onClose={onClose}
      closeLabel={t('addPeer.cancel')}
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row">
          <Field
            label={t('addPeer.address')}
            error={touched ? addressError : undefined}
            className="grow"
          >
            {(props) => (
              <input
                {...props}
                autoFocus
                inputMode="decimal"
                placeholder="192.168.1.20"
                value={address}
                onChange={(e) => setAddress(e.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
          <Field
            label={t('addPeer.port')}
            error={touched ? portError : undefined}
            className="narrow"
          >
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={port}
                onChange={(e) => setPort(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            {t('addPeer.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('addPeer.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

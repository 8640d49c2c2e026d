import i18next from 'i18next';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { initReactI18next } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../../shared/model';
import { en } from '../i18n/en';
import { AlertIcon, CheckIcon, ClockIcon, UnconfirmedIcon } from '../ui/icons';
import { DeliveryMark } from './delivery-status';

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    interpolation: { escapeValue: false },
  });
});

const html = (node: ReactElement) => renderToStaticMarkup(node);
const mark = (delivery: DeliveryState) => html(<DeliveryMark delivery={delivery} />);
const span = (cls: string, label: string, title: string, icon: ReactElement) =>
  `<span class="delivery ${cls}" role="img" aria-label="${label}" title="${title}">${html(icon)}</span>`;

describe('DeliveryMark', () => {
  it('marks a message on its way with a clock, saying the attempt when retrying', () => {
    const clock = <ClockIcon size={13} />;
    expect(mark({ state: 'queued' })).toBe(span('delivery-pending', 'Sending…', 'Sending…', clock));
    expect(mark({ state: 'sent', attempts: 1 })).toBe(
      span('delivery-pending', 'Sending…', 'Sending…', clock),
    );
    expect(mark({ state: 'sent', attempts: 3 })).toBe(
      span('delivery-pending', 'Sending, attempt 3…', 'Sending, attempt 3…', clock),
    );
  });

  it('marks a delivered message with a check titled Delivered', () => {
    expect(mark({ state: 'delivered', at: 1 })).toBe(
      span('delivery-done', 'Delivered', 'Delivered', <CheckIcon size={14} strokeWidth={2.2} />),
    );
  });

  it('titles the other settled states with the reason, escaped', () => {
    expect(
      mark({
        state: 'unconfirmed',
        at: 1,
        code: 'forged-acks',
        params: { peer: 'Bea <10.0.0.5>', forged: 3 },
      }),
    ).toBe(
      span(
        'delivery-unconfirmed',
        'Unconfirmed',
        'Bea &lt;10.0.0.5&gt; acknowledged it, but 3 acknowledgements for messages never sent to ' +
          'Bea &lt;10.0.0.5&gt; arrived around the same time: someone on the network is forging ' +
          'them, so this acknowledgement proves nothing',
        <UnconfirmedIcon size={14} />,
      ),
    );
    expect(
      mark({
        state: 'outbox',
        since: 1,
        expiresAt: 2,
        code: 'outbox-offline',
        params: { peer: 'Bea', days: 7 },
      }),
    ).toBe(
      span(
        'delivery-outbox',
        'In the outbox',
        'Bea is offline (earlier messages went unanswered): kept in the outbox and sent after ' +
          'them when Bea comes back online at this address (for up to 7 days)',
        <ClockIcon size={13} />,
      ),
    );
    expect(
      mark({
        state: 'failed',
        code: 'no-ack',
        params: { peer: 'Bea', attempts: 5, seconds: 5, port: 2425 },
      }),
    ).toBe(
      span(
        'delivery-failed',
        'Not delivered',
        'no acknowledgement from Bea after 5 attempts in 5 s: they may be offline, or a firewall ' +
          'drops UDP 2425',
        <AlertIcon size={14} />,
      ),
    );
  });

  it('shows nothing for an incoming message', () => {
    expect(html(<DeliveryMark delivery={undefined} />)).toBe('');
  });
});

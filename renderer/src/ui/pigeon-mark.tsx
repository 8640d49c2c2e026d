import { useId } from 'react';

/** Pigeon's icon (build/icon.svg) inline, so it needs no request and scales crisply. */
export function PigeonMark({ size = 40, title }: { size?: number; title?: string }) {
  const gradient = useId();
  return (
    <svg
      width={size}
      height={size}
      viewBox="64 64 896 896"
      role={title ? 'img' : undefined}
      aria-hidden={title ? undefined : true}
      aria-label={title}
    >
      <defs>
        <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor="#4c6ef5" />
          <stop offset="1" stopColor="#364fc7" />
        </linearGradient>
      </defs>
      <rect x="64" y="64" width="896" height="896" rx="200" fill={`url(#${gradient})`} />
      <path
        d="M214 800 C 300 790 360 750 410 690"
        fill="none"
        stroke="#ffffff"
        strokeOpacity="0.55"
        strokeWidth="34"
        strokeLinecap="round"
        strokeDasharray="2 70"
      />
      <polygon points="800,236 206,478 452,578" fill="#ffffff" />
      <polygon points="800,236 452,578 560,818" fill="#ffffff" fillOpacity="0.86" />
      <polygon points="452,578 468,730 540,660" fill="#dbe4ff" />
    </svg>
  );
}

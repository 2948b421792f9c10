/** A small copy-to-clipboard button that confirms with a tick. */
import { useEffect, useState } from 'react';
import { CheckIcon, CopyIcon } from './icons';
import { notices } from '../stores/notices';

/** The Clipboard API needs a secure context; plain http on a LAN falls back to execCommand. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function CopyButton({ text, label, testId }: { text: () => string; label: string; testId?: string }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(false), 1200);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-xs"
      data-testid={testId}
      title={`Copy ${label.toLowerCase()}`}
      onClick={async () => {
        if (await copyText(text())) setDone(true);
        else notices.error('Could not copy to the clipboard');
      }}
    >
      {done ? <CheckIcon /> : <CopyIcon />}
      <span>{done ? 'Copied' : label}</span>
    </button>
  );
}

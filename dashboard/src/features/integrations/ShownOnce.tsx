import { Copy } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../components/ui';

/** A secret the service returns only once: the value, a copy button and the warning. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="mt-1 flex flex-wrap items-center gap-2 text-xs" data-testid="shown-once">
      <span className="font-semibold">{label}</span>
      <code className="break-all rounded bg-slate-100 px-1">{value}</code>
      <Button
        variant="ghost"
        onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true))}
      >
        <Copy size={14} /> {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}

/** The warning above every group of secrets shown once. */
export function OnceWarning() {
  return (
    <p className="text-xs font-semibold text-amber-800">
      Copy these now: they are shown only once and cannot be read again (rotate to get new ones).
    </p>
  );
}

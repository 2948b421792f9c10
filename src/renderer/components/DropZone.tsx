/**
 * Dropping files anywhere on the window imports them. The overlay shows while files are
 * dragged over the window; the element is always in the page (hidden) so tests can
 * dispatch a drop on it.
 */
import { useEffect, useRef, useState } from 'react';
import { importFiles } from '../api/session';
import { UploadIcon } from './icons';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

export function DropZone() {
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setActive(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allow the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (e: DragEvent) => {
      // Never let the browser navigate to a dropped file.
      e.preventDefault();
      depth.current = 0;
      setActive(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) importFiles(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div
      className={`dropzone${active ? ' active' : ''}`}
      data-testid="drop-zone"
      data-active={active || undefined}
      aria-hidden={!active}
    >
      <div className="dropzone-inner">
        <UploadIcon width={40} height={40} />
        <div className="dropzone-title">Drop log files to import</div>
        <div className="dim">Plain text, JSON lines, syslog, access logs, .gz — the format is detected per file.</div>
      </div>
    </div>
  );
}

/** The page's one file input (hidden); buttons anywhere open it with `openFilePicker`. */
let pickerInput: HTMLInputElement | null = null;

export function openFilePicker(): void {
  pickerInput?.click();
}

export function FileInput() {
  return (
    <input
      ref={(el) => {
        pickerInput = el;
      }}
      type="file"
      multiple
      hidden
      data-testid="file-input"
      onChange={(e) => {
        const files = Array.from(e.currentTarget.files ?? []);
        e.currentTarget.value = ''; // choosing the same file again still fires
        if (files.length > 0) importFiles(files);
      }}
    />
  );
}

export function OpenFilesButton({
  className = 'btn',
  label = 'Open files',
  testId,
}: {
  className?: string;
  label?: string;
  testId?: string;
}) {
  return (
    <button type="button" className={className} onClick={openFilePicker} title="Import log files" data-testid={testId}>
      <UploadIcon />
      <span>{label}</span>
    </button>
  );
}

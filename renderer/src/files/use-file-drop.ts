import { useEffect, useState, type RefObject } from 'react';

/** Is this drag carrying files (not text or a link dragged from the page)? */
function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Files dropped anywhere on the conversation around `inside` (its closest `selector`): they go to
 * `onFiles`, and `dragging` says when to show the hint. Text drags are left to the browser.
 */
export function useFileDrop(
  inside: RefObject<HTMLElement | null>,
  selector: string,
  onFiles: ((files: File[]) => void) | null,
): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const zone = inside.current?.closest<HTMLElement>(selector);
    if (!zone || !onFiles) return;
    // dragenter/dragleave fire for every child crossed: count them to know when it really left.
    let depth = 0;
    const set = (on: boolean) => {
      zone.classList.toggle('is-drop-target', on);
      setDragging(on);
    };
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      set(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) set(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      set(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) onFiles(files);
    };
    zone.addEventListener('dragenter', enter);
    zone.addEventListener('dragover', over);
    zone.addEventListener('dragleave', leave);
    zone.addEventListener('drop', drop);
    return () => {
      zone.removeEventListener('dragenter', enter);
      zone.removeEventListener('dragover', over);
      zone.removeEventListener('dragleave', leave);
      zone.removeEventListener('drop', drop);
      zone.classList.remove('is-drop-target');
    };
  }, [inside, selector, onFiles]);
  return dragging;
}

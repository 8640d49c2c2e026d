/// <reference types="vite/client" />
import type { PigeonApi, PigeonFiles } from '../../shared/contract';

// The API the Electron preload (contextBridge) or the browser host's bridge script installs.
// Renderer-only: nothing outside renderer/ may assume a window.
declare global {
  interface Window {
    pigeon?: PigeonApi;
    pigeonFiles?: PigeonFiles;
  }
}

/**
 * The preload: runs sandboxed, before the page, with access to ipcRenderer. It exposes exactly
 * two things and nothing else (no ipcRenderer, no generic send/invoke, no Node):
 * `window.pigeon`, built by the contract's createApi over IPC, and `window.pigeonFiles`, which
 * turns dropped files into picks without showing the page their paths (files-bridge.ts).
 * build.mjs bundles this into one CommonJS file, because a sandboxed preload can require only
 * 'electron'.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createApi } from '../../shared/contract';
import { createPigeonFiles } from './files-bridge';
import { createIpcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld('pigeon', createApi(createIpcTransport(ipcRenderer)));
contextBridge.exposeInMainWorld(
  'pigeonFiles',
  createPigeonFiles(ipcRenderer, (file) => webUtils.getPathForFile(file)),
);
